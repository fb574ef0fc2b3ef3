"""Which pages each role has, as data: app.py builds its navigation from this table.

Kept out of app.py because app.py runs again on every rerun of every page, and defining a dataclass and
its table there each time cost about 0.8 ms a click (benchmarks/wizard_bench.py); a module runs once.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class PageSpec:
    script: str
    title: str
    icon: str
    url_path: str
    hidden: bool = False

    def page(self) -> st.Page:
        return st.Page(
            self.script,
            title=self.title,
            icon=self.icon,
            url_path=self.url_path,
            visibility="hidden" if self.hidden else "visible",
        )


MY_WORK = PageSpec("pages/my_work.py", "My work", ":material/inbox:", "my-work")
REFERENCE_VALUES = PageSpec(
    "pages/reference_values.py", "Reference values", ":material/fact_check:", "reference-values"
)
OUTBOX = PageSpec("pages/outbox.py", "Outbox", ":material/outbox:", "outbox")
PRACTICE = PageSpec("pages/practice.py", "Practise", ":material/school:", "practice")
PRACTICE_RUN = PageSpec("pages/practice_run.py", "Practice run", ":material/school:", "practice-run", hidden=True)
INSIGHT = PageSpec("pages/insight.py", "Insight", ":material/insights:", "insight")
ROLE_PAGES: dict[str, tuple[PageSpec, ...]] = {
    "caseworker": (
        MY_WORK,
        PageSpec("pages/start.py", "Start a procedure", ":material/play_arrow:", "start"),
        OUTBOX,
        PageSpec("pages/wizard.py", "Procedure", ":material/explore:", "wizard", hidden=True),
        PRACTICE,
        PRACTICE_RUN,
    ),
    "team_leader": (
        PageSpec("pages/outstanding.py", "Outstanding SRs", ":material/monitoring:", "outstanding"),
        PageSpec("pages/sr_detail.py", "Service request", ":material/description:", "sr", hidden=True),
        PageSpec("pages/case.py", "Case", ":material/folder_open:", "case"),  # why visible: its docstring
        INSIGHT,
        MY_WORK,
        OUTBOX,
        PRACTICE,
        PRACTICE_RUN,
    ),
    "policy": (
        PageSpec("pages/letter_studio.py", "Letter preview", ":material/mail:", "letters"),
        REFERENCE_VALUES,
        INSIGHT,
        PageSpec("pages/practice_scenarios.py", "Practice scenarios", ":material/school:", "practice-scenarios"),
    ),
    "admin": (PageSpec("pages/users.py", "Users", ":material/group:", "users"), REFERENCE_VALUES),
}
HOME = "pages/home.py"
NO_ACCESS = "pages/no_access.py"


def role_name(role: str) -> str:
    """A role as people say it ("Team leader"), never its stored name: the sidebar and the Users page."""
    return role.replace("_", " ").capitalize()


def role_has_page(role: str, script: str) -> bool:
    return script == HOME or any(spec.script == script for spec in ROLE_PAGES.get(role, ()))
