"""Letter preview studio for policy staff: every template on fictional sample data only."""

from functools import partial

import streamlit as st

import ui
from services import letter_templates
from services.letter_samples import problem_summary, sample_problems
from ui.sample_form import sample_form
from ui.studio_panels import UNAVAILABLE, placeholders, template_values
from ui.table_data import READ_IN_FULL, arrow_rows

PAPER = (
    "<style>.letter-preview{background:#fff;color:#0b0c0c;padding:1.5rem 2rem;max-width:52rem;font-family:Arial;"
    "overflow-wrap:anywhere}"  # a long unbroken value wraps inside the paper instead of running out of it (QA)
    ".letter-preview table{border-collapse:collapse;margin:.5rem 0}.letter-preview td{border:1px solid #b1b4b6;"
    "padding:.25rem .5rem;vertical-align:top}.letter-preview p.small{font-size:.8em;color:#505a5f}</style>"
)

actor = ui.actor("policy", page="letter_studio")
st.title("Letter preview")
st.write("Preview every letter and form with fictional sample data. Policy staff have no access to case data.")

templates = letter_templates.list_templates(actor)
st.dataframe(
    arrow_rows(
        [
            {
                "Code": t.code + (" (ours)" if t.ours else ""),
                "Title": t.title,
                "Version": t.active_version,
                "Used by": "; ".join(t.used_by),
            }
            for t in templates
        ]
    ),
    hide_index=True,
    width="stretch",
    placeholder="",
    # Widths that add up to the 904 px a 1366 px screen gives the page. A template's values are listed in words
    # under its preview (QA: a Fields column of names, "letter_da...", was cut at the table's edge).
    column_config={
        "Code": st.column_config.TextColumn(width=130),
        "Title": st.column_config.TextColumn(width=430),
        "Version": st.column_config.NumberColumn(width=70),
        "Used by": st.column_config.TextColumn(width=270, help=READ_IN_FULL),
    },
)

by_code = {t.code: t for t in templates}
code = st.selectbox("Template", list(by_code), format_func=lambda c: f"{c} · {by_code[c].title}", key="code")
template = by_code[code]
st.caption(f"For {template.recipient_words} · used by {', '.join(template.used_by)}")

labels = {s.key: s.label + (" (variant)" if s.is_variant else "") for s in template.scenarios}
scenario = st.radio("Sample or variant", list(labels), format_func=labels.get, horizontal=True, key=f"sc_{code}")
versions = list(template.versions)
version = st.selectbox("Version", versions, index=versions.index(template.active_version), key=f"v_{code}")

values = None
errors: dict[str, str] = {}
if st.toggle("Edit the sample values", key=f"edit_{code}", wrap=True):
    start = letter_templates.preview(actor, code, scenario=scenario, version=version).values
    with st.container(border=True):
        values, slots = sample_form(template.fields, start, key=f"form_{code}_{scenario}")
    errors = sample_problems(code, values)
    for name, message in errors.items():
        if name in slots:
            slots[name].markdown(f":red[**Error:** {message}]")
    if errors:
        ui.error_summary(problem_summary(code, errors))

LAST_GOOD = f"studio_last_good:{code}:{scenario}:{version}"
shown = (
    None
    if errors
    else ui.attempt(lambda: letter_templates.preview(actor, code, scenario=scenario, values=values, version=version))
)
if shown is not None:
    st.session_state[LAST_GOOD] = shown
elif errors and LAST_GOOD in st.session_state:
    # Keep the preview in view while a value is being corrected: the last values that rendered.
    shown = st.session_state[LAST_GOOD]
    st.caption(UNAVAILABLE)
if shown is not None:
    left, right = st.columns(2)
    # While a value is wrong, nothing is offered to take away: the file would hold the last good values, not the
    # ones on screen; the caption above says why and what to do.
    docx = b"" if errors else shown.docx.content
    left.download_button(
        "Download .docx", docx, shown.docx.file_name, mime=shown.docx.media_type, disabled=bool(errors)
    )
    if shown.pdf_message:
        right.info(shown.pdf_message)
    elif right.button("Make PDF", disabled=bool(errors)):
        printed = ui.attempt(
            lambda: letter_templates.preview_pdf(actor, code, scenario=scenario, values=values, version=version)
        )
        if printed is not None:
            pdf = printed.pdf
            right.download_button("Download .pdf", pdf.content, pdf.file_name, mime=pdf.media_type, on_click="ignore")
            st.image(printed.first_page_png, caption="First page, as printed")
    with st.container(border=True):
        st.html(f'{PAPER}<div class="letter-preview">{shown.html}</div>')

template_values(template)

with st.expander("Versions and upload"):
    for row in letter_templates.template_versions(actor, code):
        cols = st.columns([3, 2, 2])
        who = f"uploaded by {row.uploaded_by}" if row.uploaded_by else "committed with the product"
        cols[0].markdown(f"**Version {row.version}**{' (active)' if row.active else ''}  \n{who}")
        file = letter_templates.download_template(actor, code, row.version)
        cols[1].download_button("Download", file.content, file.file_name, key=f"dl_{code}_{row.version}")
        if not row.active and cols[2].button("Make active", key=f"act_{code}_{row.version}"):
            if ui.attempt(partial(letter_templates.activate_version, actor, code, row.version)) is not None:
                st.rerun()
    placeholders(template)
    upload = st.file_uploader(f"New version of {code} (.docx)", type=["docx"], key=f"up_{code}")
    if upload is not None and st.button("Check and upload", key=f"upload_{code}"):
        data = upload.getvalue()
        added = ui.attempt(lambda: letter_templates.upload_template(actor, code, data))
        if added is not None:
            st.success(f"Version {added.version} of {code} passed every check and is now active.")
