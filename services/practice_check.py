"""A scenario checked against its procedure: its expected path walked on the machine, and the branches it takes.

Policy staff's edits are refused through ScenarioBroken, naming the step where the path breaks; the tests
compute branch coverage with `transitions` and `path_transitions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from db.models import Case
from domain.reference import BUILT_IN_REFERENCE, Reference
from procedures import registry
from procedures.definition import Procedure
from services.case_facts import case_facts
from services.errors import DomainError, ValidationFailed
from services.practice_case import resolve
from services.practice_sim import Sim
from services.run_views import prefill

CHECK_REFERENCE = "PRACTICE-000000"
"""The fictional reference of the expected walk a scenario is checked and debriefed against."""


class ScenarioBroken(DomainError):
    """A scenario whose expected path is not a path of its procedure: `step` is the title where it breaks,
    `position` the walk item there (None at the start, or past the last item), `fields` the answers the
    procedure refused there, by field name (so a form can show each at its input)."""

    def __init__(
        self, step: str, why: str, *, position: int | None = None, fields: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"The expected path breaks at '{step}': {why}")
        self.step, self.why, self.position = step, why, position
        self.fields = dict(fields or {})


def scenario_answers(
    procedure: Procedure, item: Mapping[str, Any], today: date, case: Case | None = None
) -> dict[str, Any]:
    """A scenario step's answers as a submission: relative dates resolved, every checklist item ticked, and
    (given the case) what the wizard prefills from the case for inputs the scenario leaves as they are."""
    answers = resolve(dict(item.get("answers", {})), today)
    step = procedure.steps[item["step"]]
    # both wordings' items (`Step.as_started`): a save keeps only those of the wording its run reads
    answers.setdefault("_checklist", [*step.checklist, *(step.from_case.checklist if step.from_case else ())])
    if case is not None:
        facts = case_facts(case)
        for f in step.fields:
            if f.default_fact and f.name not in answers:
                answers[f.name] = prefill(f, {}, case, facts)
    return answers


def _against_the_case(procedure: Procedure, item: Mapping[str, Any], case: Case) -> dict[str, str]:
    """Yes/no answers that say the opposite of the fictional case's fact of the same name (P1's "Is financial
    transition complete?"): the caseworker would read one thing in the case banner and the story, another in the
    expected answer (QA, 7 December: four P1 scenarios said "complete" over a case whose banner said it was not)."""
    facts = case_facts(case)
    step = procedure.steps[item["step"]]
    against: dict[str, str] = {}
    for name, value in item.get("answers", {}).items():
        if not isinstance(value, bool):
            continue
        fact = facts.get(name)
        if isinstance(fact, bool) and value != fact:
            label = next((f.label for f in step.fields if f.name == name), name)
            against[name] = (
                f"The answer to '{label}' is {'Yes' if value else 'No'}, but the fictional case says "
                f"{'yes' if fact else 'no'}: change the answer, or the case's facts, so the two agree."
            )
    return against


def walk_scenario(
    scenario: Mapping[str, Any], *, today: date, reference: Reference = BUILT_IN_REFERENCE, actor_name: str = "Practice"
) -> Sim:
    """Walk the scenario's expected path on the machine; raise ScenarioBroken naming the step where it breaks."""
    try:
        procedure = registry.get(str(scenario.get("procedure", "")))
    except registry.UnknownProcedure:
        raise ScenarioBroken("the start", f"there is no procedure {scenario.get('procedure')!r}") from None
    try:
        sim = Sim.start(
            procedure,
            scenario,
            reference_no=CHECK_REFERENCE,
            team_id=None,
            actor_name=actor_name,
            today=today,
            reference=reference,
        )
    except (DomainError, KeyError, ValueError, TypeError) as exc:
        raise ScenarioBroken(procedure.steps[procedure.initial].title, f"the case cannot start it ({exc})") from None
    for position, item in enumerate(scenario.get("walk", [])):
        here = procedure.steps[sim.run.state].title
        if sim.run.status == "finished":
            raise ScenarioBroken(
                here, "the procedure has already ended, but the expected path goes on", position=position
            )
        if item.get("step") != sim.run.state:
            wanted = procedure.steps[item["step"]].title if item.get("step") in procedure.steps else item.get("step")
            raise ScenarioBroken(
                here, f"the procedure comes here, but the expected path says '{wanted}'", position=position
            )
        against = _against_the_case(procedure, item, sim.case)
        if against:
            raise ScenarioBroken(here, " ".join(against.values()), position=position, fields=against)
        try:
            sim.submit(scenario_answers(procedure, item, sim.now, sim.case))
            if sim.run.pending_step == sim.run.state:
                sim.confirm()
        except ValidationFailed as exc:
            raise ScenarioBroken(here, " ".join(exc.errors.values()), position=position, fields=exc.errors) from None
        except DomainError as exc:
            raise ScenarioBroken(here, exc.message, position=position) from None
    if sim.run.status != "finished":
        raise ScenarioBroken(procedure.steps[sim.run.state].title, "the expected path stops before the procedure ends")
    return sim


def transitions(procedure: Procedure) -> set[tuple[str, str]]:
    """Every (step, next step) the machine allows: the branches scenarios must cover."""
    return {(s.id, t.target.id) for s in procedure.machine.states for t in s.transitions}


def path_transitions(path: list[str]) -> set[tuple[str, str]]:
    return set(zip(path, path[1:], strict=False))
