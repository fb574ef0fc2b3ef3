"""The wizard's finish page names every SR the run created or closed, its number whole on one line, a closed SR's
Resolution Code as the CMS panel gave it (on SR detail too), and shows a met review date as done."""

from __future__ import annotations

from datetime import timedelta

from pandas.api.types import is_datetime64_any_dtype
from sqlalchemy import select

from db.models import Deadline, ReferenceValue, ServiceRequest, Team
from domain.clock import format_uk, uk_local, utcnow
from procedures.effects import CmsLine
from services import letters, reference
from services.run_outcomes import RunOutcome
from services.transaction import transaction
from tests.app.helpers import as_read, texts
from tests.app.test_deadlines_and_files_shown import sr_detail
from tests.app.test_wizard import open_wizard
from tests.integration.test_letters_service import _due
from tests.procedures.ssst_walks import sr_row
from tests.procedures.test_p3 import check_csa, legacy_case, value
from tests.procedures.test_p5e import refer, start
from tests.procedures.walk import Walk, find_case
from ui.cms_panel import line_markdown
from ui.text import literal

INFORMATION_PROVIDED = "resolution_code.information_provided"
# P1 closes its SR "Complete", a Sub Status its seed never names: the panel gave it as a suggestion.
P1_SUB_STATUS = CmsLine(
    "Sub Status: choose the Sub Status your team uses here; this procedure does not name one", suggestion="Complete"
)


def finished_p1(actor) -> tuple[Walk, RunOutcome]:
    """P1 to its end: its own SR created and closed (Complete, Resolution Code Information Provided), a segment SR."""
    walk = Walk(actor, "P1", find_case(actor, financial_transition_complete=True))
    walk.answer(query_reason="Complaint", query_summary="Arrears history", financial_transition_complete=True)
    walk.answer(information_found=False)
    walk.answer(held_on_closed_ccd=False, csa_caseworker="Sam Patel")
    review = uk_local(utcnow()).date() + timedelta(days=7)
    walk.answer(given_on_call=False, review_date=review.isoformat())
    walk.answer(chase_answered=True, update_findings="Update received by email")
    walk.answer(segment_move="Complaints - Review")
    outcome = walk.outcome()
    assert outcome.status == "finished"
    return walk, outcome


def sr_id(number: str) -> int:
    with transaction() as session:
        return session.scalars(select(ServiceRequest.id).where(ServiceRequest.number == number)).one()


def in_cms(at, number: str | None = None) -> str:
    """The list under the "In CMS" heading (the finish page names the SR in it), as drawn."""
    shown = [str(m.value) for m in at.markdown]
    read = [as_read(s) for s in shown]  # the finish page keeps the SR number in the heading whole (kept_whole)
    heading = f"In CMS on SR {number}" if number else "In CMS"
    assert f"**{heading}**" in read, shown
    return shown[read.index(f"**{heading}**") + 1]


def test_the_finish_page_lists_each_sr_with_its_number_and_the_met_review_date_as_met(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    walk, outcome = finished_p1(actor)

    at = open_wizard(actor, walk.view.run_id)
    shown = texts(at)
    assert "is finished" in shown
    table = at.table[0].value
    rows = dict(zip(table["SR"], table["What happened"], strict=True))
    assert rows == {
        outcome.srs["main"].number: "Created and closed",  # its Sub Status is under "In CMS", as the panel gave it
        outcome.srs["segment"].number: "Created, now Open",
    }
    with transaction() as session:
        done = session.scalars(
            select(Deadline.done).where(Deadline.kind == "review_date").order_by(Deadline.id.desc())
        ).first()
    assert done
    assert any(
        line.startswith("**Review date**:") and line.endswith(f"· met · SR {outcome.srs['main'].number}")
        for line in shown.splitlines()
    )


def test_the_finish_pages_sr_numbers_are_never_broken_across_lines(sqlite_demo_db, actor_for):
    """QA: beside the wizard's side column at 1366 px the SR column broke "1-00000072" into "1-" and "00000072". The
    numbers stay as they are (they are quoted in CMS): the SR column's cells, and what Streamlit puts in them, do not
    wrap (measured in Chromium by tests/browser/test_finish_page.py)."""
    actor = actor_for("caseworker")
    walk, outcome = finished_p1(actor)
    at = open_wizard(actor, walk.view.run_id)
    table = at.table[0]
    assert list(table.value.columns) == ["SR", "Type", "What happened"]
    assert set(table.value["SR"]) == {outcome.srs["main"].number, outcome.srs["segment"].number}  # nothing added
    styles = table.proto.arrow_data.styler.styles
    table_id = f"#T_{table.proto.arrow_data.styler.uuid}"
    assert f"{table_id} td.col0 {{ white-space: nowrap }}" in styles  # the SR column ...
    assert f"{table_id} td.col0 * {{ white-space: nowrap }}" in styles  # ... and the text elements in its cells
    assert "col1" not in styles  # the other columns still wrap
    assert "col2" not in styles


def test_a_resolution_code_nobody_confirmed_is_a_suggestion_on_the_finish_page_and_sr_detail(sqlite_demo_db, actor_for):
    """QA: the finish page said "Created and closed (Complete, Information Provided)" and SR detail listed "Resolution
    Code: Information Provided", as if confirmed; the CMS panel had given it as a suggestion, the team's own code to
    choose. Both now show the line the panel gave."""
    actor = actor_for("caseworker")
    walk, outcome = finished_p1(actor)
    main = outcome.srs["main"].number
    line = CmsLine(
        "Resolution Code: choose the Resolution Code your team uses when the information was provided; the procedure "
        "names none",
        suggestion="Information Provided",
    )

    at = open_wizard(actor, walk.view.run_id)
    # as the panel draws them, the suggestions in orange
    assert in_cms(at, main) == f"- {line_markdown(P1_SUB_STATUS)}\n- {line_markdown(line)}"
    assert "Information Provided" not in " ".join(at.table[0].value["What happened"])

    leader = sr_detail(actor_for("teamleader"), sr_id(outcome.srs["main"].number))
    assert in_cms(leader) == f"- {line_markdown(P1_SUB_STATUS)}\n- {line_markdown(line)}"
    # QA: the heading said "Closed (Complete)"; the Sub Status is under "In CMS" only, as the panel gave it
    (heading,) = [str(m.value) for m in leader.markdown if " · owner " in str(m.value)]
    assert " · Closed · owner " in heading
    assert "Complete" not in heading
    details = next(df.value for df in leader.dataframe if "On the SR" in df.value.columns)
    assert "Resolution Code" not in set(details["On the SR"])


def test_a_confirmed_resolution_code_is_exact_with_its_source_as_it_stood_when_the_sr_closed(sqlite_demo_db, actor_for):
    """Policy staff confirm the code before the run closes its SR, and correct it after: the finish page and SR detail
    give the code the caseworker was told to key in then, exact, with who confirmed it; the correction is not
    what CMS holds for this SR."""
    policy, actor = actor_for("policy"), actor_for("caseworker")
    reference.confirm(policy, INFORMATION_PROVIDED)
    walk, outcome = finished_p1(actor)
    reference.correct(policy, INFORMATION_PROVIDED, "Information Given")
    with transaction() as session:
        confirmed = session.scalars(select(ReferenceValue.changed_at).where(ReferenceValue.action == "confirmed")).one()
    line = CmsLine(
        "Resolution Code = Information Provided", source=f"Confirmed by {policy.display_name}, {format_uk(confirmed)}"
    )

    at = open_wizard(actor, walk.view.run_id)
    assert in_cms(at, outcome.srs["main"].number) == f"- {line_markdown(P1_SUB_STATUS)}\n- {line_markdown(line)}"
    assert "Resolution Code = Information Provided" in texts(at)
    leader = sr_detail(actor_for("teamleader"), sr_id(outcome.srs["main"].number))
    assert in_cms(leader) == f"- {line_markdown(P1_SUB_STATUS)}\n- {line_markdown(line)}"
    assert "Information Given" not in texts(leader)


def whole(number: str) -> str:
    """An SR number as the finish page writes it in a sentence: in a span that keeps it on one line, nothing added."""
    return f'<span style="white-space: nowrap">{number}</span>'


def test_an_sr_number_in_a_sentence_on_the_finish_page_is_never_broken_across_lines(
    sqlite_demo_db, actor_for, monkeypatch
):
    """QA: "1-" at the end of one line and "00000072" on the next. The "In CMS on SR" heading, the deadline line and
    each email's subject keep the number in a span that does not wrap, the number itself unchanged (it is copied into
    CMS: no non-breaking hyphen or word joiner); the rest is escaped text (tests/unit/test_text_as_markdown.py)."""
    actor = actor_for("caseworker")
    walk, outcome = finished_p1(actor)
    main = outcome.srs["main"].number
    (review,) = walk.view.deadlines
    at = open_wizard(actor, walk.view.run_id)
    with_html = [str(m.value) for m in at.markdown if m.proto.allow_html]
    assert with_html == [
        f"**In CMS on SR {whole(main)}**",
        f"**Review date**: {format_uk(review.due_at)} · met · SR {whole(main)}",
    ]

    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)  # the email waits in the Outbox
    ssst = actor_for("ssst.caseworker")
    walk, _case_id, sr_id = start(ssst)
    refer(walk)
    walk.answer(vsat_accepted=False, rejection_reason="No visiting officer covers the area.")
    walk.answer()
    assert walk.view.status == "finished"
    number = sr_row(sr_id)["number"]
    assert len(walk.view.emails) == 2  # the referral to VSAT, and its rejection to the caseworker and leader
    at = open_wizard(ssst, walk.view.run_id)
    assert [str(m.value) for m in at.markdown if m.proto.allow_html and "Face to face" in str(m.value)] == [
        f"{e.subject.replace(number, whole(number))}  \nTo: {literal(e.to)}" for e in walk.view.emails
    ]


def test_a_letter_produced_without_our_contact_details_says_so_on_the_finish_page_and_sr_detail(
    sqlite_demo_db, actor_for, monkeypatch
):
    """QA: once produced, a letter made while our phone number and address were not set was listed as plainly
    "Produced"; it still needs them added by hand before it is sent, whatever is set today."""
    for name in ("CASEWORK_LETTER_PHONE", "CASEWORK_LETTER_HOURS", "CASEWORK_LETTER_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    actor = actor_for("caseworker")
    walk, outcome = finished_p1(actor)
    main = sr_id(outcome.srs["main"].number)
    without, with_them = _due("CWGL010", sr_id=main), _due("CWGL013", sr_id=main)
    letters.render_letter(actor, without)
    monkeypatch.setenv("CASEWORK_LETTER_ADDRESS", "PO Box 0555, Exampletown")
    letters.render_letter(actor, with_them)
    said = "Produced without our contact details: add them by hand before you send it"

    table = open_wizard(actor, walk.view.run_id).table[1].value  # the letters, after the SRs
    assert dict(zip(table["Code"], table["Where it stands"], strict=True)) == {"CWGL010": said, "CWGL013": "Produced"}
    leader = sr_detail(actor_for("teamleader"), main)
    listed = next(df.value for df in leader.dataframe if "Letter" in df.value.columns)
    assert dict(zip(listed["Letter"], listed["Before it is sent"], strict=True)) == {"CWGL010": said, "CWGL013": ""}
    # in words, never the stored "receiving_parent" or "rendered"
    assert list(zip(listed["To"], listed["Status"], strict=True)) == [("receiving parent", "Produced")] * 2
    # when each was produced, as a moment (a heading sort is in date order), under a word a team leader uses
    assert "Rendered" not in listed.columns
    assert is_datetime64_any_dtype(listed["Produced"])
    assert listed["Produced"].notna().all()


def test_the_finish_page_lists_the_messages_the_run_raised_and_whom_each_went_to(sqlite_demo_db, actor_for):
    """A caseworker finishing P3's fast track read nothing about the message to the enforcement team, which, with no
    such team in Casework Guide, had come to their own team to pass on (QA, eighth session). A run on version 1 still
    raises the AFT team's message, for a segment 5 priority case, and the finish page lists it with whom it went to."""
    actor = actor_for("caseworker")
    walk = Walk(actor, "P3", legacy_case(actor, segment=5), version="1")
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    walk.answer(ongoing_enforcement=["Committal order"], urgent=False)
    walk.answer()  # the LO set up
    walk.answer()  # the AFT team told
    outcome = walk.outcome()
    assert outcome.status == "finished"
    with transaction() as session:
        team = session.get_one(Team, actor.team_id).name

    at = open_wizard(actor, walk.view.run_id)
    assert "Tasks and messages (1)" in [h.value for h in at.header]
    (table,) = [t.value for t in at.table if "Says" in t.value.columns]
    assert list(table["What"]) == ["Message"]
    assert list(table["For"]) == [f"The {team}"]  # no AFT team here: the case's team has it
    assert table["Says"][0].startswith("For the AFT Team: expect an Action Missed Payment SR")
    assert as_read(table["SR"][0]) == outcome.srs["main"].number


def test_the_finish_page_says_the_caseworker_told_the_aft_team(sqlite_demo_db, actor_for):
    """P3 version 2 (lead's decision, 8 December): "Tell the AFT team" raises no message, which landed on the case's
    own team; the caseworker told the AFT team and the finish page says so."""
    actor = actor_for("caseworker")
    walk = Walk(actor, "P3", legacy_case(actor, segment=5))
    check_csa(walk)
    walk.answer(liability_orders=value(walk, "liability_orders"))
    walk.answer()
    walk.answer(ongoing_enforcement=["Committal order"], urgent=False)
    walk.answer()  # the LO set up
    walk.answer()  # the AFT team told
    assert walk.outcome().status == "finished"

    at = open_wizard(actor, walk.view.run_id)
    assert "Tasks and messages (0)" in [h.value for h in at.header]
    shown = texts(at)
    assert "No tasks or messages were raised." in shown
    assert (
        "**Told by you:** You told the AFT Team yourself to expect an Action Missed Payment SR and to prioritise the "
        "case, by the Communications Matrix in Enforcement Transition Part 2 (Fundamentals): Casework Guide sent them "
        "nothing."
    ) in shown


def test_the_finish_page_says_the_caseworker_told_the_enforcement_team_at_the_fast_track(sqlite_demo_db, actor_for):
    """P3 version 2: no message at the fast track, the caseworker told the team; the finish page says so rather than
    only "No tasks or messages were raised"."""
    actor = actor_for("caseworker")
    walk = Walk(actor, "P3", legacy_case(actor))
    check_csa(walk)
    walk.answer(liability_orders=[])
    walk.answer(ongoing_enforcement=["Bailiff"], urgent=True, urgent_reason="Selling the house next week")
    walk.answer()
    assert walk.outcome().status == "finished"

    at = open_wizard(actor, walk.view.run_id)
    assert "Tasks and messages (0)" in [h.value for h in at.header]
    shown = texts(at)
    assert "No tasks or messages were raised." in shown
    assert (
        "**Told by you:** You told the CMS 2012 Enforcement Team of the urgent enforcement yourself, as Fast Track "
        "Legacy Arrears to CMS System says: Casework Guide sent them nothing."
    ) in shown


def test_the_finish_page_says_when_no_task_or_message_was_raised(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    walk, _outcome = finished_p1(actor)
    at = open_wizard(actor, walk.view.run_id)
    assert "Tasks and messages (0)" in [h.value for h in at.header]
    assert "No tasks or messages were raised." in texts(at)
