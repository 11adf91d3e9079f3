"""What people do in Slack, as steps the end-to-end tests share: draft a letter, press Sign on, fill the form."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from db.models import ChannelPost, Letter, Signatory
from tests.conftest import Coalition, RunningApp
from tests.fakeslack import DriverResponse, FakeSlack

PARAGRAPH = (
    "Our coalition of immigrant, civil rights, faith and labor organizations writes to urge you to reject any "
    "proposal that would expand detention, curtail due process or separate families. Communities in every state "
    "depend on fair hearings, access to counsel and humane treatment; the evidence is clear that detention "
    "without individual review harms children, workers and the economy alike."
)


def letter_text(length: int = 6000) -> str:
    """A realistic letter: paragraphs, a numbered list, a closing; about ``length`` characters."""
    parts = ["Dear Majority Leader and Minority Leader,"]
    number = 1
    while sum(len(p) + 2 for p in parts) < length - 400:
        parts.append(PARAGRAPH)
        parts.append(
            "\n".join(
                f"{number + i}. We ask that Congress {verb}."
                for i, verb in enumerate(
                    [
                        "fund legal representation for every child",
                        "end the use of for-profit detention",
                        "restore asylum access at ports of entry",
                    ]
                )
            )
        )
        number += 3
    parts.append("Thank you for your attention to these urgent concerns. We look forward to your response.")
    parts.append("Sincerely,")
    return "\n\n".join(parts)


@contextmanager
def db_session(database_url: str) -> Iterator[Session]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def wait_for_modal(fake: FakeSlack, user_id: str, callback_id: str, timeout: float = 20.0) -> dict[str, Any]:
    """The person's top modal once it is ``callback_id``.

    The wait is long because a loaded machine (the suite runs in several processes on few cores) can take
    seconds to schedule the app's work after the acknowledgement; it checks nothing less for it: the fake still
    refuses a views.open later than the trigger's 3 s, so an app that is late still fails here.
    """

    def ready() -> dict[str, Any] | None:
        view = fake.top_view(user_id)
        return view if view and view.get("callback_id") == callback_id else None

    return fake.wait_until(ready, timeout=timeout)


def local_deadline(days: int = 7, hour: str = "17:00") -> tuple[date, str]:
    return (datetime.now(ZoneInfo("America/Chicago")) + timedelta(days=days)).date(), hour


def letter_values(
    *,
    title: str,
    text: str,
    deadline: tuple[date, str],
    channels: Sequence[str],
    leads: str = "",
    reminders: str = "72h, 24h, 2h",
    cocoordinators: Sequence[str] = (),
) -> dict[str, dict[str, Any]]:
    chunks = [text[i : i + 3000] for i in range(0, len(text), 3000)] if len(text) > 3000 else [text]
    # Split at paragraph breaks as the modal's hint asks.
    if len(text) > 3000:
        chunks, current = [], ""
        for paragraph in text.split("\n\n"):
            if len(current) + len(paragraph) + 2 > 3000:
                chunks.append(current)
                current = paragraph
            else:
                current = f"{current}\n\n{paragraph}" if current else paragraph
        chunks.append(current)
    values: dict[str, dict[str, Any]] = {
        "letter_title": {"letter_title": title},
        "deadline_date": {"deadline_date": deadline[0]},
        "deadline_time": {"deadline_time": deadline[1]},
        "channels": {"channels": list(channels)},
        "lead_orgs": {"lead_orgs": leads or None},
        "reminders": {"reminders": reminders or None},
        "cocoordinators": {"cocoordinators": list(cocoordinators)},
    }
    for index in range(4):
        values[f"letter_text_{index + 1}"] = {"letter_text": chunks[index] if index < len(chunks) else None}
    return values


def open_new_letter(app: RunningApp, coordinator: str, channel: str) -> DriverResponse:
    response = app.driver.slash_command(coordinator, "/signon", "new", channel_id=channel)
    assert response.ok, response.body
    wait_for_modal(app.fake, coordinator, "letter_new_submit")
    return response


def create_letter(
    app: RunningApp,
    coalition: Coalition,
    *,
    title: str = "Protect Due Process Now",
    text: str | None = None,
    channels: Sequence[str] | None = None,
    leads: str = "",
    reminders: str = "72h, 24h, 2h",
    deadline: tuple[date, str] | None = None,
    cocoordinators: Sequence[str] = (),
) -> int:
    """A coordinator drafts and posts a letter; returns its id once every post is out."""
    channels = list(channels if channels is not None else [coalition.public])
    open_new_letter(app, coalition.coordinator, coalition.public)
    response = app.driver.submit_view(
        coalition.coordinator,
        values=letter_values(
            title=title,
            text=text or letter_text(),
            deadline=deadline or local_deadline(),
            channels=channels,
            leads=leads,
            reminders=reminders,
            cocoordinators=cocoordinators,
        ),
    )
    assert response.ok and not response.errors, response.errors
    with db_session(app.database_url) as session:
        letter = (
            session.execute(select(Letter).where(Letter.title == title).order_by(Letter.id.desc())).scalars().first()
        )
        assert letter is not None
        letter_id = letter.id

    def settled() -> bool:
        with db_session(app.database_url) as session:
            states = (
                session.execute(select(ChannelPost.status).where(ChannelPost.letter_id == letter_id)).scalars().all()
            )
            return len(states) == len(channels) and all(s not in ("pending", "posting") for s in states)

    app.fake.wait_until(settled, timeout=10)
    return letter_id


def post_of(app: RunningApp, letter_id: int, channel: str) -> tuple[str, str]:
    with db_session(app.database_url) as session:
        post = session.execute(
            select(ChannelPost).where(ChannelPost.letter_id == letter_id, ChannelPost.channel_id == channel)
        ).scalar_one()
        assert post.ts, f"not posted: {post.status} {post.error}"
        return channel, post.ts


def signon_values(
    org: str,
    *,
    name: str = "Ana Pérez",
    title: str = "Executive Director",
    email: str = "ana@org.org",
    city: str | None = "Houston, TX",
    org_type: str | None = None,
    note: str | None = None,
    authorized: bool = True,
) -> dict[str, dict[str, Any]]:
    return {
        "org": {"org_name": org},
        "name": {"person_name": name},
        "title": {"person_title": title},
        "email": {"email": email},
        "city": {"city_state": city},
        "org_type": {"org_type": org_type},
        "authorized": {"authorized": ["yes"] if authorized else []},
        "note": {"note": note},
    }


def open_signon_from_post(app: RunningApp, user_id: str, letter_id: int, channel: str) -> dict[str, Any]:
    response = app.driver.click(user_id, "sign_on", message=post_of(app, letter_id, channel))
    assert response.ok
    return wait_for_modal(app.fake, user_id, "signon_submit")


def sign_on(app: RunningApp, user_id: str, letter_id: int, channel: str, org: str, **fields: Any) -> DriverResponse:
    """A member presses Sign on in the channel and submits the form."""
    open_signon_from_post(app, user_id, letter_id, channel)
    return app.driver.submit_view(user_id, values=signon_values(org, **fields))


def signatories(database_url: str, letter_id: int, status: str | None = "active") -> list[Signatory]:
    with db_session(database_url) as session:
        query = select(Signatory).where(Signatory.letter_id == letter_id).order_by(Signatory.id)
        if status:
            query = query.where(Signatory.status == status)
        rows = list(session.execute(query).scalars())
        session.expunge_all()
        return rows


def message_text(message: dict[str, Any]) -> str:
    """Everything a message shows, as one string (for assertions)."""
    return json.dumps({"text": message.get("text"), "blocks": message.get("blocks")}, ensure_ascii=False)


def set_deadline(database_url: str, letter_id: int, deadline: datetime) -> None:
    """Move a letter's deadline directly in the database (time control for tests: no minute-long waits)."""
    with db_session(database_url) as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        letter.deadline_at = deadline
        letter.updated_at = datetime.now(UTC)
        session.commit()


def reply(response: DriverResponse) -> str:
    """What the person sees from a command's acknowledgement: Bolt sends plain text or JSON."""
    return json.dumps(response.json, ensure_ascii=False) if response.json is not None else response.body


def wait_for_receipts(app: RunningApp, letter_id: int, timeout: float = 20.0) -> None:
    """Receipts (and their near-duplicate check) follow sign-ons from a background job: wait for them."""

    def settled() -> bool:
        with db_session(app.database_url) as session:
            waiting = session.execute(
                select(Signatory.id).where(
                    Signatory.letter_id == letter_id, Signatory.receipt_status.in_(("pending", "claimed"))
                )
            ).first()
        return waiting is None

    app.fake.wait_until(settled, timeout=timeout)


def home_view_of(app: RunningApp, user_id: str) -> dict[str, Any]:
    """Open the App Home tab as ``user_id`` and return the view the app published for it."""
    before = len(app.fake.calls("views.publish"))
    app.driver.app_home_opened(user_id)
    # Other people's tabs may be published meanwhile (a count moved): wait for this person's.
    app.fake.wait_until(
        lambda: [c for c in app.fake.calls("views.publish")[before:] if c.params.get("user_id") == user_id]
    )
    view = app.fake.home_view(user_id)
    assert view is not None
    return view


def close_letter(app: RunningApp, coordinator: str, letter_id: int, channel: str) -> str:
    """``/signon close <letter>`` asks first: the coordinator presses Close under the question (Slack's dialog is
    confirmed); returns what the app answered."""
    before = len(app.fake.ephemerals(coordinator))
    response = app.driver.slash_command(coordinator, "/signon", f"close {letter_id}", channel_id=channel)
    assert response.ok, response.body
    question = app.fake.wait_until(
        lambda: [e for e in app.fake.ephemerals(coordinator)[before:] if "close_letter" in json.dumps(e)]
    )[-1]
    app.driver.click(coordinator, "close_letter", message=(question["channel"], question["ts"]))

    def answered() -> str | None:
        shown = [e for e in app.fake.ephemerals(coordinator) if e["ts"] == question["ts"]]
        text = message_text(shown[-1]) if shown else ""
        return text if text and "close_letter" not in text else None

    return app.fake.wait_until(answered)
