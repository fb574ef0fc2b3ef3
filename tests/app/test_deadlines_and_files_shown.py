"""AppTest: the caseworker (wizard) and the team leader (SR detail, console) see every deadline with the line
explaining how its date was worked out, the SR's case files with a download (or when they were deleted), the values
the procedures put on the SR, and the run's emails (sent, waiting in the Outbox, or failed with the error)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from streamlit.testing.v1 import AppTest

from db.models import ServiceRequest
from domain import deadlines as rules
from domain.clock import UK, bank_holiday, format_uk, uk_local, utcnow
from services import records
from services.transaction import transaction
from tests.app.helpers import app_as, texts
from tests.app.test_wizard import open_wizard
from tests.pdfs import a_pdf
from tests.procedures.ssst_walks import allocated_sr, case_value, outbox_rows, set_case, sr_row
from tests.procedures.walk import Walk
from tests.ssst import Recorder, held_smtp_server, sent_in_background, smtp_server


def sr_detail(actor, sr_id: int):
    at = app_as(actor)
    at.query_params["sr"] = str(sr_id)
    at.run()
    at.switch_page("pages/sr_detail.py").run()
    assert not at.exception
    return at


def shown_deadline(at, due: rules.Due, *, state: str = "") -> None:
    shown = texts(at)
    assert f"**{rules.label(due.kind)}**: due {format_uk(due.due_at)}{state}" in shown
    assert f"How this was worked out: {due.explanation}" in shown


def shown_event(at, due: rules.Due) -> None:
    """A deadline that is the event itself (a hearing): its moment, not "due" (QA, seventh session)."""
    shown = texts(at)
    assert f"**{rules.label(due.kind)}**: {format_uk(due.due_at)}" in shown
    assert f"**{rules.label(due.kind)}**: due" not in shown
    assert f"How this was worked out: {due.explanation}" in shown


def downloads(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def court_fee_run(actor, region: str) -> tuple[Walk, int]:
    case_id, sr_id = allocated_sr(actor, "Court Fee Payment")
    set_case(case_id, region=region)
    walk = Walk(actor, "P5a", case_id, sr_id=sr_id)
    walk.answer(
        email_received_at="2025-12-30 09:00",
        client_name="Sam Sample",
        scin=case_value(case_id, "scin"),
        court="Demo Sheriff Court",
        fee="108.00",
    )
    return walk, sr_id


def test_the_caseworker_sees_the_court_fee_due_date_and_how_it_was_worked_out_beside_the_step(
    sqlite_demo_db, actor_for
):
    actor = actor_for("ssst.caseworker")
    walk, _sr_id = court_fee_run(actor, "Scotland")
    due = rules.court_fee_payment(datetime(2025, 12, 30, 9, 0, tzinfo=UK), "Scotland")
    at = open_wizard(actor, walk.view.run_id)
    assert "Deadlines" in texts(at)
    shown_deadline(at, due, state=" · :red[**OVERDUE**]")  # January 2026 has passed
    assert "Friday 2 January 2026 is New Year Holiday, a bank holiday in Scotland" in texts(at)
    assert "Monday 5 January 2026, by 17:00" in texts(at)

    walk.answer(paid_on="2026-01-05", payment_reference="CF-1")
    at = open_wizard(actor, walk.view.run_id)
    shown_deadline(at, due, state=" · met")


def test_the_team_leader_sees_the_same_explanation_on_the_sr_detail_page_and_in_the_console(sqlite_demo_db, actor_for):
    walk, sr_id = court_fee_run(actor_for("ssst.caseworker"), "Northern Ireland")
    due = rules.court_fee_payment(datetime(2025, 12, 30, 9, 0, tzinfo=UK), "Northern Ireland")
    leader = actor_for("ssst.teamleader")
    at = sr_detail(leader, sr_id)
    shown_deadline(at, due, state=" · :red[**OVERDUE**]")

    at.switch_page("pages/outstanding.py").run()
    table = next(df.value for df in at.dataframe if "How worked out" in df.value.columns)
    row = table[table["SR"] == sr_row(sr_id)["number"]].iloc[0]
    assert (row["How worked out"], row["Overdue"]) == (due.explanation, "OVERDUE")


def plain_monday(region: str, weeks_ahead: int = 3) -> date:
    """A Monday at least `weeks_ahead` weeks away whose weekend is a plain weekend and whose Friday is a working
    day in `region`, so its 48-hours-before falls on a Saturday and moves back to that Friday. Three weeks from
    1 December 2026 is Monday 28 December: its Saturday is Boxing Day and its deadline Thursday 24 December,
    which failed this test on that date."""
    day = date.today() + timedelta(weeks=weeks_ahead)
    day += timedelta(days=(0 - day.weekday()) % 7)
    while any(bank_holiday(day - timedelta(days=back), region) for back in range(4)):  # Monday back to Friday
        day += timedelta(weeks=1)
    return day


def test_the_hearing_and_the_second_pv_check_show_how_they_were_worked_out_to_both(sqlite_demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "County Court")
    walk = Walk(actor, "P5b", case_id, sr_id=sr_id)
    walk.answer(court="Demo County Court", ecm_name="Eve Enforcer", criminal_action=False)
    walk.answer(cpt_contact="Email the court presenting team")
    walk.answer(pv_marker=False, pv_details="", referral_notes="")
    walk.answer()
    region = case_value(case_id, "region")
    hearing = datetime.combine(plain_monday(region), datetime.min.time(), tzinfo=UK).replace(hour=10)
    walk.answer(cpo_name="Pat Presenter", cpo_email="", hearing_known=True, hearing_at=f"{hearing:%Y-%m-%d %H:%M}")
    pv = rules.second_pv_check(hearing, region)
    assert "(a weekend day)" in pv.explanation
    assert "last working day before it, Friday" in pv.explanation

    at = open_wizard(actor, walk.view.run_id)
    shown_deadline(at, pv)
    shown_event(at, rules.hearing(hearing, "Demo County Court"))
    at = sr_detail(actor_for("ssst.teamleader"), sr_id)
    shown_deadline(at, pv)
    shown_event(at, rules.hearing(hearing, "Demo County Court"))


def test_the_case_files_can_be_downloaded_and_deleted_ones_say_when(sqlite_demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "Face to Face Visit")
    set_case(case_id, potentially_violent=False)
    walk = Walk(actor, "P5e", case_id, sr_id=sr_id)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="No marker.")
    walk.answer(visit_reason="Payments", referral_details="")
    number = sr_row(sr_id)["number"]

    at = open_wizard(actor, walk.view.run_id)
    assert f"{number}-face-to-face-referral.zip · zip bundle" in texts(at)
    assert downloads(at) == ["Download"]
    leader = sr_detail(actor_for("ssst.teamleader"), sr_id)
    assert f"{number}-face-to-face-referral.zip · zip bundle" in texts(leader)
    assert downloads(leader) == ["Download"]

    walk.answer()
    walk.answer(vsat_accepted=True)
    day = uk_local(utcnow()).date()  # today: what happened at a visit is recorded once its day has come
    walk.answer(appointment_at=f"{day:%Y-%m-%d} 10:30", appointment_location="Demo Jobcentre")
    walk.answer(visit_result="Visit completed")
    walk.answer(returned_form=("CMSF5579 returned.pdf", a_pdf()), visit_summary="Payment plan agreed.")
    at = open_wizard(actor, walk.view.run_id)
    shown = texts(at)
    assert "CMSF5579-returned.pdf · outcome PDF" in shown
    assert "Deleted " in shown
    assert "(clerical files); the record is kept." in shown
    assert downloads(at) == ["Download"]  # the PDF only: the deleted bundle has no download


def test_the_values_the_procedures_put_on_the_sr_are_shown_to_the_team_leader(sqlite_demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    _case_id, sr_id = allocated_sr(actor, "Magistrates Court")
    hearing = datetime(2027, 3, 12, 10, 0, tzinfo=UK)
    with transaction() as session:
        records.update_sr(
            session,
            actor,
            session.get_one(ServiceRequest, sr_id),
            court="Bath Magistrates' Court",
            cpo_name="Pat Presenter",
            hearing_at=hearing,
            summons_issued_on=date(2027, 2, 20),
            costs=Decimal("95.00"),
            appointment_at=datetime(2027, 3, 1, 14, 30, tzinfo=UK),
            appointment_location="Bath Jobcentre <b>",
        )
    at = sr_detail(actor_for("ssst.teamleader"), sr_id)
    table = next(df.value for df in at.dataframe if "On the SR" in df.value.columns)
    assert dict(zip(table["On the SR"], table["Value"], strict=True)) == {
        "Court": "Bath Magistrates' Court",
        "Court presenting officer": "Pat Presenter",
        "Hearing": "12 March 2027, 10:00",
        "Summons issue date": "20 February 2027",
        "Costs": "£95.00",
        "Appointment": "1 March 2027, 14:30",
        "Appointment location": "Bath Jobcentre <b>",
    }


def test_the_wizard_and_sr_detail_show_an_email_that_failed_with_the_error_and_one_waiting_in_the_outbox(
    sqlite_demo_db, actor_for, monkeypatch
):
    for name in ("USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "Face to Face Visit")
    set_case(case_id, potentially_violent=False)
    walk = Walk(actor, "P5e", case_id, sr_id=sr_id)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="No marker.")
    with smtp_server(Recorder(refuse_rcpt="*")) as server:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        walk.answer(visit_reason="Payments", referral_details="")
        assert [e.status for e in walk.view.emails] == ["queued"]  # the step answers before sending is tried
        sent_in_background()
    ((failed, _message),) = outbox_rows(sr_id)
    assert failed.status == "failed"
    monkeypatch.delenv("CASEWORK_SMTP_HOST")
    walk.answer()
    walk.answer(vsat_accepted=False, rejection_reason="Out of area")
    walk.answer()  # the owning caseworker and team leader are emailed; no SMTP now: it waits

    at = open_wizard(actor, walk.view.run_id)
    plain = texts(at)
    assert f"Face to face referral CMSF5579: SCIN {case_value(case_id, 'scin')}" in plain
    assert "To: `CSA VSAT INTERVIEWS <" in plain  # the address a code span, copied exactly (as the Outbox shows it)
    (error,) = [e.value for e in at.error]
    assert error.startswith("Sending failed: SMTPRecipientsRefused")
    assert "550" in error
    assert error.endswith("It is kept in the Outbox: send it again from there.")
    assert "Face to face referral rejected: SCIN" in plain
    assert "Waiting in the Outbox: download it there and send it, then mark it sent." in texts(at)

    leader = sr_detail(actor_for("ssst.teamleader"), sr_id)
    assert [e.value for e in leader.error] == [error]
    assert "Face to face referral rejected: SCIN" in texts(leader)


def test_the_wizard_says_an_email_is_being_sent_while_the_mail_server_is_slow_then_that_it_was_sent(
    sqlite_demo_db, actor_for, monkeypatch
):
    """The step answers before its email goes (services/email_background.py): the wizard says it is being sent, not
    that it waits to be downloaded, and once the server has taken it, when it was sent."""
    for name in ("USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "Face to Face Visit")
    set_case(case_id, potentially_violent=False)
    walk = Walk(actor, "P5e", case_id, sr_id=sr_id)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="No marker.")
    with held_smtp_server() as server:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        monkeypatch.setenv("CASEWORK_SMTP_TIMEOUT", "120")
        walk.answer(visit_reason="Payments", referral_details="")
        plain = texts(open_wizard(actor, walk.view.run_id))
        assert "Being sent: the Outbox shows whether it went." in plain
        assert "Waiting in the Outbox: download it there" not in plain
        server.handler.release.set()
        sent_in_background()
    plain = texts(open_wizard(actor, walk.view.run_id))
    assert "Being sent" not in plain
    assert any(line.startswith("Sent ") for line in plain.splitlines())


def _panel(explanation: str) -> None:
    """A script for AppTest.from_function: it runs on its own, so it imports what it uses."""
    from datetime import UTC, datetime

    from services.deadlines import DeadlineView
    from ui.case_panels import deadlines_panel

    due = datetime(2027, 1, 14, 9, tzinfo=UTC)
    deadlines_panel([DeadlineView(1, 1, "hearing", due, explanation, False, False, "1-00000072")])


def test_a_deadline_line_keeps_its_sr_number_whole_and_shows_typed_text_as_typed():
    """The explanation names the court or place the caseworker typed: never a link or markup; the SR number is
    never broken at its hyphen (as on the finish page)."""
    typed = "At [Pay here](https://example.invalid) **now** <b>court</b>"
    at = AppTest.from_function(_panel, args=(typed,)).run()
    assert not at.exception
    (line,) = [m.value for m in at.markdown]
    assert '<span style="white-space: nowrap">1-00000072</span>' in line
    (caption,) = [c.value for c in at.caption]
    for escaped in ("\\[Pay here\\]", "\\*\\*now\\*\\*", "\\<b\\>"):  # no link, bold or HTML made of it
        assert escaped in caption
    assert texts(at).endswith(f"How this was worked out: {typed}")


def test_a_deadline_left_open_on_a_closed_sr_ended_with_it_and_is_not_shown_overdue(sqlite_demo_db, actor_for):
    """QA, seventh session: the finish page of a P5a run that closed its SR listed the demo's review date on that SR as
    "overdue". Closing an SR ends what was still open on it (reminders, Home and the console leave closed SRs out): the
    wizard and SR detail say so, and offer no snooze of its reminders."""
    actor = actor_for("ssst.caseworker")
    walk, sr_id = court_fee_run(actor, "England")
    due = rules.court_fee_payment(datetime(2025, 12, 30, 9, 0, tzinfo=UK), "England")
    leader = actor_for("ssst.teamleader")
    at = sr_detail(leader, sr_id)
    shown_deadline(at, due, state=" · :red[**OVERDUE**]")
    assert "Snooze" in [b.label for b in at.button]

    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        sr.status, sr.sub_status = "Closed", "Complete"
    at = sr_detail(leader, sr_id)
    shown_deadline(at, due, state=" · ended with the SR (closed)")
    assert "OVERDUE" not in texts(at)
    assert "Snooze" not in [b.label for b in at.button]
    at = open_wizard(actor, walk.view.run_id)
    shown_deadline(at, due, state=" · ended with the SR (closed)")
