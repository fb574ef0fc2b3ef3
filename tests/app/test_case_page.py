"""A team leader reads a case (AppTest): the Case page shows the case's banner, its open SRs (their own team's each a
link to its SR page) and its Contact Notes, and nothing to start; the SR page opens it for its case. QA: P5e's task to
proceed went to the whole case team, team leader included, and sent them to Start a procedure, a caseworker's page."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import AuditEvent, ServiceRequest
from services import records
from services.transaction import transaction
from tests.app.helpers import app_as, as_read, texts
from tests.integration.test_case_page import own_sr
from tests.procedures.test_handed_over_walks import hand_over_and_allocate


def _links(at) -> dict[str, str]:  # noqa: ANN001 - AppTest
    """Each page link shown: its label, and the page (named by its script under AppTest) and query it opens."""
    return {link.proto.label: f"{link.proto.page}?{link.proto.query_string}" for link in at.get("page_link")}


def _handed_case(actor_for):  # noqa: ANN001, ANN202 - the fixture, and the walk's HandedOver with the SRs' numbers
    """The CSA team's Face to Face Visit SR, handed to the SSST, whose caseworker wrote the visit summary in the
    Contact Notes; the CSA team has an Arrears Review SR of its own on the case, with a Contact Note of its own."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    own = own_sr(handed.case_id)
    with transaction() as session:
        visit, arrears = session.get_one(ServiceRequest, handed.sr_id), session.get_one(ServiceRequest, own)
        for who, sr, text in ((handed.csa_people[0], arrears, "RP phoned."), (handed.worker, visit, "Visit done.")):
            records.add_note(session, who, case=sr.case, sr=sr, text=text, kind="contact")
        return handed, own, visit.case.scin, visit.number, arrears.number


def test_a_team_leader_finds_the_case_by_its_scin_and_reads_it_with_nothing_to_start(sqlite_demo_db, actor_for):
    handed, own, scin, visit_number, own_number = _handed_case(actor_for)
    leader = handed.csa_people[1]
    at = app_as(leader).run()
    at.switch_page("pages/case.py").run()
    assert [t.value for t in at.title] == ["Case"]
    at.text_input[0].input(scin).run()
    assert not at.exception
    shown = texts(at)
    assert f"**SCIN**  \n{scin}" in [as_read(m.value) for m in at.markdown]  # the banner
    open_srs = next(t.value for t in at.table if "Owner" in t.value.columns)  # a table that wraps (QA, 1024 px)
    assert f"Open service requests on this case ({len(open_srs)})" in shown
    assert {visit_number, own_number} <= set(open_srs["SR"])
    links = _links(at)
    own_label = next(label for label in links if label.startswith(f"Open SR {own_number}: "))
    assert links[own_label] == f"sr_detail?sr={own}&from=case"  # the CSA team's SR: its page is the leader's
    assert not any(visit_number in label for label in links)  # the SSST's: text, not a link
    assert f"Held by another team, so its page is that team's: SR {visit_number}." in shown
    # The Contact Notes, newest first: the SSST's visit summary (its SR as text), then the team's own (its SR a link)
    assert "Contact Notes (" in shown
    assert "Visit done." in shown
    assert "RP phoned." in shown
    assert any(as_read(m.value).endswith(f"Demo SSST Caseworker · SR {visit_number}") for m in at.markdown)
    assert links[f"SR {own_number}"] == f"sr_detail?sr={own}&from=case"  # its "Back" returns to the case
    # Read only: no procedure to start, no button at all on the page
    assert "Which procedure?" not in shown
    assert not [b for b in at.button if b.label != "Sign out"]
    # The number of the SR the SSST holds finds the case too: the case's team sees it listed there
    at.text_input[0].input(visit_number).run()
    assert f"**SCIN**  \n{scin}" in [as_read(m.value) for m in at.markdown]


def test_the_sr_page_opens_the_case_page_for_its_case(sqlite_demo_db, actor_for):
    """The CSA leader's own SR links to its case; there the case is read without a search; the SSST leader's SR on the
    CSA case has no such link (the case's page is the CSA team's)."""
    handed, own, scin, visit_number, _ = _handed_case(actor_for)
    leader = handed.csa_people[1]
    at = app_as(leader).run()
    at.query_params["sr"] = str(own)
    at.switch_page("pages/sr_detail.py").run()
    assert _links(at)["Open the case"] == f"case?case={handed.case_id}"
    assert "Back to Outstanding SRs" in _links(at)  # not opened from the case

    at = app_as(leader).run()
    at.query_params["case"] = str(handed.case_id)
    at.switch_page("pages/case.py").run()
    assert not at.exception
    assert f"**SCIN**  \n{scin}" in [as_read(m.value) for m in at.markdown]
    assert "Visit done." in texts(at)
    assert at.text_input[0].value in ("", None)  # the finder stays empty, ready for another search

    at = app_as(handed.ssst_leader).run()
    at.query_params["sr"] = str(handed.sr_id)
    at.switch_page("pages/sr_detail.py").run()
    assert f"SR {visit_number}" in [t.value for t in at.title]
    assert "Open the case" not in _links(at)


def test_a_search_replaces_the_case_the_url_named(sqlite_demo_db, actor_for):
    handed, _, scin, _, _ = _handed_case(actor_for)
    leader = handed.csa_people[1]
    at = app_as(leader).run()
    at.query_params["case"] = str(handed.case_id)
    at.switch_page("pages/case.py").run()
    at.text_input[0].input("zz-no-such-parent").run()
    assert "No case of your team matches that. Check the SCIN, SR number or name." in texts(at)
    assert scin not in texts(at)
    assert "case" not in at.query_params


def test_another_teams_case_or_nonsense_in_the_url_shows_nothing_of_a_case(sqlite_demo_db, actor_for):
    """The SSST leader holds an SR on the CSA case, not the case: refused as for the case page, and audited."""
    handed, _, scin, _, _ = _handed_case(actor_for)
    intruder = handed.ssst_leader
    at = app_as(intruder).run()
    at.query_params["case"] = str(handed.case_id)
    at.switch_page("pages/case.py").run()
    assert not at.exception
    shown = texts(at)
    assert "You cannot open that case: it does not exist, or it is not your team's." in shown
    assert scin not in shown
    assert "Contact Notes" not in shown
    with transaction() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.actor_id == intruder.user_id).order_by(AuditEvent.id.desc()).limit(1)
        ).one()
    assert (event.action, event.entity_type, event.entity_id) == ("refused", "case", str(handed.case_id))

    at = app_as(intruder).run()
    at.query_params["case"] = "1; DROP TABLE cases"
    at.switch_page("pages/case.py").run()
    assert not at.exception
    assert "Find the case by its SCIN, an SR number or a parent's name." in texts(at)


def test_home_links_each_role_of_the_case_team_to_where_it_finds_a_case(sqlite_demo_db, actor_for):
    """P5e's task to proceed tells the whole case team to find the case by its SCIN: each finds the finder from Home."""
    for username, page in (("caseworker", "start"), ("teamleader", "case")):
        assert _links(app_as(actor_for(username)).run())["Find a case"] == f"{page}?"


def test_the_case_page_says_which_procedures_are_in_progress_on_the_case(sqlite_demo_db, actor_for):
    """QA, seventh session: the team leader's Case page did not say that P1 runs were in progress on the case (the
    demo's case of complaint SR 1-00000013 has two, one begun from that SR); Start a procedure tells the caseworker.
    Here: one begun from a complaint SR, one a colleague started from the case."""
    from db.models import Case, ProcedureRun
    from services import run_start
    from tests.procedures.walk import owned_complaint

    leader, worker, colleague = actor_for("teamleader"), actor_for("caseworker"), actor_for("csa.cw1")
    complaint_id, number, case_id = owned_complaint(worker)
    run_start.start_run(worker, "P1", case_id=case_id, begun_from=complaint_id)
    run_start.start_run(colleague, "P1", case_id=case_id)
    with transaction() as session:
        scin = session.get_one(Case, case_id).scin
        label = session.get_one(ServiceRequest, complaint_id).label
        runs = session.scalar(
            select(func.count()).where(ProcedureRun.case_id == case_id, ProcedureRun.status == "in_progress")
        )
    assert runs == 2  # no other run on the case before
    at = app_as(leader).run()
    at.switch_page("pages/case.py").run()
    at.text_input[0].input(scin).run()
    assert not at.exception
    shown = texts(at)
    assert "Procedures in progress on this case (2)" in shown
    assert f"- 2 P1 runs: 1 begun from SR {number} ({label}) and 1 started from the case, not from an SR" in shown
    assert "Each is carried on by the caseworker who started it, from their My work." in shown

    with transaction() as session:  # a case of the team's with no run in progress
        quiet_scin = session.scalars(
            select(Case.scin)
            .where(
                Case.team_id == leader.team_id,
                Case.sensitive.is_(False),
                ~select(ProcedureRun.id)
                .where(ProcedureRun.case_id == Case.id, ProcedureRun.status == "in_progress")
                .exists(),
            )
            .order_by(Case.id)
        ).first()
    at.text_input[0].input(quiet_scin).run()
    shown = texts(at)
    assert "Procedures in progress on this case (0)" in shown
    assert "No procedure is in progress on this case." in shown


def _sr_page(actor, query: dict[str, str]):  # noqa: ANN001, ANN202 - an Actor, and the AppTest run
    at = app_as(actor).run()
    for name, value in query.items():
        at.query_params[name] = value
    return at.switch_page("pages/sr_detail.py").run()


def test_an_sr_opened_from_the_case_page_goes_back_to_the_case_and_otherwise_to_outstanding_srs(
    sqlite_demo_db, actor_for
):
    """QA, seventh session: SR detail reached from the Case page offered only "Back to Outstanding SRs". Opened from
    the case (?from=case, as the case page's links carry it) it goes back to the case; opened otherwise, or with the
    parameter edited by hand, to Outstanding SRs, and never to a case the reader may not read."""
    handed, own, _, _, _ = _handed_case(actor_for)
    leader = handed.csa_people[1]
    at = _sr_page(leader, {"sr": str(own), "from": "case"})
    assert not at.exception
    links = _links(at)
    assert links["Back to the case"] == f"case?case={handed.case_id}"
    assert "Back to Outstanding SRs" not in links
    assert "Open the case" not in links  # "Back" goes there already

    for edited in ({"sr": str(own)}, {"sr": str(own), "from": "outstanding"}, {"sr": str(own), "from": "case" * 40}):
        at = _sr_page(leader, edited)
        assert not at.exception
        links = _links(at)
        assert links["Back to Outstanding SRs"] == "outstanding?"
        assert "Back to the case" not in links
        assert links["Open the case"] == f"case?case={handed.case_id}"

    # The SSST leader holds the visit SR, not its case: "from=case" typed in offers no way to the CSA team's case
    at = _sr_page(handed.ssst_leader, {"sr": str(handed.sr_id), "from": "case"})
    assert not at.exception
    assert "Back to the case" not in _links(at)
    assert "Back to Outstanding SRs" in _links(at)
    assert not [link for link in at.get("page_link") if link.proto.page == "case"]

    # Another team's SR, or nonsense, with "from=case": refused as before, and back to the list
    for query in ({"sr": str(handed.sr_id), "from": "case"}, {"sr": "x1", "from": "case"}):
        at = _sr_page(leader, query)
        assert not at.exception
        assert "Back to the case" not in _links(at)
        assert "Back to Outstanding SRs" in _links(at)
    assert "You cannot open that service request: it does not exist, or it is not your team's." in texts(
        _sr_page(leader, {"sr": str(handed.sr_id), "from": "case"})
    )


def test_the_case_page_lists_the_closed_srs_under_the_open_ones_each_opening_back_to_the_case(
    sqlite_demo_db, actor_for
):
    """QA, seventh session: a team leader reading a case needs the SRs closed on it too (a complaint closed last week):
    under the open ones, newest first, with the day and how each was closed; the team's a link whose "Back" returns
    to the case, the SSST's as text; more than the page lists are counted, not cut silently."""
    from datetime import timedelta

    from domain.clock import uk_local, utcnow
    from services.case_finder import CLOSED_LISTED

    handed, _, scin, visit_number, _ = _handed_case(actor_for)
    leader = handed.csa_people[1]
    now = utcnow()
    with transaction() as session:
        visit = session.get_one(ServiceRequest, handed.sr_id)
        records.set_status(session, None, visit, "Closed", "Cancelled", resolution_code="Failed To Attend")
        visit.closed_at = now - timedelta(days=8)
        case = visit.case
        complaint = records.create_sr(
            session, None, case=case, process="Escalated Enquiries", area="Complaints", sub_area="Resolution"
        )
        records.set_status(session, None, complaint, "Closed", "Cancelled")
        complaint.closed_at = now - timedelta(days=6)
        complaint_id, complaint_number, complaint_label = complaint.id, complaint.number, complaint.label
        for hours in range(1, CLOSED_LISTED + 1):  # newer ones, to pass the page's limit
            sr = records.create_sr(session, None, case=case, process="Arrears", area="Arrears Management",
                                   sub_area="Arrears Review")  # fmt: skip
            records.set_status(session, None, sr, "Closed", "Cancelled")
            sr.closed_at = now - timedelta(hours=hours)
        total = session.scalar(
            select(func.count()).where(ServiceRequest.case_id == case.id, ServiceRequest.status == "Closed")
        )

    at = app_as(leader).run()
    at.switch_page("pages/case.py").run()
    at.text_input[0].input(scin).run()
    assert not at.exception
    shown = texts(at)
    headers = [h.value for h in at.header]
    opened = next(h for h in headers if h.startswith("Open service requests on this case"))
    assert headers.index(f"Closed service requests on this case ({total})") == headers.index(opened) + 1
    (closed,) = [d.value for d in at.dataframe if "How it was closed" in d.value.columns]  # open SRs: a table
    assert list(closed.columns) == ["SR", "Type", "Closed", "How it was closed"]
    assert len(closed) == CLOSED_LISTED
    assert list(closed["Closed"]) == sorted(closed["Closed"], reverse=True)
    more = total - CLOSED_LISTED
    listed = f"The {CLOSED_LISTED} most recently closed are listed; {more} more, closed earlier, are not listed here."
    assert listed in shown
    assert complaint_number not in set(closed["SR"])  # one of the earlier ones

    with transaction() as session:  # the newer ones away: the complaint and the SSST's visit SR are listed
        for sr in session.scalars(
            select(ServiceRequest).where(
                ServiceRequest.case_id == case.id,
                ServiceRequest.status == "Closed",
                ServiceRequest.closed_at > now - timedelta(days=1),
            )
        ):
            records.set_status(session, None, sr, "Open")
    at.text_input[0].input(visit_number).run()  # found again (by the SSST's SR's number)
    (closed,) = [d.value for d in at.dataframe if "How it was closed" in d.value.columns]  # open SRs: a table
    rows = {r["SR"]: r for r in closed.to_dict("records")}
    assert rows[complaint_number]["Type"] == complaint_label
    assert rows[complaint_number]["How it was closed"] == "Cancelled"
    assert rows[visit_number]["How it was closed"] == "Cancelled, Failed To Attend"
    assert list(closed["SR"]).index(complaint_number) < list(closed["SR"]).index(visit_number)  # newest first
    assert str(rows[complaint_number]["Closed"])[:10] == str(uk_local(now - timedelta(days=6)).date())  # its UK day
    links = _links(at)
    assert links[f"Open SR {complaint_number}: {complaint_label}"] == f"sr_detail?sr={complaint_id}&from=case"
    assert not any(label.startswith(f"Open SR {visit_number}") for label in links)
    assert f"Held by another team, so its page is that team's: SR {visit_number}." in texts(at)
    assert "more, closed earlier" not in texts(at)


def test_an_sr_opened_from_another_srs_page_goes_back_to_it_then_down_the_chain_to_the_case(sqlite_demo_db, actor_for):
    """QA, eighth session: an SR opened from the case, then a related SR from its page, offered "Back to Outstanding
    SRs" and "Open the case", not a way back to the first SR. Each SR link on an SR's page now carries where it was
    opened from (&back=..., and &from=case along with it): "Back to SR ..." goes to the first SR, whose Back goes to
    the case. A back list edited by hand, or naming an SR the reader may not open, offers no such link and is refused
    nowhere (nothing audited): Back then goes where it went before."""
    handed, first, _, _, first_number = _handed_case(actor_for)
    leader = handed.csa_people[1]
    second = own_sr(handed.case_id)  # the same team's, on the same case: a related SR of the first
    with transaction() as session:
        second_number = session.get_one(ServiceRequest, second).number
        refused_before = session.scalar(select(func.count()).select_from(AuditEvent))

    at = _sr_page(leader, {"sr": str(first), "from": "case"})
    links = _links(at)
    related = next(label for label in links if label.startswith(f"{second_number}: "))
    assert links[related] == f"sr?sr={second}&back={first}&from=case"

    at = _sr_page(leader, {"sr": str(second), "back": str(first), "from": "case"})
    assert not at.exception
    links = _links(at)
    assert links[f"Back to SR {first_number}"] == f"sr?sr={first}&from=case"  # then its Back: the case
    assert "Back to the case" not in links
    assert "Back to Outstanding SRs" not in links
    assert links["Open the case"] == f"case?case={handed.case_id}"
    onward = next(label for label in links if label.startswith(f"{first_number}: "))
    assert links[onward] == f"sr?sr={first}&back={first}%2C{second}&from=case"  # the chain goes on

    # Opened from Outstanding SRs (no from=case): back to the first SR, whose Back is the list
    at = _sr_page(leader, {"sr": str(second), "back": str(first)})
    assert _links(at)[f"Back to SR {first_number}"] == f"sr?sr={first}"

    # A chain of two: back to the second, which keeps the first to go back to
    at = _sr_page(leader, {"sr": str(first), "back": f"{first},{second}", "from": "case"})
    assert _links(at)[f"Back to SR {second_number}"] == f"sr?sr={second}&back={first}&from=case"

    # Another team's SR (the SSST's visit), a missing one, the SR itself, nonsense: no way back to an SR
    for back in (str(handed.sr_id), "99999999", str(second), "1;2", "x", "," * 3, "9" * 40):
        at = _sr_page(leader, {"sr": str(second), "back": back, "from": "case"})
        assert not at.exception
        links = _links(at)
        assert not [label for label in links if label.startswith("Back to SR")], (back, links)
        assert links["Back to the case"] == f"case?case={handed.case_id}"
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == refused_before  # nothing refused


def test_the_sr_a_p1_run_was_begun_from_goes_back_to_the_runs_own_sr(sqlite_demo_db, actor_for):
    """SR detail of the SR a P1 run records on links to the complaint the run was begun from; that page's Back goes
    back to the run's SR, and the complaint's link to the run's SR comes back to the complaint."""
    from services import run_summary
    from tests.procedures.walk import Walk, owned_complaint

    worker, leader = actor_for("caseworker"), actor_for("teamleader")
    complaint, complaint_number, case_id = owned_complaint(worker)
    walk = Walk(worker, "P1", case_id, begun_from=complaint)
    walk.answer(query_reason="Complaint", query_summary="Arrears history", financial_transition_complete=True)
    own_number = run_summary.run_srs(worker, walk.view.run_id)[0].number  # the SR the run records on
    with transaction() as session:
        own = session.scalars(select(ServiceRequest).where(ServiceRequest.number == own_number)).one()

    at = _sr_page(leader, {"sr": str(own.id)})
    links = _links(at)
    assert links[next(label for label in links if label.startswith("Begun from "))] == (
        f"sr?sr={complaint}&back={own.id}"
    )
    at = _sr_page(leader, {"sr": str(complaint), "back": str(own.id)})
    links = _links(at)
    assert links[f"Back to SR {own.number}"] == f"sr?sr={own.id}"
    runs_sr = next(label for label in links if label.startswith(f"It records on SR {own.number}"))
    assert links[runs_sr] == f"sr?sr={own.id}&back={own.id}%2C{complaint}"
