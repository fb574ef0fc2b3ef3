"""The letter studio's lists of a template's values: in plain words for reading, and as the placeholders a new
version's Word file uses, for whoever writes one."""

from __future__ import annotations

import streamlit as st

from services.letter_templates import TemplateRow
from ui.table_data import arrow_rows
from ui.text import md

# Why Download and Make PDF are unavailable while a sample value is wrong: they would give the last good values,
# not the ones on screen (QA: they stayed offered, with only a caption saying so).
UNAVAILABLE = (
    "Download .docx and Make PDF are unavailable while a value is wrong: correct the fields marked above. "
    "The preview below shows the last values that were valid."
)


def template_values(template: TemplateRow) -> None:
    """Each value the letter takes by the label the form uses, and what it takes, so nothing is cut at 1366 px
    (QA: the template table listed field names, "letter_da...", cut at its edge)."""
    with st.expander(f"The values this letter takes ({len(template.fields)})"):
        st.markdown("\n".join(f"- **{md(f.label)}**: {md(f.described)}" for f in template.fields))
        if template.derived:
            st.markdown("Worked out from them when the letter is made:")
            st.markdown("\n".join(f"- {md(explanation)}" for _, explanation in template.derived))


def placeholders(template: TemplateRow) -> None:
    """The placeholders a new version's Word file must use: the one place the names are the point (the check on
    upload names any it misses or does not know)."""
    st.markdown("A new version's Word file uses exactly these placeholders, each written as {{ name }}:")
    st.dataframe(
        arrow_rows(
            [{"In the Word file": f.name, "What it holds": f.label} for f in template.fields]
            + [{"In the Word file": name, "What it holds": f"Worked out: {why}"} for name, why in template.derived]
        ),
        hide_index=True,
        width="stretch",
        placeholder="",
        column_config={
            "In the Word file": st.column_config.TextColumn(width=260),
            "What it holds": st.column_config.TextColumn(width=580),
        },
    )
