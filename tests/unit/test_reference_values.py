"""The reference catalogue: published values are the seeds' words, every key a procedure names exists, and the
CMS panel never states an unconfirmed value as fact nor tells a caseworker to create the SR they were allocated."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import pytest

from domain import reference
from domain.reference import Kind, Source
from procedures import registry
from procedures.effects import CmsContext, CreateSR, SetStatus, UpdateSR
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
    for seed, quote in entry.also:  # each other seed that names the value, in its own words
        assert seed != entry.seed
        assert entry.value in quote
        assert quote in (SEEDS / seed).read_text(encoding="utf-8")


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
        seed in reference.describe_source(e, cited_for)
        for e in reference.BUILT_IN
        if e.source is reference.Source.PUBLISHED
        for seed in (e.seed, *(s for s, _q in e.also))
        for cited_for in (None, *reference.PUBLISHED_TITLES)
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
    """Every CMS line of every step, each procedure's with its own seed (as services.run_views.cms_context gives)."""
    for procedure in registry.latest():
        own = replace(cms, seed=procedure.seed)
        for step_id, step in procedure.steps.items():
            for answers in _answers(procedure, step):
                for effect in _effects(step, answers):
                    for line in effect.cms_lines(own):
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
    lines = CreateSR("main", *reference.sr_type("sr.csa_information_request"), status_given=False).cms_lines(
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


def _lines_of(procedure_id: str, cms: CmsContext | None = None):
    return [(step, line) for p, step, _effect, line in _every_line(cms or CmsContext()) if p == procedure_id]


@pytest.mark.parametrize("procedure_id", ["P1", "P2", "P4", "P5a"])
def test_a_status_the_procedure_does_not_give_is_only_a_suggestion(procedure_id):
    """QA: P5a said "Status = In Progress" as if published. PROCEDURES.md: the seeds give no Status or Sub Status for
    P1's, P2's, P4's or P5a's SRs; "In Progress", "Closed" and "Complete" are published for P3's and P5b-e's only."""
    statuses = [
        (step, line)
        for step, line in _lines_of(procedure_id)
        if re.search(r"\bSub Status\b|\bStatus\b", line.text.split(":")[0].split(" = ")[0])
    ]
    assert statuses
    for step, line in statuses:
        assert line.suggestion is not None, (step, line)
        assert " = " not in line.text, (step, line)
        assert line.source is None, (step, line)
        assert re.search(r": (choose|leave) the ", line.text), (step, line)  # says in words what to choose


P3_IN_PROGRESS = (
    "Published procedure \u201cEnforcement/Liability Order Actions - Check CSA\u201d: "
    "\u201cupdate the SR Status to In Progress\u201d"
)
P5_IN_PROGRESS = (
    "Published procedure \u201cSpecialist Services Support Team\u201d: "
    "\u201cupdate the **Status** to **In Progress**\u201d"
)


@pytest.mark.parametrize(
    ("procedure_id", "source"),
    [("P3", P3_IN_PROGRESS), *((p, P5_IN_PROGRESS) for p in ("P5b", "P5c", "P5d", "P5e"))],
)
def test_a_status_the_procedures_seed_gives_stays_an_instruction_quoting_its_own_seed(procedure_id, source):
    """QA: P5b to P5e's "Status = In Progress" quoted seed 002, P3's procedure. Each quotes its own seed's words."""
    lines = [line for _step, line in _lines_of(procedure_id) if line.text.endswith("Status = In Progress")]
    assert lines
    assert {line.source for line in lines} == {source}
    own_seed = (SEEDS / registry.get(procedure_id).seed).read_text(encoding="utf-8")
    assert source.rsplit(": \u201c", 1)[1].removesuffix("\u201d") in own_seed


def test_seed_004_names_in_progress_once_for_each_of_p5b_to_p5e_and_never_for_p5a():
    """Seed 004's four sections (County Court, Commitment, Liability Order, Face to Face) each set the SR In
    Progress in the same words; its court fee section (P5a) names no Status, so P5a's stays a suggestion."""
    text = (SEEDS / reference.S4).read_text(encoding="utf-8")
    assert text.count("update the **Status** to **In Progress**") == 4
    court_fee = text.split("### Making payment for enforcement actions")[1]
    court_fee = court_fee.split("### Work Routing for County Court")[0]
    assert "Status" not in court_fee
    assert "In Progress" not in court_fee


def test_the_reference_values_page_cites_every_seed_that_names_a_value():
    """Without a procedure (the Reference values page), a value two seeds name is cited in both their words."""
    assert reference.describe_source(reference.entry("status.in_progress")) == (
        "Published procedures \u201cEnforcement/Liability Order Actions - Check CSA\u201d: "
        "\u201cupdate the SR Status to In Progress\u201d; \u201cSpecialist Services Support Team\u201d: "
        "\u201cupdate the **Status** to **In Progress**\u201d"
    )


def test_a_procedure_whose_seed_does_not_name_a_value_cites_the_seed_that_does():
    """Seed 004 says "Close and Complete the SR" and never prints the Status "Closed": P5b's Status = Closed quotes
    seed 002, which does, names it by its title, and says it is another procedure's (QA: it read as unrelated)."""
    closed = [line for _step, line in _lines_of("P5b") if line.text.endswith("Status = Closed")]
    assert {line.source for line in closed} == {
        "Published procedure \u201cEnforcement/Liability Order Actions - Check CSA\u201d: "
        "\u201cUpdate the **SR Status** to **Closed**\u201d (the procedure you are working does not name this value; "
        "this one does)"
    }


def test_every_published_line_quotes_the_procedures_own_seed_where_it_names_the_value():
    kinds = {k.value: k for k in Kind}
    by_id = {p.id: p for p in registry.latest()}
    checked = 0
    for where_p, _step, _effect, line in _every_line(CmsContext()):
        if line.source is None or not line.source.startswith("Published procedure"):
            continue
        said, shown = line.text.rsplit(" = ", 1)
        kind = next((kinds[k] for k in sorted(kinds, key=len, reverse=True) if said.endswith(k)), None)
        if kind is None:  # an SR field the seed says to update, with the value as given: its sentence is cited
            own = by_id[where_p].seed
            quote = line.source.removeprefix(f"Published procedure \u201c{reference.PUBLISHED_TITLES[own]}\u201d: ")
            assert quote.startswith("\u201c"), (where_p, line)
            assert quote.endswith("\u201d"), (where_p, line)
            assert quote[1:-1] in (SEEDS / own).read_text(encoding="utf-8"), (where_p, line)
            continue
        found = reference.BUILT_IN_REFERENCE.by_value(kind, shown)
        assert found is not None
        own = by_id[where_p].seed
        if own in (found.seed, *(s for s, _q in found.also)):
            assert line.source.startswith(f"Published procedure \u201c{reference.PUBLISHED_TITLES[own]}\u201d: ")
            checked += 1
    assert checked > 30


@pytest.mark.parametrize(
    "effect",
    [lambda: CreateSR("main", "Transition", None, None), lambda: SetStatus("main", reference.SRStatus.CLOSED)],
    ids=["CreateSR", "SetStatus"],
)
def test_a_status_effect_must_say_whether_its_seed_names_the_status(effect):
    """No default: a new procedure cannot pass a Status off as published by leaving `status_given` out."""
    with pytest.raises(TypeError, match="status_given"):
        effect()


def test_p3s_manual_handling_sr_status_is_a_suggestion_as_seed_002_names_none_for_it():
    """Seed 002 sets the Finalise Case SR In Progress and Closed / Complete; the system's Manual Handling SR, which
    P3 moves with it (our reading), gets no Status in the seed."""
    cms = CmsContext(names={"manual_handling": "the Manual Handling SR (1-00000007)"}, seed=reference.S2)
    lines = [
        line
        for procedure in [registry.get("P3")]
        for step in procedure.steps.values()
        for answers in _answers(procedure, step)
        for effect in _effects(step, answers)
        if isinstance(effect, SetStatus) and effect.ref == "manual_handling"
        for line in effect.cms_lines(cms)
    ]
    assert {line.suggestion for line in lines} == {"In Progress", "Closed", "Complete"}
    for line in lines:
        assert line.text.startswith("On the Manual Handling SR (1-00000007), set ")
        assert " = " not in line.text
        assert line.source is None


def test_a_status_confirmed_by_the_policy_team_is_an_instruction_even_where_the_procedure_gives_none():
    local = reference.as_local(reference.entry("status.in_progress"), "In Progress", by="Pat Policy", at="today")
    lines = [line for _step, line in _lines_of("P5a", CmsContext(reference.Reference([local])))]
    (shown,) = {line for line in lines if line.text.endswith("Status = In Progress")}
    assert shown.source == "Confirmed by Pat Policy, today"


def test_every_exact_catalogue_value_says_its_source_in_the_seeds_own_words():
    """QA: P2's published values did not say where they come from. Each exact value of the catalogue carries the
    sentence the Reference values page shows, and that sentence quotes its seed character for character."""
    kinds = {k.value: k for k in Kind}
    checked = set()
    for where_p, where_s, _effect, line in _every_line(CmsContext()):
        if " = " not in line.text:
            continue
        said, shown = line.text.rsplit(" = ", 1)
        kind = next((kinds[k] for k in sorted(kinds, key=len, reverse=True) if said.endswith(k)), None)
        found = reference.BUILT_IN_REFERENCE.by_value(kind, shown) if kind else None
        if found is None:  # a typed value or date: nothing to cite but the seed's sentence saying to record it
            assert line.source is None or line.source.startswith("Published procedure"), (where_p, where_s, line)
            continue
        assert found.source is Source.PUBLISHED, (where_p, where_s, line)
        seed = registry.get(where_p).seed
        assert line.source == reference.describe_source(found, seed), (where_p, where_s, line)
        for cited_seed, quote in found.citations(seed):
            assert f"\u201c{quote}\u201d" in line.source, (where_p, where_s, line)
            assert quote in (SEEDS / cited_seed).read_text(encoding="utf-8")
        checked.add((where_p, found.key))
    assert ("P2", "process.escalated_enquiries") in checked
    p2 = [line for _step, line in _lines_of("P2") if line.text == "Process = Escalated Enquiries"]
    assert {line.source for line in p2} == {
        "Published procedure \u201cCSA Scheme Information Received - Update CMS\u201d: "
        "\u201cProcess = Escalated Enquiries\u201d"
    }


def test_resolution_codes_no_seed_gives_are_never_plain_values():
    """QA: "Information Provided" and "Completed" read as CMS values. Only Failed To Attend is published (seed 004)."""
    seeds = "\n".join(path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt"))
    for e in reference.BUILT_IN:
        if e.kind is Kind.RESOLUTION_CODE:
            assert (e.source is Source.PUBLISHED) == (f"**Resolution Code** to **{e.value}**" in seeds), e.key
    seen = set()
    for where_p, where_s, _effect, line in _every_line(CmsContext()):
        if "Resolution Code" in line.text and line.suggestion in ("Completed", "Information Provided"):
            seen.add(line.suggestion)
            assert not re.search("Completed|Information Provided", line.text), (where_p, where_s)
        assert not re.search(r"Resolution Code = (Completed|Information Provided)", line.text), (where_p, where_s)
    assert seen == {"Completed", "Information Provided"}


def test_an_sr_field_the_seeds_do_not_name_is_a_suggestion_and_its_typed_value_exact():
    """QA: P5a said "Court = ..." and "Court fee = ..."; seed 004 names no SR field for them (only the SR Notes)."""
    fields = {
        line.suggestion: line.text for _step, line in _lines_of("P5a") if line.suggestion in ("Court", "Court fee")
    }
    assert fields == {
        "Court": "On this procedure's SR, set the court in the field your team uses (the procedure names none): Text",
        "Court fee": (
            "On this procedure's SR, set the court fee in the field your team uses (the procedure names none): 100.00"
        ),
    }
    named = [line for step, line in _lines_of("P5e") if step == "appointment" and " = " in line.text]
    assert [line.text.split(", set ")[1].split(" = ")[0] for line in named[:2]] == [
        "Appointment date and time",
        "Appointment location",
    ]


def test_an_sr_field_is_an_exact_instruction_only_where_its_seed_says_to_update_the_sr_and_cites_that_sentence():
    """QA (7 December): "set Hearing date = ..." and "set Summons issue date = ..." were exact instructions with no
    Source line, and P5b's, P5c's and P5d's first hearing date went onto the SR where seed 004 says to record it on a
    form or in the SR Notes. Each field line is now exact with the seed's own sentence, or a suggestion."""
    seed = (SEEDS / reference.S4).read_text(encoding="utf-8")
    exact: dict[tuple[str, str], set[str]] = {}
    suggested: dict[tuple[str, str], set[str]] = {}
    for where_p, where_s, effect, line in _every_line(CmsContext()):
        if not isinstance(effect, UpdateSR) or line.text.split(", set ", 1)[1].startswith(("Reason", "Resolution")):
            continue
        if " = " in line.text:
            assert line.source is not None, (where_p, where_s, line)
            quote = line.source.split(": \u201c", 1)[1].removesuffix("\u201d")
            assert quote in seed, (where_p, where_s, line)
            exact.setdefault((where_p, where_s), set()).add(line.text.split(", set ", 1)[1].split(" = ")[0])
        else:
            assert line.source is None
            assert "in the field your team uses (the procedure names none)" in line.text
            suggested.setdefault((where_p, where_s), set()).add(str(line.suggestion))
    assert exact == {
        ("P5c", "summons_issued"): {"Summons issue date"},
        ("P5d", "cover_letter"): {"Hearing date", "Costs"},
        ("P5d", "issue_date"): {"Summons issue date"},
        ("P5e", "appointment"): {"Appointment date and time", "Appointment location"},
    }
    assert {"Hearing date", "Court presenting officer"} <= suggested[("P5c", "cpo_assigned")]
    assert "Hearing date" in suggested[("P5d", "cpt_reply")]
    assert suggested[("P5d", "new_hearing")] == {"Hearing date"}  # an adjourned hearing's date: the seed names none
    # a hearing moved before its day (P5b and P5c version 2): the seed names no SR update for it either
    assert suggested[("P5b", "new_hearing")] == suggested[("P5c", "new_hearing")] == {"Hearing date"}
