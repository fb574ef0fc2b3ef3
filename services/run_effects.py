"""Apply a step's effects inside the run's transaction, using the recording primitives.

Handlers are registered by effect type, so a procedure family that needs a new kind of effect
(emails, bundles, ...) adds a handler without touching the engine.

Where a step's output lands, when the team running the procedure is not the case's (an SR handed over to it:
services/console/handover.py; decided 7 December 2026, sixth session). Each output goes to someone who can see it and
must act on it; for a run of the case's own team (`run.team_id == case.team_id`) every rule gives what it gave before:
- An SR the run creates for the caseworker running it (owner "me") is the run's team's: its owner works in that team
  and sees only that team's SRs (services/access.py). Given to the case's team, the caseworker would own an SR
  they could not open, and nobody in the case's team would see it either (it is allocated, to an outsider).
- An SR created unallocated ("none") or for a named owner or team keeps the case's team (or the named team): the
  case's team holds the case and its leader allocates or hands the SR on; the SR is in their list for them to act.
- A task for an SR's owner, on an SR nobody owns, goes to the team holding that SR (`sr.team_id`), who can open it
  and allocate it, not to the case's team, which may no longer hold it.
- An email to "the owning caseworker and team leader" (P5e) with no owner on that SR goes to the leaders of the team
  holding the SR, never back to the caseworker running the run (who would email themself).
- P5e's email to "the case's team leaders" stays with the case's team. Seed 004 steps 3 and 6 say to tell "the owning
  caseworker and team leader": the caseworker whose case it is and their team leader, who asked for the visit and
  must act on what it found. When the SSST works an SR handed over from the case's team, that is the case's team
  (the run's team is the SSST, which would be telling itself and leaving the asking team unaware).
- A task whose text sends its reader to the case's page (P5e's "read the visit summary in the case's Contact Notes")
  has its `off_case` words for a recipient outside the case's team, who cannot open that page (the demo's own P5e:
  the CSA caseworker who asked, from an SR of theirs on an SSST case; 7 December 2026, seventh session).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Case, ProcedureRun, ServiceRequest, Team, User
from domain.mail import Draft
from letters import catalogue
from procedures.effects import (
    ACTOR_NAME,
    CASE_TEAM_LEADERS,
    SR_NUMBER,
    AddDeadline,
    AddNote,
    CaseTeam,
    CmsContext,
    CompleteDeadlines,
    CreateSR,
    DeleteClericalFiles,
    Effect,
    LetterDue,
    MarkActivityDone,
    NamedTeam,
    QueueEmail,
    RaiseTask,
    SetDue,
    SetReviewDate,
    SetStatus,
    SROwner,
    StoreBundle,
    UpdateSR,
)
from services import deadlines, email, email_background, records
from services.actor import Actor
from services.bundles import delete_bundles, store_bundle
from services.deadlines import set_due
from services.letter_rendering import render_document
from services.letters import add_due_letter


@dataclass
class EffectEnv:
    session: Session
    actor: Actor
    run: ProcedureRun
    case: Case
    # Work once the step's transaction has committed (queued email handed to the background sender), never before.
    after_commit: list[Callable[[], object]] = field(default_factory=list)
    # What the CMS panel resolved the step's values with (reference values in force, the procedure's seed): a
    # closed SR keeps its Sub Status line in those words (services/recorded_cms.py). None: nothing to keep.
    cms: CmsContext | None = None

    def sr(self, ref: str) -> ServiceRequest:
        sr_id = self.run.sr_refs.get(ref)
        if sr_id is None:
            raise RuntimeError(f"run {self.run.id} has no SR called {ref!r} yet")
        sr = self.session.get_one(ServiceRequest, sr_id)
        return sr


E = TypeVar("E", bound=Effect)
HANDLERS: dict[type[Effect], Callable[[EffectEnv, Any], None]] = {}


def handles(effect_type: type[E]) -> Callable[[Callable[[EffectEnv, E], None]], Callable[[EffectEnv, E], None]]:
    def register(handler: Callable[[EffectEnv, E], None]) -> Callable[[EffectEnv, E], None]:
        HANDLERS[effect_type] = handler
        return handler

    return register


def apply(env: EffectEnv, effects: list[Effect]) -> None:
    for effect in effects:
        handler = HANDLERS.get(type(effect))
        if handler is None:
            raise RuntimeError(f"no handler for effect {type(effect).__name__}")
        handler(env, effect)


@handles(CreateSR)
def _create_sr(env: EffectEnv, effect: CreateSR) -> None:
    if effect.ref in env.run.sr_refs:  # the run started from an allocated SR: work on it
        sr = env.sr(effect.ref)
        if sr.status != effect.status and effect.status != "Open":
            records.set_status(env.session, env.actor, sr, effect.status)
        return
    parent = env.sr(effect.parent_ref) if effect.parent_ref else None
    team_id = _new_sr_team(env, effect)
    owner_id = _owner_id(env, effect, team_id)
    sr = records.create_sr(
        env.session,
        env.actor,
        case=env.case,
        process=effect.process,
        area=effect.area,
        sub_area=effect.sub_area,
        parent=parent,
        status=effect.status,
        owner_id=owner_id,
        team_id=team_id,
        activities=effect.activities,
        reason=effect.reason,
    )
    named = effect.named_owner
    if named and owner_id is None:
        # The named owner is no active caseworker of the team here (not set up, left, or a name typed another
        # way): the SR would wait unallocated and unnoticed, so the team is told whose it is meant to be.
        records.raise_task(
            env.session,
            env.actor,
            text=f"SR {sr.number} is for {named}, who is not an active caseworker of this team in Casework Guide. "
            "Allocate it to them in CMS, or to another caseworker here.",
            sr=sr,
            team_id=team_id,
            kind="message",
        )
    env.run.sr_refs = {**env.run.sr_refs, effect.ref: sr.id}
    if effect.ref == "main":
        env.run.sr_id = sr.id


def _new_sr_team(env: EffectEnv, effect: CreateSR) -> int:
    """The team a created SR is for: the one the procedure names; the run's own team for an SR its caseworker is to
    own ("me"), so they can open it; otherwise the case's team, which allocates it (the module's docstring)."""
    if effect.team:
        return _team_id(env, effect.team)
    if effect.owner == "me":
        return env.run.team_id
    return env.case.team_id


def _owner_id(env: EffectEnv, effect: CreateSR, team_id: int) -> int | None:
    """The SR's owner: the actor ("me"), nobody ("none"), or the active caseworker of the team with that name."""
    if effect.owner == "me":
        return env.actor.user_id
    if not effect.named_owner:
        return None
    name = effect.named_owner.lower()
    return env.session.scalar(
        select(User.id)
        .where(
            User.team_id == team_id,
            User.role == "caseworker",
            User.is_active.is_(True),
            (func.lower(User.display_name) == name) | (func.lower(User.username) == name),
        )
        .order_by(User.id)
        .limit(1)
    )


def _team_id(env: EffectEnv, name: str) -> int:
    """A team by name; the case's team when Casework Guide has no team of that name."""
    return env.session.scalar(select(Team.id).where(Team.name == name)) or env.case.team_id


@handles(SetStatus)
def _set_status(env: EffectEnv, effect: SetStatus) -> None:
    line = effect.sub_status_line(env.cms) if env.cms is not None else None
    records.set_status(
        env.session,
        env.actor,
        env.sr(effect.ref),
        effect.status,
        effect.sub_status,
        resolution_code=effect.resolution_code,
        reason=effect.reason,
        sub_status_cms=line.as_dict() if line is not None else None,
    )


@handles(MarkActivityDone)
def _activity(env: EffectEnv, effect: MarkActivityDone) -> None:
    records.mark_activity_done(env.session, env.actor, env.sr(effect.ref), effect.name, outcome=effect.outcome)


@handles(AddNote)
def _note(env: EffectEnv, effect: AddNote) -> None:
    records.add_note(
        env.session,
        env.actor,
        case=env.case,
        sr=env.sr(effect.ref),
        text=effect.text,
        kind=effect.kind,
        max_chars=records.STEP_NOTE_MAX_CHARS,
    )


@handles(SetReviewDate)
def _review(env: EffectEnv, effect: SetReviewDate) -> None:
    records.set_review_date(env.session, env.actor, env.sr(effect.ref), effect.day, effect.explanation)


@handles(AddDeadline)
def _deadline(env: EffectEnv, effect: AddDeadline) -> None:
    records.add_deadline(
        env.session,
        env.actor,
        env.sr(effect.ref),
        kind=effect.kind,
        due_at=effect.due_at,
        explanation=effect.explanation,
    )


@handles(CompleteDeadlines)
def _deadlines_met(env: EffectEnv, effect: CompleteDeadlines) -> None:
    deadlines.complete(env.session, env.actor, env.sr(effect.ref), effect.kinds)


@handles(UpdateSR)
def _update(env: EffectEnv, effect: UpdateSR) -> None:
    records.update_sr(env.session, env.actor, env.sr(effect.ref), **effect.fields)


@handles(RaiseTask)
def _task(env: EffectEnv, effect: RaiseTask) -> None:
    sr = env.sr(effect.ref) if effect.ref else None
    assignee_id: int | None = None
    team_id: int | None = None
    match effect.to:
        case CaseTeam():
            team_id = env.case.team_id
        case SROwner():
            # Nobody owns the SR: the team holding it, who can open it and allocate it (not the case's team, which
            # no longer holds an SR handed over from it).
            assignee_id = sr.owner_id if sr and sr.owner_id else None
            team_id = None if assignee_id else sr.team_id if sr else env.case.team_id
        case NamedTeam(name=name):
            team_id = _team_id(env, name)
    text = effect.text
    if effect.off_case is not None:
        told = env.session.get_one(User, assignee_id).team_id if assignee_id else team_id
        if told != env.case.team_id:  # they cannot open the case's page the text sends them to
            text = effect.off_case
    records.raise_task(
        env.session, env.actor, text=text, sr=sr, assignee_id=assignee_id, team_id=team_id, kind=effect.kind
    )


def fill(value: Any, env: EffectEnv, sr: ServiceRequest) -> Any:
    """Put the SR's number and the caseworker's name where a procedure wrote the SR_NUMBER / ACTOR_NAME
    placeholders (a step's effects are pure and know neither), in text, contexts, documents and drafts."""
    if isinstance(value, str):
        return value.replace(SR_NUMBER, sr.number).replace(ACTOR_NAME, env.actor.display_name)
    if isinstance(value, Draft):
        return replace(value, subject=fill(value.subject, env, sr), body=fill(value.body, env, sr))
    if isinstance(value, dict):
        return {k: fill(v, env, sr) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(fill(v, env, sr) for v in value)
    return value


@handles(LetterDue)
def _letter(env: EffectEnv, effect: LetterDue) -> None:
    sr = env.sr(effect.ref)
    add_due_letter(
        env.session,
        env.actor,
        sr=sr,
        code=effect.code,
        context=fill(effect.context, env, sr),
        recipient=effect.recipient,
    )


@handles(SetDue)
def _set_due(env: EffectEnv, effect: SetDue) -> None:
    set_due(env.session, env.actor, env.sr(effect.ref), effect.due)


def render_documents(
    session: Session, documents: tuple[tuple[str, dict[str, Any]], ...], sr: ServiceRequest | None = None
) -> list[tuple[str, bytes]]:
    """Render letters and forms for a bundle or an email, named by their code.

    A form's `sr_number` defaults to the number of the SR the effect is on: a procedure step cannot
    know the number of an SR it created (or was started from) when it builds its effects.
    """

    def context_for(code: str, context: dict[str, Any]) -> dict[str, Any]:
        if sr is not None and "sr_number" not in context and "sr_number" in catalogue.get(code).variables:
            return {**context, "sr_number": sr.number}
        return context

    return [render_document(session, code, context_for(code, context)) for code, context in documents]


@handles(QueueEmail)
def _email(env: EffectEnv, effect: QueueEmail) -> None:
    sr = env.sr(effect.ref)
    to: list[Any] | None = None
    if effect.to == "owner_and_team_leader":
        to = _owner_and_team_leader(env, effect, sr)
    elif effect.to == CASE_TEAM_LEADERS:
        # The case's team asked for the work (seed 004's "owning caseworker and team leader"): never the run's team
        # working an SR handed over to it, which would tell itself (the module's docstring).
        to = email.team_leaders(env.session, env.case.team_id, whose="The case's team")
    elif effect.to:
        to = list(effect.to)
    # A draft may be a callable taking the SR's number (the step cannot know it when it builds its effects).
    draft = effect.draft(sr_number=sr.number) if callable(effect.draft) else effect.draft
    queued = email.queue_email(
        env.session,
        env.actor,
        sr,
        fill(draft, env, sr),
        to=to,
        attachments=render_documents(env.session, fill(effect.documents, env, sr), sr),
    )
    email_id = queued.id
    # Sent in the background once the step has committed: the page answers without waiting for the mail server.
    env.after_commit.append(lambda: email_background.send_after_commit([email_id], on_behalf_of=env.actor))


def _owner_and_team_leader(env: EffectEnv, effect: QueueEmail, sr: ServiceRequest) -> list[Any]:
    """The owner of the SR named by `owner_ref` (the email's own SR without one) and their team leaders. That SR
    unallocated: the leaders of the team holding it, who allocate it. The email's own SR unallocated (a run's SR is
    its caseworker's): the caseworker running the run, as before."""
    if effect.owner_ref is not None and effect.owner_ref in env.run.sr_refs:
        owning = env.sr(effect.owner_ref)
        if owning.owner_id is None:
            return email.team_leaders(env.session, owning.team_id, whose=f"The team holding SR {owning.number}")
        return email.owner_and_team_leader(env.session, owning.owner_id)
    return email.owner_and_team_leader(env.session, sr.owner_id or env.actor.user_id)


@handles(StoreBundle)
def _bundle(env: EffectEnv, effect: StoreBundle) -> None:
    sr = env.sr(effect.ref)
    store_bundle(
        env.session,
        env.actor,
        sr,
        name=effect.name,
        documents=render_documents(env.session, fill(effect.documents, env, sr), sr),
    )


@handles(DeleteClericalFiles)
def _delete_files(env: EffectEnv, effect: DeleteClericalFiles) -> None:
    delete_bundles(env.session, env.actor, env.sr(effect.ref), reason=effect.reason)
