"""Demo procedure runs, so a fresh `make run` shows figures on the Insight page (issue 19).

The runs are worked through the real run API (`run_start.start_run`, `runs.submit_step`, `confirm_step`,
`go_back`) by the demo caseworkers of each team, so their step events (and the step summary) come from the
recording hook itself: views, saves, refused answers, Back. Worked in one go, every save would take a second;
so **each call is made as of its moment in the past** (`clock.as_of`, `_Schedule`): each run starts on a working
morning of the last 75 days, each save a plausible number of working minutes after its step was shown (in the case's
region's working hours). Everything the run records follows that clock: its step events and working time, its SR
(created when the run made it), the SR's audit events, notes and review date. Nothing is rewritten afterwards, so
an SR's heading, timeline and procedure tab agree (QA, 7 December: the runs' history was back-dated while their SRs
and audit events kept the time of loading). A run stopped part-way stays in progress at its step ("left there" once
30 days have passed).

One more run shows a P1 run begun from a complaint SR (My work's "Work this SR"): the new caseworker's, begun from
their own open complaint SR some working days ago and stopped at "Search the legacy systems", so the wizard, My work,
Home, SR detail and the team leader's stuck runs each name the complaint.

Deterministic: a fixed seed picks each run's path, pauses and where it stops.
"""

from __future__ import annotations

import random
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from casework.demo import NEW_CASEWORKER
from db.models import Case, ServiceRequest, User
from domain import reference
from domain.clock import UK, as_of, as_utc, is_working_day, uk_local, utcnow
from services import audit, run_start, runs
from services.actor import Actor
from services.errors import ValidationFailed
from services.transaction import transaction

SEED = 2019
RUNS_PER_TEAM = 5
DAYS_BACK = 75
# Typical working minutes a caseworker spends on each P1 step (the demo's own invention, for plausible charts).
MINUTES = {
    "query_received": 6,
    "search_legacy": 35,
    "record_found": 4,
    "identify_csa_caseworker": 12,
    "answer_from_ccd": 25,
    "call_csa_caseworker": 20,
    "chase_update": 15,
    "consider_segment": 5,
}


@dataclass(frozen=True, slots=True)
class Path:
    """How one demo run goes: its branch answers, a refused save, a Back, and the step it stops at (if any)."""

    found: bool
    on_ccd: bool
    given_on_call: bool
    refuse_at: str | None
    back: bool
    stop_at: str | None


def _answers(step: str, path: Path) -> dict[str, Any]:
    review = (uk_local(utcnow()).date() + timedelta(days=10)).isoformat()
    answers: dict[str, dict[str, Any]] = {
        "query_received": {
            "query_reason": "Complaint",
            "query_summary": "Paying parent disputes the CSA arrears for 2010 to 2012 (demo)",
            "financial_transition_complete": True,
        },
        "search_legacy": {"information_found": path.found, "findings": "Payment history found on CS2 (demo)"},
        "record_found": {},
        "identify_csa_caseworker": {"held_on_closed_ccd": path.on_ccd, "csa_caseworker": "Sam Patel (demo)"},
        "answer_from_ccd": {"ccd_findings": "Arrears schedule held on closed CCD (demo)"},
        "call_csa_caseworker": {
            "given_on_call": path.given_on_call,
            "call_findings": "Balance confirmed on the call (demo)",
            "review_date": review,
        },
        "chase_update": {"chase_answered": True, "update_findings": "Balance confirmed by email (demo)"},
        "consider_segment": {"segment_move": "No move needed"},
    }
    return answers.get(step, {})


def _path(rnd: random.Random, n: int) -> Path:
    """The n-th run of a team: of every five, two stop part-way, one goes Back, three have a save refused."""
    back = n % 5 == 2
    return Path(
        found=not back and rnd.random() < 0.3,
        on_ccd=rnd.random() < 0.3,
        given_on_call=rnd.random() < 0.5,
        refuse_at=("query_received", None, "search_legacy", None, "identify_csa_caseworker")[n % 5],
        back=back,
        stop_at=(None, "search_legacy", None, "call_csa_caseworker", None)[n % 5],
    )


class _Schedule:
    """A run's own clock: each call to the run API is made as of the moment its working time brings it to."""

    def __init__(self, start: datetime, region: str, rnd: random.Random) -> None:
        self.moment, self.region, self.rnd = start, region, rnd

    def after(self, minutes: float) -> AbstractContextManager[None]:
        self.moment = _later(self.moment, minutes, self.region)
        return as_of(self.moment)

    def saving(self, step: str) -> AbstractContextManager[None]:
        """A save a plausible number of working minutes after its step was shown."""
        return self.after(MINUTES.get(step, 10) * self.rnd.lognormvariate(0, 0.6))

    def briefly(self) -> AbstractContextManager[None]:
        """A refusal, a Back or a confirmation: a minute or two of its own."""
        return self.after(self.rnd.uniform(1, 3))


def _work(actor: Actor, case_id: int, path: Path, clock: _Schedule, *, begun_from: int | None = None) -> str:
    """One run worked through the real API as far as its path goes, each call as of its moment; returns its id."""
    with as_of(clock.moment):
        view = run_start.start_run(actor, "P1", case_id=case_id, begun_from=begun_from)
    went_back = False
    while view.status != "finished" and view.step.id != path.stop_at:
        if view.awaiting_confirmation:
            with clock.briefly():
                view = runs.confirm_step(actor, view.run_id, expected_version=view.version)
            continue
        step = view.step.id
        if step == path.refuse_at:
            try:  # a save with the questions left blank: refused, and recorded as refused answers
                with clock.briefly():
                    runs.submit_step(actor, view.run_id, {"_checklist": []}, expected_version=view.version)
            except ValidationFailed:
                pass
        if path.back and not went_back and step == "identify_csa_caseworker":
            went_back = True
            with clock.briefly():
                view = runs.go_back(actor, view.run_id, expected_version=view.version)
            continue
        with clock.saving(step):
            payload = {**_answers(step, path), "_checklist": list(view.step.checklist)}
            view = runs.submit_step(actor, view.run_id, payload, expected_version=view.version)
    return view.run_id


def _working_morning(now: datetime, days_back: int, region: str) -> datetime:
    """09:00 on the last working day at least `days_back` days before `now`. Counted backwards: rolled forwards from a
    Friday evening or a weekend, a run "three days ago" started on today's morning when the demo was set up on a
    Monday evening (the demo-dates test failed then, eighth session)."""
    day = uk_local(now).date() - timedelta(days=days_back)
    while not is_working_day(day, region):
        day -= timedelta(days=1)
    return as_utc(datetime.combine(day, time(9), tzinfo=UK))


def _later(moment: datetime, minutes: float, region: str) -> datetime:
    """`minutes` of working time after `moment` (09:00 to 17:00 on the region's working days)."""
    local = uk_local(moment)
    left = timedelta(minutes=minutes)
    while True:
        day = local.date()
        opens, closes = datetime.combine(day, time(9), tzinfo=UK), datetime.combine(day, time(17), tzinfo=UK)
        if not is_working_day(day, region) or local >= closes:
            local = datetime.combine(day + timedelta(days=1), time(9), tzinfo=UK)
            continue
        local = max(local, opens)
        if local + left <= closes:
            return as_utc(local + left)
        left -= closes - local
        local = closes


def walk(*, seed: int = SEED) -> int:
    """Work the demo runs, each as of its own days in the past; returns how many runs were made."""
    rnd = random.Random(seed)
    with transaction() as session:
        workers = [
            (Actor.of(u), u.team_id or 0)
            for u in session.scalars(
                select(User).where(User.role == "caseworker", User.team_id.is_not(None)).order_by(User.id)
            )
        ]
        cases = {
            team: session.scalars(
                select(Case.id)
                .where(Case.team_id == team, Case.financial_transition_complete.is_(True))
                .order_by(Case.id)
            ).all()
            for _, team in workers
        }
        regions = {case_id: region for case_id, region in session.execute(select(Case.id, Case.region))}
    made: list[str] = []
    now = utcnow()
    for team in sorted({t for _, t in workers if cases.get(t)}):
        staff = [a for a, t in workers if t == team]
        for n in range(RUNS_PER_TEAM):
            actor = staff[n % len(staff)]
            case_id = cases[team][n % len(cases[team])]
            path = _path(rnd, n)
            region = regions[case_id]
            start = _later(_working_morning(now, rnd.randint(3, DAYS_BACK), region), rnd.randint(0, 300), region)
            made.append(_work(actor, case_id, path, _Schedule(start, region, rnd)))
    made.append(_begun_from_complaint(now, rnd))
    with transaction() as session:
        audit.record(
            session,
            None,
            "demo.runs_worked",
            entity_type="system",
            entity_id="demo",
            after={"runs": len(made), "history": f"worked over the last {DAYS_BACK} days"},
        )
    return len(made)


def _begun_from_complaint(now: datetime, rnd: random.Random) -> str:
    """The new caseworker's P1 run begun from their oldest open complaint SR on a case past financial transition, as
    "Work this SR" begins it: started eight days ago (after the SR was made) and left at "Search the legacy systems"."""
    with transaction() as session:
        user, sr, region = session.execute(
            select(User, ServiceRequest, Case.region)
            .join(ServiceRequest, ServiceRequest.owner_id == User.id)
            .join(Case, Case.id == ServiceRequest.case_id)
            .where(
                User.username == NEW_CASEWORKER,
                ServiceRequest.area == reference.value("area.complaints"),
                ServiceRequest.status != "Closed",
                Case.financial_transition_complete.is_(True),
            )
            .order_by(ServiceRequest.id)
            .limit(1)
        ).one()
        actor, sr_id, case_id, made_at = Actor.of(user), sr.id, sr.case_id, sr.created_at
    start = _later(max(now - timedelta(days=8), made_at + timedelta(hours=1)), rnd.randint(0, 120), region)
    path = Path(found=False, on_ccd=False, given_on_call=False, refuse_at=None, back=False, stop_at="search_legacy")
    return _work(actor, case_id, path, _Schedule(start, region, rnd), begun_from=sr_id)
