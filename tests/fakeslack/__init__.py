"""A faithful local Slack double for signon's tests and benchmarks.

See ``README.md`` in this folder for the full API reference. The facts it implements are in
``/work/shared/slack-platform.md`` (section numbers are cited in each module's docstring).
"""

from .blockkit import Problem, validate_message_blocks, validate_view
from .clock import Clock
from .driver import DriverResponse, SlackDriver
from .errors import DriverError
from .fake import DEFAULT_BOT_SCOPES, FakeSlack
from .recording import SlackApiCall
from .signing import signature, signed_headers

__all__ = [
    "DEFAULT_BOT_SCOPES",
    "Clock",
    "DriverError",
    "DriverResponse",
    "FakeSlack",
    "Problem",
    "SlackApiCall",
    "SlackDriver",
    "signature",
    "signed_headers",
    "validate_message_blocks",
    "validate_view",
]
