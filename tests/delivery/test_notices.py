"""The notice a signer gets when a coordinator removed (or merged) their organization goes out once: a process
that stopped mid-send leaves a claim that another resolves by looking for the notice's marker in the DM."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery import refreshes
from bot.runtime import Runtime
from bot.services.outcomes import Actor
from bot.services.signing import signing
from bot.services.signing.form import SignOnForm
from bot.slack.sending import open_dm
from bot.timeutil import utcnow
from db.enums import DeliveryStatus
from db.models import SignatoryNotice
from tests.delivery.test_stopped_claims import STOPPED, runtime
from tests.fakeslack import FakeSlack
from tests.services.conftest import NOW, TEAM, new_letter

__all__ = ["runtime"]


def _removed_by(runtime: Runtime, signer: str, coordinator: str) -> int | None:
    """The notice owed to ``signer`` once ``coordinator`` removed their organization, if any."""

    def work(session: Session) -> int | None:
        letter_id = new_letter(session)
        signed = signing.sign_on(
            session,
            letter_id=letter_id,
            form=SignOnForm("Casa del Pueblo", name="Ana Pérez", title="Director", email="ana@casa.org"),
            actor=Actor(signer, TEAM),
            source="slash_command",
            source_channel_id=None,
            now=NOW,
            team_id=TEAM,
        )
        assert isinstance(signed, signing.Signed)
        signing.withdraw(
            session,
            signatory_id=signed.signatory_id,
            actor=Actor(coordinator),
            now=NOW,
            is_coordinator=True,
            reason="removed",
        )
        return session.execute(select(SignatoryNotice.id)).scalar_one_or_none()

    return runtime.db.transaction(work)


def _stopped_mid_send(runtime: Runtime, notice_id: int) -> None:
    def work(session: Session) -> None:
        notice = session.get(SignatoryNotice, notice_id)
        assert notice is not None
        notice.status, notice.claimed_by = DeliveryStatus.CLAIMED, STOPPED
        notice.lease_until, notice.attempts = utcnow() - timedelta(minutes=1), 1

    runtime.db.transaction(work)


def _notices_in_dm(fake: FakeSlack, user_id: str) -> list[dict[str, object]]:
    return [
        m for m in fake.dm_messages(user_id) if (m.get("metadata") or {}).get("event_type") == refreshes.NOTICE_EVENT
    ]


@pytest.mark.parametrize("posted_before_the_stop", [True, False])
def test_a_stopped_notice_is_sent_once(runtime: Runtime, fake: FakeSlack, posted_before_the_stop: bool) -> None:
    signer = fake.add_user(name="ana")["id"]
    coordinator = fake.add_user(name="cora")["id"]
    notice_id = _removed_by(runtime, signer, coordinator)
    assert notice_id is not None
    _stopped_mid_send(runtime, notice_id)
    if posted_before_the_stop:
        client = runtime.client(TEAM)
        channel = open_dm(client, signer)
        client.chat_postMessage(channel=channel, text="notice", metadata=refreshes.marker_of(notice_id).metadata())

    refreshes.deliver_notices(runtime)
    refreshes.deliver_notices(runtime)

    assert len(_notices_in_dm(fake, signer)) == 1
    with runtime.db.read() as session:
        notice = session.get(SignatoryNotice, notice_id)
        assert notice is not None and notice.status == DeliveryStatus.SENT and notice.ts


def test_nobody_is_told_about_their_own_change(runtime: Runtime, fake: FakeSlack) -> None:
    signer = fake.add_user(name="ana")["id"]
    assert _removed_by(runtime, signer, signer) is None
