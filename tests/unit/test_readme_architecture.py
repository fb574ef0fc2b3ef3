"""README's architecture section names every services/ module and no module that is gone, so the map a newcomer
reads first agrees with the folder after a split or a rename."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _architecture() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("\n## Architecture\n")
    return readme[start : readme.index("\n## ", start + 1)]


def test_the_architecture_section_names_every_services_module():
    named = set(re.findall(r"`([a-z_]+\.py)`", _architecture()))
    modules = {p.name for p in (ROOT / "services").rglob("*.py") if p.name != "__init__.py"}
    assert modules - named == set(), "README's architecture section does not name these services modules"


def test_every_module_the_architecture_section_names_exists():
    names = set(re.findall(r"`([a-z_/]+\.py)`", _architecture()))
    here = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py") if ".venv" not in p.parts}
    missing = {n for n in names if not any(h == n or h.endswith("/" + n) for h in here)}
    assert missing == set(), "README's architecture section names modules that do not exist"
