"""Shared by the wizard benchmarks: a demo database with a P1 run at "Search the legacy systems", and the bare page.

The bare page is the wizard page's widgets and layout with no services, database or state machine behind them
(and, like the wizard, no procedure map until its toggle is on): the procedure's name above the step's heading
(an h1, as the wizard's question pages have it), the case banner, the checklist and question, Continue and Back,
the CMS lines and the glossary with its search box. It has no sidebar navigation. Continue and Back switch its
heading between the two steps the wizard side walks, so a browser can wait for "the next step's heading" on both
sides. The CMS lines are tick boxes with the wizard's own labels, as the wizard draws them since "done in CMS" ticks
came in (seven on this step); until 1 December 2026 the bare page drew them as one code block, four widgets against
the wizard's eleven.
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

BARE = textwrap.dedent(r"""
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
    st.error("**Potentially violent (PV) marker on this case.** Follow the PV checks.")
    with st.container(border=True):
        cols = st.columns(4)
        for col, (k, v) in zip(cols, [("SCIN", "100000079190"), ("Receiving parent", "A"), ("Paying parent", "B"),
                                      ("Scheme / segment", "CSA 2003, segment 1, Scotland")]):
            col.markdown(f"**{k}**  \n{v}")
        st.caption("Arrears £2,334.75, of which owed to the Secretary of State £0.00")

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
        left, right = st.columns(2)
        left.button("Continue", type="primary", on_click=go, args=(2,))
        right.button("Back", on_click=go, args=(1,))
        procedure_map()
    with side:
        st.markdown(f"**Enter in CMS now** (saved at '{CMS_SAVED_AT}'); tick each line once it is done in CMS")
        for number, line in enumerate(CMS_LINES):
            st.checkbox(line, key=f"cms:{number}")
        with st.expander("Glossary"):
            st.text_input("Search the glossary", key="glossary")
            st.markdown(GLOSSARY)
""")


def write_bare_page(path: Path, actor, run_id: str) -> Path:  # noqa: ANN001 - an Actor, imported lazily
    """Write the bare page script, with the glossary text and the CMS tick labels the wizard shows for this run
    (read here, once: the bare page itself has no services)."""
    from procedures.glossary import GLOSSARY
    from services import run_context
    from ui.cms_panel import line_markdown

    glossary = "\n\n".join(f"**{t}**: {m}" for t, m in GLOSSARY.items())
    saved = run_context.view_run(actor, run_id).cms_saved[0]
    lines = tuple(line_markdown(line) for line in saved.lines)
    path.write_text(
        f"STEP = {STEP!r}\nNEXT_STEP = {NEXT_STEP!r}\nCHECKLIST = {CHECKLIST!r}\nGLOSSARY = {glossary!r}\n"
        f"CMS_SAVED_AT = {saved.step_title!r}\nCMS_LINES = {lines!r}\n" + BARE
    )
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
