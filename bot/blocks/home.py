"""The App Home tab: open letters for everyone; counts, review queue and controls for coordinators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    divider,
    escape,
    header,
    plain,
    section,
    slack_date,
)
from bot.blocks.letters import organizations
from bot.blocks.review import duplicate_pair_blocks
from bot.services.letters import LetterView
from db.models import Signatory

HOME_BLOCKS_MAX = 100


@dataclass(frozen=True)
class MemberLetter:
    letter: LetterView
    signed_as: str | None


@dataclass(frozen=True)
class CoordinatorLetter:
    letter: LetterView
    new_today: int
    duplicates: Sequence[tuple[Signatory, Signatory]] = field(default_factory=list)
    # The newest signatories (id, organization), each with a Remove button.
    recent: Sequence[tuple[int, str]] = ()


def home_view(member_letters: Sequence[MemberLetter], managed: Sequence[CoordinatorLetter]) -> dict[str, Any]:
    blocks: list[Block] = [header("Sign-on letters")]
    if not member_letters:
        blocks.append(section("No letters are open for sign-on right now."))
    for member_item in member_letters[:10]:
        letter = member_item.letter
        status = (
            ":white_check_mark: Your organization signed" if member_item.signed_as else ":hourglass: Not signed yet"
        )
        blocks.append(
            section(
                f"*{escape(letter.title)}*\n{organizations(letter.count)} · "
                f"deadline {slack_date(letter.deadline_at)}\n{status}",
                accessory=button("Read", ids.READ_LETTER_BUTTON, str(letter.id)),
            )
        )
        if member_item.signed_as:
            blocks.append(context(plain(f"Signed as {member_item.signed_as}", emoji=False)))
        else:
            blocks.append(
                actions(
                    button("Sign on", ids.SIGN_ON_BUTTON, f"{letter.id}:app_home", style="primary"),
                    block_id=f"home_sign_{letter.id}",
                )
            )
    if managed:
        blocks.append(divider())
        blocks.append(header("Letters you coordinate"))
    for item in managed:
        letter = item.letter
        if len(blocks) > HOME_BLOCKS_MAX - 8:
            blocks.append(context("More letters are not shown; use `/signon list` and `/signon review`."))
            break
        state = "open" if letter.is_open else "closed"
        blocks.append(
            section(
                f"*#{letter.id} {escape(letter.title)}* ({state})\n"
                f"*{organizations(letter.count)}*, {item.new_today} new "
                f"in the last 24 hours · deadline {slack_date(letter.deadline_at)}"
            )
        )
        controls = [
            button("Edit", ids.EDIT_LETTER, str(letter.id)),
            button("Export", ids.EXPORT_LETTER, f"{letter.id}:all"),
        ]
        if letter.is_open:
            controls.append(
                button(
                    "Close",
                    ids.CLOSE_LETTER,
                    str(letter.id),
                    style="danger",
                    confirm=confirm_dialog(
                        "Close letter?", f"Stop accepting sign-ons for “{letter.title}”?", "Close it", danger=True
                    ),
                )
            )
        else:
            controls.append(button("Reopen", ids.REOPEN_LETTER, str(letter.id)))
        blocks.append(actions(*controls, block_id=f"home_manage_{letter.id}"))
        for signatory_id, org_name in item.recent[:5]:
            if len(blocks) > HOME_BLOCKS_MAX - 6:
                break
            blocks.append(
                {
                    "type": "section",
                    "block_id": f"home_signatory_{signatory_id}",
                    "text": plain(org_name[:2900], emoji=False),
                    "accessory": button(
                        "Remove",
                        ids.REMOVE_SIGNATORY,
                        str(signatory_id),
                        confirm=confirm_dialog(
                            "Remove signatory?",
                            f"Take {org_name[:200]} off “{letter.title[:100]}”?",
                            "Remove",
                            danger=True,
                        ),
                    ),
                }
            )
        if item.duplicates:
            blocks.append(context(f":mag: {len(item.duplicates)} possible duplicate(s) to review"))
            for new, existing in item.duplicates[:3]:
                if len(blocks) > HOME_BLOCKS_MAX - 4:
                    break
                blocks.extend(duplicate_pair_blocks(new, existing))
    blocks.append(actions(button("Refresh", ids.HOME_REFRESH), block_id="home_refresh"))
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS_MAX]}
