"""The reference catalogue: published values are the seeds' words, every key a procedure names exists, and the
CMS panel never states an unconfirmed value as fact nor tells a caseworker to create the SR they were allocated."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from domain import reference
from domain.reference import Kind, Source
from procedures import registry
from procedures.effects import CmsContext, CreateSR
from procedures.reference_uses import _answers, _effects, uses

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "docs" / "seeds"
SHARED = ROOT.parent / "shared" / "seeds"  # ../shared beside the checkout, as DEVELOPERS.md lays it out


@pytest.mark.parametrize("entry", [e for e in reference.BUILT_IN if e.source is Source.PUBLISHED], ids=lambda e: e.key)
def test_every_published_value_is_quoted_character_for_character_from_its_seed(entry):
    assert entry.seed
    assert entry.quote
    assert entry.value in entry.quote
    assert entry.quote in (SEEDS / entry.seed).read_text(encoding="utf-8")


def test_a_published_source_is_named_by_its_procedures_own_title():
    """The Reference values page names the procedure by its published title, never by the seed's file name (QA)."""
    assert set(reference.PUBLISHED_TITLES) == {seed.name for seed in SEEDS.glob("*.txt")}  # every seed has its title
    for seed, title in reference.PUBLISHED_TITLES.items():
        assert title in (SEEDS / seed).read_text(encoding="utf-8"), seed  # the seed's words
    entry = reference.entry("process.transition")
    assert reference.describe_source(entry) == (
        "Published procedure \u201cEnforcement/Liability Order Actions - Check CSA\u201d: "
        "\u201cProcess = Transition\u201d"
    )
    assert not any(
        e.seed in reference.describe_source(e) for e in reference.BUILT_IN if e.source is reference.Source.PUBLISHED
    )


def test_the_repo_copy_of_the_seeds_is_the_published_text():
    if not SHARED.is_dir():
        pytest.skip("the shared seeds are not beside this checkout")
    for seed in SHARED.glob("*.txt"):
        assert (SEEDS / seed.name).read_bytes() == seed.read_bytes(), seed.name


def test_an_unconfirmed_value_always_says_in_words_what_to_choose():
    for e in reference.BUILT_IN:
        if e.source is Source.UNCONFIRMED:
            assert e.need, e.key
            assert e.value not in e.need, e.key


def _named_keys() -> set[str]:
    """Every key the procedure modules pass to reference.value / reference.sr_type."""
    found = set()
    for path in (ROOT / "procedures").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("value", "sr_type", "full_sr_type")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "reference"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add((node.func.attr, node.args[0].value))
    return found


def test_every_key_a_procedure_names_is_in_the_catalogue():
    named = _named_keys()
    assert named, "procedures name their CMS values by key"
    for how, key in named:
        assert key in (reference.keys() if how == "value" else reference.SR_TYPES), key


def test_where_used_names_only_real_procedure_steps():
    steps = {(p.id, s) for p in registry.latest() for s in p.steps}
    for key, used in uses().items():
        assert key in reference.keys()
        assert set(used) <= steps, key


def _every_line(cms: CmsContext):
    for procedure in registry.latest():
        for step_id, step in procedure.steps.items():
            for answers in _answers(procedure, step):
                for effect in _effects(step, answers):
                    for line in effect.cms_lines(cms):
                        yield procedure.id, step_id, effect, line


def test_no_unconfirmed_value_is_shown_as_an_instruction_at_any_step_of_any_procedure():
    kinds = {k.value: k for k in Kind}
    checked = 0
    for where_p, where_s, _effect, line in _every_line(CmsContext()):
        assert "main SR" not in line.text, line
        assert "manual_handling" not in line.text, line
        if " = " not in line.text:
            continue
        said, shown = line.text.rsplit(" = ", 1)
        kind = next((kinds[k] for k in sorted(kinds, key=len, reverse=True) if said.endswith(k)), None)
        if kind is None:
            continue  # a value the caseworker typed (a court, a date): not a CMS drop-down
        found = reference.BUILT_IN_REFERENCE.by_value(kind, shown)
        assert found is not None, (where_p, where_s, line)
        assert found.is_instruction, (where_p, where_s, line)
        checked += 1
    assert checked > 50


def test_a_created_srs_process_is_an_instruction_only_when_its_area_and_sub_area_are_published():
    """PROCEDURES.md: the seeds give no Process, Area or Sub Area for P1's, P2's or P4's own SR. Their Process values
    (Transition, Arrears) are published for other SRs, so alone they would pass as instructions."""
    created: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for where_p, _step, effect, line in _every_line(CmsContext()):
        if isinstance(effect, CreateSR) and line.text.startswith("Process"):
            created.setdefault((where_p, effect.process), []).append((line.text, line.suggestion))
    unnamed = ("Process: choose the Process your team uses for this SR; the procedure does not name one for it", None)
    assert set(created[("P1", "Transition")]) == {(unnamed[0], "Transition")}
    assert set(created[("P2", "Transition")]) == {(unnamed[0], "Transition")}
    assert set(created[("P4", "Arrears")]) == {(unnamed[0], "Arrears")}
    # P3's Finalise Case and Set Up Legacy LO SRs are published whole (seed 002): exact instructions
    assert set(created[("P3", "Transition")]) == {("Process = Transition", None)}
    # P1's segment move to a complaint or appeal SR: published whole (seed 000's segments, seed 001's catalogue)
    assert ("Process = Escalated Enquiries", None) in created[("P1", "Escalated Enquiries")]


def test_an_sr_type_confirmed_by_the_policy_team_makes_its_process_an_instruction():
    confirm = [reference.entry(k) for k in ("area.csa_information", "sub_area.information_request")]
    local = [reference.as_local(e, e.value, by="Pat Policy", at="today") for e in confirm]
    lines = CreateSR("main", *reference.sr_type("sr.csa_information_request")).cms_lines(
        CmsContext(reference.Reference(local))
    )
    assert [line.text for line in lines[1:4]] == [
        "Process = Transition",
        "Area = CSA Information",
        "Sub Area = Information Request",
    ]


def test_a_confirmed_value_becomes_an_instruction():
    local = reference.as_local(reference.entry("resolution_code.completed"), "Completed", by="Pat Policy", at="today")
    cms = CmsContext(reference.Reference([local]))
    lines = [line for *_, line in _every_line(cms) if "Resolution Code" in line.text]
    assert any(line.text.endswith("Resolution Code = Completed") and line.suggestion is None for line in lines)


@pytest.mark.parametrize("procedure", [p for p in registry.latest() if p.works_on], ids=lambda p: p.id)
def test_started_from_an_allocated_sr_no_line_says_create_a_new_sr_for_it(procedure):
    cms = CmsContext(
        names={"main": "the SR you were allocated (1-00000042)"},
        allocated=frozenset({"main"}),
        existing=frozenset({"main"}),
    )
    seen_update = False
    for step in procedure.steps.values():
        for answers in _answers(procedure, step):
            for effect in _effects(step, answers):
                lines = [line.text for line in effect.cms_lines(cms)]
                if isinstance(effect, CreateSR) and effect.ref == "main":
                    assert not any("Create a new SR" in t for t in lines), lines
                    assert lines[0].startswith("Update the SR you were allocated (1-00000042)")
                    seen_update = True
    assert seen_update or not any(
        isinstance(e, CreateSR) and e.ref == "main"
        for s in procedure.steps.values()
        for a in _answers(procedure, s)
        for e in _effects(s, a)
    )
