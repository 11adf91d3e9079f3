"""Every Slack identifier the app owns: callback_ids, action_ids and block_ids.

Builders and listener registrations both import from here, so a renamed id cannot silently break a
listener.
"""

COMMAND = "/signon"

# Views (callback_id)
SIGNON_MODAL = "signon_submit"
SIGNON_EDIT_MODAL = "signon_edit_submit"
LETTER_PICKER_MODAL = "letter_picker"
LOADING_MODAL = "loading"
LETTER_NEW_MODAL = "letter_new_submit"
LETTER_EDIT_MODAL = "letter_edit_submit"
LETTER_READ_MODAL = "letter_read"
LETTER_REOPEN_MODAL = "letter_reopen_submit"
WITHDRAW_MODAL = "withdraw_submit"
DELIVERY_MODAL = "delivery_submit"
RESPONSE_MODAL = "response_submit"
INFO_MODAL = "info"

# Actions (action_id)
SIGN_ON_BUTTON = "sign_on"
SIGN_FOR_ANOTHER = "sign_for_another"
READ_LETTER_BUTTON = "read_letter"
PICK_LETTER = "pick_letter"
EDIT_SIGNATURE = "edit_signature"
WITHDRAW_SIGNATURE = "withdraw_signature"
CONFIRM_MERGE = "confirm_merge"
DECLINE_MERGE = "decline_merge"
REVIEW_MERGE = "review_merge"
REVIEW_DISMISS = "review_dismiss"
REMOVE_SIGNATORY = "remove_signatory"
REVIEW_UNMERGE = "review_unmerge"
REMIND_UNCONFIRMED = "remind_unconfirmed"
KEEP_SIGNATURE = "keep_signature"
ASK_TO_ACT = "ask_to_act"
LET_ACT = "let_act"
WITHDRAW_AFTER_CHANGE = "withdraw_after_change"
STOP_REMINDERS = "stop_reminders"
ORG_ALREADY_SIGNED = "org_already_signed"
EDIT_LETTER = "edit_letter"
CLOSE_LETTER = "close_letter"
REOPEN_LETTER = "reopen_letter"
EXPORT_LETTER = "export_letter"
HOME_REFRESH = "home_refresh"
APPROVE_WEB = "approve_web_signon"
REJECT_WEB = "reject_web_signon"
READ_IN_LANGUAGE = "read_in_language"
CHOOSE_LANGUAGE = "choose_language"
HOME_LANGUAGE_BLOCK = "home_language"

# Sign-on form (block_id / action_id pairs; the block_id is where inline errors appear)
ORG_BLOCK, ORG_INPUT = "org", "org_name"
NAME_BLOCK, NAME_INPUT = "name", "person_name"
TITLE_BLOCK, TITLE_INPUT = "title", "person_title"
EMAIL_BLOCK, EMAIL_INPUT = "email", "email"
CITY_BLOCK, CITY_INPUT = "city", "city_state"
ORG_TYPE_BLOCK, ORG_TYPE_INPUT = "org_type", "org_type"
AUTHORIZED_BLOCK, AUTHORIZED_INPUT = "authorized", "authorized"
AUTHORIZED_VALUE = "yes"
NOTE_BLOCK, NOTE_INPUT = "note", "note"
PICKER_BLOCK = "letter"

# Letter form
LETTER_TITLE_BLOCK, LETTER_TITLE_INPUT = "letter_title", "letter_title"
LETTER_TEXT_BLOCK, LETTER_TEXT_INPUT = "letter_text", "letter_text"
DEADLINE_DATE_BLOCK, DEADLINE_DATE_INPUT = "deadline_date", "deadline_date"
DEADLINE_TIME_BLOCK, DEADLINE_TIME_INPUT = "deadline_time", "deadline_time"
CHANNELS_BLOCK, CHANNELS_INPUT = "channels", "channels"
LEADS_BLOCK, LEADS_INPUT = "lead_orgs", "lead_orgs"
REMINDERS_BLOCK, REMINDERS_INPUT = "reminders", "reminders"
COCOORDINATORS_BLOCK, COCOORDINATORS_INPUT = "cocoordinators", "cocoordinators"
SUBSTANTIVE_BLOCK, SUBSTANTIVE_INPUT = "substantive", "substantive"
SUBSTANTIVE_VALUE = "substantive"
AUDIENCE_BLOCK, AUDIENCE_INPUT = "audience", "audience"
WHOLE_WORKSPACE_VALUE = "whole_workspace"
# The letter's public sign-on page (on, list shown, approval required) and its contact line.
WEB_BLOCK, WEB_INPUT = "web_page", "web_page"
WEB_ENABLED_VALUE, WEB_LIST_VALUE, WEB_APPROVAL_VALUE = "web_enabled", "web_show_list", "web_require_approval"
WEB_CONTACT_BLOCK = WEB_CONTACT_INPUT = "web_contact"
CHANGE_NOTE_BLOCK, CHANGE_NOTE_INPUT = "change_note", "change_note"
LETTER_LANGUAGE_BLOCK, LETTER_LANGUAGE_INPUT = "letter_language", "letter_language"
TRANSLATION_TITLE_BLOCK, TRANSLATION_TITLE_INPUT = "translation_title", "translation_title"
TRANSLATION_TEXT_BLOCK, TRANSLATION_TEXT_INPUT = "translation_text", "translation_text"
# The letter's parts around its text: one input each, its block_id and action_id the same.
LETTER_PART_BLOCKS = {
    name: f"part_{name}" for name in ("date_line", "addressees", "re_line", "salutation", "closing", "cc")
}
# How the documents lay out the signatories (in the same "As printed" group).
DOCUMENT_COLUMNS_BLOCK, DOCUMENT_COLUMNS_INPUT = "document_columns", "document_columns"
DOCUMENT_GROUPING_BLOCK, DOCUMENT_GROUPING_INPUT = "document_grouping", "document_grouping"

# Delivery form and the follow-up to signers
DELIVERED_ON_BLOCK, DELIVERED_ON_INPUT = "delivered_on", "delivered_on"
DELIVERED_TO_BLOCK, DELIVERED_TO_INPUT = "delivered_to", "delivered_to"
DELIVERY_METHOD_BLOCK, DELIVERY_METHOD_INPUT = "delivery_method", "delivery_method"
PUBLIC_LINK_BLOCK, PUBLIC_LINK_INPUT = "public_link", "public_link"
RESPONSE_BLOCK, RESPONSE_INPUT = "response", "response"
