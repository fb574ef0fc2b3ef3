"""The page code's Streamlit calls, read from the source: for checks that every call of a kind passes an argument
(tables a placeholder, tick boxes wrap, icons from the bundled set), so a call added later cannot forget it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.joinpath("pages").glob("*.py"), *ROOT.joinpath("ui").glob("*.py"), ROOT / "app.py"])


def source_id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def calls(path: Path, names: set[str] | None = None) -> list[ast.Call]:
    """The calls `x.name(...)` in `path` for each name in `names` (every call when None)."""
    return [
        node
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Call)
        and (names is None or (isinstance(node.func, ast.Attribute) and node.func.attr in names))
    ]


def keywords(call: ast.Call) -> dict[str | None, ast.expr]:
    return {k.arg: k.value for k in call.keywords}
