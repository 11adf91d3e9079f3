"""The signon data model: letters, their versions and posts, signatories and contacts, reminders, audit.

One module per part (letters, signatories, reminders, people, records); import the tables from here.

Every rule that must hold across threads and processes is a database constraint, not a Python check:
one signatory per normalized organization key per letter, one reminder delivery per letter, person and
offset, one post per letter and channel. All times are UTC (`UTCDateTime`).
"""

from db.models.base import (
    CITY_STATE_MAX,
    EMAIL_MAX,
    LANGUAGE_MAX,
    LETTER_TEXT_MAX,
    LETTER_TITLE_MAX,
    NAMING_CONVENTION,
    NOTE_MAX,
    ORG_NAME_MAX,
    ORG_TYPE_MAX,
    PART_BLOCK_MAX,
    PART_LINE_MAX,
    PERSON_NAME_MAX,
    SLACK_ID_MAX,
    TITLE_MAX,
    WEB_TOKEN_MAX,
    Base,
)
from db.models.deliveries import LetterDelivery, SignerMessage
from db.models.letters import ChannelPost, LeadOrganization, Letter, LetterCoordinator, LetterTranslation, LetterVersion
from db.models.people import ChannelMember, ChannelRoster, LanguagePreference, SlackUser
from db.models.records import AuditEntry, ExportRequest, ExportSnapshot
from db.models.reminders import ReminderDelivery, ReminderMute, ReminderRun
from db.models.signatories import ReceiptCopy, Signatory, SignatoryContact, SignatoryNotice
from db.models.web import WebEmail, WebRateCount

__all__ = [
    "CITY_STATE_MAX",
    "EMAIL_MAX",
    "LANGUAGE_MAX",
    "LETTER_TEXT_MAX",
    "LETTER_TITLE_MAX",
    "NAMING_CONVENTION",
    "NOTE_MAX",
    "ORG_NAME_MAX",
    "ORG_TYPE_MAX",
    "PART_BLOCK_MAX",
    "PART_LINE_MAX",
    "PERSON_NAME_MAX",
    "SLACK_ID_MAX",
    "TITLE_MAX",
    "WEB_TOKEN_MAX",
    "AuditEntry",
    "Base",
    "ChannelMember",
    "ChannelPost",
    "ChannelRoster",
    "ExportRequest",
    "ExportSnapshot",
    "LanguagePreference",
    "LeadOrganization",
    "Letter",
    "LetterCoordinator",
    "LetterDelivery",
    "LetterTranslation",
    "LetterVersion",
    "ReceiptCopy",
    "ReminderDelivery",
    "ReminderMute",
    "ReminderRun",
    "Signatory",
    "SignatoryContact",
    "SignatoryNotice",
    "SignerMessage",
    "SlackUser",
    "WebEmail",
    "WebRateCount",
]
