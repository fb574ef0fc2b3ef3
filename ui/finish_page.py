"""The wizard's finish page: every SR the run created or closed with its number (and a closed SR's Sub Status and
Resolution Code as the CMS panel gave them), letters, emails, tasks and messages raised, deadlines."""

from __future__ import annotations

import streamlit as st

from domain.clock import format_uk
from services.actor import Actor
from services.run_summary import run_srs, run_tasks
from services.run_views import RunView
from ui import attempt
from ui.case_panels import emails_panel
from ui.cms_panel import lines_under
from ui.table_data import unbroken
from ui.text import kept_whole, md


def finish_page(actor: Actor, view: RunView) -> None:
    """Say what the finished run recorded, SR by SR, so the caseworker can quote the numbers in CMS."""
    st.success(f"**{view.procedure_title} is finished.** Everything below is recorded.")
    srs = attempt(lambda: run_srs(actor, view.run_id)) or []
    # st.table, not st.dataframe: beside the wizard's side column a grid cut "What happened" and "To" off at the
    # right at 1366 px; a table wraps its text and is read by screen readers as a table. Never an SR number, though:
    # it is quoted in CMS whole (`unbroken`).
    st.header(f"Service requests ({len(srs)})")
    if srs:
        st.table(
            unbroken([{"SR": s.number, "Type": s.label, "What happened": s.what_happened} for s in srs], ["SR"]),
            hide_index=True,
            border="horizontal",
        )
        for sr in srs:  # CMS values, so as the CMS panel gave them, never as plain values in "What happened"
            if sr.in_cms:
                lines_under(f"In CMS on SR {sr.number}", sr.in_cms, whole=[sr.number])
    else:
        st.caption("This run recorded nothing on a service request.")
    st.header(f"Letters and forms ({len(view.letters)})")
    if view.letters:
        st.table(
            unbroken(
                [
                    {
                        "Code": letter.template_code,
                        "Letter": letter.title,
                        "To": letter.to,
                        "SR": letter.sr_number,
                        "Where it stands": letter.where_it_stands,
                    }
                    for letter in view.letters
                ],
                ["SR"],
            ),
            hide_index=True,
            border="horizontal",
        )
    else:
        st.caption("No letters or forms.")
    st.header(f"Emails ({len(view.emails)})")
    emails_panel(view.emails, empty="No emails.")
    tasks = attempt(lambda: run_tasks(actor, view.run_id)) or []
    st.header(f"Tasks and messages ({len(tasks)})")
    if tasks:
        st.table(
            unbroken([{"What": t.kind, "For": t.to, "Says": t.text, "SR": t.sr_number or ""} for t in tasks], ["SR"]),
            hide_index=True,
            border="horizontal",
        )
    else:
        st.caption("No tasks or messages were raised.")
    for told in view.told_by_you:  # a team Casework Guide cannot reach, told by the caseworker (P3's fast track)
        st.markdown(f"**Told by you:** {md(told)}")
    st.header(f"Deadlines ({len(view.deadlines)})")
    if not view.deadlines:
        st.caption("No deadlines were set.")
    for d in view.deadlines:
        # A deadline the run met (a review date whose update came in) is met, not something still to chase; one on an
        # SR the run closed ended with it.
        line = f"**{md(d.what)}**: {md(format_uk(d.due_at))} · {d.state}" + (
            f" · SR {md(d.sr_number)}" if d.sr_number else ""
        )
        st.markdown(kept_whole(line, [d.sr_number]), unsafe_allow_html=True)  # the SR number whole: see kept_whole
        st.caption(f"How this was worked out: {md(d.explanation)}")  # it names the court or place the caseworker typed
    st.page_link("pages/my_work.py", label="Back to My work", icon=":material/inbox:")
