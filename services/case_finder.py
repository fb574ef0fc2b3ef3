"""The case finder: the team's cases by SCIN, name or SR number, and what this user may start on one now.

Decisions (the issue is silent or loose here):
- A search looks only at the actor's team's cases. A full SCIN or an SR number of another team's case is
  refused (and audited) in the same words as one that does not exist (issue 14), so a guess confirms
  nothing; a name search simply never returns another team's case.
- An SR number finds the case for the case's own team whichever team holds the SR (one handed over to the SSST is
  still listed on the case's page, and its visit summary is in the case's Contact Notes: QA, 7 December, seventh
  session). An SR number of an SR the team holds on another team's case (handed over to it) is not a way into that
  case: the finder says where the SR is worked instead (My work; for a team leader, the SR's own page from
  Outstanding SRs), as only the case's own team starts procedures on the case without the SR and reads it
  (services/access.py).
- Names match anywhere in the receiving or paying parent's name, case-insensitively; at most `LIMIT`
  cases are listed and the page says when there are more (narrow the search), never silently.
- Which procedures a caseworker is offered: the Specialist Services Support Team's procedures are those of
  seed 004 (P5a to P5e), offered only to that team's caseworkers; every other caseworker is offered the rest
  (P1 to P4, seeds 000 to 003). Of those, a procedure whose start rule refuses this case (P4 once financial
  transition is complete, P3 without the Legacy Ongoing Enforcement Indicator) is listed with the reason
  and no Start button, so the caseworker reads why before choosing, not after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from db.models import Case, ProcedureRun, ServiceRequest, Team
from domain.values import parse_scin, too_long
from procedures import registry
from procedures.definition import Procedure
from services.access import SR_PAGE_ROLE, check_case, check_sr, opens_sr_page, require_role, unavailable
from services.actor import Actor
from services.case_facts import case_facts
from services.errors import NotFound, ValidationFailed
from services.records import typed_sr_number
from services.transaction import transaction
from services.views import BegunFrom, CaseBanner, begun_counted, begun_words

LIMIT = 20
QUERY_MAX = 60  # a SCIN, an SR number or part of a name: longer is a paste of something else
CLOSED_LISTED = 10  # the Case page's closed SRs, newest first; it says how many more there are
HELD_ON_ANOTHER_TEAMS_CASE = (
    "Service request {number} is your team's, but its case is another team's, so no other procedure can be started "
    "on the case here. Work the SR from My work once it is allocated to you (your team leader allocates it from "
    "Outstanding SRs)."
)
HELD_FOR_A_TEAM_LEADER = (
    "Service request {number} is your team's, but its case is another team's, so the case's page is theirs. Open "
    "the SR itself from Outstanding SRs (Open an SR by its number)."
)
SSST_TEAM = "Specialist Services Support Team"  # the team seed 004 names
SSST_SEED = "004_a8ae07a86098a507.txt"  # Specialist Services Support Team procedures (P5a to P5e)
_DIGITS = re.compile(r"^[\d ]+$")


@dataclass(frozen=True, slots=True)
class CaseMatch:
    case_id: int
    scin: str
    scheme: str
    receiving_parent: str
    paying_parent: str
    potentially_violent: bool
    sensitive: bool


@dataclass(frozen=True, slots=True)
class Found:
    """The cases a search found, and whether there were more than were listed."""

    matches: list[CaseMatch]
    more: bool


@dataclass(frozen=True, slots=True)
class OpenSR:
    id: int
    number: str
    label: str
    status: str
    owner: str | None
    reason: str | None
    opens: bool = False  # the reader may open this SR's page (a team leader of the team holding it): then a link


@dataclass(frozen=True, slots=True)
class ClosedSR:
    """An SR closed on the case, for the team leader's Case page: when, and how it was closed as recorded here (its
    Sub Status, and its Resolution Code when it has one)."""

    id: int
    number: str
    label: str
    closed_at: datetime | None  # None: closed before the day was kept
    closed_as: str  # "Complete", "Cancelled, Failed To Attend"
    opens: bool = False  # as OpenSR.opens: the reader may open this SR's page


@dataclass(frozen=True, slots=True)
class ProcedureOption:
    """A procedure as the finder offers it: startable now, or why not."""

    id: str
    title: str
    starts: str
    why_not: str | None

    @property
    def can_start(self) -> bool:
        return self.why_not is None


@dataclass(frozen=True, slots=True)
class CaseCard:
    banner: CaseBanner
    open_srs: list[OpenSR]
    procedures: list[ProcedureOption]
    other_team_procedures: str | None  # a line saying which procedures are another team's work, if any
    # Runs in progress on this case, by procedure, each as the SR it was begun from or None: Start says so before a
    # second is begun (QA started a third P1)
    in_progress: dict[str, list[BegunFrom | None]] = field(default_factory=dict)
    # Run by run, as `in_progress`: whether the reader started it (only their own runs are in their My work)
    mine: dict[str, list[bool]] = field(default_factory=dict)
    # The most recently closed SRs on the case, newest first, when asked for (the Case page), and how many more
    closed_srs: list[ClosedSR] = field(default_factory=list)
    more_closed: int = 0

    def in_progress_note(self, procedure_id: str) -> str | None:
        """What Start says before another run of a procedure already in progress on the case, naming the SR a run was
        begun from (a P1 run worked from a complaint or appeal SR) so the caseworker can tell the query it is for."""
        begun = self.in_progress.get(procedure_id)
        if not begun:
            return None
        runs = len(begun)
        which = f"{runs} {procedure_id} run{' is' if runs == 1 else 's are'} already in progress on this case"
        if all(b is None for b in begun):
            said = f"{which}."
        elif runs == 1:
            said = f"{which}, {begun_words(begun[0])}."
        else:
            said = f"{which}: {begun_counted(begun)}."
        return f"{said} {_carry_on(self.mine.get(procedure_id, [True] * runs))}"

    def runs_in_progress(self) -> list[str]:
        """The procedures in progress on the case, one line each, for the team leader's Case page, which starts none
        (QA, seventh session: it did not say that two P1 runs were in progress on the case, one begun from a
        complaint SR; Start a procedure tells the caseworker before they start another)."""
        lines = []
        for procedure_id, begun in sorted(self.in_progress.items()):
            runs = f"{len(begun)} {procedure_id} run{'' if len(begun) == 1 else 's'}"
            where = begun_words(begun[0]) if len(begun) == 1 else begun_counted(begun)
            lines.append(f"{runs}: {where}")
        return lines


def _carry_on(mine: Sequence[bool]) -> str:
    """Where the reader carries on the runs already in progress: only their own are in their My work; a colleague's
    is theirs to carry on (QA, seventh session: Start said "Carry on from My work" of a colleague's run, as My work's
    caution did until the sixth session)."""
    own, runs = sum(mine), len(mine)
    rest = "start another only for a different piece of work."
    if own == runs:
        return f"Carry on from My work; {rest}"
    if own == 0:
        whose = "It is a colleague's" if runs == 1 else "They are colleagues'"
        return f"{whose}, not in your My work: ask them or your team leader first; {rest}"
    others = "the other is a colleague's" if runs - own == 1 else "the others are colleagues'"
    yours = f"{own} of them {'is' if own == 1 else 'are'} yours, in My work"
    return f"{yours}; {others}: ask them or your team leader first; {rest}"


def is_ssst_procedure(procedure: Procedure) -> bool:
    return procedure.seed == SSST_SEED


def actor_in_ssst(session: Session, actor: Actor) -> bool:
    """Whether the actor's team is the Specialist Services Support Team."""
    if actor.team_id is None:
        return False
    return session.scalar(select(Team.name).where(Team.id == actor.team_id)) == SSST_TEAM


def _match(case: Case) -> CaseMatch:
    return CaseMatch(
        case.id,
        case.scin,
        case.scheme,
        case.receiving_parent_name,
        case.paying_parent_name,
        case.potentially_violent,
        case.sensitive,
    )


_APOSTROPHES = re.compile("['\u2018\u2019`]")  # one LIKE wildcard each: any kind of apostrophe


def find_cases(actor: Actor, query: str) -> Found:
    """The team's cases whose SCIN, SR number or a parent's name matches `query`."""
    text = " ".join((query or "").split())  # a name pasted with a double space ("Carly  Smith") found nothing (QA)
    if message := too_long(text, QUERY_MAX):  # kept in the box (ui.text_box), refused here with its length
        raise ValidationFailed({"query": message})
    if sum(ch.isalnum() for ch in text) < 2:  # "''" (two wildcards below) would list every name
        raise ValidationFailed({"query": "Enter a SCIN, an SR number or at least 2 letters of a name."})
    with transaction(read_only=True) as session:
        require_role(session, actor, "caseworker", "team_leader", action="look up cases")
        sr_number = typed_sr_number(text)
        if sr_number is not None:
            sr = session.scalar(
                select(ServiceRequest)
                .options(joinedload(ServiceRequest.case))
                .where(ServiceRequest.number == sr_number)
            )
            if sr is None:
                raise NotFound(unavailable("service request"))
            if sr.case.team_id == actor.team_id:  # any SR on the team's case, one handed to another team included
                return Found([_match(sr.case)], False)
            check_sr(session, actor, sr, action="find this SR's case")
            # an SR handed over to the team: the case stays with its own team
            held = HELD_FOR_A_TEAM_LEADER if actor.role == SR_PAGE_ROLE else HELD_ON_ANOTHER_TEAMS_CASE
            raise ValidationFailed({"query": held.format(number=sr.number)})
        if _DIGITS.match(text):
            try:
                scin = parse_scin(text)
            except ValueError as exc:
                raise ValidationFailed({"query": str(exc)}) from None
            case = session.scalar(select(Case).where(Case.scin == scin))
            if case is None:
                raise NotFound(unavailable("case"))
            check_case(session, actor, case)
            return Found([_match(case)], False)
        typed = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # An apostrophe matches either kind: "O’Brien" pasted from a letter or an email found no "O'Brien" (QA).
        pattern = "%" + _APOSTROPHES.sub("_", typed) + "%"
        rows = session.scalars(
            select(Case)
            .where(
                Case.team_id == actor.team_id,
                or_(
                    func.lower(Case.receiving_parent_name).like(pattern, escape="\\"),
                    func.lower(Case.paying_parent_name).like(pattern, escape="\\"),
                ),
            )
            .order_by(Case.scin)
            .limit(LIMIT + 1)
        ).all()
        return Found([_match(c) for c in rows[:LIMIT]], len(rows) > LIMIT)


def example_scin(actor: Actor) -> str | None:
    """A SCIN of one of the actor's own team's cases, for the finder's hint (never another team's)."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "caseworker", "team_leader", action="look up cases")
        return session.scalar(select(Case.scin).where(Case.team_id == actor.team_id).order_by(Case.id).limit(1))


def procedure_options(session: Session, actor: Actor, case: Case) -> tuple[list[ProcedureOption], str | None]:
    """The procedures this actor's role and team run, each startable on this case now or with why not."""
    ssst = actor_in_ssst(session, actor)
    facts = case_facts(case)
    options = []
    for procedure in registry.latest():
        if actor.role not in procedure.roles or is_ssst_procedure(procedure) != ssst:
            continue
        options.append(ProcedureOption(procedure.id, procedure.title, procedure.starts, procedure.can_start(facts)))
    other = (
        "P1 to P4 are worked by the CSA rules reassessment caseworkers, so they are not offered here."
        if ssst
        else "P5a to P5e are the Specialist Services Support Team's work: to ask for court action or a face to "
        "face visit, send the request to that team; they are not offered here."
    )
    return options, (other if actor.role == "caseworker" else None)


def _open_sr(actor: Actor, sr: ServiceRequest) -> OpenSR:
    owner = sr.owner.display_name if sr.owner else None
    return OpenSR(sr.id, sr.number, sr.label, sr.status, owner, sr.reason, opens_sr_page(actor, sr.team_id))


def _closed_sr(actor: Actor, sr: ServiceRequest) -> ClosedSR:
    closed_as = ", ".join(v for v in (sr.sub_status, sr.resolution_code) if v) or "Closed"
    return ClosedSR(sr.id, sr.number, sr.label, sr.closed_at, closed_as, opens_sr_page(actor, sr.team_id))


def _closed_srs(session: Session, actor: Actor, case: Case, limit: int) -> tuple[list[ClosedSR], int]:
    """The `limit` SRs closed on the case most recently (one closed on no kept day last), and how many more there are.
    Every team's, as the open ones are: one held by another team is listed without a way to its page."""
    if limit <= 0:
        return [], 0
    closed = (ServiceRequest.case_id == case.id, ServiceRequest.status == "Closed")
    srs = session.scalars(
        select(ServiceRequest)
        .where(*closed)
        .order_by(ServiceRequest.closed_at.is_(None), ServiceRequest.closed_at.desc(), ServiceRequest.id.desc())
        .limit(limit)
    ).all()
    more = 0
    if len(srs) == limit:
        more = (session.scalar(select(func.count()).select_from(ServiceRequest).where(*closed)) or 0) - limit
    return [_closed_sr(actor, sr) for sr in srs], more


def case_card(actor: Actor, case_id: int, *, closed: int = 0) -> CaseCard:
    """One of the team's cases: its banner, its open SRs, the procedures the actor may start on it now, and (`closed`,
    the Case page) that many of its most recently closed SRs, so a team leader reads what was closed last week too."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "caseworker", "team_leader", action="look up cases")
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("There is no such case.")
        check_case(session, actor, case)
        srs = session.scalars(
            select(ServiceRequest)
            .options(joinedload(ServiceRequest.owner))
            .where(ServiceRequest.case_id == case.id, ServiceRequest.status != "Closed")
            .order_by(ServiceRequest.created_at, ServiceRequest.id)
        ).all()
        options, other = procedure_options(session, actor, case)
        origin = aliased(ServiceRequest)
        running: dict[str, list[BegunFrom | None]] = {}
        mine: dict[str, list[bool]] = {}
        for procedure_id, begun, starter_id in session.execute(
            select(ProcedureRun.procedure_id, origin, ProcedureRun.started_by_id)
            .outerjoin(origin, origin.id == ProcedureRun.begun_from_sr_id)
            .where(ProcedureRun.case_id == case.id, ProcedureRun.status == "in_progress")
            .order_by(ProcedureRun.created_at, ProcedureRun.id)
        ):
            running.setdefault(procedure_id, []).append(BegunFrom.of(begun))
            mine.setdefault(procedure_id, []).append(starter_id == actor.user_id)
        closed_srs, more_closed = _closed_srs(session, actor, case, closed)
        return CaseCard(
            CaseBanner.of(case),
            [_open_sr(actor, sr) for sr in srs],
            options,
            other,
            running,
            mine,
            closed_srs,
            more_closed,
        )
