"""Who may act for an organization, and what an old or crafted button tells someone who may not: a sign-on
after a withdrawal belongs to its new signer alone; a letter or sign-on a person was never shown stays unnamed."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot import ids
from db.enums import SignatoryStatus
from db.models import Letter, Signatory, SignatoryContact
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import create_letter, db_session, message_text, sign_on, signatories, wait_for_receipts
from tests.e2e.test_security import send, settle, told, views_opened_for
from tests.fuzz.crafted import block_action


def last_dm(app: RunningApp, user_id: str) -> tuple[str, str]:
    """(channel, ts) of the newest DM the app sent this person: a real message for a button to sit on."""
    message = app.fake.wait_until(lambda: app.fake.dm_messages(user_id))[-1]
    return message["channel"], message["ts"]


def signed_and_withdrawn(
    app: RunningApp, user_id: str, letter_id: int, channel: str, org_name: str, email: str
) -> Signatory:
    """``user_id`` signs ``org_name`` and withdraws it with the receipt's button."""
    sign_on(app, user_id, letter_id, channel, org_name, email=email)
    wait_for_receipts(app, letter_id)
    [org] = signatories(app.database_url, letter_id)
    send(app, block_action(app.fake, user_id, ids.WITHDRAW_SIGNATURE, str(org.id), message=last_dm(app, user_id)))
    app.fake.wait_until(lambda: not signatories(app.database_url, letter_id))
    return org


def test_a_signer_who_withdrew_cannot_act_for_the_organizations_new_sign_on(
    app: RunningApp, coalition: Coalition
) -> None:
    """A signs Org Three and withdraws; B signs Org Three again (the same row, B now its signer). A's old
    receipt buttons must neither show B's details nor withdraw B's sign-on."""
    fake = app.fake
    letter_id = create_letter(app, coalition)
    first, second = coalition.members[0], coalition.members[1]
    org = signed_and_withdrawn(app, first, letter_id, coalition.public, "Org Three", "a@orgthree.org")

    sign_on(app, second, letter_id, coalition.public, "org three", name="Bea Second", email="bea@private.example")
    fake.wait_until(lambda: signatories(app.database_url, letter_id))
    [again] = signatories(app.database_url, letter_id)
    assert again.id == org.id and again.signer_user_id == second
    settle(fake)

    # The former signer presses Edit (an old receipt's button, or crafted): B's personal details must not show.
    send(app, block_action(fake, first, ids.EDIT_SIGNATURE, str(org.id), message=last_dm(app, first)))
    settle(fake)
    edit_views = [v for v in views_opened_for(fake, first) if v.get("callback_id") == ids.SIGNON_EDIT_MODAL]
    assert not any("bea@private.example" in json.dumps(v) for v in edit_views), "B's email shown to A"

    # ... and Withdraw: B's signature must stay on the letter.
    send(app, block_action(fake, first, ids.WITHDRAW_SIGNATURE, str(org.id), message=last_dm(app, first)))
    settle(fake)
    [row] = signatories(app.database_url, letter_id, status=None)
    assert row.status == SignatoryStatus.ACTIVE, f"B's sign-on was {row.status} by {row.withdrawn_by}"


def test_a_delegate_of_the_former_signer_cannot_act_for_the_new_sign_on(app: RunningApp, coalition: Coalition) -> None:
    """The same through a delegate: A lets D act, A withdraws, B signs again; D may no longer withdraw it."""
    fake = app.fake
    letter_id = create_letter(app, coalition)
    first, delegate, second = coalition.members[0], coalition.members[2], coalition.members[1]
    sign_on(app, first, letter_id, coalition.public, "Org Four", email="a@orgfour.org")
    wait_for_receipts(app, letter_id)
    [org] = signatories(app.database_url, letter_id)
    send(app, block_action(fake, first, ids.LET_ACT, f"{org.id}:{delegate}", message=last_dm(app, first)))

    def delegated() -> bool:
        with db_session(app.database_url) as session:
            row = session.execute(
                select(SignatoryContact).where(
                    SignatoryContact.signatory_id == org.id, SignatoryContact.user_id == delegate
                )
            ).scalar_one_or_none()
            return bool(row and row.may_act)

    fake.wait_until(delegated)
    send(app, block_action(fake, first, ids.WITHDRAW_SIGNATURE, str(org.id), message=last_dm(app, first)))
    fake.wait_until(lambda: not signatories(app.database_url, letter_id))
    sign_on(app, second, letter_id, coalition.public, "Org Four", name="Bea Second", email="bea@orgfour.org")
    fake.wait_until(lambda: signatories(app.database_url, letter_id))
    settle(fake)

    send(app, block_action(fake, delegate, ids.WITHDRAW_SIGNATURE, str(org.id), message=last_dm(app, delegate)))
    settle(fake)
    [row] = signatories(app.database_url, letter_id, status=None)
    assert row.status == SignatoryStatus.ACTIVE, f"B's sign-on was {row.status} by {row.withdrawn_by}"


def test_stop_reminders_does_not_reveal_a_letter_the_member_cannot_see(app: RunningApp, coalition: Coalition) -> None:
    """A letter posted only to #steering (private); a member outside it presses a crafted "Stop reminders"
    naming it: the answer must not quote its title."""
    fake = app.fake
    letter_id = create_letter(app, coalition, title="Steering Eyes Only Strategy", channels=[coalition.private])
    with db_session(app.database_url) as session:
        assert session.get(Letter, letter_id) is not None
    outsider = coalition.members[1]
    settle(fake)
    before = len(told(fake, outsider))
    for action_id in (ids.STOP_REMINDERS, ids.ORG_ALREADY_SIGNED):
        send(app, block_action(fake, outsider, action_id, str(letter_id), message=(coalition.public, "1.0")))
    settle(fake)
    said = "\n".join(told(fake, outsider)[before:])
    assert "Steering Eyes Only Strategy" not in said, said


def test_ask_to_act_needs_a_recorded_contact_and_a_visible_letter(app: RunningApp, coalition: Coalition) -> None:
    """A crafted "Ask to be added" from someone never recorded for the organization (and outside the letter's
    channel) must not reach the signer, whose request would carry a one-click "Let them"."""
    fake = app.fake
    letter_id = create_letter(app, coalition, title="Steering Sign-On", channels=[coalition.private])
    signer, outsider = coalition.members[0], coalition.members[3]
    sign_on(app, signer, letter_id, coalition.private, "Org Five", email="a@orgfive.org")
    wait_for_receipts(app, letter_id)
    [org] = signatories(app.database_url, letter_id)
    settle(fake)
    send(app, block_action(fake, outsider, ids.ASK_TO_ACT, str(org.id), message=(coalition.public, "1.0")))
    settle(fake)
    asked = [m for m in fake.dm_messages(signer) if "asks to be able" in message_text(m)]
    assert not asked, message_text(asked[-1])


def test_old_buttons_on_a_withdrawn_sign_on_tell_an_outsider_nothing(app: RunningApp, coalition: Coalition) -> None:
    """Keep / Edit naming a sign-on that is no longer active: who may act is checked before its state is
    told, so an outsider learns neither the organization nor the title of a letter they cannot see."""
    fake = app.fake
    letter_id = create_letter(app, coalition, title="Steering Withdrawn Plan", channels=[coalition.private])
    signer, outsider = coalition.members[0], coalition.members[3]
    org = signed_and_withdrawn(app, signer, letter_id, coalition.private, "Org Six Secretive", "a@orgsix.org")
    settle(fake)
    before = len(told(fake, outsider))
    for action_id in (ids.KEEP_SIGNATURE, ids.EDIT_SIGNATURE):
        send(app, block_action(fake, outsider, action_id, str(org.id), message=(coalition.public, "1.0")))
    settle(fake)
    seen = "\n".join(told(fake, outsider)[before:]) + json.dumps(views_opened_for(fake, outsider))
    assert "Steering Withdrawn Plan" not in seen and "Org Six Secretive" not in seen, seen
