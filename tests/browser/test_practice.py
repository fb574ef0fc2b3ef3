"""In Chromium: a new caseworker practises P5e end to end on a fictional case. Every step carries the practice
banner; the CMSL5501 downloads marked PRACTICE; the debrief says passed; the team leader sees it in the team's
practice record."""

from __future__ import annotations

import io
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from letters.watermark import NOTICE
from procedures import registry
from procedures.scenarios import builtin
from services.practice import BANNER
from services.practice_case import blank_pdf, resolve
from services.question_pages import QuestionPage, question_pages
from tests.browser.helpers import choose_by_keyboard, settled
from tests.browser.test_sign_in import sign_in, sign_out
from tests.unit.test_question_pages import view_of

pytestmark = pytest.mark.browser


def banner_shown(page: Page) -> None:
    expect(page.get_by_text(f"{BANNER}.", exact=True)).to_be_visible()


def pages_of(step_id: str, values: dict) -> list[QuestionPage]:
    """The pages the practice run asks `step_id` in (one question a page, as the wizard), given the answers."""
    return [p for p in question_pages(view_of(step_id, registry.get("P5e").steps[step_id])) if p.applies(values)]


def answer(page: Page, step_id: str, asked: QuestionPage, values: dict) -> None:
    """Tick the page's checklist and fill its inputs the way a caseworker does."""
    step = registry.get("P5e").steps[step_id]
    if asked.checklist:
        for item in step.checklist:
            page.get_by_text(item, exact=True).click()
    for f in asked.fields:
        if f.name not in values:
            continue
        value = values[f.name]
        label = f.label + ("" if f.required else " (optional)")  # as ui.wizard_widgets labels it
        if f.kind in ("yes_no", "choice"):
            shown = ("Yes" if value else "No") if f.kind == "yes_no" else value
            group = page.get_by_role("radiogroup", name=label)
            group.get_by_text(shown, exact=True).click()
            settled(page, group.get_by_role("radio", name=shown, checked=True), axe=False)
        elif f.kind == "datetime":
            moment = datetime.fromisoformat(value)
            # Streamlit's date input is a group of day, month and year segments: type the digits into the first.
            page.get_by_role("group", name=label, exact=True).get_by_role("spinbutton").first.click()
            page.keyboard.type(moment.strftime("%d%m%Y"))
            page.keyboard.press("Tab")
            assert moment.strftime("%H:%M") == "10:00"  # the time input's default: left as it is
        elif f.kind == "pdf":
            page.locator("input[type=file]").set_input_files(
                files=[{"name": value[0], "mimeType": "application/pdf", "buffer": blank_pdf()}]
            )
            chip = page.get_by_test_id("stFileChip").filter(has_text=value[0][:6])  # as test_case_file_upload
            settled(page, chip.filter(has_not=page.get_by_test_id("stFileChipIconSpinner")), axe=False)
        else:  # a textbox: by its role, as a question's page heading carries the same name
            page.get_by_role("textbox", name=label, exact=True).fill(str(value))


def test_a_new_caseworker_practises_p5e_and_the_team_leader_sees_it(live_server, page: Page):
    scenario = builtin()["P5e-1"]
    sign_in(page, live_server.url, "caseworker")
    settled(page, "Welcome, Demo Caseworker")
    page.get_by_role("link", name="Practise", exact=True).click()
    settled(page, page.get_by_role("heading", name="Practise a procedure"))
    procedure = page.get_by_role("combobox", name="Procedure")
    choose_by_keyboard(
        page, procedure, "P5e Face", page.get_by_role("option", name="P5e Face to face visit (Visiting Service)")
    )
    settled(page, page.get_by_role("radiogroup", name="Scenario"))
    page.get_by_text(scenario["title"], exact=True).click()
    settled(page, page.get_by_role("radio", name=scenario["title"], checked=True))
    page.get_by_role("button", name="Start practice").click()

    today = date.today()
    days = 0
    for item in scenario["walk"]:
        days += item.get("days_later", 0)
        values = resolve(item.get("answers", {}), date.fromordinal(today.toordinal() + days))
        asked = pages_of(item["step"], values)
        for number, question in enumerate(asked):
            settled(page, page.get_by_role("heading", name=question.heading, exact=True))
            banner_shown(page)
            if item.get("event"):
                expect(page.get_by_text(item["event"])).to_be_visible()
            answer(page, item["step"], question, values)
            page.get_by_role("button", name="Continue", exact=True).click()
            if number < len(asked) - 1:  # the next page of this step: its heading is the next question
                continue
        check = page.get_by_role("heading", name="Check your answers before saving")
        nxt = page.get_by_role("heading", name="Debrief")
        following = [i for i in scenario["walk"] if scenario["walk"].index(i) > scenario["walk"].index(item)]
        if following:
            then = following[0]
            heading = pages_of(then["step"], resolve(then.get("answers", {}), today))[0].heading
            nxt = page.get_by_role("heading", name=heading, exact=True)
        settled(page, check.or_(nxt))
        if check.is_visible():
            banner_shown(page)
            page.get_by_role("button", name="Confirm and save").click()

    settled(page, page.get_by_role("heading", name="Debrief"))
    banner_shown(page)
    expect(page.get_by_text("Passed.", exact=False)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CMSL5501 to the paying parent (PRACTICE)").click()
    letter = Document(io.BytesIO(download_info.value.path().read_bytes()))
    assert "PRACTICE" in letter.sections[0].header.paragraphs[0].text
    assert letter.paragraphs[0].text == NOTICE

    # Practising again opens a new run on the same page: the address names it, so a reload shows it, not the finished
    # one (QA, ninth session: a switch to the page already open left the address as it was)
    finished = parse_qs(urlsplit(page.url).query)["practice"]
    page.get_by_role("button", name="Practise this scenario again").click()
    first = pages_of(scenario["walk"][0]["step"], resolve(scenario["walk"][0].get("answers", {}), today))[0]
    settled(page, page.get_by_role("heading", name=first.heading, exact=True))
    again = parse_qs(urlsplit(page.url).query)["practice"]
    assert again != finished
    page.reload()
    settled(page, page.get_by_role("heading", name=first.heading, exact=True))
    expect(page.get_by_role("heading", name="Debrief")).to_have_count(0)

    sign_out(page)
    sign_in(page, live_server.url, "teamleader")
    settled(page, "Welcome, Demo Teamleader")
    page.get_by_role("link", name="Practise", exact=True).click()
    settled(page, page.get_by_role("heading", name="Practice record of your team"))
    row = page.get_by_role("row").filter(has_text="Demo Caseworker")
    expect(row).to_contain_text("P5e Face to face visit (Visiting Service)")
    expect(row.get_by_role("cell")).to_have_text(
        ["Demo Caseworker", "P5e Face to face visit (Visiting Service)", "1", "1"], use_inner_text=True
    )
