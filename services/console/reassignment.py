"""Giving the team's SRs to another caseworker of the team, with a reason.

Another team's SRs, and SRs for another team, are handed over instead (services/console/handover.py).

Decisions: reassignment is all or nothing: one SR refused (another team's, a stale screen) and none moves.
The new owner must be an active caseworker of the same team: only caseworkers run the wizards, so an SR
given to anyone else would sit where nobody can work it. Naming a user of another team is refused and
audited like an attempt on another team's SR (the page never offers one, so it is a crafted request);
naming an inactive user or a non-caseworker of the team is a field error. Each SR gets its own
`sr.reassigned` audit event with the old owner, the new owner and the reason. A run in progress begun from a
moved SR (P1 from a complaint or appeal SR) does not stop it and stays with its starter; the page says so beside
what was done (decided 7 December, seventh session). The new owner is told of the moved SRs' due and overdue
deadlines in the same transaction (`services/reminders.tell_moved`), so their Home lists them at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import ProcedureRun, ServiceRequest, User
from domain.values import FieldError, clean_text
from services import audit, reminders
from services.access import check_sr, refuse, require_role, unavailable
from services.actor import Actor
from services.case_facts import case_facts
from services.case_finder import actor_in_ssst
from services.errors import ConflictError, NotFound, ValidationFailed
from services.sr_work import ways_to_work, why_not_for_leader
from services.transaction import transaction

OWNER = "Choose an active caseworker of your team."


def team_srs(session: Session, actor: Actor, sr_ids: Sequence[int], *, action: str) -> list[ServiceRequest]:
    """The ticked SRs (each once, in order), each checked as the actor's team's (refused and audited otherwise): what
    a reassignment or a hand-over checks before it looks at anything it names."""
    chosen = []
    for sr_id in dict.fromkeys(sr_ids):
        sr = session.get(ServiceRequest, sr_id)
        if sr is None:
            raise NotFound(unavailable("service request"))
        check_sr(session, actor, sr, action=action)
        chosen.append(sr)
    return chosen


@dataclass(frozen=True, slots=True)
class BegunRun:
    """A run in progress begun from an SR without working on it (P1 from a complaint or appeal SR): it records on SRs
    of its own, so the SR may be reassigned or handed over, but the run stays with whoever started it."""

    procedure_id: str
    sr_number: str
    started_by: str
    started_by_id: int
    runs: int = 1  # of that procedure, begun from that SR by that person: said once, counted
    own_srs: tuple[str, ...] = ()  # the numbers of the SRs those runs record on (none until a run saves a step)

    @property
    def stays(self) -> str:
        """ "A P1 run begun from SR 1-00000013 by Demo Caseworker is in progress; it stays with them." and where its
        starter goes on recording it."""
        which = f"A {self.procedure_id} run" if self.runs == 1 else f"{self.runs} {self.procedure_id} runs"
        verb, stay = ("is", "it stays") if self.runs == 1 else ("are", "they stay")
        return f"{which} begun from SR {self.sr_number} by {self.started_by} {verb} in progress; {stay} with them. " + (
            self._records_on
        )

    @property
    def _records_on(self) -> str:
        """Where the starter goes on recording: the runs' own SRs, never the SR they were begun from (QA, seventh
        session: the caution did not say that the starter's run goes on for a complaint they no longer own)."""
        one = self.runs == 1
        if not self.own_srs:
            return (
                "It has saved no step yet, so it records on no SR so far."
                if one
                else "They have saved no step yet, so they record on no SR so far."
            )
        where = f"its own SR, {self.own_srs[0]}" if one else f"their own SRs, {_listed(self.own_srs)}"
        said = f"{self.started_by} goes on recording {'it' if one else 'them'} on {where}, not on SR {self.sr_number}."
        if unsaved := self.runs - len(self.own_srs):
            said += f" {unsaved} of them {'has' if unsaved == 1 else 'have'} saved no step yet."
        return said

    @property
    def _the_runs(self) -> str:
        """ "the run (SR 1-00000099)", "the runs (SRs 1-00000099 and 1-00000100)", "the run"."""
        runs = "the run" if self.runs == 1 else "the runs"
        if not self.own_srs:
            return runs
        return f"{runs} (SR{'' if len(self.own_srs) == 1 else 's'} {_listed(self.own_srs)})"

    def after_reassigning(self, new_owner: str) -> str:
        """What stays, and what the team leader may do next, once the SR is the new owner's: tell both, naming the
        runs' own SRs (a suggestion, not a refusal: the reassignment is done)."""
        return (
            f"{self.stays} You may want to tell {new_owner}, who now has SR {self.sr_number}, about {self._the_runs}, "
            f"and tell {self.started_by} that SR {self.sr_number} is now {new_owner}'s."
        )

    def after_handing_over(self, team: str, *, done: bool) -> str:
        """What stays, and what the team leader may do next, once the SR is the other team's (`done`: it is; else the
        confirmation before): its new owner is theirs to choose, so their team leader is the one to tell."""
        tell = f"tell {self.started_by} that SR {self.sr_number} is"
        tell = f"You may want to {tell} now" if done else f"Once it is handed over, you may want to {tell}"
        return f"{self.stays} {tell} {team}'s, and tell {team}'s team leader about {self._the_runs}."


def _listed(numbers: Sequence[str]) -> str:
    """ "1-00000099", "1-00000099 and 1-00000100", "1-00000099, 1-00000100 and 1-00000101"."""
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} and {numbers[-1]}"


def runs_begun_from(session: Session, srs: Sequence[ServiceRequest]) -> tuple[BegunRun, ...]:
    """The runs in progress begun from these SRs, oldest first, each with the SR it records on (decided 7 December,
    seventh session: reassigning or handing over such an SR is not refused, as a run on the SR is, but the team leader
    is told the run stays put)."""
    if not srs:
        return ()
    own = aliased(ServiceRequest)
    rows = session.execute(
        select(ProcedureRun.procedure_id, ServiceRequest.number, User.display_name, User.id, own.number)
        .join(ServiceRequest, ServiceRequest.id == ProcedureRun.begun_from_sr_id)
        .join(User, User.id == ProcedureRun.started_by_id)
        .outerjoin(own, own.id == ProcedureRun.sr_id)
        .where(ProcedureRun.begun_from_sr_id.in_([sr.id for sr in srs]), ProcedureRun.status == "in_progress")
        .order_by(ProcedureRun.created_at, ProcedureRun.id)
    )
    # one line a procedure, SR and person, oldest first, with the runs' own SRs in that order
    counted: dict[tuple[str, str, str, int], list[str | None]] = {}
    for procedure_id, number, name, user_id, own_number in rows:
        counted.setdefault((procedure_id, number, name, user_id), []).append(own_number)
    return tuple(
        BegunRun(procedure_id, number, name, user_id, len(owns), tuple(n for n in owns if n is not None))
        for (procedure_id, number, name, user_id), owns in counted.items()
    )


NO_LONGER_ACTIVE = (
    "{name}'s account is no longer active, so nothing was reassigned. Choose another caseworker of your team."
)
STALE = (
    "Service request {number} was changed by someone else after this list was shown (another team leader may "
    "have reassigned it), so nothing was reassigned. Reload the page to see who has it now, then try again."
)


def being_sent(emails: int, *, where: str) -> str:
    """What the confirmation says of the deadline reminder emails a move queued: they are sent after the page has
    answered (services/email_background.py), so it says they are being sent and where to see each, never that they
    went; nothing when none were queued (no SMTP, nobody told, or no address)."""
    if not emails:
        return ""
    if emails == 1:
        return f" An email telling of their deadlines is being sent; {where} shows whether it went."
    return f" {emails} emails telling of their deadlines are being sent; {where} shows each one."


@dataclass(frozen=True, slots=True)
class Reassigned:
    sr_numbers: tuple[str, ...]  # moved to the new owner
    new_owner: str
    already: tuple[str, ...] = ()  # theirs already: nothing changed, nothing audited
    # Moved to someone who cannot work them in Casework Guide now, with why (QA, 7 December, fifth session: an SSST
    # County Court SR given to the CSA team's new caseworker moved with only "Reassigned ...", and their My work then
    # said to ask the team leader to allocate it to that team). Since the sixth session the caution says how to hand it
    # over to the team whose work it is (services/console/handover.py).
    cannot_work: tuple[tuple[str, str], ...] = ()
    # Runs in progress begun from a moved SR by someone other than the new owner: they stay with their starter.
    begun_runs: tuple[BegunRun, ...] = ()
    # Deadline reminder digests the move queued (with SMTP set up): sent in the background after the page answers.
    emails: int = 0

    @property
    def caution(self) -> str | None:
        """What the new owner cannot work, and the runs begun from the SRs that stay with whoever started them, said
        beside what was done; None when there is neither."""
        said = []
        if self.cannot_work:
            why = " ".join(f"{number}: {reason}." for number, reason in self.cannot_work)
            one = len(self.cannot_work) == 1
            it = "it" if one else "them"
            said.append(
                f"{self.new_owner} cannot work {'this SR' if one else 'these SRs'} in Casework Guide: {why} To have "
                f"the team whose work {'it is' if one else 'they are'} work {it}, hand {it} over to that team: tick "
                f"{it} in the table and use Hand over to another team, below."
            )
        said += [run.after_reassigning(self.new_owner) for run in self.begun_runs]
        return " ".join(said) or None

    @property
    def said(self) -> str:
        """What happened, in a sentence (QA: an SR already the new owner's was named as reassigned)."""
        moved = f"Reassigned {_srs(self.sr_numbers)} to {self.new_owner}." if self.sr_numbers else None
        said = moved or "Nothing was reassigned."
        if len(self.already) == 1:
            said += f" {_srs(self.already)} was already {self.new_owner}'s: nothing changed for it."
        elif self.already:
            said += f" {_srs(self.already)} were already {self.new_owner}'s: nothing changed for them."
        return said + being_sent(self.emails, where="the Outbox")


def _srs(numbers: Sequence[str]) -> str:
    """SR numbers named as the rest of the app names them ("SR 1-00000006"; QA, ninth session: a bare number)."""
    return ("SR " if len(numbers) == 1 else "SRs ") + ", ".join(numbers)


def reassign(
    actor: Actor,
    sr_ids: Sequence[int],
    new_owner_id: int,
    reason: str,
    *,
    expected_versions: Mapping[int, int],
) -> Reassigned:
    """Give one or many SRs to another member of the team, with a reason; all move or none does.

    `expected_versions` is each SR's version as the team leader's screen showed it: an SR changed since
    (another team leader reassigned it, its caseworker saved a step) refuses the whole reassignment."""
    errors: dict[str, str] = {}  # every problem at once, in the form's order (QA: the owner's came a round later)
    if not sr_ids:
        errors["sr_ids"] = "Choose at least one service request to reassign."
    if new_owner_id <= 0:  # none chosen
        errors["new_owner"] = OWNER
    try:
        reason = clean_text(reason, field="reason", max_chars=200)
    except FieldError as exc:
        errors["reason"] = exc.message if reason.strip() else "Enter the reason for the reassignment."
    if errors:
        raise ValidationFailed(errors)
    action = "reassign service requests"
    # The write lock before the first read (QA, two servers): the new owner's account and the SRs are read as the
    # last writer left them, so a caseworker deactivated a moment before is refused by name, never given the SRs.
    with transaction(writes=True) as session:
        require_role(session, actor, "team_leader", action=action)
        # Every SR's access is checked before anything else is looked at, so an attempt on another
        # team's SR is refused and audited whoever it names as the new owner.
        chosen = team_srs(session, actor, sr_ids, action=action)
        new_owner = session.get(User, new_owner_id)
        if new_owner is not None and new_owner.team_id != actor.team_id:
            raise refuse(
                session,
                actor,
                "You can reassign service requests only to a caseworker of your own team.",
                entity_type="user",
                entity_id=new_owner.id,
                action=action,
            )
        if new_owner is not None and not new_owner.is_active and new_owner.role == "caseworker":
            # Deactivated after the list was drawn (QA, 7 December): say who, not only that the choice was wrong.
            raise ValidationFailed({"new_owner": NO_LONGER_ACTIVE.format(name=new_owner.display_name)})
        if new_owner is None or not new_owner.is_active or new_owner.role != "caseworker":
            raise ValidationFailed({"new_owner": OWNER})
        numbers, already = [], []
        for sr in chosen:
            sr_id = sr.id
            if expected_versions.get(sr_id) != sr.version:
                raise ConflictError(STALE.format(number=sr.number))
            if sr.status == "Closed":
                raise ValidationFailed({"sr_ids": f"Service request {sr.number} is closed; it cannot be reassigned."})
            before = sr.owner_id
            if before == new_owner.id:
                already.append(sr.number)
                continue
            sr.owner_id = new_owner.id
            session.flush()
            audit.record(
                session,
                actor,
                "sr.reassigned",
                entity_type="service_request",
                entity_id=sr.number,
                case_id=sr.case_id,
                sr_id=sr.id,
                before={"owner_id": before},
                after={"owner_id": new_owner.id, "owner": new_owner.username, "reason": reason},
            )
            numbers.append(sr.number)
        ssst = actor_in_ssst(session, actor)  # the new owner's team is the team leader's
        cannot_work = []
        for sr in chosen:
            if sr.number in numbers:
                ways = ways_to_work((sr.process, sr.area, sr.sub_area), sr.reason, case_facts(sr.case), ssst=ssst)
                if (why := why_not_for_leader(ways)) is not None:
                    cannot_work.append((sr.number, why))
        moved = [sr for sr in chosen if sr.number in numbers]
        begun = tuple(r for r in runs_begun_from(session, moved) if r.started_by_id != new_owner.id)
        # The new owner is told of the moved SRs' due and overdue deadlines now, in this transaction, not at the next
        # `remind` run: their Home lists them as soon as the reassignment is saved (services/reminders.py).
        digests = reminders.tell_moved(session, [sr.id for sr in moved])
        done = Reassigned(
            tuple(numbers), new_owner.display_name, tuple(already), tuple(cannot_work), begun, emails=len(digests)
        )
    reminders.deliver_after_commit(digests)
    return done
