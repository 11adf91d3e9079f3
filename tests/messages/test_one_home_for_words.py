"""Every sentence a person can see lives in bot/messages: none in the builders, flows, services or listeners."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.harness import REPO

# The layers that must ask bot/messages for every word (delivery and slack too: they send messages).
LAYERS = ("blocks", "flows", "services", "listeners", "delivery", "slack")
# Two words of letters with a space between: prose, not an identifier, a path or a format of ids.
PROSE = re.compile(r"[A-Za-z’']{2,}[,;:.!?]*\s+[A-Za-z’']{2,}")
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def _skipped(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Docstrings, log lines and exception messages are for developers and operators, not for people in Slack."""
    parent = parents.get(node)
    while isinstance(parent, ast.JoinedStr | ast.FormattedValue | ast.BinOp | ast.IfExp):
        parent = parents.get(parent)
    if isinstance(parent, ast.Expr):
        return True  # a docstring or a bare string
    if isinstance(parent, ast.Call):
        func = parent.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in LOG_METHODS:
            return True
        raised = parents.get(parent)
        if isinstance(raised, ast.Raise):
            return True
    return False


def sentences_outside_the_catalog() -> list[str]:
    found = []
    for layer in LAYERS:
        for path in sorted((REPO / "bot" / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
            for node in ast.walk(tree):
                is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
                if is_text and PROSE.search(node.value) and not _skipped(node, parents):
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value[:70]!r}")
    return found


def test_no_sentence_outside_the_messages_catalog() -> None:
    assert sentences_outside_the_catalog() == []


def test_the_scan_finds_a_sentence_where_there_is_one(tmp_path: Path) -> None:
    """The check cannot pass by looking at nothing: a planted sentence is found."""
    planted = REPO / "bot" / "blocks" / "_planted_sentence_for_test.py"
    planted.write_text('TEXT = "You signed on to the letter"\n')
    try:
        assert any("_planted_sentence_for_test" in line for line in sentences_outside_the_catalog())
    finally:
        planted.unlink()
