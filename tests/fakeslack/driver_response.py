"""``DriverResponse``: what the app answered to one delivery by :class:`~tests.fakeslack.driver.SlackDriver`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DriverResponse:
    """The app's answer to one delivery.

    Attributes:
        status: HTTP status (Socket Mode: 200 when acked, 0 when not).
        headers: Response headers, lower-cased names (empty in Socket Mode).
        body: Response body text (Socket Mode: the ack payload as JSON text, or ``""``).
        json: Parsed JSON body / ack payload, or ``None``.
        elapsed: Seconds from sending to the answer.
        timed_out: The app took longer than Slack's 3 s (or never answered).
        errors: ``response_action: errors`` map of a view submission, else ``None``.
        view: The user's top modal after the answer was applied (view_submission / block_actions
            in a modal / view_closed), else ``None``.
        payload: What was sent (the slash-command fields or the interaction/event payload).
        trigger_id / response_url: Minted for this delivery (if any).
        envelope_id: Socket Mode envelope id.
        retries: Extra deliveries made by ``event(..., auto_retry=True)``.
    """

    status: int
    headers: dict[str, str]
    body: str
    json: Any
    elapsed: float
    timed_out: bool = False
    errors: dict[str, str] | None = None
    view: dict[str, Any] | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    trigger_id: str | None = None
    response_url: str | None = None
    envelope_id: str | None = None
    retries: int = 0
    sent: bool = True

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 and not self.timed_out
