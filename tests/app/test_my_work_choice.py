"""A Magistrates Court SR can be worked by P5c (commitment) or P5d (liability order): My work offers both."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Case, ProcedureRun, ServiceRequest, Team, User
from domain.clock import format_uk
from services import run_start
from services.transaction import transaction
from tests.app.helpers import app_as, as_read, texts
from tests.app.test_wizard import button, open_wizard

MAGISTRATES = ("Enforcement", "Court Presentation", "Magistrates Court")


def test_both_ssst_court_procedures_work_a_magistrates_court_sr_and_the_reason_orders_them():
    assert [p.id for p in run_start.procedures_for_sr(*MAGISTRATES)] == ["P5c", "P5d"]
    assert [p.id for p in run_start.procedures_for_sr(*MAGISTRATES, "Liability Order")] == ["P5d", "P5c"]
    assert [p.id for p in run_start.procedures_for_sr(*MAGISTRATES, "Commitment")] == ["P5c", "P5d"]
    assert run_start.procedure_for_sr(*MAGISTRATES, "Liability Order").id == "P5d"
    assert [p.id for p in run_start.procedures_for_sr("Enforcement", "Court Fee", "Court Fee Payment")] == ["P5a"]
    assert run_start.procedures_for_sr("Arrears", "Arrears Management", "Arrears Review") == []


def _liability_order_sr(actor) -> ServiceRequest:
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest).where(
                ServiceRequest.owner_id == actor.user_id,
                ServiceRequest.sub_area == "Magistrates Court",
                ServiceRequest.reason == "Liability Order",
            )
        ).one()
        session.expunge(sr)
        return sr


def test_my_work_offers_the_caseworker_a_choice_of_procedure_for_a_magistrates_court_sr(sqlite_demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    sr = _liability_order_sr(actor)
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    box = next(s for s in at.selectbox if s.label == "Work an allocated SR")
    offered = [o for o in box.options if o.startswith(f"{sr.number}:")]
    assert offered == [
        f"{sr.number}: P5d Work Routing for Liability Order",
        f"{sr.number}: P5c Work Routing for Commitment",
    ]

    box.set_value(f"{sr.number}:P5d").run()
    assert "P5d starts when: A caseworker has asked for a liability order" in texts(at)
    button(at, "Work this SR").click().run()
    assert not at.exception
    with transaction() as session:
        run = session.scalars(select(ProcedureRun).where(ProcedureRun.sr_id == sr.id)).one()
        assert (run.procedure_id, run.started_by_id) == ("P5d", actor.user_id)


def test_choosing_the_procedure_the_srs_reason_does_not_name_is_cautioned(sqlite_demo_db, actor_for):
    """QA (7 December, Chromium): on an SR whose Reason is Liability Order, choosing P5c said only "P5c works on this
    SR." The table shows no Reason, so a new caseworker could start commitment on a liability order SR unwarned."""
    actor = actor_for("ssst.caseworker")
    sr = _liability_order_sr(actor)
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    box = next(s for s in at.selectbox if s.label == "Work an allocated SR")
    box.set_value(f"{sr.number}:P5c").run()
    assert [w.value for w in at.warning] == [
        "This SR's Reason is Liability Order: that is the work of P5d Work Routing for Liability Order. Choose P5c "
        "only if commitment action was asked for."
    ]
    box.set_value(f"{sr.number}:P5d").run()
    assert not at.warning  # the Reason's own procedure: nothing to caution
    assert not at.exception


def test_when_no_allocated_sr_can_be_worked_my_work_draws_no_empty_chooser_and_says_why(sqlite_demo_db, actor_for):
    """An empty chooser is drawn disabled, in grey text below the contrast minimum: it is left out instead."""
    actor = actor_for("caseworker")
    with transaction() as session:
        mine = session.scalars(select(ServiceRequest).where(ServiceRequest.owner_id == actor.user_id)).all()
        for sr in mine[1:]:
            sr.owner_id = None
        mine[0].process, mine[0].area, mine[0].sub_area, mine[0].reason = (
            "Arrears",
            "Arrears Management",
            "Arrears Review",
            None,
        )
        number = mine[0].number
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    assert not at.exception
    assert "Service requests allocated to you (1)" in texts(at)
    assert [s.label for s in at.selectbox if s.label == "Work an allocated SR"] == []
    assert "SRs on this page that cannot be worked here now (1)" in [e.label for e in at.expander]
    assert number in texts(at)
    (table,) = at.dataframe
    assert table.value["Worked by"].tolist() == ["CMS only"]  # no procedure here works an Arrears Review SR


def test_once_p5d_works_a_magistrates_court_sr_my_work_offers_only_p5d_on_it_and_says_why(sqlite_demo_db, actor_for):
    """start_run resumes the run open on an SR whichever procedure is asked for: offering P5c there would
    open the P5d run under a P5c label."""
    from services.sr_work import already_running
    from services.work import my_work

    actor = actor_for("ssst.caseworker")
    sr = _liability_order_sr(actor)
    run_start.start_run(actor, "P5d", case_id=sr.case_id, sr_id=sr.id)
    ways = {w.procedure_id: w.why_not for w in my_work(actor).ways[sr.id]}
    assert ways == {"P5d": None, "P5c": already_running("P5d")}
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    box = next(s for s in at.selectbox if s.label == "Work an allocated SR")
    assert [o for o in box.options if o.startswith(f"{sr.number}:")] == [
        f"{sr.number}: P5d Work Routing for Liability Order"
    ]


def _county_court_sr_in_progress(actor, starter) -> tuple[ServiceRequest, str]:
    """A demo County Court SR allocated to `actor`, with a P5b run started by `starter` at "Create the CPO folder"."""
    from tests.procedures.ssst_walks import allocated_sr
    from tests.procedures.walk import Walk

    case_id, sr_id = allocated_sr(actor, "County Court")
    if starter != actor:  # a colleague's SR then, allocated on to `actor` with the run in progress on it
        with transaction() as session:
            session.get_one(ServiceRequest, sr_id).owner_id = starter.user_id
    walk = Walk(starter, "P5b", case_id, sr_id=sr_id)
    walk.answer(court="Demo County Court", ecm_name="Eve Enforcer", criminal_action=False)
    walk.answer(cpt_contact="Phone the court presenting team", cpt_call="Spoke to the CPT (demo)")
    assert walk.view.step.title == "Create the CPO folder"
    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        sr.owner_id = actor.user_id
        session.flush()
        session.expunge(sr)
    return sr, walk.view.run_id


def _runs_on(sr_id: int) -> list[str]:
    with transaction() as session:
        return list(session.scalars(select(ProcedureRun.id).where(ProcedureRun.sr_id == sr_id)))


def _chosen_in_my_work(actor, sr: ServiceRequest):
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    (table,) = at.dataframe
    rows = table.value.set_index("SR")
    assert rows.loc[sr.number, "Worked by"] == "P5b, in progress"
    box = next(s for s in at.selectbox if s.label == "Work an allocated SR")
    box.set_value(f"{sr.number}:P5b").run()
    return at


def test_my_work_says_an_sr_has_the_actors_run_in_progress_and_continues_it(sqlite_demo_db, actor_for):
    """QA: an SR with a run in progress offered "Work this SR" and "P5b works on this SR." only; the button
    opened the run already there, but the page did not say so. It says where the run is and reads Continue."""
    actor = actor_for("ssst.caseworker")
    sr, run_id = _county_court_sr_in_progress(actor, actor)
    at = _chosen_in_my_work(actor, sr)
    assert "In progress: Create the CPO folder." in texts(at)
    assert "P5b starts when" not in texts(at)
    labels = [b.label for b in at.button]
    assert "Work this SR" not in labels
    assert button(at, "Continue").key == "work_sr"  # the same key as "Work this SR" has
    button(at, "Continue").click().run()
    assert not at.exception
    assert _runs_on(sr.id) == [run_id]  # the run in progress, no second one
    assert [t.value for t in at.title] == ["Create the CPO folder"]  # the wizard, at the run's step


def test_my_work_says_whose_run_is_in_progress_on_an_sr_allocated_on_from_a_colleague(sqlite_demo_db, actor_for):
    """A colleague started P5b on the SR before it was allocated to the actor: Continue carries their run on (as
    Procedures in progress does), and the page says whose it is."""
    from services import users

    actor = actor_for("ssst.caseworker")
    with transaction() as session:
        team = session.get_one(Team, actor.team_id).name
    users.add_user(None, username="ssst.colleague", display_name="Sam Colleague", role="caseworker", password=None,
                   team=team)  # fmt: skip
    colleague = actor_for("ssst.colleague")
    sr, run_id = _county_court_sr_in_progress(actor, colleague)
    at = _chosen_in_my_work(actor, sr)
    assert "In progress: Create the CPO folder, started by Sam Colleague." in texts(at)
    button(at, "Continue").click().run()
    assert not at.exception
    assert _runs_on(sr.id) == [run_id]
    assert [t.value for t in at.title] == ["Create the CPO folder"]


def test_my_work_still_offers_to_work_an_sr_with_no_run_in_progress(sqlite_demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    sr = _liability_order_sr(actor)
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    next(s for s in at.selectbox if s.label == "Work an allocated SR").set_value(f"{sr.number}:P5d").run()
    assert "In progress" not in texts(at)
    assert button(at, "Work this SR").key == "work_sr"
    assert "Continue" not in [b.label for b in at.button]


def test_a_reason_two_procedures_share_is_said_once_for_both(sqlite_demo_db, actor_for):
    """QA, 7 December: a caseworker outside the SSST read, for a Magistrates Court SR, "P5c: This is the Specialist
    Services Support Team's work: ... P5d: This is the Specialist Services Support Team's work: ..."."""
    with transaction() as session:  # a teammate of the demo's new caseworker holds the team's misallocated SSST work
        owner_id, number = session.execute(
            select(ServiceRequest.owner_id, ServiceRequest.number)
            .join(User, User.id == ServiceRequest.owner_id)
            .where(
                User.username.like("csa.cw%"),
                ServiceRequest.sub_area == "Magistrates Court",
                ServiceRequest.status != "Closed",
            )
            .order_by(ServiceRequest.id)
        ).first()
        username = session.scalar(select(User.username).where(User.id == owner_id))
    actor = actor_for(username)
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    assert not at.exception
    said = [c.value for c in at.caption if "Specialist Services Support Team" in c.value and "P5c" in c.value]
    assert said == [
        "P5c and P5d: This is the Specialist Services Support Team's work: ask your team leader to hand it over to "
        "that team."
    ]
    assert f"**{number}** Enforcement / Court Presentation / Magistrates Court" in texts(at)


def test_a_complaint_sr_whose_case_has_p1_in_progress_is_cautioned_before_a_second_p1_starts(sqlite_demo_db, actor_for):
    """QA (7 December, fifth session, Chromium): P1 started on a complaint SR from My work works on the case, not on
    the SR, so My work went on offering "Work this SR" on it with only "P1 starts when: ...", and a second click began
    a second P1 run on the case (at its first save, a second Information Request SR). Start a procedure already said
    so; My work now does too, before the button."""
    from services.sr_work import already_on_case
    from services.views import BegunFrom

    actor = actor_for("caseworker")
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest).where(
                ServiceRequest.owner_id == actor.user_id, ServiceRequest.area.in_(("Complaints", "Appeals"))
            )
        ).first()
        number, case_id, sr_id, label = sr.number, sr.case_id, sr.id, sr.label
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    box = next(s for s in at.selectbox if s.label == "Work an allocated SR")
    box.set_value(f"{number}:P1").run()
    assert not at.warning  # nothing begun on the case yet

    button(at, "Work this SR").click().run()
    assert not at.exception
    at.switch_page("pages/my_work.py").run()
    box = next(s for s in at.selectbox if s.label == "Work an allocated SR")
    box.set_value(f"{number}:P1").run()
    # The run in progress was begun from this SR (services/run_start.start_run): the caution says so, so the
    # caseworker can tell it is the same query.
    assert [w.value for w in at.warning] == [already_on_case("P1", [BegunFrom(sr_id, number, label)], sr_id)]
    assert [w.value for w in at.warning] == [
        "A P1 run begun from this SR is already in progress on this case (yours are under Procedures in progress "
        "above). If it is for the same query, carry on with it there. Work this SR only for a different piece of work: "
        "it starts another P1 run."
    ]
    with transaction() as session:  # the caution stops nothing: the run is still the only one, and one more may start
        assert (
            session.scalar(
                select(func.count()).where(ProcedureRun.case_id == case_id, ProcedureRun.status == "in_progress")
            )
            == 1
        )


def _new_complaint(actor, sub_area: str) -> tuple[int, str, int, str]:
    """A new complaint SR for the caseworker on their team's first CSA case past financial transition: (its id, its
    number, the case's id, the case's SCIN)."""
    from services import records

    with transaction() as session:
        case = session.scalars(
            select(Case)
            .where(Case.team_id == actor.team_id, Case.scheme != "CMS 2012", Case.financial_transition_complete)
            .order_by(Case.id)
        ).first()
        complaint = records.create_sr(
            session, None, case=case, process="Escalated Enquiries", area="Complaints", sub_area=sub_area,
            owner_id=actor.user_id,
        )  # fmt: skip
        return complaint.id, complaint.number, case.id, case.scin


def test_p1_worked_from_a_complaint_sr_names_it_in_the_wizard_and_under_procedures_in_progress(
    sqlite_demo_db, actor_for
):
    """QA (7 December, fifth session): "Procedures in progress" named a P1 run by its code and case only, and the
    wizard never named the complaint or appeal SR it was begun from, so two P1 runs on one case read alike. A run
    started from the case alone (Start a procedure, or before runs kept it) reads as before."""
    from tests.app.answering import answer_step

    actor = actor_for("caseworker")
    complaint_id, number, case_id, scin = _new_complaint(actor, "Review")
    sr_words = f"SR {number} (Escalated Enquiries / Complaints / Review)"
    begun = f"Begun from {sr_words}"
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    while (
        f"{number}: P1 CSA Information Required - Contact Caseworker"
        not in next(s for s in at.selectbox if s.label == "Work an allocated SR").options
    ):
        button(at, "Next page").click().run()  # the new SR is the newest: on the last page
    next(s for s in at.selectbox if s.label == "Work an allocated SR").set_value(f"{number}:P1").run()
    assert "and the run says it was begun from it" in texts(at)
    button(at, "Work this SR").click().run()
    assert not at.exception
    assert f"**Begun from** {sr_words}" in texts(at)  # the wizard's header, above the case banner
    with transaction() as session:
        run = session.scalars(select(ProcedureRun).where(ProcedureRun.begun_from_sr_id == complaint_id)).one()
        run_id = run.id
    at = open_wizard(actor, run_id)  # the run's own URL, as a reload has it
    answer_step(
        at,
        actor,
        run_id,
        query_reason="Complaint",
        query_summary="Arrears 2010 to 2012",
        financial_transition_complete=True,
    )
    button(at, "Confirm and save").click().run()
    assert not at.exception
    with transaction() as session:
        own = session.get_one(ServiceRequest, session.get_one(ProcedureRun, run_id).sr_id).number
    assert own != number
    assert f"· SR {own}" in at.get("progress")[0].proto.text  # its own SR,
    assert f"**Begun from** {sr_words}" in texts(at)  # and still the one it was begun from

    alone_id = run_start.start_run(actor, "P1", case_id=case_id).run_id  # from the case alone: named as before
    at.switch_page("pages/my_work.py").run()
    assert not at.exception
    # the complaint's row says a run was begun from it (QA, seventh session: it said only "P1")
    (table,) = at.dataframe
    assert table.value.set_index("SR").loc[number, "Worked by"] == "P1, begun from it"
    lines = [m.value for m in at.markdown if f"on case {scin}" in m.value]
    assert len(lines) == 2
    [with_sr] = [as_read(v) for v in lines if "Begun from" in v]
    assert with_sr.startswith(f"**P1** on case {scin} · SR {own}  \n{begun}  \nAt: Search the legacy systems")
    [alone] = [as_read(v) for v in lines if "Begun from" not in v]
    with transaction() as session:  # with when it was started, as its Carry on link's name says (two on a case)
        started = format_uk(session.get_one(ProcedureRun, alone_id).created_at)
    assert alone.startswith(f"**P1** on case {scin} · started {started}  \nAt: Check where the case is in transition")


def test_the_wizard_cautions_an_appeal_answered_on_p1_begun_from_a_complaint_and_still_saves_it(
    sqlite_demo_db, actor_for
):
    """P1's first question is never prefilled; answered "Appeal" on a run begun from a complaint SR, check your
    answers says so (a warning, as a step's other cautions are shown), and Confirm and save still saves it."""
    from tests.app.answering import answer_step

    actor = actor_for("caseworker")
    complaint_id, number, case_id, _scin = _new_complaint(actor, "ICE")
    run_id = run_start.start_run(actor, "P1", case_id=case_id, begun_from=complaint_id).run_id
    at = open_wizard(actor, run_id)
    answer_step(
        at,
        actor,
        run_id,
        query_reason="Appeal",
        query_summary="Arrears 2010 to 2012",
        financial_transition_complete=True,
    )
    caution = (
        f'This run was begun from SR {number} (Escalated Enquiries / Complaints / ICE), a complaint, but "What needs '
        'the CSA information?" is answered "Appeal". If the information is for that complaint, change the answer '
        'to "Complaint"; if it is for other work, leave it.'
    )
    assert caution in [w.value for w in at.warning]
    button(at, "Confirm and save").click().run()
    assert not at.exception
    assert caution not in [w.value for w in at.warning]
    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        assert (run.state, run.answers["query_reason"]) == ("search_legacy", "Appeal")


def test_sr_detail_lists_the_p1_run_begun_from_a_complaint_and_links_the_two_srs(sqlite_demo_db, actor_for):
    """The team leader reads, on the complaint's page, the P1 run begun from it (its status and step) with a link to
    the Information Request SR it records on; that SR's page links back to the complaint."""
    from services import records, runs

    worker, leader = actor_for("caseworker"), actor_for("teamleader")
    with transaction() as session:
        case = session.scalars(
            select(Case).where(Case.team_id == worker.team_id, Case.financial_transition_complete).order_by(Case.id)
        ).first()
        complaint = records.create_sr(
            session, None, case=case, process="Escalated Enquiries", area="Appeals",
            sub_area="Appeal Against Decision", owner_id=worker.user_id,
        )  # fmt: skip
        complaint_id, number = complaint.id, complaint.number
    view = run_start.start_run(worker, "P1", case_id=case.id, begun_from=complaint_id)
    answers = {
        "query_reason": "Appeal",
        "query_summary": "Payments 2010 to 2012",
        "financial_transition_complete": True,
    }
    view = runs.submit_step(
        worker, view.run_id, {**answers, "_checklist": list(view.step.checklist)}, expected_version=view.version
    )
    view = runs.confirm_step(worker, view.run_id, expected_version=view.version)

    at = app_as(leader)
    at.query_params["sr"] = str(complaint_id)
    at.run()
    at.switch_page("pages/sr_detail.py").run()
    assert not at.exception
    assert "Begun from this SR (1)" in [s.value for s in at.subheader]
    assert "**P1 CSA Information Required - Contact Caseworker** (in progress), begun by Demo Caseworker" in texts(at)
    links = [link.proto.label for link in at.get("page_link")]
    assert (
        f"It records on SR {view.sr_number} (Transition / CSA Information / Information Request): its steps and map "
        "are there"
    ) in links
    assert "No procedure run has worked on this SR yet." not in texts(at)  # the run works the case, listed above

    with transaction() as session:
        own = session.scalar(select(ServiceRequest.id).where(ServiceRequest.number == view.sr_number))
    at.query_params["sr"] = str(own)
    at.run()
    assert f"Begun from SR {number} (Escalated Enquiries / Appeals / Appeal Against Decision)" in [
        link.proto.label for link in at.get("page_link")
    ]
