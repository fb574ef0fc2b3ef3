"""The trace table maps every numbered step and every "If ..." of each published procedure to real product steps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from procedures import registry
from procedures.trace import TRACE, published_reference

SEEDS = Path(__file__).resolve().parents[2] / "docs" / "seeds"


def seed_items(seed: Path) -> list[tuple[str, str, str]]:
    """(section, "step N" or the If sentence, its text) for every numbered step and "If" sentence of a seed."""
    items, section = [], ""
    for line in seed.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#+\s*(.*)", line)
        if heading:
            title = heading.group(1).strip()
            if title.startswith("Work Routing for") or title == "Making payment for enforcement actions":
                section = re.sub(r"\s*\(.*\)$", "", title)
            continue
        numbered = re.match(r"^\s*(\d+)\.\s+", line)
        if numbered:
            items.append((section, f"step {numbered.group(1)}", line))
        for sentence in re.findall(r"(?:^|(?<=[.:] ))(?:- )?(If\b[^.]*)", line):
            items.append((section, "if", sentence))
    return items


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_every_numbered_step_and_every_if_of_the_seed_has_a_row(seed):
    rows = [r for r in TRACE if r.seed == seed.name]
    for section, ref, text in seed_items(seed):
        if ref == "if":
            matching = [r for r in rows if r.section in (section, "") and text.startswith(r.ref)]
        else:
            matching = [r for r in rows if r.section == section and r.ref == ref]
        assert matching, f"{seed.name} {section or ''} {ref}: {text[:80]}"


def test_every_row_names_a_step_that_exists_in_its_procedure_of_that_seed():
    for row in TRACE:
        procedure = registry.get(row.procedure)
        assert procedure.seed == row.seed, row
        assert row.steps
        for step in row.steps:
            assert step in procedure.steps, (row.procedure, step)
        if not row.ref.startswith("step"):
            assert row.ref in (SEEDS / row.seed).read_text(encoding="utf-8"), row.ref


def test_a_step_shows_the_published_step_it_implements():
    assert published_reference("P5b", "set_in_progress") == "step 4 (Work Routing for County Court)"
    assert published_reference("P3", "create_finalise_sr") == "step 2"


def test_p4s_closure_step_quotes_the_seeds_sentence_about_closing():
    """QA: the closure step quoted "If a client telephones to query their CSA scheme arrears balance"."""
    assert published_reference("P4", "closure_letters") == (
        "\u201cOnce concluded, both clients will be informed that the case closure process is complete \u2026\u201d"
    )


def test_p3s_aft_step_quotes_the_seeds_sentence_about_the_aft_team():
    """QA: "Tell the AFT team", reached after an urgent fast track too, quoted "If there is no urgent enforcement
    action"; the seed's sentence for it is the segment 5 paragraph's "When the CSA Liability Order details ..."."""
    assert published_reference("P3", "tell_aft_team") == (
        "\u201cWhen the CSA Liability Order details have been entered onto the 2012 system \u2026\u201d"
    )
