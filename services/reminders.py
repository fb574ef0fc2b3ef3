"""Deadlines that find people: `python -m casework remind` tells owners what is due soon or overdue, and
team leaders what is a working day overdue; each user sees the same as notices on Home and My work.

Exactly once: what is told is a `Reminder` row per (deadline, level, person, due moment), inserted with
"on conflict do nothing" in the same transaction as the digest email it goes into. Two `remind` processes
at once (two servers' cron) or a second run insert nothing twice, so nothing is told twice; a run killed
part-way has committed whole people (one transaction each) and the next run tells the rest.

A digest email is queued only for people with an email address and only when SMTP is set up
(CASEWORK_SMTP_HOST); it goes through the outbox like every email, so one that cannot be sent waits
there. The outbox files each email under an SR, so a digest is filed under its soonest deadline's SR.
A met deadline (done) or a closed SR is never reminded; a team leader's snooze holds every level until
its end. Each run reads the SR's team and owner as they are now: a caseworker given an SR is told of its overdue
deadline once, though its team's leaders were told of its escalation before (and are not told again).

A reassignment, an allocation or a hand-over does not wait for the next run: in its own transaction it tells what a
run would tell of the SRs it moved (`tell_moved`: the same planning, for those SRs only), so the new owner's Home lists
them as soon as the move is saved, a move that fails tells nothing, and the next run finds them told. Its digests are
sent in the background once the move has committed (`deliver_after_commit`), so the team leader's page does not wait
for the mail server.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from db.engine import take_write_lock
from db.models import Case, Deadline, DeadlineSnooze, OutboundEmail, Reminder, ServiceRequest, User
from domain import mail
from domain.clock import as_utc, format_uk, utcnow
from domain.deadlines import label
from domain.reminders import LEVEL_WORDS, Level, escalates_at, levels_due
from domain.values import FieldError, clean_text
from services import audit, email_background
from services.access import check_sr, require_role
from services.actor import Actor
from services.email_delivery import deliver_as_system
from services.errors import NotFound, ValidationFailed
from services.mail_settings import mailbox, smtp_settings
from services.transaction import transaction

# No region's next working day is further off than this (Christmas to the first working day after it).
LOOKAHEAD = timedelta(days=10)
MAX_SNOOZE = timedelta(days=30)
CHUNK = 1000  # ids (or reminder rows) a statement: well under either database's limit on bound parameters
# Said under a team leader's strip (QA: "Overdue in your team (2)" on Home beside 4 SRs marked OVERDUE on Outstanding
# SRs): `plan` tells a team leader of a deadline a working day overdue, or as its owner when nobody active owns the SR.
TEAM_NOTE = (
    "You are told of a deadline in your team once it is a working day overdue (sooner on an SR nobody in the team "
    "works). Outstanding SRs lists every overdue deadline of your team."
)


@dataclass(frozen=True, slots=True)
class Due:
    """One open deadline with what deciding its reminders needs."""

    deadline_id: int
    kind: str
    due_at: datetime
    sr_id: int
    sr_number: str
    case_id: int
    team_id: int
    region: str
    owner_id: int | None
    escalated: bool = False  # already told to a leader of the team holding the SR now


@dataclass(frozen=True, slots=True)
class Told:
    deadline: Due
    level: Level
    user_id: int


@dataclass(frozen=True, slots=True)
class RemindReport:
    """What one `remind` run did: reminders newly told (not those an earlier run told) and emails queued."""

    reminders: int
    people: int
    emails: int


@dataclass(frozen=True, slots=True)
class Notice:
    """One line of a user's "Due soon" / "Overdue" strip."""

    deadline_id: int
    sr_id: int
    sr_number: str
    what: str
    due_at: datetime
    level: Level

    @property
    def text(self) -> str:
        return f"{self.what}: SR {self.sr_number}, due {format_uk(self.due_at)}"


@dataclass(frozen=True, slots=True)
class Notices:
    due_soon: tuple[Notice, ...]
    overdue: tuple[Notice, ...]
    for_team: bool = False  # a team leader's: the team's SRs, theirs among them

    @property
    def overdue_heading(self) -> str:
        """The strip's headings say whose SRs they list: a team leader's Home also lists their own SRs' deadlines
        below, and QA read "Overdue (3)" above "Deadlines due or overdue (0)" as two answers to one question."""
        return f"Overdue in your team ({len(self.overdue)})" if self.for_team else f"Overdue ({len(self.overdue)})"

    @property
    def due_soon_heading(self) -> str:
        n = len(self.due_soon)
        return f"Due soon in your team ({n})" if self.for_team else f"Due soon ({n})"

    @property
    def count(self) -> int:
        return len(self.due_soon) + len(self.overdue)

    @property
    def note(self) -> str | None:
        """Why a team leader's strip can list fewer than the console marks overdue; nothing for a caseworker."""
        return TEAM_NOTE if self.for_team else None


def _due(session: Session, now: datetime, sr_ids: Sequence[int] | None = None) -> list[Due]:
    """Open deadlines on open SRs due before the look-ahead, skipping snoozed ones and those fully told; on the SRs
    `sr_ids` only, when given (a reassignment or hand-over tells its SRs' deadlines at once: `tell_moved`).

    Fully told means nobody who answers for the SR now is still to hear of it: escalated to a leader of the team
    holding the SR now, and either no active user owns it (its leaders were told as its owner) or its owner was told
    it is overdue (at this due moment). The leaders' half reads the team now: an SR handed over after its escalation
    is told again to the receiving team's leaders (sixth session). The owner's half is there because the owner
    changes after the escalation: a caseworker given the SR by their team leader (from another caseworker,
    unallocated, or after a hand-over to this team) answers for an overdue deadline nobody told them of (QA,
    7 December, seventh session). The new owner's reminder makes it fully told again, so an old escalated deadline
    comes back once for each new owner, not on every run.

    The owner's half is joined in (the owner if active, and their `overdue` reminder: `plan` tells an owner that
    level, never `escalated`), so that fully told stays one NOT EXISTS, which PostgreSQL runs as a parallel
    anti-join. At 1,000,000 SRs (7 December, 40,000 rows) the statement took 0.63 s before the owner's half and
    0.85 s with it; written as `NOT (escalated AND (no owner OR owner told))` it ran as subplans on one core and
    took twice as long."""
    leader = aliased(User)  # the leader told: its own name, so a User joined to the outer query later cannot capture it
    owner, owner_told = aliased(User), aliased(Reminder)
    fully_told = exists().where(
        Reminder.deadline_id == Deadline.id,
        Reminder.level == Level.ESCALATED.value,
        Reminder.due_at == Deadline.due_at,
        Reminder.user_id == leader.id,
        leader.team_id == ServiceRequest.team_id,
        or_(owner.id.is_(None), owner_told.id.is_not(None)),
    )
    snoozed = exists().where(DeadlineSnooze.deadline_id == Deadline.id, DeadlineSnooze.until > now)
    statement = (
        select(
            Deadline.id,
            Deadline.kind,
            Deadline.due_at,
            ServiceRequest.id,
            ServiceRequest.number,
            ServiceRequest.case_id,
            ServiceRequest.team_id,
            Case.region,
            ServiceRequest.owner_id,
        )
        .join(ServiceRequest, Deadline.sr_id == ServiceRequest.id)
        .join(Case, ServiceRequest.case_id == Case.id)
        .outerjoin(owner, and_(owner.id == ServiceRequest.owner_id, owner.is_active))
        .outerjoin(
            owner_told,
            and_(
                owner_told.deadline_id == Deadline.id,
                owner_told.level == Level.OVERDUE.value,
                owner_told.user_id == owner.id,
                owner_told.due_at == Deadline.due_at,
            ),
        )
        .where(
            Deadline.done.is_(False),
            ServiceRequest.status != "Closed",
            Deadline.due_at < now + LOOKAHEAD,
            ~fully_told,
            ~snoozed,
        )
        .order_by(Deadline.due_at, Deadline.id)
    )
    if sr_ids is None:
        rows = list(session.execute(statement).all())
    else:  # a thousand SRs a statement (a bound parameter each), in due order across them
        ids = list(dict.fromkeys(sr_ids))
        rows = sorted(
            (
                row
                for start in range(0, len(ids), CHUNK)
                for row in session.execute(statement.where(Deadline.sr_id.in_(ids[start : start + CHUNK])))
            ),
            key=lambda row: (row[2], row[0]),
        )
    # Most rows are not due yet: the comparison first spares them the working-day arithmetic.
    at_escalation = [row[0] for row in rows if row[2] < now and now >= escalates_at(row[2], row[7])]
    escalated_here = _escalated_here(session, at_escalation)
    return [Due(*row, escalated=row[0] in escalated_here) for row in rows]


def _escalated_here(session: Session, deadline_ids: Sequence[int]) -> set[int]:
    """Which of these deadlines were told `escalated` to a leader of their SR's team already (for `plan`).

    A second query over the rows a working day overdue that `_due` still returns (on a run after the last, those
    escalated since, or given a new owner), not an EXISTS column of `_due`'s: as a column, PostgreSQL costed `_due`
    at ten times as much and compiled it with JIT, doubling its time at 1,000,000 SRs (7 December)."""
    leader, ids = aliased(User), list(deadline_ids)
    found: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        found.update(
            session.scalars(
                select(Reminder.deadline_id)
                .join(Deadline, Reminder.deadline_id == Deadline.id)
                .join(ServiceRequest, Deadline.sr_id == ServiceRequest.id)
                .join(leader, Reminder.user_id == leader.id)
                .where(
                    Reminder.deadline_id.in_(ids[start : start + CHUNK]),
                    Reminder.level == Level.ESCALATED.value,
                    Reminder.due_at == Deadline.due_at,
                    leader.team_id == ServiceRequest.team_id,
                )
            )
        )
    return found


def _recipients(session: Session, dues: Sequence[Due]) -> tuple[set[int], dict[int, list[int]]]:
    """Active users among the owners, and each team's active team leaders."""
    team_ids = {d.team_id for d in dues}
    owner_ids = {d.owner_id for d in dues if d.owner_id is not None}
    active = set(session.scalars(select(User.id).where(User.id.in_(owner_ids), User.is_active)).all())
    leaders: dict[int, list[int]] = defaultdict(list)
    for user_id, team_id in session.execute(
        select(User.id, User.team_id)
        .where(User.team_id.in_(team_ids), User.role == "team_leader", User.is_active)
        .order_by(User.id)
    ):
        if team_id is not None:
            leaders[team_id].append(user_id)
    return active, leaders


def plan(dues: Sequence[Due], now: datetime, active: set[int], leaders: dict[int, list[int]]) -> list[Told]:
    """Who is told what at `now`: the owner the deadline's level (their team leaders when nobody active owns
    it), and the team leaders `escalated` once it is a working day overdue.

    A deadline escalated in its team already is here only for a new owner (`_due`): the escalation is not told
    again, so neither a leader who joined since nor one who owned the SR when it escalated hears of it now."""
    told: list[Told] = []
    for due in dues:
        owner = [due.owner_id] if due.owner_id is not None and due.owner_id in active else leaders.get(due.team_id, [])
        for level in levels_due(due.due_at, now, due.region):
            if level is Level.ESCALATED:
                people = [] if due.escalated else [u for u in leaders.get(due.team_id, ()) if u != due.owner_id]
            else:
                people = owner
            told += [Told(due, level, user_id) for user_id in people]
    return told


def _insert(session: Session) -> type[postgresql.Insert] | type[sqlite.Insert]:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert  # type: ignore[return-value]


def _key(item: Told) -> tuple[int, str, int, datetime]:
    """What makes a reminder once (`uq_reminders_once`)."""
    return (item.deadline.deadline_id, item.level.value, item.user_id, item.deadline.due_at)


def _claim(session: Session, items: Iterable[Told], now: datetime, *, recheck: bool = False) -> list[tuple[int, Told]]:
    """Insert each reminder unless some transaction already did; return the ones this one claimed, with their ids, in
    the order given.

    One insert of many rows (a thousand a statement), not one a reminder: a reassignment of many SRs tells them in
    the leader's transaction. The rows go in key order, so two transactions claiming overlapping rows at once (a
    `remind` run and a reassignment, on PostgreSQL) wait for each other in one order and never deadlock.

    `recheck` (a `remind` run, which planned in an earlier transaction): before inserting, take the write lock and keep
    only what is still as planned (`_still_as_planned`)."""
    items = list(items)
    # Read first: a run that has nothing new then writes nothing (the insert below still decides races).
    deadline_ids, known = sorted({i.deadline.deadline_id for i in items}), set[tuple[int, str, int, datetime]]()
    for start in range(0, len(deadline_ids), CHUNK):
        told = session.execute(
            select(Reminder.deadline_id, Reminder.level, Reminder.user_id, Reminder.due_at).where(
                Reminder.deadline_id.in_(deadline_ids[start : start + CHUNK])
            )
        )
        known.update((deadline_id, level, user_id, due_at) for deadline_id, level, user_id, due_at in told)
    new = sorted({_key(item) for item in items} - known)
    if recheck and new:
        take_write_lock(session)  # what a move commits from here on waits for this person's telling to end
        items = _still_as_planned(session, items)
        new = sorted({_key(item) for item in items} - known)
    insert, inserted = _insert(session), dict[tuple[int, str, int, datetime], int]()
    for start in range(0, len(new), CHUNK):
        rows = session.execute(
            insert(Reminder)
            .values(
                [
                    {"deadline_id": d, "level": level, "user_id": u, "due_at": due_at, "created_at": now}
                    for d, level, u, due_at in new[start : start + CHUNK]
                ]
            )
            .on_conflict_do_nothing()
            .returning(Reminder.id, Reminder.deadline_id, Reminder.level, Reminder.user_id, Reminder.due_at)
        )
        inserted.update({(d, level, u, due_at): reminder_id for reminder_id, d, level, u, due_at in rows})
    claimed, seen = [], set()
    for item in items:
        if (key := _key(item)) in inserted and key not in seen:
            seen.add(key)
            claimed.append((inserted[key], item))
    return claimed


def _still_as_planned(session: Session, items: Sequence[Told]) -> list[Told]:
    """The items whose SR and deadline are as the plan read them: same owner, same team, still open, not met, due at
    the same moment; read under the write lock, so no move commits between this and the claim.

    A `remind` run plans in one transaction and tells each person in the next: an SR reassigned or handed over in
    between was told to its old owner (QA, two servers, eighth session). Left out here, it is not lost: the move told
    whoever answers for it now (`tell_moved`), and the next run plans it afresh."""
    deadline_ids = sorted({i.deadline.deadline_id for i in items})
    now_held: dict[int, tuple[int | None, int, datetime]] = {}
    for start in range(0, len(deadline_ids), CHUNK):
        rows = session.execute(
            select(Deadline.id, ServiceRequest.owner_id, ServiceRequest.team_id, Deadline.due_at)
            .join(ServiceRequest, Deadline.sr_id == ServiceRequest.id)
            .where(
                Deadline.id.in_(deadline_ids[start : start + CHUNK]),
                Deadline.done.is_(False),
                ServiceRequest.status != "Closed",
            )
        )
        now_held.update({deadline_id: (owner_id, team_id, due_at) for deadline_id, owner_id, team_id, due_at in rows})
    return [
        i
        for i in items
        if (held := now_held.get(i.deadline.deadline_id)) is not None
        and held[:2] == (i.deadline.owner_id, i.deadline.team_id)
        and held[2] == i.deadline.due_at
    ]


def digest(display_name: str, items: Sequence[Told]) -> mail.Draft:
    """One email listing everything newly told to one person, grouped by level."""
    lines = [f"Dear {display_name},", "", "Casework Guide has deadlines for you to look at:"]
    for level in Level:
        mine = [i for i in items if i.level is level]
        if mine:
            lines += ["", f"{LEVEL_WORDS[level]}:"]
            lines += [
                f"- {label(i.deadline.kind)}: SR {i.deadline.sr_number}, due {format_uk(i.deadline.due_at)}"
                for i in mine
            ]
    lines += ["", "Open Casework Guide to see each one and how its date was worked out."]
    counts = ", ".join(
        f"{n} {LEVEL_WORDS[level].lower()}" for level in Level if (n := sum(i.level is level for i in items))
    )
    return mail.Draft("deadline_reminder", f"Casework Guide deadlines: {counts}", "\n".join(lines))


def _queue_digest(session: Session, user: User, items: Sequence[Told], now: datetime) -> OutboundEmail:
    sender = mailbox("casework")
    first = min(items, key=lambda i: (i.deadline.due_at, i.deadline.deadline_id)).deadline
    message = mail.build_message(
        digest(user.display_name, items),
        sender=sender,
        to=[mail.parse_address(f"{user.display_name} <{user.email}>")],
        read_receipt_to=sender,
        sent_at=now,
        signature="Casework Guide",
        sr_number=first.sr_number,
    )
    row = OutboundEmail(
        sr_id=first.sr_id,
        message_id=str(message["Message-ID"]),
        to_addrs=str(message["To"]),
        subject=str(message["Subject"])[:500],
        raw=mail.to_bytes(message),
        status="queued",
    )
    session.add(row)
    session.flush()
    return row


def _plan(session: Session, now: datetime, sr_ids: Sequence[int] | None = None) -> dict[int, list[Told]]:
    """What is to be told at `now`, by person: everything (a `remind` run) or on the SRs `sr_ids` only (a
    reassignment or hand-over, `tell_moved`). One planning for both, so the two can never disagree."""
    dues = _due(session, now, sr_ids)
    active, leaders = _recipients(session, dues)
    by_user: dict[int, list[Told]] = defaultdict(list)
    for item in plan(dues, now, active, leaders):
        by_user[item.user_id].append(item)
    return by_user


@dataclass(frozen=True, slots=True)
class Telling:
    """What `_tell` told one person: reminders claimed, and the digest queued (None without SMTP or an address)."""

    reminders: int
    email_id: int | None


def _tell(session: Session, user_id: int, items: Sequence[Told], now: datetime, *, recheck: bool = False) -> Telling:
    """Claim one person's reminders and queue their digest, audited, in the caller's transaction; the caller sends the
    digest once that has committed, so a slow or refusing server never undoes a reminder. `recheck`: see `_claim`."""
    claimed = _claim(session, items, now, recheck=recheck)
    if not claimed:
        return Telling(0, None)
    user = session.get_one(User, user_id)
    email = None
    if user.email and smtp_settings() is not None:
        email = _queue_digest(session, user, [item for _, item in claimed], now)
        ids = [reminder_id for reminder_id, _ in claimed]
        for start in range(0, len(ids), CHUNK):
            session.execute(
                update(Reminder).where(Reminder.id.in_(ids[start : start + CHUNK])).values(email_id=email.id)
            )
    first = claimed[0][1].deadline
    audit.record(
        session,
        None,
        "reminder.sent",
        entity_type="user",
        entity_id=user_id,
        case_id=first.case_id if len(claimed) == 1 else None,
        sr_id=first.sr_id if len(claimed) == 1 else None,
        after={
            "reminders": [
                {"deadline_id": i.deadline.deadline_id, "level": i.level.value, "sr": i.deadline.sr_number}
                for _, i in claimed
            ],
            "email_id": email.id if email else None,
        },
    )
    return Telling(len(claimed), email.id if email else None)


def tell_moved(session: Session, sr_ids: Sequence[int], *, now: datetime | None = None) -> list[int]:
    """Tell at once, in the caller's transaction, what is due on SRs just given a new owner or team: what the next
    `remind` run would tell of them (the new owner, or the receiving team's leaders, told it is due soon or overdue).

    A reassignment, an allocation or a hand-over calls it after moving its SRs, so the new owner's notices list the
    deadlines as soon as the move is saved, not after the next run (QA, seventh session), and a failed move rolls the
    reminders back with it. Their rows make the next run tell nothing of them again. Returns the digest emails queued,
    for the caller to send once it has committed (`deliver_after_commit`)."""
    if not sr_ids:
        return []
    now = as_utc(now or utcnow())
    emails = []
    for user_id, items in sorted(_plan(session, now, sr_ids).items()):
        if (email_id := _tell(session, user_id, items, now).email_id) is not None:
            emails.append(email_id)
    return emails


def deliver_after_commit(email_ids: Sequence[int]) -> None:
    """Send the digests `tell_moved` queued, once the move is saved, in the background (services/email_background.py):
    the team leader's page answers without waiting for the mail server, and one that fails waits in the outbox with its
    error (`outbox send` tries it again), never turning the saved move into an error."""
    email_background.send_after_commit(email_ids)


def remind(*, now: datetime | None = None) -> RemindReport:
    """Tell everyone what is due soon, overdue or escalated since the last run; one transaction a person.

    Its digests are sent here, not by the background sender a page uses (services/email_background.py): a cron job
    has nobody waiting on it, and sends before it reports and exits."""
    now = as_utc(now or utcnow())
    with transaction(read_only=True) as session:
        by_user = _plan(session, now)
    told = people = 0
    to_send: list[int] = []
    for user_id in sorted(by_user):
        with transaction() as session:
            telling = _tell(session, user_id, by_user[user_id], now, recheck=True)
        if telling.reminders:
            told += telling.reminders
            people += 1
        if telling.email_id is not None:
            to_send.append(telling.email_id)
    for email_id in to_send:  # after the commit: a slow or refusing server never undoes a reminder
        deliver_as_system(email_id)
    return RemindReport(reminders=told, people=people, emails=len(to_send))


def notices(actor: Actor, *, now: datetime | None = None) -> Notices:
    """The signed-in user's reminders whose deadline is still open and not moved: due soon and overdue.

    Only while the SR is still theirs: its owner's, or in a team leader's team. A reassigned SR's reminders leave the
    old owner's notices (QA found them there, beside a list that no longer had the SR); the reassignment itself tells
    the new owner (`tell_moved`)."""
    now = as_utc(now or utcnow())
    snoozed = exists().where(DeadlineSnooze.deadline_id == Deadline.id, DeadlineSnooze.until > now)
    still_theirs = ServiceRequest.owner_id == actor.user_id
    if actor.role == "team_leader":
        still_theirs = or_(still_theirs, ServiceRequest.team_id == actor.team_id)
    with transaction(read_only=True) as session:
        require_role(session, actor, "caseworker", "team_leader", action="see deadline reminders")
        rows = session.execute(
            select(
                Deadline.id,
                ServiceRequest.id,
                ServiceRequest.number,
                Deadline.kind,
                Deadline.due_at,
                func.max(Reminder.level),
            )
            .join(Reminder, and_(Reminder.deadline_id == Deadline.id, Reminder.due_at == Deadline.due_at))
            .join(ServiceRequest, Deadline.sr_id == ServiceRequest.id)
            .where(
                Reminder.user_id == actor.user_id,
                Deadline.done.is_(False),
                ServiceRequest.status != "Closed",
                still_theirs,
                ~snoozed,
            )
            .group_by(Deadline.id, ServiceRequest.id, ServiceRequest.number, Deadline.kind, Deadline.due_at)
            .order_by(Deadline.due_at, Deadline.id)
        ).all()
    items = [Notice(d, sr, number, label(kind), due_at, Level(level)) for d, sr, number, kind, due_at, level in rows]
    return Notices(
        due_soon=tuple(n for n in items if n.due_at >= now),
        overdue=tuple(n for n in items if n.due_at < now),
        for_team=actor.role == "team_leader",
    )


def snooze(actor: Actor, deadline_id: int, *, until: datetime, reason: str, now: datetime | None = None) -> None:
    """A team leader holds a deadline's reminders until `until` (at most 30 days), with a reason; audited."""
    now = as_utc(now or utcnow())
    errors: dict[str, str] = {}
    try:
        text = clean_text(reason, field="reason", max_chars=500, required=False)
    except FieldError as exc:
        errors["reason"], text = str(exc), ""
    if "reason" not in errors and not text:
        errors["reason"] = "Enter why the reminders can wait."
    if as_utc(until) <= now:  # the form holds them until 9:00 on the chosen day (ui/notices.py)
        errors["until"] = "Choose a day after today."
    elif as_utc(until) - now > MAX_SNOOZE:
        errors["until"] = "Choose a day within the next 30 days: reminders can be held for 30 days at most."
    with transaction() as session:
        require_role(session, actor, "team_leader", action="snooze reminders")
        deadline = session.get(Deadline, deadline_id)
        if deadline is None:
            raise NotFound("There is no such deadline in your team.")
        check_sr(session, actor, deadline.service_request, action="snooze reminders")
        if errors:
            raise ValidationFailed(errors)
        row = DeadlineSnooze(deadline_id=deadline.id, until=as_utc(until), reason=text, by_id=actor.user_id)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "reminder.snoozed",
            entity_type="deadline",
            entity_id=deadline.id,
            case_id=deadline.service_request.case_id,
            sr_id=deadline.service_request.id,
            after={"until": row.until, "reason": text},
        )
