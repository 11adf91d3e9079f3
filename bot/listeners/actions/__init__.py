from slack_bolt import App

from bot import ids
from bot.listeners.actions import language, letters, reminders, signing
from bot.listeners.followups import acknowledge
from bot.listeners.middleware import manages_letter_from_button

# Coordinator buttons: the middleware checks the workspace and who pressed it before the handler runs.
COORDINATOR = [manages_letter_from_button]


def register(app: App) -> None:
    app.action(ids.SIGN_ON_BUTTON)(ack=acknowledge, lazy=[signing.sign_on_button])
    app.action(ids.SIGN_FOR_ANOTHER)(ack=acknowledge, lazy=[signing.sign_for_another])
    app.action(ids.READ_LETTER_BUTTON)(ack=acknowledge, lazy=[signing.read_letter_button])
    app.action(ids.READ_IN_LANGUAGE)(ack=acknowledge, lazy=[signing.read_in_language])
    app.action(ids.PICK_LETTER)(ack=acknowledge, lazy=[signing.pick_letter])
    app.action(ids.EDIT_SIGNATURE)(ack=acknowledge, lazy=[signing.edit_signature])
    app.action(ids.WITHDRAW_SIGNATURE)(ack=acknowledge, lazy=[signing.withdraw_signature])
    app.action(ids.WITHDRAW_AFTER_CHANGE)(ack=acknowledge, lazy=[signing.withdraw_signature])
    app.action(ids.KEEP_SIGNATURE)(ack=acknowledge, lazy=[signing.keep_signature])
    app.action(ids.CONFIRM_MERGE)(ack=acknowledge, lazy=[signing.confirm_merge])
    app.action(ids.DECLINE_MERGE)(ack=acknowledge, lazy=[signing.decline_merge])
    app.action(ids.ASK_TO_ACT)(ack=acknowledge, lazy=[signing.ask_to_act])
    app.action(ids.LET_ACT)(ack=acknowledge, lazy=[signing.let_act])
    app.action(ids.EDIT_LETTER, middleware=COORDINATOR)(ack=acknowledge, lazy=[letters.edit_letter])
    app.action(ids.CLOSE_LETTER, middleware=COORDINATOR)(ack=acknowledge, lazy=[letters.close_letter])
    app.action(ids.REOPEN_LETTER, middleware=COORDINATOR)(ack=acknowledge, lazy=[letters.reopen_letter])
    app.action(ids.EXPORT_LETTER, middleware=COORDINATOR)(ack=letters.record_export, lazy=[letters.export_letter])
    app.action(ids.REVIEW_MERGE, middleware=COORDINATOR)(ack=acknowledge, lazy=[letters.review_merge])
    app.action(ids.REVIEW_DISMISS, middleware=COORDINATOR)(ack=acknowledge, lazy=[letters.review_dismiss])
    app.action(ids.REVIEW_UNMERGE, middleware=COORDINATOR)(ack=acknowledge, lazy=[letters.review_unmerge])
    app.action(ids.REMOVE_SIGNATORY, middleware=COORDINATOR)(ack=acknowledge, lazy=[letters.remove_signatory])
    app.action(ids.REMIND_UNCONFIRMED, middleware=COORDINATOR)(ack=acknowledge, lazy=[letters.remind_unconfirmed])
    app.action(ids.APPROVE_WEB, middleware=COORDINATOR)(ack=acknowledge, lazy=[letters.approve_web])
    app.action(ids.REJECT_WEB, middleware=COORDINATOR)(ack=acknowledge, lazy=[letters.reject_web])
    app.action(ids.HOME_REFRESH)(ack=acknowledge, lazy=[letters.refresh_home])
    app.action(ids.CHOOSE_LANGUAGE)(ack=acknowledge, lazy=[language.choose_language])
    app.action(ids.STOP_REMINDERS)(ack=acknowledge, lazy=[reminders.mute])
    app.action(ids.ORG_ALREADY_SIGNED)(ack=acknowledge, lazy=[reminders.mute])
