"""What a practice step would have done, described instead of applied: the CMS lines, letters, emails, tasks,
bundles and deadlines a real run records, kept in the practice row's JSON for the side panels and the debrief.

SRs a step creates get fictional numbers made from the practice reference ("PRACTICE-7F3A0C-SR-2"); nothing
here touches the database.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from domain import mail
from domain.clock import UK, uk_local, utcnow
from letters import catalogue as letter_catalogue
from letters.catalogue import recipient_words
from procedures.effects import (
    ACTOR_NAME,
    CASE_TEAM_LEADERS,
    SR_NUMBER,
    AddDeadline,
    AddNote,
    CompleteDeadlines,
    CreateSR,
    Effect,
    LetterDue,
    QueueEmail,
    RaiseTask,
    SetDue,
    SetReviewDate,
    StoreBundle,
)
from services.deadlines import DeadlineView
from services.mail_settings import mailbox
from services.practice_case import real_json

if TYPE_CHECKING:  # the simulation passes itself in; importing it here would be a cycle
    from services.practice_sim import Sim

REVIEW_TIME = time(9, 0)  # as services.records.set_review_date: a review date is due at 09:00 that day


def fill(sim: Sim, value: Any, ref: str) -> Any:
    """Put the fictional SR number and the caseworker's name where the procedure wrote placeholders."""
    number = sim.numbers.get(ref, f"{sim.case.scin}-SR")
    if isinstance(value, str):
        return value.replace(SR_NUMBER, number).replace(ACTOR_NAME, sim.actor_name)
    if isinstance(value, dict):
        return {k: fill(sim, v, ref) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [fill(sim, v, ref) for v in value]
    return value


def _deadline(kind: str, due_at: datetime, explanation: str, ref: str) -> dict[str, Any]:
    return {"kind": "deadline", "deadline": kind, "due_at": due_at.isoformat(), "explanation": explanation, "ref": ref}


def simulate(sim: Sim, state: str, effects: list[Effect], lines: list[dict[str, Any]]) -> None:
    """Record on `sim` what the step would have done; give SRs it creates fictional numbers."""
    would: list[dict[str, Any]] = []
    for e in effects:
        if isinstance(e, CreateSR) and e.ref not in sim.run.sr_refs:
            sr_id = -(len(sim.run.sr_refs) + 1)
            sim.run.sr_refs = {**sim.run.sr_refs, e.ref: sr_id}
            sim.numbers[e.ref] = f"{sim.case.scin}-SR-{-sr_id}"
        if isinstance(e, LetterDue):
            context = fill(sim, real_json(e.context), e.ref)
            if "sr_number" not in context and "sr_number" in letter_catalogue.get(e.code).variables:
                context["sr_number"] = sim.numbers.get(e.ref, "")  # as run_effects.render_documents does
            would.append({"kind": "letter", "code": e.code, "recipient": e.recipient, "context": context})
        elif isinstance(e, QueueEmail):
            number = sim.numbers.get(e.ref, "")
            draft = e.draft(sr_number=number) if callable(e.draft) else e.draft
            to = e.to if isinstance(e.to, str) else ", ".join(e.to)
            would.append({"kind": "email", "subject": fill(sim, draft.subject, e.ref), "to": to or draft.kind})
        elif isinstance(e, StoreBundle):
            would.append({"kind": "bundle", "name": e.name, "documents": [code for code, _ in e.documents]})
        elif isinstance(e, RaiseTask):
            would.append({"kind": e.kind, "text": fill(sim, e.text, e.ref or "main")})
        elif isinstance(e, AddNote):
            would.append({"kind": "note", "text": fill(sim, getattr(e, "text", ""), getattr(e, "ref", "main"))})
        elif isinstance(e, SetDue):
            would.append(_deadline(e.due.kind, e.due.due_at, e.due.explanation, e.ref))
        elif isinstance(e, AddDeadline):
            would.append(_deadline(e.kind, e.due_at, e.explanation, e.ref))
        elif isinstance(e, SetReviewDate):
            due = datetime.combine(e.day, REVIEW_TIME, tzinfo=UK)
            would.append(_deadline("review_date", due, e.explanation, e.ref))
        elif isinstance(e, CompleteDeadlines):
            would.append({"kind": "deadlines_met", "deadlines": list(e.kinds), "ref": e.ref})
    title = sim.procedure.steps[state].title
    sim.sent = [*sim.sent, {"step": state, "title": title, "cms": lines, "would": would}]


def deadline_views(sent: list[dict[str, Any]], numbers: dict[str, str], today: date) -> tuple[DeadlineView, ...]:
    """The practice run's deadlines as the wizard's Deadlines panel shows them: a later date for the same kind
    moves the open one (as services.deadlines.set_due does), and a step that meets them marks them met."""
    found: list[dict[str, Any]] = []
    for saved in sent:
        for item in saved["would"]:
            if item["kind"] == "deadline":
                open_one = next(
                    (
                        d
                        for d in found
                        if d["ref"] == item["ref"] and d["deadline"] == item["deadline"] and not d["done"]
                    ),
                    None,
                )
                if open_one is not None and item["deadline"] != "review_date":
                    open_one |= {"due_at": item["due_at"], "explanation": item["explanation"]}
                else:
                    found.append({**item, "done": False})
            elif item["kind"] == "deadlines_met":
                for d in found:
                    if d["ref"] == item["ref"] and d["deadline"] in item["deadlines"]:
                        d["done"] = True
    now = datetime.combine(today, uk_local(utcnow()).time(), tzinfo=UK)
    return tuple(
        DeadlineView(
            id=index,
            sr_id=0,
            kind=d["deadline"],
            due_at=datetime.fromisoformat(d["due_at"]),
            explanation=d["explanation"],
            done=d["done"],
            overdue=not d["done"] and datetime.fromisoformat(d["due_at"]) < now,
            sr_number=numbers.get(d["ref"], ""),
        )
        for index, d in enumerate(found)
    )


def emails(sent: list[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    """(subject, to) of every email the practice run would have queued."""
    return tuple(
        (item["subject"], addressee(item["to"])) for saved in sent for item in saved["would"] if item["kind"] == "email"
    )


OWNER_AND_TEAM_LEADER = "the SR's owning caseworker and their team leader"
CASE_TEAM_LEADERS_WORDS = "the team leaders of the case's team"


def addressee(to: str) -> str:
    """Who an email would have gone to, in words: the mailbox's name for an email kind's mailbox, never the kind.

    Practice runs saved before 6 December 2026 hold the email kind ("vsat_referral") or "owner_and_team_leader"
    where the recipient belongs; both are said in words here, so old and new runs read alike."""
    if to == "owner_and_team_leader" or (to in mail.DEFAULT_RECIPIENT and mail.DEFAULT_RECIPIENT[to] is None):
        return OWNER_AND_TEAM_LEADER
    if to == CASE_TEAM_LEADERS:
        return CASE_TEAM_LEADERS_WORDS
    key = mail.DEFAULT_RECIPIENT.get(to)
    if key is None:
        return to  # addresses given by the procedure itself
    box = mailbox(key)
    return box.display_name or box.addr_spec


def recipient(item: dict[str, Any]) -> str:
    return recipient_words(str(item["recipient"] or ""))


def letters(sent: list[dict[str, Any]]) -> tuple[tuple[int, str, str], ...]:
    """(index, code, code and recipient) of every letter the practice run would have recorded, to download
    watermarked."""
    found = [item for saved in sent for item in saved["would"] if item["kind"] == "letter"]
    return tuple((i, item["code"], f"{item['code']} to {recipient(item)}") for i, item in enumerate(found))
