"""The practice debrief: the path taken against the expected path, differing answers with the step's guidance,
the problems shown, Back and Change uses, time per step, what would have been keyed into CMS and sent.

Passing: a scenario is passed when the path taken is the expected path and the CMS lines match the expected
walk's, with the caseworker's own free text (notes, summaries) set aside: their words are theirs, the
values (choices, dates, amounts, statuses, SR values) must match. A value the published procedures do not
give (a CMS line that can only suggest it, such as P5e's Resolution Code) is not marked: the scenario's
choice would otherwise be presented as the published answer. The debrief lists it as not marked instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.models import PracticeRun
from domain.clock import uk_local
from letters import catalogue as letter_catalogue
from letters.fields import ContextError
from letters.render import render
from letters.watermark import watermark
from procedures.definition import Procedure
from services import audit, practice_effects
from services.actor import Actor
from services.downloads import FileDownload
from services.errors import DomainError, NotFound, ValidationFailed
from services.letter_contact import with_contact
from services.letters import DOCX_MEDIA_TYPE
from services.practice_check import CHECK_REFERENCE, walk_scenario
from services.practice_sim import Sim
from services.practice_store import ScenarioInfo, info, load_run, sim_of
from services.run_views import show
from services.transaction import transaction


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
    not_marked: tuple[StepDifference, ...]  # answers that are values the published procedures do not give
    validation_errors: tuple[tuple[str, str], ...]  # (step title, message)
    backs: int
    changes: int
    seconds_per_step: tuple[tuple[str, float], ...]
    cms_lines: tuple[str, ...]  # what would have been keyed into CMS
    expected_cms_lines: tuple[str, ...]
    would_send: tuple[str, ...]  # letters, emails, tasks in words
    letters: tuple[tuple[int, str], ...]  # (index, code and recipient) to download watermarked


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


def _suggested(sims: tuple[Sim, ...], step: str) -> set[str]:
    """Values a step's CMS lines could only suggest: not published (nor confirmed locally), so never marked."""
    return {
        str(line["suggestion"])
        for sim in sims
        for saved in sim.sent
        if saved["step"] == step
        for line in saved["cms"]
        if line.get("suggestion") is not None
    }


def _instructions(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines that give an exact value (published or confirmed locally): the ones a debrief marks."""
    return [line for line in lines if line.get("suggestion") is None]


def _seconds(row: PracticeRun, procedure: Procedure) -> tuple[tuple[str, float], ...]:
    marks = [(datetime.fromisoformat(e["at"]), e["step"]) for e in row.log if e["event"] == "at_step"]
    out: dict[str, float] = {}
    for (at, step), (later, _next) in zip(marks, marks[1:], strict=False):
        out[step] = out.get(step, 0.0) + (later - at).total_seconds()
    return tuple((procedure.steps[s].title, round(t, 1)) for s, t in out.items())


def compare(row: PracticeRun, sim: Sim) -> Debrief:
    procedure = sim.procedure
    today = uk_local(row.created_at).date()
    expected_sim = walk_scenario(row.scenario, today=today, reference=sim.reference, actor_name=sim.actor_name)
    titles = procedure.steps
    taken, expected = list(sim.run.history), list(expected_sim.run.history)
    differences: list[StepDifference] = []
    not_marked: list[StepDifference] = []
    for index, step in enumerate(taken[:-1]):
        given, wanted = sim.given.get(str(index)), expected_sim.given.get(str(index))
        if wanted is None or wanted["step"] != step:
            if wanted is not None:
                other = titles[wanted["step"]]
                before = titles[taken[index - 1]].title if index else titles[step].title
                differences.append(StepDifference(before, "Next step", titles[step].title, other.title, other.guidance))
            break  # after the paths part, the steps no longer line up
        for f in titles[step].fields:
            if f.kind in ("text", "long_text", "pdf") or f.name not in wanted["answers"]:
                continue  # the caseworker's own words are theirs; only values must match
            mine = (given or {"answers": {}})["answers"].get(f.name)
            if mine != wanted["answers"][f.name]:
                difference = StepDifference(
                    titles[step].title,
                    f.label,
                    show(mine, f),
                    show(wanted["answers"][f.name], f),
                    titles[step].guidance,
                )
                unpublished = _suggested((sim, expected_sim), step)
                if str(wanted["answers"][f.name]) in unpublished and str(mine) in unpublished:
                    not_marked.append(difference)
                else:
                    differences.append(difference)
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
    cms_mine_cmp = _masked([{"text": same(str(line["text"]))} for line in _instructions(my_lines)], texts)
    cms_expected_cmp = _masked([{"text": same(str(line["text"]))} for line in _instructions(expected_lines)], texts)
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
                would.append(f"Email: {item['subject']} (to {practice_effects.addressee(item['to'])})")
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
        info(row.scenario),
        path_matches and cms_matches,
        path_matches,
        cms_matches,
        tuple(titles[s].title for s in taken),
        tuple(titles[s].title for s in expected),
        tuple(differences),
        tuple(not_marked),
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
        row = load_run(session, actor, practice_id)
        sim = sim_of(session, actor, row)
        if sim.run.status != "finished":
            raise DomainError("The debrief is ready when the practice run reaches the end of the procedure.")
        return compare(row, sim)


def practice_letter(actor: Actor, practice_id: str, index: int) -> FileDownload:
    """A letter the practice run would have sent, rendered from its values and watermarked PRACTICE."""
    with transaction() as session:
        row = load_run(session, actor, practice_id)
        letters = [item for saved in row.sim.get("sent", []) for item in saved["would"] if item["kind"] == "letter"]
        if not 0 <= index < len(letters):
            raise NotFound("That letter is not part of this practice run.")
        item = letters[index]
        try:
            spec = letter_catalogue.get(item["code"])
            rendered = render(spec, with_contact(spec, item["context"]))
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
        return FileDownload(letter_file_name(item["code"], row.reference), DOCX_MEDIA_TYPE, watermark(rendered.content))


def letter_file_name(code: str, reference: str) -> str:
    """A practice letter's file name: PRACTICE first, so a downloaded file says what it is."""
    return f"PRACTICE-{code}-{reference}.docx"
