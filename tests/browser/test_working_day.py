"""The working day of each role in Chromium, beyond the P1 and console walks (issue 15).

- A caseworker finds a P4 case by name, starts P4 from the finder's result and finishes it by the shortest
  path, recording the stable balance letter as sent yesterday (a letter date in the past, within its limit).
- An SSST caseworker works every kind of SR allocated to them from My work.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from db.models import Case, Letter, ProcedureRun, ServiceRequest, Team, User
from domain.clock import format_date, format_uk, utcnow
from procedures import p4_manage_client_arrears as p4
from procedures import registry
from services import run_context
from services.sr_work import NO_PROCEDURE
from services.transaction import transaction
from tests.browser.helpers import SLOW_TIMEOUT, choose_by_keyboard, settled
from tests.browser.test_sign_in import sign_in
from tests.browser.test_wizard import at_step, choose, press

pytestmark = pytest.mark.browser


def _p4_case() -> Case:
    """A CSA Rules Reassessment Team case P4 starts on (liability ended, arrears not yet moved), which goes to
    CMG (not Northern Ireland, not nationally sensitive) and is not marked sensitive."""
    with transaction() as session:
        team = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        case = session.scalars(
            select(Case)
            .where(
                Case.team_id == team,
                Case.csa_liability_ended,
                Case.financial_transition_complete.is_(False),
                Case.sensitive.is_(False),
                Case.nationally_sensitive.is_(False),
                Case.region != "Northern Ireland",
            )
            .order_by(Case.id)
        ).first()
        assert case is not None, "the demo data has no P4 case for the CSA Rules Reassessment Team"
        session.expunge(case)
        return case


def _type_date(page: Page, label: str, value: str) -> None:
    """Type a date into the date field called `label`, as a keyboard user does: day, month, year."""
    page.get_by_role("group", name=label).get_by_role("spinbutton").first.click()
    page.keyboard.type(value)


def _tick(page: Page, item: str) -> None:
    page.get_by_text(item, exact=True).click()
    expect(page.get_by_role("checkbox", name=item)).to_be_checked()


def test_a_caseworker_finishes_p4_with_a_letter_sent_yesterday(live_server, page: Page):
    case = _p4_case()
    yesterday = run_context.run_today() - timedelta(days=1)
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="Start a procedure").click()
    finder = settled(page, page.get_by_label("Find a case", exact=True))
    finder.fill(case.scin)
    finder.press("Enter")
    settled(page, page.locator("p", has_text=case.scin))
    expect(page.get_by_text("CSA liability has ended; financial transition to CMS is not complete")).to_be_visible()
    press(page, "Start P4")

    at_step(page, "Confirm the stable arrears balance")  # one page: no question, a checklist and the balance
    assert "/wizard?run=" in page.url
    run_id = page.url.split("run=")[1]
    for item in p4.STEPS["confirm_balance"].checklist:
        _tick(page, item)
    press(page, "Continue")
    at_step(page, "Check your answers before saving")
    press(page, "Confirm and save")

    at_step(page, "Write to the receiving parent about the balance")
    _type_date(page, "Date of the stable balance letter", yesterday.strftime("%d%m%Y"))
    press(page, "Continue")
    at_step(page, "Check your answers before saving")
    # The letter as it will go, before anything is saved: dated yesterday, to the receiving parent.
    preview = page.get_by_text(f"{p4.STABLE_BALANCE} ", exact=False).first
    expect(preview).to_be_visible()
    letter = page.locator("[data-testid=stExpanderDetails]", has_text="Dear " + case.receiving_parent_name)
    expect(letter.get_by_text(format_date(yesterday), exact=True)).to_be_visible(timeout=SLOW_TIMEOUT)
    press(page, "Confirm and save")

    at_step(page, "Record what happened after the letter")
    choose(page, p4.PURSUE)
    press(page, "Continue")
    at_step(page, "Record that the arrears are pursued")
    press(page, "Continue")
    at_step(page, "Check your answers before saving")  # it marks the reply deadline met: said first
    expect(page.get_by_text("Receiving parent's reply: marked met", exact=True)).to_be_visible()
    press(page, "Confirm and save")
    at_step(page, "Record the outcome on the CSA systems")
    _tick(page, "Outcome recorded on CSCS")
    choose(page, "No")
    press(page, "Continue")
    at_step(page, "Check your answers before saving")
    press(page, "Confirm and save")
    at_step(page, "Check the outcome went to CMG for financial transition")
    _tick(page, "The CSA systems show the outcome was sent to CMG automatically")
    press(page, "Continue")
    at_step(page, "Tell both parents the case closure is complete")
    _type_date(page, "Date of the case closure letters", run_context.run_today().strftime("%d%m%Y"))
    press(page, "Continue")
    at_step(page, "Check your answers before saving")
    press(page, "Confirm and save")
    settled(page, page.get_by_role("heading", name="Manage Client Arrears Contact (CSA scheme) is finished"))

    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        assert (run.state, run.status) == ("done", "finished")
        sr = session.get_one(ServiceRequest, run.sr_refs["main"])
        assert (sr.case_id, sr.process, sr.area, sr.sub_area) == (case.id, *p4.SR_VALUES)
        assert (sr.status, sr.sub_status) == ("Closed", "Complete")
        assert all(a.done for a in sr.activities)
        sent = {row.template_code: row for row in session.scalars(select(Letter).where(Letter.sr_id == sr.id))}
        assert set(sent) == {p4.STABLE_BALANCE, *p4.CASE_CLOSURE.values()}
        assert sent[p4.STABLE_BALANCE].context["letter_date"] == yesterday.isoformat()
        assert sent[p4.STABLE_BALANCE].context["reply_by"] > yesterday.isoformat()
        number = sr.number
    # The finish page lists the SR it created and closed, with what happened to it.
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=number, exact=True))
    expect(row.get_by_role("cell", name="Created and closed", exact=False)).to_be_visible()
    page.screenshot(path=str(live_server.log.parent / "p4_finished.png"), full_page=True)


# Every kind of SR the demo allocates to the SSST caseworker, and the procedures that work it from My work
# (seeds 005a to 005e); an empty tuple: no procedure here works it, and My work says why.
SSST_KINDS: dict[tuple[str, str | None, str | None], tuple[str, ...]] = {
    ("Enforcement", "Court Fee", "Court Fee Payment"): ("P5a",),
    ("Enforcement", "Court Presentation", "County Court"): ("P5b",),
    ("Enforcement", "Court Presentation", "Magistrates Court"): ("P5c", "P5d"),
    ("Face to Face", "Visiting Service", "Face to Face Visit"): ("P5e",),
    ("Transition", "CSA Information", "Information Request"): (),  # P1: the CSA rules reassessment caseworkers'
    ("Action Missed Payment", None, None): (),  # raised by another procedure to route the case
}


def _allocated(username: str) -> list[ServiceRequest]:
    with transaction() as session:
        owner = session.scalar(select(User.id).where(User.username == username))
        srs = list(
            session.scalars(
                select(ServiceRequest)
                .where(ServiceRequest.owner_id == owner, ServiceRequest.status != "Closed")
                .order_by(ServiceRequest.created_at, ServiceRequest.id)
            )
        )
        session.expunge_all()
        return srs


def _work_from_my_work(page: Page, sr: ServiceRequest, procedure_id: str) -> str:
    """Choose `sr` and `procedure_id` in My work's chooser, work it; return the run id the wizard opens."""
    page.get_by_role("link", name="My work", exact=True).click()
    chooser = settled(page, page.get_by_role("combobox", name="Work an allocated SR"))
    # Chosen by keyboard (see choose_by_keyboard): a first click after the sidebar link had focus opens and closes
    # the list, and an open list closes when the page scrolls under it.
    option = page.get_by_role("option", name=f"{sr.number}: {procedure_id} ", exact=False)
    choose_by_keyboard(page, chooser, f"{sr.number}: {procedure_id}", option)
    settled(page, page.get_by_text(f"{procedure_id} starts when:", exact=False))
    press(page, "Work this SR")
    procedure = registry.get(procedure_id)
    at_step(page, procedure.steps[procedure.initial].title)
    expect(page.get_by_text(f"· SR {sr.number}", exact=False).first).to_be_visible()
    return page.url.split("run=")[1]


def test_an_ssst_caseworker_works_every_kind_of_allocated_sr_from_my_work(live_server, page: Page):
    allocated = _allocated("ssst.caseworker")
    kinds = {(sr.process, sr.area, sr.sub_area) for sr in allocated}
    assert kinds == set(SSST_KINDS), "a kind of SR is allocated that this test does not know how to work"
    sign_in(page, live_server.url, "ssst.caseworker")
    settled(page, "Welcome, Demo SSST Caseworker")

    started: dict[str, tuple[str, str]] = {}  # run id: (procedure, SR number)
    worked: set[int] = set()
    for kind, procedures in SSST_KINDS.items():
        of_kind = [sr for sr in allocated if (sr.process, sr.area, sr.sub_area) == kind]
        for procedure_id in procedures:
            # A different SR for each procedure: once one runs on an SR, My work offers only that one there.
            sr = next(sr for sr in of_kind if sr.id not in worked)
            worked.add(sr.id)
            started[_work_from_my_work(page, sr, procedure_id)] = (procedure_id, sr.number)

    # The kinds no procedure here works are listed under the chooser with why, never left out silently.
    page.get_by_role("link", name="My work", exact=True).click()
    blocked = settled(page, page.get_by_text("SRs on this page that cannot be worked here now", exact=False))
    blocked.click()
    listed = page.get_by_test_id("stExpander")
    for kind, procedures in SSST_KINDS.items():
        if not procedures:
            sr = next(sr for sr in allocated if (sr.process, sr.area, sr.sub_area) == kind)
            expect(listed.locator("p", has_text=f"{sr.number} ")).to_be_visible()
    expect(listed.get_by_text(NO_PROCEDURE)).to_be_visible()
    expect(
        listed.get_by_text(
            "P1: This SR is worked by the CSA rules reassessment caseworkers: ask your team leader to hand it over to "
            "their team."
        )
    ).to_be_visible()

    with transaction() as session:
        rows = session.scalars(select(ProcedureRun).where(ProcedureRun.id.in_(started))).all()
        numbers = {row.id: session.get_one(ServiceRequest, row.sr_id).number for row in rows}
        assert {row.id: (row.procedure_id, numbers[row.id]) for row in rows} == started


def test_my_works_table_shows_every_row_of_its_page_in_full(live_server, page: Page):
    """QA: the table's fixed height (ten rows) half-hid its last row; it is now as tall as its rows."""
    from services import records
    from services.work import my_work
    from tests.browser.test_console import _actor

    worker = _actor("caseworker")
    with transaction() as session:  # more SRs than the default height's ten rows
        case = session.scalars(select(Case).where(Case.team_id == worker.team_id).order_by(Case.id)).first()
        for _ in range(10):
            records.create_sr(session, None, case=case, process="Arrears", area="Arrears Management",
                              sub_area="Arrears Review", owner_id=worker.user_id)  # fmt: skip
    assert len(my_work(worker).service_requests) > 11
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="My work", exact=True).click()
    settled(page, page.get_by_role("heading", name="My work"))
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.get_by_text("Worked by")).last
    grid.scroll_into_view_if_needed()
    scroller = grid.locator(".dvn-scroller")
    content, box = scroller.evaluate("e => [e.scrollHeight, e.clientHeight]")
    assert content <= box, (content, box)  # nothing left below the fold inside the table


def test_each_carry_on_link_is_named_for_its_run_in_chromiums_accessibility_tree(live_server, page: Page, actor_for):
    """QA: a screen reader's list of links on My work read "Carry on, Carry on". Each keeps its short visible label
    (a longer one is cut in its column) and is named for its run, starting with the words shown (WCAG 2.5.3)."""
    from tests.procedures.walk import Walk, owned_complaint

    actor = actor_for("caseworker")
    complaint_id, complaint, case_id = owned_complaint(actor)
    Walk(actor, "P1", case_id, begun_from=complaint_id)
    on_case = [Walk(actor, "P1", case_id).view.run_id for _ in range(2)]  # two on one case, from the case (QA)
    with transaction() as session:
        scin = session.get_one(Case, case_id).scin
        started = {
            run.begun_from_sr_id: format_uk(run.created_at)
            for run in session.scalars(select(ProcedureRun).where(ProcedureRun.begun_from_sr_id == complaint_id))
        }
        for hours, run_id in enumerate(on_case, start=1):  # started apart, and apart from the one begun from the SR
            at = utcnow() - timedelta(hours=hours)  # the same minute is unit tested (tests/unit/test_carry_on_names.py)
            session.execute(update(ProcedureRun).where(ProcedureRun.id == run_id).values(created_at=at))
        starts = [format_uk(session.get_one(ProcedureRun, run_id).created_at) for run_id in on_case]
    assert starts[0] != starts[1]
    case_names = [f"Carry on P1 on case {scin}, started {at}" for at in starts]
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="My work", exact=True).click()
    settled(page, page.get_by_role("heading", name="My work"))  # axe-core runs on the page here
    links = page.get_by_role("link").filter(has_text="Carry on")
    expect(links.first).to_have_attribute("aria-label", re.compile("^Carry on "))
    names = [link.get_attribute("aria-label") for link in links.all()]
    assert len(names) == len(set(names)) >= 2, names
    assert {f"Carry on P1 begun from SR {complaint}, started {started[complaint_id]}", *case_names} <= set(names)
    for name in case_names:
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(1)
        # and a sighted user reads the same on its row
        expect(page.get_by_text(f"P1 on case {scin} · {name.split(', ', 1)[1]}")).to_have_count(1)
