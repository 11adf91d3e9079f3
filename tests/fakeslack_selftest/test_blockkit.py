"""Block Kit limits (slack-platform.md §2.9, §2.10): the fake's validator, cross-checked with slack_sdk."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, BlockElement, Option
from slack_sdk.models.views import View

from tests.fakeslack import validate_message_blocks, validate_view


def text(kind: str, n: int, ch: str = "x") -> dict[str, Any]:
    return {"type": kind, "text": ch * n}


def modal(**overrides: Any) -> dict[str, Any]:
    view = {
        "type": "modal",
        "title": text("plain_text", 5),
        "submit": text("plain_text", 6),
        "blocks": [{"type": "divider"}],
    }
    view.update(overrides)
    return view


def button(**overrides: Any) -> dict[str, Any]:
    return {"type": "button", "text": text("plain_text", 3), "action_id": "go", **overrides}


def option(n_text: int = 3, n_value: int = 3) -> dict[str, Any]:
    return {"text": text("plain_text", n_text), "value": "v" * n_value}


def select(options: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "pick", "placeholder": text("plain_text", 4), "options": options}


def sdk_accepts(kind: str, obj: dict[str, Any]) -> bool:
    """Whether slack_sdk's model for ``obj`` passes ``validate_json()``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if kind == "view":
                View(**obj).validate_json()
            elif kind == "block":
                Block.parse(obj).validate_json()  # type: ignore[union-attr]
            elif kind == "element":
                BlockElement.parse(obj).validate_json()  # type: ignore[union-attr]
            else:
                Option(value=obj["value"], text=obj["text"]["text"]).validate_json()
        except SlackObjectFormationError:
            return False
    return True


def fake_problems(kind: str, obj: dict[str, Any]) -> list[str]:
    """Pointers of the fake's problems for ``obj`` placed in a minimal valid modal."""
    if kind == "view":
        view = obj
    elif kind == "block":
        view = modal(blocks=[obj])
    elif kind == "element":
        view = modal(blocks=[{"type": "actions", "elements": [obj]}])
        if obj["type"] == "plain_text_input":
            view = modal(blocks=[{"type": "input", "label": text("plain_text", 1), "element": obj}])
    else:
        view = modal(blocks=[{"type": "actions", "elements": [select([obj])]}])
    return [p.pointer for p in validate_view(view)]


# (kind, at the limit, one past the limit, pointer of the problem). All limits are documented in §2.9/§2.10
# and are also enforced by slack_sdk's models.
LIMITS = [
    ("view", modal(title=text("plain_text", 24)), modal(title=text("plain_text", 25)), "/view/title/text"),
    ("view", modal(submit=text("plain_text", 24)), modal(submit=text("plain_text", 25)), "/view/submit/text"),
    ("view", modal(close=text("plain_text", 24)), modal(close=text("plain_text", 25)), "/view/close/text"),
    ("view", modal(private_metadata="m" * 3000), modal(private_metadata="m" * 3001), "/view/private_metadata"),
    ("view", modal(callback_id="c" * 255), modal(callback_id="c" * 256), "/view/callback_id"),
    ("view", modal(blocks=[{"type": "divider"}] * 100), modal(blocks=[{"type": "divider"}] * 101), "/view/blocks"),
    (
        "block",
        {"type": "section", "text": text("mrkdwn", 3000)},
        {"type": "section", "text": text("mrkdwn", 3001)},
        "/view/blocks/0/text/text",
    ),
    (
        "block",
        {"type": "section", "fields": [text("mrkdwn", 1)] * 10},
        {"type": "section", "fields": [text("mrkdwn", 1)] * 11},
        "/view/blocks/0/fields",
    ),
    (
        "block",
        {"type": "header", "text": text("plain_text", 150)},
        {"type": "header", "text": text("plain_text", 151)},
        "/view/blocks/0/text/text",
    ),
    (
        "block",
        {"type": "context", "elements": [text("mrkdwn", 1)] * 10},
        {"type": "context", "elements": [text("mrkdwn", 1)] * 11},
        "/view/blocks/0/elements",
    ),
    (
        "block",
        {"type": "actions", "elements": [button(action_id=f"b{i}") for i in range(25)]},
        {"type": "actions", "elements": [button(action_id=f"b{i}") for i in range(26)]},
        "/view/blocks/0/elements",
    ),
    (
        "block",
        {"type": "divider", "block_id": "b" * 255},
        {"type": "divider", "block_id": "b" * 256},
        "/view/blocks/0/block_id",
    ),
    (
        "block",
        {"type": "input", "label": text("plain_text", 2000), "element": {"type": "plain_text_input", "action_id": "a"}},
        {"type": "input", "label": text("plain_text", 2001), "element": {"type": "plain_text_input", "action_id": "a"}},
        "/view/blocks/0/label/text",
    ),
    (
        "element",
        button(text=text("plain_text", 75)),
        button(text=text("plain_text", 76)),
        "/view/blocks/0/elements/0/text/text",
    ),
    ("element", button(value="v" * 2000), button(value="v" * 2001), "/view/blocks/0/elements/0/value"),
    ("element", button(url="u" * 3000), button(url="u" * 3001), "/view/blocks/0/elements/0/url"),
    ("element", button(action_id="a" * 255), button(action_id="a" * 256), "/view/blocks/0/elements/0/action_id"),
    (
        "element",
        {"type": "plain_text_input", "action_id": "a", "placeholder": text("plain_text", 150)},
        {"type": "plain_text_input", "action_id": "a", "placeholder": text("plain_text", 151)},
        "/view/blocks/0/element/placeholder/text",
    ),
    (
        "element",
        select([option(n_value=1) | {"value": f"v{i}"} for i in range(100)]),
        select([option(n_value=1) | {"value": f"v{i}"} for i in range(101)]),
        "/view/blocks/0/elements/0/options",
    ),
    ("option", option(n_text=75), option(n_text=76), "/view/blocks/0/elements/0/options/0/text/text"),
    ("option", option(n_value=150), option(n_value=151), "/view/blocks/0/elements/0/options/0/value"),
]


@pytest.mark.parametrize(("kind", "at_limit", "over_limit", "pointer"), LIMITS)
def test_limits_agree_with_slack_sdk(
    kind: str, at_limit: dict[str, Any], over_limit: dict[str, Any], pointer: str
) -> None:
    assert fake_problems(kind, at_limit) == []
    assert sdk_accepts(kind, at_limit)
    assert pointer in fake_problems(kind, over_limit)
    assert not sdk_accepts(kind, over_limit)


@pytest.mark.parametrize(
    ("view", "pointer", "message"),
    [
        (modal(title=text("mrkdwn", 3)), "/view/title/type", "must be a valid enum value (plain_text)"),
        (
            modal(blocks=[{"type": "header", "text": text("mrkdwn", 3)}]),
            "/view/blocks/0/text/type",
            "must be a valid enum value (plain_text)",
        ),
        (
            modal(blocks=[{"type": "actions", "elements": [button(text=text("mrkdwn", 3))]}]),
            "/view/blocks/0/elements/0/text/type",
            "must be a valid enum value (plain_text)",
        ),
        (modal(blocks=[{"type": "carousel"}]), "/view/blocks/0", "failed to match all allowed schemas"),
        (
            modal(blocks=[{"type": "actions", "elements": [{"type": "plain_text_input", "action_id": "a"}]}]),
            "/view/blocks/0/elements/0",
            "failed to match all allowed schemas",
        ),
        (
            modal(blocks=[{"type": "section", "text": text("mrkdwn", 0)}]),
            "/view/blocks/0/text/text",
            "must be more than 0",
        ),
        (modal(blocks=[{"type": "section"}]), "/view/blocks/0", "must define either `text` or `fields`"),
        (
            modal(blocks=[{"type": "divider", "block_id": "same"}, {"type": "divider", "block_id": "same"}]),
            "/view/blocks/1/block_id",
            "duplicate block_id",
        ),
        (
            modal(blocks=[{"type": "actions", "elements": [button(), button()]}]),
            "/view/blocks/0/elements/1/action_id",
            "not unique",
        ),
        (
            modal(
                submit=None,
                blocks=[{"type": "input", "label": text("plain_text", 1), "element": {"type": "plain_text_input"}}],
            ),
            "/view/blocks/0/input",
            "must define submit to use input block",
        ),
        (
            modal(
                blocks=[
                    {
                        "type": "input",
                        "label": text("plain_text", 1),
                        "element": {"type": "plain_text_input", "max_length": 3001},
                    }
                ]
            ),
            "/view/blocks/0/element/max_length",
            "must be at most 3000",
        ),
        (
            modal(
                blocks=[{"type": "actions", "elements": [select([option()]) | {"initial_option": option(n_value=9)}]}]
            ),
            "/view/blocks/0/elements/0/initial_option",
            "must exactly match",
        ),
        ({"type": "workflow_step", "blocks": []}, "/view/type", "must be a valid enum value"),
    ],
)
def test_view_rules(view: dict[str, Any], pointer: str, message: str) -> None:
    problems = validate_view(view)
    assert any(p.pointer == pointer and message in p.message for p in problems), [str(p) for p in problems]


def test_problem_format_matches_slack() -> None:
    (problem,) = validate_view(modal(title=text("plain_text", 25)))
    assert str(problem) == "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"


def test_message_surface_rules() -> None:
    assert validate_message_blocks([{"type": "divider"}] * 50) == []
    assert [p.pointer for p in validate_message_blocks([{"type": "divider"}] * 51)] == ["/blocks"]
    assert validate_message_blocks([{"type": "markdown", "text": "**hi**"}]) == []
    assert validate_view(modal(blocks=[{"type": "markdown", "text": "**hi**"}])) != []
    assert validate_message_blocks("not a list") != []


def test_home_views_allow_100_blocks_and_no_title() -> None:
    home = {"type": "home", "blocks": [{"type": "divider"}] * 100}
    assert validate_view(home, expected_type="home") == []
    assert validate_view(home, expected_type="modal") != []
    assert validate_view(home | {"blocks": [{"type": "divider"}] * 101}) != []


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=3100))
def test_section_text_length_property(n: int) -> None:
    problems = validate_message_blocks([{"type": "section", "text": text("mrkdwn", n)}])
    assert (problems == []) == (1 <= n <= 3000)
    if n >= 1:
        assert sdk_accepts("block", {"type": "section", "text": text("mrkdwn", n)}) == (n <= 3000)
