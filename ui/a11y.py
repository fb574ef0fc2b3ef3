"""Accessibility that Streamlit's widgets do not give by themselves (GOV.UK patterns, issue 15).

- A page title per page, "<page> – Casework Guide", and "Error: " before it while the page shows an error
  summary (set here in Python, so it holds without JavaScript).
- One small script per browser tab (st.html on its session's first run; it runs in the app's own document) for
  what only the DOM can say: the error summary takes focus when it appears and its items link to the field with
  the problem; each field shown with an error is marked aria-invalid and described by its error text (and
  unmarked when the error goes); every "Change" button on a check-your-answers page is named for its question
  ("Change Move the case to"), and every "Carry on" link for the run its row names ("Carry on P3 on SR
  1-00000042", from `carry_on_name`: a screen reader's list of links read "Carry on, Carry on"). The script finds
  a field's error as the "Error: ..." text drawn just below the field (as ui.field_error and the wizard widgets
  draw it), and a summary item's field by the same message.
  A date in a read-only grid is named as the grid shows it ("2 Dec 2026"): Streamlit's accessible table holds the
  string the grid sorts by ("2026-12-02"), and text in the shown form sorted "10 Dec" before "3 Dec" (ui/table_data.py).
- The same script keeps an SR number in an alert (st.warning, st.success, ...) whole: it broke at its hyphen ("SR 1-"
  at a line's end, "00000013" on the next) in Outstanding SRs' cautions at 1366 px (QA). An alert takes no HTML, so
  `ui.text.kept_whole`'s span cannot be used; the script puts a word joiner (U+2060, invisible, no break on either
  side) after the number's hyphen in the alert's text, in the browser only. Whatever is copied from the page has
  every word joiner taken out, so the number goes into CMS as typed, ASCII hyphen and nothing else (and so do the
  words `ui.text.md` puts a joiner in). Not a non-breaking hyphen (U+2011): it would be copied as itself. Not done
  in Python: the text the page sends, and the tests read, stays as written.
"""

from __future__ import annotations

import html

import streamlit as st

SERVICE = "Casework Guide"
_TITLE = "_page_title"  # the title of the page this run draws, without "Error: "
_ERROR = "_page_title_error"  # this run drew an error summary
_SHOWN = "_page_title_shown"  # the title the browser tab shows now


def start_title(title: str) -> None:
    """app.py, before the page runs: the title to use when the page sets none of its own."""
    st.session_state[_ERROR] = False
    page_title(title)


def page_title(title: str) -> None:
    """Set this page's title (GOV.UK: the page, then the service); an error summary prefixes "Error: "."""
    st.session_state[_TITLE] = SERVICE if title == SERVICE else f"{title} – {SERVICE}"


def mark_error_in_title() -> None:
    """Called by ui.error_summary: screen reader users hear "Error:" first, before the rest of the title."""
    st.session_state[_ERROR] = True


def send_title() -> None:
    """app.py, once the page has run (or stopped): tell the browser the title, if it is not the one the tab shows.

    Sent at most once a run, and not at all when unchanged: every title sent is also a message the browser
    handles and echoes to itself, and the wizard sent two a click (the app's, then the step's).
    """
    full = st.session_state.get(_TITLE, SERVICE)
    if st.session_state.get(_ERROR):
        full = f"Error: {full}"
    if st.session_state.get(_SHOWN) != full:
        st.set_page_config(page_title=full)
        st.session_state[_SHOWN] = full


_SCRIPT = """
<script>
(() => {
  if (window.__caseworkA11y) return;
  window.__caseworkA11y = true;
  const SUMMARY = "There is a problem";
  const INPUTS = "input:not([type=hidden]), textarea, [role=radiogroup], [role=combobox]";
  // A date in a read-only grid: the grid's accessible table holds the sortable "2026-12-02 09:00" (ui/table_data.py);
  // the cell is named as its column's format shows it, "2 Dec 2026, 09:00" (DAY_FORMAT, MOMENT_FORMAT there).
  const GRID_CELLS = '[data-testid="stDataFrame"] td[role=gridcell][aria-readonly=true]';
  const ISO_DAY = /^(\\d{4})-(\\d{2})-(\\d{2})(?: (\\d{2}:\\d{2}))?$/;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // The field an error belongs to: the nearest input in the elements drawn just before the error text.
  const fieldOf = (error) => {
    let box = error.closest('[data-testid="stElementContainer"]');
    for (let i = 0; box && i < 4; i++) {
      box = box.previousElementSibling;
      const group = box && box.querySelector("[role=radiogroup]");
      if (group) return group;
      const found = box && box.querySelectorAll(INPUTS);
      if (found && found.length) return found[found.length - 1];
    }
    return null;
  };

  const fieldErrors = () => [...document.querySelectorAll('[data-testid="stMarkdownContainer"] p')].filter(
    (p) => p.textContent.startsWith("Error: ") && !p.closest('[data-testid="stAlert"]'));

  // An SR number ("1-00000013") in an alert: a word joiner after its hyphen, once (see the module's docstring).
  const JOINER = "\\u2060";
  const SR_NUMBER = /(^|[^\\w-])(\\d+-)(?=\\d{8}(?![\\w-]))/g;
  const joinNumbers = () => {
    for (const alert of document.querySelectorAll('[data-testid="stAlert"]')) {
      const walker = document.createTreeWalker(alert, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const joined = node.data.replace(SR_NUMBER, "$1$2" + JOINER);
        if (joined !== node.data) node.data = joined;  // the text node React keeps: it sets it afresh on a change
      }
    }
  };
  // What is copied has no word joiner: an SR number or a CMS value goes into CMS as its characters.
  document.addEventListener("copy", (event) => {
    const copied = String(getSelection() || "");
    if (!copied.includes(JOINER) || !event.clipboardData) return;
    event.clipboardData.setData("text/plain", copied.replaceAll(JOINER, ""));
    event.preventDefault();
  });

  let seq = 0;
  const apply = () => {
    joinNumbers();
    const live = new Set();
    for (const p of fieldErrors()) {
      if (!p.id) p.id = "field-error-" + (++seq);
      const field = fieldOf(p);
      if (!field) continue;
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", p.id);
      field.dataset.caseworkInvalid = p.id;
      live.add(field);
    }
    for (const field of document.querySelectorAll("[data-casework-invalid]")) {
      if (live.has(field)) continue;  // its error has gone: no dangling reference, no stale "invalid"
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
      delete field.dataset.caseworkInvalid;
    }
    for (const alert of document.querySelectorAll('[data-testid="stAlert"]')) {
      if (!alert.textContent.includes(SUMMARY)) continue;
      for (const link of alert.querySelectorAll("a")) {
        const message = link.textContent.trim();
        const error = fieldErrors().find((p) => p.textContent.trim() === "Error: " + message);
        if (error) link.setAttribute("href", "#" + error.id);
        link.removeAttribute("target");
        if (!link.dataset.caseworkLink) {
          link.dataset.caseworkLink = "1";
          link.addEventListener("click", (event) => {
            const target = document.getElementById((link.getAttribute("href") || "").slice(1));
            const field = target && fieldOf(target);
            event.preventDefault();
            if (target) target.scrollIntoView({block: "center"});
            if (field) field.focus();
          });
        }
      }
      if (alert.dataset.caseworkShown !== alert.textContent) {  // a new summary: move focus to it
        alert.dataset.caseworkShown = alert.textContent;
        alert.setAttribute("tabindex", "-1");
        alert.focus();
      }
    }
    for (const button of document.querySelectorAll("button")) {
      if (button.textContent.trim() !== "Change") continue;
      const row = button.closest('[data-testid="stHorizontalBlock"]');
      const question = row && row.querySelector("strong");
      if (question) button.setAttribute("aria-label", "Change " + question.textContent.trim());
    }
    for (const link of document.querySelectorAll("a")) {
      if (link.textContent.trim() !== "Carry on") continue;
      const row = link.closest('[data-testid="stHorizontalBlock"]');
      const named = row && row.querySelector("[data-carry-on]");
      if (named && link.getAttribute("aria-label") !== named.dataset.carryOn) {
        link.setAttribute("aria-label", named.dataset.carryOn);
      }
    }
    for (const cell of document.querySelectorAll(GRID_CELLS)) {
      const day = ISO_DAY.exec(cell.textContent);
      const shown = day && `${Number(day[3])} ${MONTHS[Number(day[2]) - 1]} ${day[1]}${day[4] ? ", " + day[4] : ""}`;
      if (shown && cell.getAttribute("aria-label") !== shown) {
        cell.setAttribute("aria-label", shown);
        cell.dataset.caseworkDate = "1";
      } else if (!shown && cell.dataset.caseworkDate) {  // the grid put another value in this cell
        cell.removeAttribute("aria-label");
        delete cell.dataset.caseworkDate;
      }
    }
  };
  new MutationObserver(apply).observe(document.body, {subtree: true, childList: true, characterData: true});
  apply();
})();
</script>
"""


_SENT = "_a11y_script_sent"


def carry_on_name(name: str) -> str:
    """A hidden mark, drawn in a row beside its "Carry on" link, holding the link's name for the script: Streamlit
    gives a page link no name but its label, and a label this long is cut short in the row's narrow column (seen in
    Chromium). Draw it with `unsafe_allow_html=True`; `name` is escaped here."""
    return f'<span hidden data-carry-on="{html.escape(name)}"></span>'


def enhance_page() -> None:
    """Send the script on a browser session's first run (ui/page_end.py, once the page is drawn): it installs
    itself in the document (a MutationObserver on the body, and a first pass over what is there), which outlives
    the element, so it keeps working on every later run and page of that tab; a reload is a new session and gets
    it again. Sent on every run, its 3 KB went to the browser with every click, wizard steps included.

    Drawn after the page, it needs no placeholder on later runs: no element of the page comes after it, so none
    moves when it is gone (Streamlit's frontend knows an element by its position; moved, a field is drawn afresh
    and loses its focus, or a chosen file)."""
    if st.session_state.get(_SENT):
        return
    st.html(_SCRIPT, unsafe_allow_javascript=True)
    st.session_state[_SENT] = True
