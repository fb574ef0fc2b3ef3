"""Practice mode: rehearse a procedure on a fictional case, then read a debrief (issue 18).

Isolation: a practice run lives in `practice_runs` only (see db.models.PracticeRun for why a table of its own).
It is driven by services.practice_engine through the real run code, so the wizard, the machine, validation
and the CMS lines are the real ones, but no case, SR, SR number, letter, deadline, task, email or file is
written. The only shared table is the audit trail, where every practice event is `practice.*` with the
entity type `practice_run` and no case or SR.

Passing: a scenario is passed when the path taken is the expected path and the CMS lines match the expected
walk's, with the caseworker's own free text (notes, summaries) set aside: their words are theirs, the
values (choices, dates, amounts, statuses, SR values) must match.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PracticeRun, PracticeScenario, User
from domain.clock import uk_local, utcnow
from letters import catalogue as letter_catalogue
from letters.fields import ContextError
from letters.render import render
from letters.watermark import watermark
from procedures import registry
from procedures.definition import Procedure
from procedures.scenarios import builtin
from services import audit
from services import reference as reference_values
from services.access import check_actor, refuse, require_role, unavailable
from services.actor import Actor
from services.errors import DomainError, NotFound, ValidationFailed
from services.letters import DOCX_MEDIA_TYPE, FileDownload
from services.practice_engine import (
    CHECK_REFERENCE,
    ScenarioBroken,
    Sim,
    walk_scenario,
)
from services.run_views import RunView, show
from services.transaction import expect_version, transaction

BANNER = "Practice: nothing here is real"
PRACTISING_ROLES = ("caseworker", "team_leader")


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    key: str
    procedure_id: str
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class PracticeView:
    practice_id: str
    reference: str
    scenario: ScenarioInfo
    run: RunView
    events: tuple[tuple[str, str], ...]  # (step title, what the caseworker learns there), up to this step
    finished: bool
    today: date  # the practice calendar's today (a scenario may let weeks pass)


@dataclass(frozen=True, slots=True)
class StepDifference:
    step_title: str
    label: str
    given: str
    expected: str
    guidance: str


@dataclass(frozen=True, slots=True)
class Debrief:
    practice_id: str
    reference: str
    scenario: ScenarioInfo
    passed: bool
    path_matches: bool
    cms_matches: bool
    taken: tuple[str, ...]  # step titles
    expected: tuple[str, ...]
    differences: tuple[StepDifference, ...]
    validation_errors: tuple[tuple[str, str], ...]  # (step title, message)
    backs: int
    changes: int
    seconds_per_step: tuple[tuple[str, float], ...]
    cms_lines: tuple[str, ...]  # what would have been keyed into CMS
    expected_cms_lines: tuple[str, ...]
    would_send: tuple[str, ...]  # letters, emails, tasks in words
    letters: tuple[tuple[int, str], ...]  # (index, code and recipient) to download watermarked


@dataclass(frozen=True, slots=True)
class RecordRow:
    caseworker: str
    procedure_id: str
    practised: int
    passed: int


def _today() -> date:
    return uk_local(utcnow()).date()


def _scenarios(session: Session) -> dict[str, dict[str, Any]]:
    """The built-in scenarios, with policy staff's additions and edits (the latest row of a key) over them."""
    found = dict(builtin())
    for row in session.scalars(select(PracticeScenario).order_by(PracticeScenario.id)):
        found[row.key] = dict(row.data)
    return found


def _info(scenario: dict[str, Any]) -> ScenarioInfo:
    return ScenarioInfo(scenario["key"], scenario["procedure"], scenario["title"], scenario.get("summary", ""))


def _may_practise(actor: Actor, procedure: Procedure) -> bool:
    """A caseworker practises what they may run; a team leader what their caseworkers run."""
    return actor.role in procedure.roles or (actor.role == "team_leader" and "caseworker" in procedure.roles)


def scenarios_for(actor: Actor) -> list[ScenarioInfo]:
    """Every scenario of every procedure this actor may practise."""
    with transaction(read_only=True) as session:
        require_role(session, actor, *PRACTISING_ROLES, action="practise procedures")
        allowed = {p.id for p in registry.latest() if _may_practise(actor, p)}
        return [_info(s) for s in _scenarios(session).values() if s["procedure"] in allowed]


def _load(session: Session, actor: Actor, practice_id: str) -> PracticeRun:
    check_actor(session, actor)
    row = session.get(PracticeRun, practice_id)
    if row is None:
        raise NotFound(unavailable("practice run"))
    if row.user_id != actor.user_id:  # a practice run is its caseworker's own; the attempt is audited
        raise refuse(
            session,
            actor,
            unavailable("practice run"),
            entity_type="practice_run",
            entity_id=row.id,
            action="open another person's practice run",
        )
    return row


def _sim(session: Session, actor: Actor, row: PracticeRun) -> Sim:
    sim = Sim.load(
        row.sim,
        row.scenario,
        reference_no=row.reference,
        team_id=row.team_id,
        actor_name=actor.display_name,
        today=uk_local(row.created_at).date(),
        version=row.version,
        reference=reference_values.current(session),
    )
    sim.run.id = row.id
    return sim


def _view(row: PracticeRun, sim: Sim) -> PracticeView:
    sim.run.version = row.version  # the version this transaction commits (the caller has flushed)
    walk = row.scenario.get("walk", [])
    events = []
    for index, step in enumerate(sim.run.history):
        item = walk[index] if index < len(walk) else None
        if item and item.get("step") == step and item.get("event"):
            events.append((sim.procedure.steps[step].title, str(item["event"])))
    return PracticeView(
        row.id, row.reference, _info(row.scenario), sim.view(), tuple(events), sim.run.status == "finished", sim.now
    )


def _log(row: PracticeRun, event: str, **data: Any) -> None:
    row.log = [*row.log, {"at": utcnow().isoformat(), "event": event, **data}]


def _save(session: Session, actor: Actor, row: PracticeRun, sim: Sim, action: str, **after: Any) -> None:
    before_state = row.sim.get("state")
    row.sim = sim.dump()
    if sim.run.state != before_state:
        _log(row, "at_step", step=sim.run.state)
    if sim.run.status == "finished" and row.status != "finished":
        row.status, row.finished_at = "finished", utcnow()
        row.passed = _debrief(row, sim).passed
        after["passed"] = row.passed
    audit.record(
        session,
        actor,
        action,
        entity_type="practice_run",
        entity_id=row.id,
        before={"state": before_state},
        after={"state": sim.run.state, "procedure": row.procedure_id, "scenario": row.scenario_key, **after},
    )


def start_practice(actor: Actor, scenario_key: str) -> PracticeView:
    """Start a practice run of the scenario's procedure on a fictional case made for this run."""
    with transaction() as session:
        require_role(session, actor, *PRACTISING_ROLES, action="practise procedures")
        scenario = _scenarios(session).get(scenario_key)
        if scenario is None:
            raise NotFound("There is no such practice scenario. Choose one from the list.")
        procedure = registry.get(scenario["procedure"])
        if not _may_practise(actor, procedure):
            raise DomainError(f"Your role cannot practise {procedure.title}.")
        reference_no = f"PRACTICE-{secrets.token_hex(3).upper()}"
        sim = Sim.start(
            procedure,
            scenario,
            reference_no=reference_no,
            team_id=actor.team_id,
            actor_name=actor.display_name,
            today=_today(),
            reference=reference_values.current(session),
        )
        row = PracticeRun(
            user_id=actor.user_id,
            team_id=actor.team_id,
            procedure_id=procedure.id,
            procedure_version=procedure.version,
            scenario_key=scenario_key,
            scenario=scenario,
            reference=reference_no,
            status="in_progress",
            sim=sim.dump(),
            log=[{"at": utcnow().isoformat(), "event": "at_step", "step": sim.run.state}],
        )
        session.add(row)
        session.flush()
        sim.run.id = row.id
        audit.record(
            session,
            actor,
            "practice.started",
            entity_type="practice_run",
            entity_id=row.id,
            after={"procedure": procedure.id, "scenario": scenario_key, "reference": reference_no},
        )
        return _view(row, sim)


def view_practice(actor: Actor, practice_id: str) -> PracticeView:
    with transaction(read_only=True) as session:
        row = _load(session, actor, practice_id)
        return _view(row, _sim(session, actor, row))


def _act(
    actor: Actor, practice_id: str, expected_version: int, action: str, do: Callable[[Sim], None], **logged: Any
) -> PracticeView:
    """One practice action in one transaction; a refusal is logged for the debrief (and audited), then raised."""
    refused: ValidationFailed | DomainError | None = None
    with transaction() as session:
        row = _load(session, actor, practice_id)
        expect_version(row, expected_version, what="This practice run")  # type: ignore[arg-type]
        sim = _sim(session, actor, row)
        step = sim.run.state
        try:
            do(sim)
        except ValidationFailed as exc:
            refused = exc
            _log(row, "refused", step=step, errors=exc.errors)
            audit.record(
                session,
                actor,
                "practice.refused",
                entity_type="practice_run",
                entity_id=row.id,
                after={"state": step, "errors": exc.errors},
            )
        except DomainError as exc:
            refused = exc
            _log(row, "refused", step=step, errors={"_problem": exc.message})
            audit.record(
                session,
                actor,
                "practice.refused",
                entity_type="practice_run",
                entity_id=row.id,
                after={"state": step, "errors": {"_problem": exc.message}},
            )
        else:
            _log(row, action.removeprefix("practice."), step=step, **logged)
            _save(session, actor, row, sim, action)
        session.flush()
        view = None if refused else _view(row, sim)
    if refused is not None:
        raise refused
    if view is None:  # refused is None exactly when the view was built above
        raise RuntimeError("a practice step saved no view")
    return view


def submit_step(actor: Actor, practice_id: str, answers: dict[str, Any], *, expected_version: int) -> PracticeView:
    """As runs.submit_step, on the practice run; the answers given are kept for the debrief."""

    return _act(actor, practice_id, expected_version, "practice.step", lambda sim: sim.submit(answers))


def confirm_step(actor: Actor, practice_id: str, *, expected_version: int) -> PracticeView:
    return _act(actor, practice_id, expected_version, "practice.step", lambda sim: sim.confirm())


def go_back(actor: Actor, practice_id: str, *, expected_version: int) -> PracticeView:
    return _act(actor, practice_id, expected_version, "practice.back", lambda sim: sim.back())


def change_answer(actor: Actor, practice_id: str, step_id: str, *, expected_version: int) -> PracticeView:
    return _act(actor, practice_id, expected_version, "practice.change", lambda sim: sim.change(step_id), to=step_id)


def retry(actor: Actor, practice_id: str) -> PracticeView:
    """The same scenario again, on a new fictional case."""
    with transaction(read_only=True) as session:
        row = _load(session, actor, practice_id)
        key = row.scenario_key
    return start_practice(actor, key)


# --- the debrief ---------------------------------------------------------------------------------------


def _free_text(procedure: Procedure, answers: dict[str, Any]) -> list[str]:
    kinds = ("text", "long_text")
    return [
        str(v)
        for k, v in answers.items()
        if k in procedure.field_index and procedure.field_index[k].kind in kinds and isinstance(v, str) and v.strip()
    ]


def _masked(lines: list[dict[str, Any]], texts: list[str]) -> tuple[str, ...]:
    out = []
    for line in lines:
        text = str(line["text"])
        for typed in sorted(texts, key=len, reverse=True):
            text = text.replace(typed, "[your words]")
        out.append(text)
    return tuple(out)


def _all_given(sim: Sim) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for item in sim.given.values():
        merged |= item["answers"]
    return merged


def _seconds(row: PracticeRun, procedure: Procedure) -> tuple[tuple[str, float], ...]:
    marks = [(datetime.fromisoformat(e["at"]), e["step"]) for e in row.log if e["event"] == "at_step"]
    out: dict[str, float] = {}
    for (at, step), (later, _next) in zip(marks, marks[1:], strict=False):
        out[step] = out.get(step, 0.0) + (later - at).total_seconds()
    return tuple((procedure.steps[s].title, round(t, 1)) for s, t in out.items())


def _debrief(row: PracticeRun, sim: Sim) -> Debrief:
    procedure = sim.procedure
    today = uk_local(row.created_at).date()
    expected_sim = walk_scenario(row.scenario, today=today, reference=sim.reference, actor_name=sim.actor_name)
    titles = procedure.steps
    taken, expected = list(sim.run.history), list(expected_sim.run.history)
    differences: list[StepDifference] = []
    for index, step in enumerate(taken[:-1]):
        given, wanted = sim.given.get(str(index)), expected_sim.given.get(str(index))
        if wanted is None or wanted["step"] != step:
            if wanted is not None:
                other = titles[wanted["step"]]
                differences.append(
                    StepDifference(titles[step].title, "Step", titles[step].title, other.title, other.guidance)
                )
            break  # after the paths part, the steps no longer line up
        for f in titles[step].fields:
            if f.kind in ("text", "long_text", "pdf") or f.name not in wanted["answers"]:
                continue  # the caseworker's own words are theirs; only values must match
            mine = (given or {"answers": {}})["answers"].get(f.name)
            if mine != wanted["answers"][f.name]:
                differences.append(
                    StepDifference(
                        titles[step].title,
                        f.label,
                        show(mine, f),
                        show(wanted["answers"][f.name], f),
                        titles[step].guidance,
                    )
                )
    # Each run has its own fictional reference (and SR numbers made from it): compare them as one word.
    mine_ref, expected_ref = row.reference, CHECK_REFERENCE

    def same(text: str) -> str:
        return text.replace(mine_ref, "PRACTICE").replace(expected_ref, "PRACTICE")

    texts = [same(t) for t in _free_text(procedure, _all_given(sim)) + _free_text(procedure, _all_given(expected_sim))]
    texts = [t for t in texts if t != "PRACTICE"]  # the SCIN typed as the reference is a value, not own words
    my_lines = [line for saved in sim.sent for line in saved["cms"]]
    expected_lines = [line for saved in expected_sim.sent for line in saved["cms"]]
    cms_mine = tuple(str(line["text"]) for line in my_lines)
    cms_expected = _masked([{"text": same(str(line["text"]))} for line in expected_lines], texts)
    cms_mine_cmp = _masked([{"text": same(str(line["text"]))} for line in my_lines], texts)
    cms_expected_cmp = cms_expected
    path_matches = taken == expected
    cms_matches = cms_mine_cmp == cms_expected_cmp
    would: list[str] = []
    letters: list[tuple[int, str]] = []
    for saved in sim.sent:
        for item in saved["would"]:
            if item["kind"] == "letter":
                letters.append((len(letters), f"{item['code']} to the {item['recipient'].replace('_', ' ')}"))
                would.append(f"Letter {item['code']} to the {item['recipient'].replace('_', ' ')}")
            elif item["kind"] == "email":
                would.append(f"Email: {item['subject']} (to {item['to']})")
            elif item["kind"] in ("task", "message"):
                would.append(f"{item['kind'].capitalize()}: {item['text']}")
            elif item["kind"] == "bundle":
                would.append(f"Files stored with the SR: {', '.join(item['documents'])}")
    errors = tuple(
        (titles[e["step"]].title, message)
        for e in row.log
        if e["event"] == "refused"
        for message in e["errors"].values()
    )
    return Debrief(
        row.id,
        row.reference,
        _info(row.scenario),
        path_matches and cms_matches,
        path_matches,
        cms_matches,
        tuple(titles[s].title for s in taken),
        tuple(titles[s].title for s in expected),
        tuple(differences),
        errors,
        sum(1 for e in row.log if e["event"] == "back"),
        sum(1 for e in row.log if e["event"] == "change"),
        _seconds(row, procedure),
        cms_mine,
        cms_expected,
        tuple(would),
        tuple(letters),
    )


def debrief(actor: Actor, practice_id: str) -> Debrief:
    """Path taken against the expected path, differing answers with guidance, errors, Back/Change, times, CMS."""
    with transaction(read_only=True) as session:
        row = _load(session, actor, practice_id)
        sim = _sim(session, actor, row)
        if sim.run.status != "finished":
            raise DomainError("The debrief is ready when the practice run reaches the end of the procedure.")
        return _debrief(row, sim)


def practice_letter(actor: Actor, practice_id: str, index: int) -> FileDownload:
    """A letter the practice run would have sent, rendered from its values and watermarked PRACTICE."""
    with transaction() as session:
        row = _load(session, actor, practice_id)
        letters = [item for saved in row.sim.get("sent", []) for item in saved["would"] if item["kind"] == "letter"]
        if not 0 <= index < len(letters):
            raise NotFound("That letter is not part of this practice run.")
        item = letters[index]
        try:
            rendered = render(letter_catalogue.get(item["code"]), item["context"])
        except ContextError as exc:
            raise ValidationFailed(exc.problems) from None
        audit.record(
            session,
            actor,
            "practice.letter",
            entity_type="practice_run",
            entity_id=row.id,
            after={"code": item["code"], "index": index},
        )
        return FileDownload(
            f"PRACTICE-{item['code']}-{row.reference}.docx", DOCX_MEDIA_TYPE, watermark(rendered.content)
        )


def my_practice(actor: Actor) -> list[tuple[str, str, str, bool | None]]:
    """(practice id, scenario title, status, passed) of the actor's practice runs, newest first."""
    with transaction(read_only=True) as session:
        require_role(session, actor, *PRACTISING_ROLES, action="practise procedures")
        rows = session.scalars(
            select(PracticeRun).where(PracticeRun.user_id == actor.user_id).order_by(PracticeRun.created_at.desc())
        ).all()
        return [(r.id, str(r.scenario.get("title", r.scenario_key)), r.status, r.passed) for r in rows]


def practice_record(actor: Actor) -> list[RecordRow]:
    """Per caseworker of the team leader's team and procedure: how many practice runs finished, how many passed."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "team_leader", action="see the team's practice record")
        people = session.scalars(
            select(User).where(User.team_id == actor.team_id, User.role == "caseworker").order_by(User.display_name)
        ).all()
        rows = session.scalars(
            select(PracticeRun).where(PracticeRun.team_id == actor.team_id, PracticeRun.status == "finished")
        ).all()
        out = []
        for person in people:
            mine = [r for r in rows if r.user_id == person.id]
            for procedure in registry.latest():
                runs = [r for r in mine if r.procedure_id == procedure.id]
                if runs:
                    out.append(
                        RecordRow(person.display_name, procedure.id, len(runs), sum(1 for r in runs if r.passed))
                    )
        return out


# --- policy staff: scenarios as data --------------------------------------------------------------------


def save_scenario(actor: Actor, scenario: dict[str, Any]) -> ScenarioInfo:
    """Add or edit a scenario; refused, with the step where it breaks, unless its expected path walks the machine."""
    with transaction() as session:
        require_role(session, actor, "policy", action="edit practice scenarios")
        for name in ("key", "procedure", "title", "walk"):
            if not scenario.get(name):
                raise ValidationFailed({name: f"A scenario needs a {name}."})
        try:
            walk_scenario(scenario, today=_today(), reference=reference_values.current(session))
        except ScenarioBroken as exc:
            raise ValidationFailed({"walk": exc.message}) from None
        session.add(
            PracticeScenario(
                key=scenario["key"], procedure_id=scenario["procedure"], data=scenario, changed_by_id=actor.user_id
            )
        )
        audit.record(
            session,
            actor,
            "practice.scenario_saved",
            entity_type="practice_scenario",
            entity_id=scenario["key"],
            after={"procedure": scenario["procedure"], "title": scenario["title"]},
        )
        return _info(scenario)


def scenarios_for_editing(actor: Actor) -> dict[str, dict[str, Any]]:
    """Every scenario in force, by key, as the data policy staff edit."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "policy", action="edit practice scenarios")
        return _scenarios(session)
