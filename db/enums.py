"""The values stored in status and source columns, one enum per column.

Kept beside the models (not in ``bot/``) because the models use them for defaults and the database layer
must not import the app; ``bot.contracts`` re-exports the ones Slack payloads carry.
"""

from __future__ import annotations

import enum


class LetterStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SignatoryStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"
    REMOVED = "removed"
    # A sign-on from the public page, not counted until its email is confirmed or a coordinator approves it.
    PENDING = "pending"
    # A coordinator turned a pending web sign-on down; it was never counted.
    REJECTED = "rejected"


class DuplicateReview(enum.StrEnum):
    PENDING = "pending"
    DISMISSED = "dismissed"


class Source(enum.StrEnum):
    """Where a sign-on came from (``signatories.source``, ``signatory_contacts.source``)."""

    POST_BUTTON = "post_button"
    SLASH_COMMAND = "slash_command"
    REMINDER_DM = "reminder_dm"
    APP_HOME = "app_home"
    RECONFIRM_DM = "reconfirm_dm"
    WEB = "web"


class PostStatus(enum.StrEnum):
    """A letter's message in one channel: pending -> posting -> posted | needs_invite | failed; removed when
    the message is gone."""

    PENDING = "pending"
    POSTING = "posting"
    POSTED = "posted"
    NEEDS_INVITE = "needs_invite"
    FAILED = "failed"
    REMOVED = "removed"


class ReceiptStatus(enum.StrEnum):
    """The signer's receipt DM: pending -> claimed -> sent | failed | unknown."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    # Claimed but never recorded as sent: the process may have died mid-send. Never resent blindly.
    UNKNOWN = "unknown"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    # Claimed but never marked sent: the process died mid-send. Never retried, only reported.
    UNKNOWN = "unknown"


class RunStatus(enum.StrEnum):
    PENDING = "pending"
    PLANNING = "planning"
    SENDING = "sending"
    DONE = "done"
    SKIPPED = "skipped"


class CoordinatorRole(enum.StrEnum):
    OWNER = "owner"
    CO = "co"


class MuteReason(enum.StrEnum):
    """Why a member gets no more reminders about a letter."""

    MUTED = "muted"
    ORG_SIGNED = "org_signed"


class OrgType(enum.StrEnum):
    """The organization types a signer can pick (``signatories.org_type``); each reader sees them in their own
    language (bot/messages)."""

    COMMUNITY = "community"
    ADVOCACY = "advocacy"
    LEGAL = "legal"
    SERVICE = "service"
    FAITH = "faith"
    LABOR = "labor"
    STUDENT = "student"
    ACADEMIC = "academic"
    BUSINESS = "business"
    GOVERNMENT = "government"
    OTHER = "other"


class Language(enum.StrEnum):
    """The languages signon speaks (``letters.language``, ``letter_versions.language``, a person's choice in
    ``language_preferences``). Each has a catalog in bot/messages/locale; adding one is described in README."""

    EN = "en"
    ES = "es"


class DeliveryMethod(enum.StrEnum):
    """How a letter was delivered (``letter_deliveries.method``)."""

    EMAIL = "email"
    HAND = "hand"
    PUBLIC = "public"


class SignerMessageKind(enum.StrEnum):
    """What a message to every signer says (``signer_messages.kind``): thanks on delivery, or the follow-up
    with the recipients' response."""

    THANKS = "thanks"
    RESPONSE = "response"


class DocumentColumns(enum.StrEnum):
    """How the letter's documents lay out the signatories (``letters.document_columns``): two columns unless
    the names are long, or always one, or always two."""

    AUTO = "auto"
    ONE = "1"
    TWO = "2"


class SignatoryGrouping(enum.StrEnum):
    """How the letter's documents group the signatories after the lead organizations
    (``letters.document_grouping``): not at all, by organization type, or by state (from their city/state)."""

    NONE = "none"
    ORG_TYPE = "org_type"
    STATE = "state"
