"""Deterministic, clearly fictional demo data: teams, one user per role, cases and SRs of every kind.

Names come from Faker (en_GB, fixed seed) and every address is on a made-up "Demo" street, so
nothing here can be mistaken for a real client. Loading twice gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from faker import Faker
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ArrearsPeriod, Case, LiabilityOrder, ServiceRequest, Team, User
from domain import catalogue
from domain.clock import REGIONS, as_of, uk_local, utcnow
from services import audit, records, sr_work
from services.auth import hash_password
from services.case_facts import CaseFacts
from services.transaction import transaction
from services.users import create_user

SEED = 2012
MAGISTRATES_COURT = ("Enforcement", "Court Presentation", "Magistrates Court")  # P5c and P5d work on it
DEMO_PASSWORD = "demo-password"  # fictional demo accounts only; `make run` prints them

TEAMS = (
    ("CSA Rules Reassessment Team", "England"),
    ("Financial Transition Team", "England"),
    ("Specialist Services Support Team", "England"),
    ("Enforcement Team Scotland", "Scotland"),
    ("Northern Ireland Casework Team", "Northern Ireland"),
)


@dataclass(frozen=True, slots=True)
class DemoSignIn:
    username: str
    role: str
    team: str | None
    password: str = DEMO_PASSWORD


NEW_CASEWORKER = "caseworker"  # the sign-in for a new caseworker (is_new_caseworker): given only work they can do
SIGN_INS = (
    DemoSignIn(NEW_CASEWORKER, "caseworker", TEAMS[0][0]),
    DemoSignIn("ssst.caseworker", "caseworker", TEAMS[2][0]),
    DemoSignIn("teamleader", "team_leader", TEAMS[0][0]),
    DemoSignIn("ssst.teamleader", "team_leader", TEAMS[2][0]),
    DemoSignIn("policy", "policy", None),
    DemoSignIn("admin", "admin", None),
)

CASE_COUNT = 72
STATUS_VARIANTS = (("Open", None), ("In Progress", None), ("Closed", "Complete"), ("Closed", "Cancelled"))


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(User))


def load(*, if_empty: bool = True) -> bool:
    """Load the demo data in one transaction; returns False when skipped because data exists."""
    with transaction() as session:
        if if_empty and not is_empty(session):
            return False
        _load(session)
        return True


def _load(session: Session) -> None:
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    rnd = random.Random(SEED)
    teams = [Team(name=name, region=region) for name, region in TEAMS]
    session.add_all(teams)
    session.flush()

    users_by_team: dict[int, list[User]] = {t.id: [] for t in teams}
    # One Argon2 hash per distinct password, not per account: the demo accounts share one published,
    # fictional password, so a salt per account protects nothing here, and each hash took 0.6 to 1 s of the
    # `make run` start at load 10 (six of them). Real accounts are created with their own hash (create_user).
    hashes = {password: hash_password(password) for password in {s.password for s in SIGN_INS}}
    for sign_in in SIGN_INS:
        user = create_user(
            session,
            None,
            username=sign_in.username,
            display_name=_display(sign_in.username),
            role=sign_in.role,
            password=None,
            team=sign_in.team,
            email=f"{sign_in.username}@demo.casework.invalid",
            is_new_caseworker=sign_in.username == "caseworker",
        )
        user.password_hash = hashes[sign_in.password]
        if user.team_id and user.role == "caseworker":
            users_by_team[user.team_id].append(user)
    for team in teams:
        for n in range(3):
            name = fake.name()
            user = create_user(
                session,
                None,
                username=f"{team.name.split()[0].lower()}.cw{n + 1}",
                display_name=name,
                role="caseworker",
                password=None,
                team=team.name,
                is_new_caseworker=n == 0,
            )
            users_by_team[team.id].append(user)
        if not any(s.team == team.name and s.role == "team_leader" for s in SIGN_INS):
            create_user(
                session,
                None,
                username=f"{team.name.split()[0].lower()}.tl",
                display_name=fake.name(),
                role="team_leader",
                password=None,
                team=team.name,
            )

    cases = [_case(session, fake, rnd, i, teams) for i in range(CASE_COUNT)]
    session.flush()

    # Every catalogue entry in every status, spread over the teams and their caseworkers, each made as of its own
    # creation in the last 60 days (clock.as_of): its audit events, closing and review date at coherent moments.
    now = utcnow()
    n = 0
    for entry in catalogue.CATALOGUE:
        for status, sub_status in STATUS_VARIANTS:
            case = cases[n % len(cases)]
            owners = users_by_team[case.team_id]
            created = now - timedelta(days=rnd.randint(0, 60), hours=rnd.randint(0, 23))
            with as_of(created):
                sr = records.create_sr(
                    session,
                    None,
                    case=case,
                    process=entry.process,
                    area=entry.area,
                    sub_area=entry.sub_area,
                    owner_id=_owner_for(entry, case, owners, n, closed=status == "Closed").id,
                    status="Open" if status == "Closed" else status,
                    activities=("Access Legacy System",) if entry.sub_area == "Finalise Case" else (),
                )
            if status == "Closed":
                with as_of(min(created + timedelta(days=1 + n % 5), now)):  # closed a few days after it was made
                    for activity in sr.activities:
                        records.mark_activity_done(session, None, sr, activity.name, outcome="Done")
                    records.set_status(session, None, sr, status, sub_status)
            elif n % 5 == 0:
                _review_date(session, sr, created, (now - timedelta(days=rnd.randint(-10, 10))).date(), now)
            n += 1
    _child_srs(session, cases)
    _ssst_court_fee_sr(session, cases)
    _p5b_county_court_srs(session, cases)
    _p5c_commitment_srs(session, cases)
    _ssst_face_to_face_sr(session, cases)
    _ssst_liability_order_sr(session, cases)
    audit.record(
        session, None, "demo.loaded", entity_type="system", entity_id="demo", after={"cases": len(cases), "srs": n}
    )


def _owner_for(entry: catalogue.CatalogueEntry, case: Case, owners: list[User], n: int, *, closed: bool) -> User:
    """The n-th of the case's team's caseworkers, except that the new demo caseworker (the account a new user signs
    in as) is never given an open SR they cannot work here: the next teammate has it. Before, seven of the nine SRs in
    their My work said why they could not be worked (the SSST's work, a P4 SR on a transitioned case, a kind no
    procedure works). The teammates keep such SRs, as a real team's mixed work: the SSST's kinds are what a team leader
    hands over to that team from Outstanding SRs (services/console/handover.py)."""
    owner = owners[n % len(owners)]
    if closed or owner.username != NEW_CASEWORKER:
        return owner
    kind = (entry.process, entry.area, entry.sub_area)
    if any(way.why_not is None for way in sr_work.ways_to_work(kind, None, CaseFacts(case), ssst=False)):
        return owner
    return owners[(n + 1) % len(owners)]


def _review_date(session: Session, sr: ServiceRequest, created: datetime, drawn: date, now: datetime) -> None:
    """A review date set an hour after the SR was made, for a day after that: one of the last ten days is honestly
    overdue (set before it came), never set on a day already past; an SR made after the drawn day gets the day after
    it was made (QA: "Review date set to 2 December" recorded on 7 December)."""
    review = max(drawn, uk_local(created).date() + timedelta(days=1))
    with as_of(min(created + timedelta(hours=1), now)):
        records.set_review_date(
            session, None, sr, review, "Demo review date: the owner looks at this SR again on this day."
        )


def _case(session: Session, fake: Faker, rnd: random.Random, i: int, teams: list[Team]) -> Case:
    region = REGIONS[i % len(REGIONS)]
    team = teams[i % len(teams)] if i % 3 else teams[0]
    if region == "Scotland" and i % 2:
        team = teams[3]
    if region == "Northern Ireland" and i % 2:
        team = teams[4]
    sos = [Decimal("0.00"), Decimal("64.99"), Decimal("65.00"), Decimal("65.01"), Decimal("412.50")][i % 5]
    arrears = Decimal(rnd.randint(0, 900_000)) / 100 + sos
    case = Case(
        scin=f"{100000000000 + i * 7919:012d}",
        scheme=("CSA 1993", "CSA 2003", "CMS 2012")[i % 3],
        receiving_parent_name=fake.name(),
        receiving_parent_address=f"{i + 1} Demo Street, {fake.city()}, {_postcode(i)}",
        paying_parent_name=fake.name(),
        paying_parent_address=f"{i + 2} Example Road, {fake.city()}, {_postcode(i + 40)}",
        segment=1 + i % 5,
        region=region,
        team_id=team.id,
        sensitive=i % 9 == 4,
        nationally_sensitive=i % 23 == 11,
        potentially_violent=i % 7 == 3,
        legacy_ongoing_enforcement=i % 4 == 1,
        csa_liability_ended=i % 3 != 2,
        financial_transition_complete=i % 2 == 0,
        arrears_balance=arrears,
        sos_arrears=sos,
    )
    session.add(case)
    if i % 4 == 1:
        for k in range(1 + i % 2):
            case.liability_orders.append(
                LiabilityOrder(
                    court=f"{fake.city()} Magistrates' Court",
                    granted_on=date(2015 + k, 1 + i % 12, 10),
                    amount=Decimal(rnd.randint(50_000, 900_000)) / 100,
                    discharged=k == 1,
                    enforcement=("bailiff", "EJO", "DCA", "charging order", None)[i % 5],
                )
            )
    case.arrears_periods = _arrears_periods(rnd, arrears)
    return case


def _arrears_periods(rnd: random.Random, balance: Decimal) -> list[ArrearsPeriod]:
    """Four quarters of 2019 whose unpaid amounts add up to exactly `balance`, as a cleansed account does: P4
    refuses an account breakdown that contradicts the balance. The amounts are drawn first (the same draws as
    before, so the rest of the demo data is unchanged), then the earliest quarters are paid off, or the last one is
    due more, until they leave the balance."""
    start = date(2019, 4, 1)
    periods = []
    for k in range(4):
        due = Decimal(rnd.randint(20_000, 90_000)) / 100
        paid = (due * Decimal(rnd.randint(0, 100)) / 100).quantize(Decimal("0.01"))
        periods.append(
            ArrearsPeriod(
                period_start=start + timedelta(days=91 * k),
                period_end=start + timedelta(days=91 * k + 90),
                amount_due=due,
                amount_paid=paid,
            )
        )
    excess = sum((p.amount_due - p.amount_paid for p in periods), Decimal("0.00")) - balance
    for period in periods:  # more owed than the balance: the earliest quarters were paid (more of) what was due
        paid_off = min(period.amount_due - period.amount_paid, max(excess, Decimal("0.00")))
        period.amount_paid += paid_off
        excess -= paid_off
    periods[-1].amount_due -= min(excess, Decimal("0.00"))  # less owed than the balance: the last quarter was due more
    return periods


def _child_srs(session: Session, cases: list[Case]) -> None:
    """A system Manual Handling SR with its child Finalise Case SR, as P3's trigger describes."""
    case = next(c for c in cases if c.legacy_ongoing_enforcement and c.team_id == cases[0].team_id)
    parent = records.create_sr(session, None, case=case, process="Manual Handling", area=None, sub_area=None)
    records.create_sr(
        session,
        None,
        case=case,
        process="Transition",
        area="Legacy Case Data",
        sub_area="Finalise Case",
        parent=parent,
        activities=("Access Legacy System",),
    )


def _ssst_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise LookupError(f"demo user {username} is missing")
    return user


def _allocate(session: Session, case: Case, owner: User, kind: tuple[str, str, str], **fields: Any) -> ServiceRequest:
    """An SR of the catalogue `kind` allocated to `owner`, as the SSST demo SRs are."""
    process, area, sub_area = kind
    return records.create_sr(
        session, None, case=case, process=process, area=area, sub_area=sub_area, owner_id=owner.id, **fields
    )


def _ssst_court_fee_sr(session: Session, cases: list[Case]) -> None:
    """P5a: a Court Fee Payment SR allocated to ssst.caseworker, waiting for the ECM's email to be recorded."""
    user = _ssst_user(session, "ssst.caseworker")
    case = next(c for c in cases if c.team_id == user.team_id and not c.sensitive)
    _allocate(session, case, user, ("Enforcement", "Court Fee", "Court Fee Payment"))


def _ssst_face_to_face_sr(session: Session, cases: list[Case]) -> None:
    """P5e: a Face to Face Visit SR allocated to ssst.caseworker, the child of the initiating caseworker's SR
    (owned by `caseworker`, whose team leader is `teamleader`), so both get the P5e emails, task and message."""
    user = _ssst_user(session, "ssst.caseworker")
    initiating = _ssst_user(session, "caseworker")
    case = [c for c in cases if c.team_id == user.team_id and not c.sensitive][1]
    origin = records.create_sr(
        session,
        None,
        case=case,
        process="Arrears",
        area="Arrears Management",
        sub_area="Arrears Review",
        owner_id=initiating.id,
        team_id=initiating.team_id,
        status="In Progress",
    )
    _allocate(session, case, user, ("Face to Face", "Visiting Service", "Face to Face Visit"), parent=origin)


def _p5b_county_court_srs(session: Session, cases: list[Case]) -> None:
    """P5b: two County Court SRs allocated to ssst.caseworker, one with a court named by the ECM."""
    owner = _ssst_user(session, "ssst.caseworker")
    mine = [c for c in cases if c.team_id == owner.team_id]
    for case, court in zip(mine[:2], ("Demo County Court", None), strict=True):
        sr = _allocate(session, case, owner, ("Enforcement", "Court Presentation", "County Court"))
        if court:
            records.update_sr(session, None, sr, court=court)
        records.add_note(
            session,
            None,
            case=case,
            sr=sr,
            text="Demo: the enforcement case manager Eve Enforcer asks for county court action.",
        )


def _p5c_commitment_srs(session: Session, cases: list[Case]) -> None:
    """P5c: a Magistrates Court SR for commitment action, allocated to ssst.caseworker."""
    owner = _ssst_user(session, "ssst.caseworker")
    case = [c for c in cases if c.team_id == owner.team_id][2]
    sr = _allocate(session, case, owner, MAGISTRATES_COURT)
    records.update_sr(session, None, sr, court="Demo Magistrates' Court")
    records.add_note(session, None, case=case, sr=sr, text="Demo: commitment action requested by Casey Caseworker.")


def _ssst_liability_order_sr(session: Session, cases: list[Case]) -> None:
    """P5d: a liability order request allocated to ssst.caseworker, open, ready for "Work this SR"."""
    owner = _ssst_user(session, "ssst.caseworker")
    case = next(c for c in cases if c.team_id == owner.team_id and c.region == "England")
    _allocate(session, case, owner, MAGISTRATES_COURT, team_id=owner.team_id, reason="Liability Order")


def _postcode(i: int) -> str:
    return f"ZZ{i % 90 + 1} {i % 9}XX"  # ZZ postcodes do not exist: clearly fictional


def _display(username: str) -> str:
    """`ssst.caseworker` -> "Demo SSST Caseworker" (the team's initials stay capitals)."""
    return "Demo " + " ".join(w.upper() if w == "ssst" else w.title() for w in username.split("."))


def sr_count() -> int:
    with transaction() as session:
        return int(session.scalar(select(func.count()).select_from(ServiceRequest)) or 0)
