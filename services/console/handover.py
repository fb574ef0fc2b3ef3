"""Handing the team's SRs over to another team, with a reason: the team leader's answer to an SR that is another
team's work (the Specialist Services Support Team's court and visit SRs held by the CSA team, a CSA Information
Request held by the SSST; docs/qa-findings.md, 7 December, sixth session).

Decisions (the product decision is the brief; where it was silent):
- The giving team's leader hands over, from Outstanding SRs; the receiving team does not have to accept it. The SR
  arrives in the receiving team's unallocated SRs (its owner is cleared): their team leader allocates it, as they
  know their caseworkers. Only the SR moves: its case stays with its team, and the receiving team may work the case
  only as far as working that SR needs (services/access.py, `check_case_for_sr`).
- Everything on the SR moves with it, because it is on the SR: its deadlines (the console's deadline lists follow
  the SR's team), notes, letters, files and emails. Its history is its own: the SR's timeline tells the hand-over
  ("Handed over from ... to ..., reason: ...").
- Its open tasks and messages raised for the giving team, or for one of its people by name (the old owner's
  follow-up call, a message to allocate it), go to the receiving team as a whole, in the same transaction, each
  with a `task.handed_over` audit event its timeline tells (decided 7 December, sixth session): left where they
  were, the giving team would be told to act on an SR it can no longer open, and the receiving team, now doing the
  work, would never hear of it. They go to the team, not a person: the SR arrives unallocated, and its new owner is
  in that team. A task for anyone else (another team, by name or as a whole) stays theirs; done tasks stay as
  history. Deadline reminders need no move: `services/reminders.py` reads the SR's team and owner, so the
  giving team's notices drop the SR, and the hand-over itself tells the receiving team's leaders (they answer for
  an unallocated SR) of its due and overdue deadlines, in its transaction (`reminders.tell_moved`).
- Several ticked SRs go together or none does, as reassignment does; an SR refused (closed, a run in progress on
  it, a sensitive case going away from its own team, changed since the screen showed it) refuses the whole
  hand-over, named by its number at the field.
- A run in progress on the SR belongs to the giving team's caseworker, who is part-way through recording on it:
  the SR cannot leave under them. They finish the run, or discard it when nothing of it is on the SR yet.
- A run in progress begun from the SR (P1 from a complaint or appeal SR) does not stop it (decided 7 December, seventh
  session): the run records on SRs of its own and stays with its starter; the confirmation says so.
- A sensitive case (Special Client Records) keeps its rule: its SR may go only to the case's own team.
- `check_hand_over` makes every check of `hand_over` without changing anything, so the page can ask the team leader
  to confirm what will happen; `hand_over` makes them all again in its own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from db.models import ProcedureRun, ServiceRequest, Task, Team, User
from domain.values import FieldError, clean_text
from services import audit, reminders
from services.access import require_role
from services.actor import Actor
from services.console.reassignment import BegunRun, being_sent, runs_begun_from, team_srs
from services.errors import ConflictError, ValidationFailed
from services.transaction import transaction

ACTION = "hand service requests over to another team"
REASON_MAX = 200  # as a reassignment's reason
CHOOSE_TEAM = "Choose the team to hand over to."
OWN_TEAM = "Choose another team: the service requests are your team's already."
NO_REASON = "Enter the reason for the hand-over."
STALE = (
    "Service request {number} was changed by someone else after this list was shown (another team leader may have "
    "reassigned it, or its caseworker saved a step), so nothing was handed over. Reload the page to see it as it is "
    "now, then try again."
)
CLOSED = "Service request {number} is closed, so it cannot be handed over. Nothing was handed over."
RUN_IN_PROGRESS = (
    "A procedure ({procedure}) is in progress on service request {number}, started by {who} of your team, so nothing "
    "was handed over. Ask them to finish it, or to discard it if it is not needed, then hand the SR over."
)
SENSITIVE = (
    "Service request {number} is on a sensitive case, held by Special Client Records: it can be handed over only to "
    "the case's own team, {team}. Nothing was handed over."
)


@dataclass(frozen=True, slots=True)
class TeamChoice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class HandOver:
    """What a hand-over does (`check_hand_over`) or did (`hand_over`)."""

    sr_numbers: tuple[str, ...]
    to_team: str
    reason: str
    tasks: int = 0  # open tasks and messages for the giving team that go with the SRs
    allocated: int = 0  # how many of the SRs a caseworker has: an unallocated one leaves nobody's work
    begun_runs: tuple[BegunRun, ...] = ()  # runs in progress begun from the SRs: they stay with their starters
    emails: int = 0  # deadline reminder digests to the receiving team's leaders, sent in the background

    @property
    def tasks_go(self) -> str:
        """The sentence about the tasks that go too; nothing when none do."""
        if not self.tasks:
            return ""
        some = "1 open task or message" if self.tasks == 1 else f"{self.tasks} open tasks and messages"
        on, go = "it" if len(self.sr_numbers) == 1 else "them", "goes" if self.tasks == 1 else "go"
        return f" {some} for your team on {on} also {go} to {self.to_team}."

    @property
    def which(self) -> str:
        numbers = ", ".join(self.sr_numbers)
        return f"service request {numbers}" if len(self.sr_numbers) == 1 else f"service requests {numbers}"

    @property
    def leaves_work(self) -> str:
        """Whose work the SRs leave besides the team's list: said only of SRs a caseworker has."""
        if not self.allocated:
            return ""
        if len(self.sr_numbers) == 1:
            return " and its caseworker's work"
        if self.allocated == len(self.sr_numbers):
            return " and their caseworkers' work"
        return f" and, for the {self.allocated} allocated, their caseworkers' work"

    @property
    def asks(self) -> str:
        """The confirmation the team leader reads before it is done."""
        it, its, them = ("It", "Its", "it") if len(self.sr_numbers) == 1 else ("They", "Their", "them")
        return (
            f"Hand over {self.which} to {self.to_team}? {it} will leave your team's list{self.leaves_work}, "
            f"and wait unallocated in {self.to_team}'s list until their team leader gives {them} to one of their "
            f"caseworkers. {its} deadlines, notes, letters and files go with {them}.{self.tasks_go}{self.runs_stay} "
            f"Reason: {self.reason}"
        )

    @property
    def runs_stay(self) -> str:
        """The runs begun from the SRs, each staying with whoever started it, and whom the team leader may want to
        tell; nothing when there are none."""
        return "".join(f" {run.after_handing_over(self.to_team, done=False)}" for run in self.begun_runs)

    @property
    def caution(self) -> str | None:
        """Once handed over: the runs begun from the SRs, said again beside what was done (the confirmation that said
        it is gone), so whom to tell is still in sight; None when there are none."""
        return " ".join(run.after_handing_over(self.to_team, done=True) for run in self.begun_runs) or None

    @property
    def said(self) -> str:
        """What happened, for the team leader who did it."""
        one = len(self.sr_numbers) == 1
        return (
            f"Handed over {self.which} to {self.to_team}. {'It is' if one else 'They are'} no longer in your team's "
            f"list: {self.to_team}'s team leader will allocate {'it' if one else 'them'} to one of their caseworkers."
            f"{self.tasks_go}"
        ) + being_sent(self.emails, where=f"{self.to_team}'s Outbox")


def handover_teams(actor: Actor) -> list[TeamChoice]:
    """Every team but the team leader's own, by name: where an SR can be handed over to."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "team_leader", action=ACTION)
        rows = session.execute(select(Team.id, Team.name).where(Team.id != actor.team_id).order_by(Team.name))
        return [TeamChoice(team_id, name) for team_id, name in rows]


def check_hand_over(
    actor: Actor, sr_ids: Sequence[int], team_id: int, reason: str, *, expected_versions: Mapping[int, int]
) -> HandOver:
    """Every check `hand_over` makes, with nothing changed: what it would do, for the team leader to confirm."""
    reason = _fields(sr_ids, team_id, reason)
    with transaction(read_only=True) as session:
        srs, team = _checked(session, actor, sr_ids, team_id, expected_versions)
        tasks = sum(len(_tasks_going(session, sr)) for sr in srs)
        allocated = sum(sr.owner_id is not None for sr in srs)
        begun = runs_begun_from(session, srs)
        return HandOver(tuple(sr.number for sr in srs), team.name, reason, tasks, allocated, begun)


def hand_over(
    actor: Actor, sr_ids: Sequence[int], team_id: int, reason: str, *, expected_versions: Mapping[int, int]
) -> HandOver:
    """Give the team's SRs to another team, unallocated, with a reason; all go or none does.

    `expected_versions` is each SR's version as the team leader's screen showed it: an SR changed since refuses the
    whole hand-over. Each SR gets its own `sr.handed_over` audit event (from team, to team, reason), which its
    timeline tells, after a `task.handed_over` event for each open task of the giving team's that goes with it."""
    reason = _fields(sr_ids, team_id, reason)
    # The write lock before the first read (QA, two servers): a run started on the SR a moment before is seen, and
    # refuses the hand-over, instead of the SR leaving the team under it.
    with transaction(writes=True) as session:
        srs, team = _checked(session, actor, sr_ids, team_id, expected_versions)
        from_team = session.get_one(Team, actor.team_id)
        begun = runs_begun_from(session, srs)
        moved = 0
        for sr in srs:
            moved += _move_tasks(session, actor, sr, team)
            before = {"team_id": sr.team_id, "team": from_team.name, "owner_id": sr.owner_id}
            sr.team_id, sr.owner_id = team.id, None
            session.flush()
            audit.record(
                session,
                actor,
                "sr.handed_over",
                entity_type="service_request",
                entity_id=sr.number,
                case_id=sr.case_id,
                sr_id=sr.id,
                before=before,
                after={"team_id": team.id, "team": team.name, "owner_id": None, "reason": reason},
            )
        # The receiving team's leaders answer for the SRs now (unallocated): told of their due and overdue deadlines in
        # this transaction, not at the next `remind` run (services/reminders.py).
        digests = reminders.tell_moved(session, [sr.id for sr in srs])
        done = HandOver(tuple(sr.number for sr in srs), team.name, reason, moved, begun_runs=begun, emails=len(digests))
    reminders.deliver_after_commit(digests)
    return done


def _tasks_going(session: Session, sr: ServiceRequest) -> list[Task]:
    """The SR's open tasks and messages for the team holding it (as a whole, or one of its people by name)."""
    return list(
        session.scalars(
            select(Task)
            .outerjoin(User, Task.assignee_id == User.id)
            .where(
                Task.sr_id == sr.id,
                Task.done_at.is_(None),
                or_(User.team_id == sr.team_id, and_(Task.assignee_id.is_(None), Task.team_id == sr.team_id)),
            )
            .order_by(Task.id)
        )
    )


def _move_tasks(session: Session, actor: Actor, sr: ServiceRequest, team: Team) -> int:
    """Give the SR's open tasks for the giving team to the receiving team as a whole, each audited; how many."""
    tasks = _tasks_going(session, sr)
    for task in tasks:
        before = {"assignee_id": task.assignee_id, "team_id": task.team_id}
        task.assignee_id, task.team_id = None, team.id
        audit.record(
            session,
            actor,
            "task.handed_over",
            entity_type="task",
            entity_id=task.id,
            case_id=sr.case_id,
            sr_id=sr.id,
            before=before,
            after={"assignee_id": None, "team_id": team.id, "team": team.name, "kind": task.kind, "text": task.text},
        )
    return len(tasks)


def _fields(sr_ids: Sequence[int], team_id: int, reason: str) -> str:
    """The form's own problems, all at once in its order (as reassignment says them); the reason as kept."""
    errors: dict[str, str] = {}
    if not sr_ids:
        errors["sr_ids"] = "Choose at least one service request to hand over."
    if team_id <= 0:  # none chosen
        errors["team"] = CHOOSE_TEAM
    try:
        reason = clean_text(reason, field="reason", max_chars=REASON_MAX)
    except FieldError as exc:
        errors["reason"] = exc.message if reason.strip() else NO_REASON
    if errors:
        raise ValidationFailed(errors)
    return reason


def _checked(
    session: Session, actor: Actor, sr_ids: Sequence[int], team_id: int, expected_versions: Mapping[int, int]
) -> tuple[list[ServiceRequest], Team]:
    """The SRs and the team, once every rule allows the hand-over; otherwise refused with nothing changed.

    Every SR's access is checked before anything else is looked at, so an attempt on another team's SR is refused
    and audited whatever team it names."""
    require_role(session, actor, "team_leader", action=ACTION)
    srs = team_srs(session, actor, sr_ids, action=ACTION)
    team = session.get(Team, team_id)
    if team is None:
        raise ValidationFailed({"team": CHOOSE_TEAM})
    if team.id == actor.team_id:
        raise ValidationFailed({"team": OWN_TEAM})
    for sr in srs:
        if expected_versions.get(sr.id) != sr.version:
            raise ConflictError(STALE.format(number=sr.number), seen=expected_versions.get(sr.id), saved=sr.version)
        if sr.status == "Closed":
            raise ValidationFailed({"sr_ids": CLOSED.format(number=sr.number)})
        if sr.case.sensitive and sr.case.team_id != team.id:
            own = session.get_one(Team, sr.case.team_id).name
            raise ValidationFailed({"team": SENSITIVE.format(number=sr.number, team=own)})
        if (running := _run_on(session, sr)) is not None:
            who = running.started_by.display_name
            raise ValidationFailed(
                {"sr_ids": RUN_IN_PROGRESS.format(procedure=running.procedure_id, number=sr.number, who=who)}
            )
    return srs, team


def _run_on(session: Session, sr: ServiceRequest) -> ProcedureRun | None:
    """A run in progress that works on the SR: started on it, or recording on it (its SR refs), oldest first."""
    runs = session.scalars(
        select(ProcedureRun)
        .where(ProcedureRun.case_id == sr.case_id, ProcedureRun.status == "in_progress")
        .order_by(ProcedureRun.created_at, ProcedureRun.id)
    )
    return next((r for r in runs if r.sr_id == sr.id or sr.id in (r.sr_refs or {}).values()), None)
