"""The shape of the house, checked: which layer may import what, file sizes, no import cycles, no copied code."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.harness import REPO

SOURCES = sorted([*(REPO / "bot").rglob("*.py"), *(REPO / "db").rglob("*.py")])


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def in_layer(path: Path, layer: str) -> bool:
    return path.relative_to(REPO).as_posix().startswith(layer)


def test_services_never_touch_slack() -> None:
    bad = {
        str(path.relative_to(REPO)): sorted(name for name in imports_of(path) if name.startswith(forbidden))
        for path in SOURCES
        if in_layer(path, "bot/services/")
        for forbidden in [("slack_sdk", "slack_bolt", "bot.runtime", "bot.slack", "bot.delivery", "bot.flows")]
        if any(name.startswith(forbidden) for name in imports_of(path))
    }
    assert bad == {}


def test_services_never_commit() -> None:
    commits = [
        f"{path.relative_to(REPO)}:{node.lineno}"
        for path in SOURCES
        if in_layer(path, "bot/services/")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr in ("commit", "transaction", "batched")
    ]
    assert commits == []


def test_listeners_never_touch_the_database() -> None:
    bad = [
        str(path.relative_to(REPO))
        for path in SOURCES
        if in_layer(path, "bot/listeners/") and any(name.startswith(("db", "sqlalchemy")) for name in imports_of(path))
    ]
    assert bad == []


def test_no_file_over_400_lines() -> None:
    long = {
        str(path.relative_to(REPO)): len(path.read_text().splitlines())
        for path in SOURCES
        if "migrations/versions" not in path.as_posix() and len(path.read_text().splitlines()) > 400
    }
    assert long == {}


def test_no_import_cycles() -> None:
    modules = {module_name(path): path for path in SOURCES}
    graph = {
        name: {target for target in imports_of(path) if target in modules and target != name}
        for name, path in modules.items()
    }
    # A package's __init__ re-exporting its own modules is not a cycle of the code's layers.
    for name in graph:
        graph[name] = {t for t in graph[name] if not (t.startswith(name + ".") or name.startswith(t + "."))}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target] if target in trail else [node, target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_copied_code() -> None:
    """pylint's duplicate-code check (four or more like lines, imports and signatures aside) over the app and its
    models. Migrations are left out: each is a frozen record of a schema, and repeats columns on purpose."""
    command = [
        *(sys.executable, "-m", "pylint", "--disable=all", "--enable=duplicate-code", "--score=n"),
        *("--ignore-imports=y", "--ignore-signatures=y", "--ignore-paths=^db/migrations/"),
        *("bot", "db"),
    ]
    found = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=110)
    assert "R0801" not in found.stdout, found.stdout
    assert found.returncode in (0, 8) and found.stderr == "", found.stderr  # 8: only "refactor" messages
