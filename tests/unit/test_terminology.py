"""The new terminology everywhere a caseworker or client reads: receiving parent and paying parent.

Letters are checked in test_letter_contract.py (templates, samples, rendered output). Here: every line of
product code (page text, service messages, procedure guidance, demo data) and every registered
procedure's step text. The glossary is the one place allowed to name the old terms, because it tells a
new caseworker what the systems still call the parents and that letters and calls never do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.terminology import old_terms_in
from procedures import registry

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {ROOT / "procedures" / "glossary.py", ROOT / "domain" / "terminology.py"}
PRODUCT = ("app.py", "pages", "services", "procedures", "letters", "casework", "db", "domain")


def _product_sources() -> list[Path]:
    paths: list[Path] = []
    for part in PRODUCT:
        where = ROOT / part
        paths += [where] if where.is_file() else sorted(where.rglob("*.py"))
    return [p for p in paths if p not in ALLOWED]


def test_the_product_code_is_scanned():
    names = {p.relative_to(ROOT).as_posix() for p in _product_sources()}
    assert {
        "app.py",
        "pages/wizard.py",
        "services/console/queries.py",
        "letters/fields.py",
        "casework/demo.py",
    } <= names
    assert "procedures/glossary.py" not in names


def test_no_product_code_uses_the_old_terms():
    found = [
        (p.relative_to(ROOT).as_posix(), t) for p in _product_sources() for t in old_terms_in(p.read_text("utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize("procedure", registry.latest(), ids=lambda p: p.id)
def test_no_step_text_uses_the_old_terms(procedure):
    texts = [procedure.title, procedure.starts]
    for step in procedure.steps.values():
        texts += [step.title, step.guidance, step.without_origin, *step.checklist]
        for f in step.fields:
            texts += [f.label, f.help, *f.options]
            texts += [c.label for c in f.columns] + [c.help for c in f.columns]
    assert [t for text in texts for t in old_terms_in(text)] == []
