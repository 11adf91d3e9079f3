from slack_bolt import App

from bot import ids
from bot.listeners.followups import run_follow_ups
from bot.listeners.middleware import manages_letter_from_view, may_start_letters
from bot.listeners.views import delivery, letters, signing


def register(app: App) -> None:
    app.view(ids.SIGNON_MODAL)(signing.submit_signon)
    app.view(ids.SIGNON_EDIT_MODAL)(ack=signing.submit_edit, lazy=[run_follow_ups])
    app.view(ids.WITHDRAW_MODAL)(ack=signing.submit_withdraw, lazy=[run_follow_ups])
    app.view(ids.LETTER_NEW_MODAL, middleware=[may_start_letters])(ack=letters.submit_new, lazy=[run_follow_ups])
    app.view(ids.LETTER_EDIT_MODAL, middleware=[manages_letter_from_view])(
        ack=letters.submit_edit, lazy=[run_follow_ups]
    )
    app.view(ids.LETTER_REOPEN_MODAL, middleware=[manages_letter_from_view])(letters.submit_reopen)
    app.view(ids.DELIVERY_MODAL, middleware=[manages_letter_from_view])(
        ack=delivery.submit_delivery, lazy=[run_follow_ups]
    )
    app.view(ids.RESPONSE_MODAL, middleware=[manages_letter_from_view])(delivery.submit_response)
