"""Coordinator buttons (App Home, pickers, review queue). Each re-checks who pressed it.

Docs: https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks.common import notice
from bot.flows import coordinating, exporting, home, signing
from bot.listeners.followups import acknowledge
from bot.listeners.values import action_value, ints
from bot.runtime import Runtime
from bot.services import coordinators, signons
from bot.services import letters as letter_service
from bot.services.signons import Actor, Merged, Withdrawn
from bot.timeutil import utcnow
from db.models import Signatory


def _tell(respond: Respond, body: dict[str, Any], client: WebClient, text: str, *, quoting: bool = False) -> None:
    """``quoting`` when the text quotes organization names: then it is shown as plain text."""
    message = notice(text) if quoting else {"text": text}
    if body.get("response_url"):
        respond(**message, response_type="ephemeral", replace_original=False)
    else:
        client.chat_postMessage(channel=body["user"]["id"], **message)


def register(app: App, runtime: Runtime) -> None:
    def managed_letter(
        body: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
        letter_id: int | None,
        action: str,
    ) -> int | None:
        """The letter, if it exists in this workspace and the person pressing may manage it (else a refusal)."""
        with runtime.db.read() as session:
            letter = letter_service.get_letter(session, letter_id, context.team_id) if letter_id else None
        if letter is None:
            return None
        if not coordinators.can_manage(runtime, client, body["user"]["id"], letter.id):
            _tell(respond, body, client, coordinating.refusal(runtime, action, letter_id=letter.id))
            return None
        return letter.id

    def letter_for_coordinator(
        body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext, action: str
    ) -> int | None:
        parsed = ints(action_value(body).split(":")[0], 1)
        return managed_letter(body, client, respond, context, parsed[0] if parsed else None, action)

    def signatories_for_coordinator(
        body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext, count: int, action: str
    ) -> tuple[int, ...] | None:
        """Signatory ids from a button value, if the first one's letter is one the person may manage."""
        parsed = ints(action_value(body), count)
        if parsed is None:
            return None
        with runtime.db.read() as session:
            signatory = session.get(Signatory, parsed[0])
            letter_id = signatory.letter_id if signatory else None
        return parsed if managed_letter(body, client, respond, context, letter_id, action) else None

    def edit_letter(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
        letter_id = letter_for_coordinator(body, client, respond, context, "edit this letter")
        if letter_id is not None:
            coordinating.open_edit_modal(runtime, client, body["trigger_id"], body["user"]["id"], letter_id)

    def close_letter(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
        letter_id = letter_for_coordinator(body, client, respond, context, "close this letter")
        if letter_id is not None:
            _tell(respond, body, client, coordinating.close(runtime, body["user"]["id"], letter_id))
            home.publish(runtime, client, body["user"]["id"], context.team_id or "")

    def reopen_letter(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
        letter_id = letter_for_coordinator(body, client, respond, context, "reopen this letter")
        if letter_id is not None:
            coordinating.start_reopen(
                runtime,
                client,
                body["trigger_id"],
                body["user"]["id"],
                letter_id,
                lambda text: _tell(respond, body, client, text),
            )
            home.publish(runtime, client, body["user"]["id"], context.team_id or "")

    def export_letter(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
        letter_id = letter_for_coordinator(body, client, respond, context, "export signatories")
        if letter_id is None:
            return
        fmt = action_value(body).partition(":")[2] or "all"
        _tell(
            respond,
            body,
            client,
            f":hourglass_flowing_sand: Preparing the export of #{letter_id}; it will arrive in a direct message.",
        )
        exporting.deliver_export(
            runtime, client, body["user"]["id"], letter_id, fmt if fmt in ("text", "csv") else "all"
        )

    def review_merge(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
        parsed = signatories_for_coordinator(body, client, respond, context, 2, "merge organizations")
        if parsed is None:
            return
        user_id = body["user"]["id"]
        outcome = runtime.db.transaction(
            lambda s: signons.merge(
                s, source_id=parsed[0], target_id=parsed[1], actor=Actor(user_id), now=utcnow(), is_coordinator=True
            )
        )
        if isinstance(outcome, Merged):
            _tell(
                respond,
                body,
                client,
                f":link: Merged “{outcome.source_name}” into “{outcome.target_name}”.",
                quoting=True,
            )
        else:
            _tell(respond, body, client, "Those can no longer be merged (withdrawn or already merged).")
        home.publish(runtime, client, user_id, context.team_id or "")

    def review_dismiss(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
        parsed = signatories_for_coordinator(body, client, respond, context, 1, "review duplicates")
        if parsed is None:
            return
        user_id = body["user"]["id"]
        runtime.db.transaction(
            lambda s: signons.dismiss_duplicate(s, signatory_id=parsed[0], actor=Actor(user_id), now=utcnow())
        )
        _tell(respond, body, client, "Marked as different organizations.")
        home.publish(runtime, client, user_id, context.team_id or "")

    def remove_signatory(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
        parsed = signatories_for_coordinator(body, client, respond, context, 1, "remove signatories")
        if parsed is None:
            return
        user_id = body["user"]["id"]
        outcome = signing.withdraw_signature(
            runtime, client, user_id, parsed[0], context.team_id or "", reason="removed"
        )
        if isinstance(outcome, Withdrawn):
            _tell(
                respond,
                body,
                client,
                f":wastebasket: Removed {outcome.org_name} from “{outcome.letter_title}”.",
                quoting=True,
            )
        else:
            _tell(respond, body, client, signing.withdrawal_text(outcome), quoting=True)
        home.publish(runtime, client, user_id, context.team_id or "")

    def refresh_home(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        home.publish(runtime, client, body["user"]["id"], context.team_id or "")

    app.action(ids.EDIT_LETTER)(ack=acknowledge, lazy=[edit_letter])
    app.action(ids.CLOSE_LETTER)(ack=acknowledge, lazy=[close_letter])
    app.action(ids.REOPEN_LETTER)(ack=acknowledge, lazy=[reopen_letter])
    app.action(ids.EXPORT_LETTER)(ack=acknowledge, lazy=[export_letter])
    app.action(ids.REVIEW_MERGE)(ack=acknowledge, lazy=[review_merge])
    app.action(ids.REVIEW_DISMISS)(ack=acknowledge, lazy=[review_dismiss])
    app.action(ids.REMOVE_SIGNATORY)(ack=acknowledge, lazy=[remove_signatory])
    app.action(ids.HOME_REFRESH)(ack=acknowledge, lazy=[refresh_home])
