"""Shared by the wizard benchmarks: a demo database with a P1 run at "Search the legacy systems", and the bare page.

The bare page (`BARE`) draws, at each of the two steps the benchmarks walk, the elements the wizard draws at that
step, with no services, database or state machine behind them and, like the wizard, no procedure map until its
toggle is on: the procedure's name above the step's heading (an h1), the progress bar, the case banner, the step's
guidance, checklist and question, Continue and Back, the CMS ticks the step shows and the glossary with its search
box. It has no sidebar navigation. Continue and Back move it between the two steps, so a browser can wait for "the
next step's heading" on both sides.

Until 2 December 2026 the bare page kept step 1's tick boxes, question and seven CMS ticks under step 2's heading
(`BARE_KEPT_WIDGETS`), so its Continue changed one heading while the wizard's replaced four widgets and removed
eight; both benchmarks still measure that page beside the other, so the figures can be compared with earlier rows.
(Until 1 December the CMS lines were one code block there, four widgets against the wizard's eleven.)
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STEP, NEXT_STEP = "Search the legacy systems", "Identify the CSA caseworker"
CHECKLIST = ("CSCS checked", "CS2 checked", "Clerical case database (CCD) checked")

# The case banner both bare pages draw, as the wizard draws it (ui.case_banner) for the benchmark's own case: the
# texts come from that case (BANNER, written by write_bare_page), so a change in the demo data cannot leave the bare
# page drawing a warning the wizard does not (until 5 December 2026 it drew a PV warning the case no longer had).
CASE_BANNER = textwrap.dedent(r"""
    import streamlit as st

    def case_banner(transition):
        if BANNER["pv"]:
            st.error(BANNER["pv"], icon=":material/warning:")
        with st.container(border=True):
            cols = st.columns(4)
            for col, text in zip(cols, BANNER["columns"]):
                col.markdown(text)
            if BANNER["flags"]:
                st.warning(BANNER["flags"], icon=":material/lock:")
            if transition:
                st.markdown(BANNER["transition"])
            st.caption(BANNER["arrears"])
""")


def _banner_as_drawn(case) -> dict[str, object]:  # noqa: ANN001 - a CaseBanner, imported lazily
    """The texts ui.case_banner draws for `case`, as the bare pages' data."""
    from domain.values import format_money
    from ui.text import md

    flags = [
        text
        for on, text in (
            (case.sensitive, "Sensitive: Special Client Records"),
            (case.nationally_sensitive, "Nationally sensitive"),
            (case.legacy_ongoing_enforcement, "Legacy ongoing enforcement indicator"),
        )
        if on
    ]
    pv = "**Potentially violent (PV) marker on this case.** Follow the PV checks before any contact or visit."
    return {
        "pv": pv if case.potentially_violent else "",
        "columns": (
            f"**SCIN**  \n{md(case.scin)}",
            f"**Receiving parent**  \n{md(case.receiving_parent)}",
            f"**Paying parent**  \n{md(case.paying_parent)}",
            f"**Scheme / segment**  \n{case.scheme}, segment {case.segment}, {case.region}",
        ),
        "flags": " · ".join(flags),
        "transition": f"**Transition:** {case.transition_status}.",
        "arrears": f"Arrears {format_money(case.arrears_balance)}, of which owed to the Secretary of State "
        f"{format_money(case.sos_arrears)}",
    }


# The bare page before 2 December 2026: step 1's checklist, question and CMS ticks kept under step 2's heading, so
# Continue changed one heading. Still measured beside the bare page below, so the two baselines can be compared.
BARE_KEPT_WIDGETS = textwrap.dedent(r"""
    import streamlit as st
    st.set_page_config(layout="wide")
    st.session_state.setdefault("step", 1)

    def go(step):
        st.session_state.step = step

    with st.sidebar:
        st.markdown("**Demo Caseworker**  \nCaseworker")
        st.button("Sign out")
    st.caption("CSA Information Required - Contact Caseworker")
    st.title(STEP if st.session_state.step == 1 else NEXT_STEP)
    st.progress(0.4, text="Step 2 of about 5: **Search the legacy systems** · SR 1-00000067")
    case_banner(transition=False)

    def form():
        st.markdown("**Check before you continue**")
        for item in CHECKLIST:
            st.checkbox(item, key=item)
        st.radio("Did you find the information?", ["Yes", "No"], index=None, key="found", horizontal=True)

    @st.fragment
    def procedure_map():
        st.toggle("Show the procedure map", key="map")

    main, side = st.columns([3, 2], gap="large")
    with main:
        st.caption("Published procedure: step 2 of the procedure as published")
        st.write("Look for the information yourself first, in every legacy system.")
        form()
        with st.container(horizontal=True):
            st.button("Continue", type="primary", on_click=go, args=(2,))
            st.button("Back", on_click=go, args=(1,))
        procedure_map()
    with side:
        st.markdown(f"**Enter in CMS now** (saved at '{CMS_SAVED_AT}'); tick each line once it is done in CMS")
        for number, line in enumerate(CMS_LINES):
            st.checkbox(line, key=f"cms:{number}")
        with st.expander("Glossary"):
            st.text_input("Search the glossary", key="glossary")
            st.markdown(GLOSSARY)
""")

# The bare page: at each of the two steps, the elements the wizard draws at that step (its heading, progress text,
# guidance, that step's checklist and question, keyed per step as the wizard keys them per visit, that step's CMS
# ticks, Back enabled or not), with no services, database, state machine, sidebar navigation or page scripts behind
# them. "The same widgets" as the wizard: the wizard's step 2 has new tick boxes and a new question, and no CMS
# ticks, so Continue on either page makes the browser replace the same widgets.
BARE = textwrap.dedent(r"""
    import streamlit as st
    st.set_page_config(layout="wide")
    st.session_state.setdefault("step", 1)

    def go(step):
        st.session_state.step = step

    n = st.session_state.step
    s = STEPS[n]
    with st.sidebar:
        st.markdown("**Demo Caseworker**  \nCaseworker")
        st.button("Sign out")
    st.caption(PROCEDURE)
    st.title(s["heading"])
    st.progress(s["progress"], text=s["progress_text"])
    case_banner(transition=True)
    st.container()  # the wizard's error slot, empty

    @st.fragment
    def procedure_map():
        st.toggle("Show the procedure map", key="map")

    main, side = st.columns([3, 2], gap="large")
    with main:
        st.caption(s["published"])
        st.write(s["guidance"])
        st.markdown("**Check before you continue**")
        for item in s["checklist"]:
            st.checkbox(item, key=f"{n}:{item}", wrap=True)
        st.empty()
        st.radio(s["question"], ["Yes", "No"], index=None, key=f"{n}:question", horizontal=True)
        st.empty()
        with st.container(horizontal=True):
            st.button("Continue", type="primary", on_click=go, args=(2,))
            st.button("Back", on_click=go, args=(1,), disabled=s["back_disabled"])
        if s["back_refusal"]:
            st.caption(s["back_refusal"])
        procedure_map()
    with side:
        if s["cms_lines"]:
            st.markdown(f"**Enter in CMS now** (saved at '{s['cms_saved_at']}'); tick each line once it is done in CMS")
            for number, line in enumerate(s["cms_lines"]):
                st.checkbox(line, key=f"cms:{number}", wrap=True)
        with st.expander("Glossary"):
            st.text_input("Search the glossary", key="glossary")
            st.markdown(GLOSSARY)
""")


def _step_as_drawn(view) -> dict[str, object]:  # noqa: ANN001 - a RunView, imported lazily
    """What the wizard draws for `view`'s step, as the bare page's data."""
    from ui.cms_panel import line_markdown

    saved = view.cms_saved[0] if view.cms_saved else None
    sr = f" · SR {view.sr_number}" if view.sr_number else ""
    return {
        "heading": view.step.title,
        "progress": min(view.step_number / max(view.step_total, 1), 1.0),
        "progress_text": f"Step {view.step_number} of about {view.step_total}: **{view.step.title}**{sr}",
        "published": f"Published procedure: {view.published or ''}",
        "guidance": view.step.guidance,
        "checklist": tuple(view.step.checklist),
        "question": view.step.fields[0].label,
        "back_disabled": not view.can_go_back,
        "back_refusal": view.back_refusal if not view.can_go_back else "",
        "cms_saved_at": saved.step_title if saved else "",
        "cms_lines": tuple(line_markdown(line, colour=False) for line in saved.lines) if saved else (),  # as ticks
    }


def write_bare_page(path: Path, actor, run_id: str, *, kept_widgets: bool = False) -> Path:  # noqa: ANN001
    """Write the bare page script with the texts the wizard shows for this run (read here, once: the bare page
    itself has no services). Step 2 is read from a second run of the same case taken one step on, so the
    benchmark's own run stays where it is. `kept_widgets`: the bare page as it was before 2 December 2026."""
    from procedures.glossary import GLOSSARY
    from services import run_context, runs

    glossary = "\n\n".join(f"**{t}**: {m}" for t, m in GLOSSARY.items())
    first = run_context.view_run(actor, run_id)
    if kept_widgets:
        saved = first.cms_saved[0]
        lines = tuple(_step_as_drawn(first)["cms_lines"])  # type: ignore[arg-type]
        path.write_text(
            f"STEP = {STEP!r}\nNEXT_STEP = {NEXT_STEP!r}\nCHECKLIST = {CHECKLIST!r}\nGLOSSARY = {glossary!r}\n"
            f"CMS_SAVED_AT = {saved.step_title!r}\nCMS_LINES = {lines!r}\nBANNER = {_banner_as_drawn(first.case)!r}\n"
            + CASE_BANNER
            + BARE_KEPT_WIDGETS
        )
        return path
    _, other = p1_run_at_search_legacy()
    view = run_context.view_run(actor, other)
    answers = {"information_found": False, "_checklist": list(view.step.checklist)}
    second = runs.submit_step(actor, other, answers, expected_version=view.version)
    assert second.step.title == NEXT_STEP, second.step.title
    steps = {1: _step_as_drawn(first), 2: _step_as_drawn(second)}
    data = f"PROCEDURE = {first.procedure_title!r}\nGLOSSARY = {glossary!r}\nSTEPS = {steps!r}\n"
    data += f"BANNER = {_banner_as_drawn(first.case)!r}\n"
    path.write_text(data + CASE_BANNER + BARE)
    return path


def demo_database(workdir: Path) -> str:
    """A migrated demo database: the PostgreSQL DATABASE_URL names, else a SQLite file in `workdir` (made the
    process's DATABASE_URL)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        os.environ["DATABASE_URL"] = url
    from casework import demo, migrate

    migrate.upgrade()
    demo.load(if_empty=True)
    return url


def p1_run_at_search_legacy():  # noqa: ANN201 - (actor, run id); typed loosely to keep imports lazy
    """The demo caseworker, and a P1 run of theirs saved at "Search the legacy systems"."""
    from sqlalchemy import select

    from db.models import Case, User
    from services import run_start, runs
    from services.actor import Actor
    from services.transaction import transaction

    with transaction() as session:
        user = session.scalar(select(User).where(User.username == "caseworker"))
        actor = Actor.of(user)
        case_id = session.scalars(
            select(Case.id).where(Case.team_id == user.team_id, Case.financial_transition_complete).order_by(Case.id)
        ).first()
    view = run_start.start_run(actor, "P1", case_id=case_id)
    view = runs.submit_step(
        actor,
        view.run_id,
        {
            "query_reason": "Complaint",
            "query_summary": "bench",
            "financial_transition_complete": True,
            "_checklist": list(view.step.checklist),
        },
        expected_version=view.version,
    )
    runs.confirm_step(actor, view.run_id, expected_version=view.version)
    return actor, view.run_id
