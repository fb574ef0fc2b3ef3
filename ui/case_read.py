"""Finding one of the team's cases and reading where it stands (banner, open SRs, Contact Notes): drawn the same on
Start a procedure (caseworkers, who then start a procedure) and on the case page (team leaders, who only read, and
read its closed SRs too)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import streamlit as st

import ui
from services.actor import Actor
from services.case_finder import CaseCard, ClosedSR, OpenSR, case_card, example_scin, find_cases
from services.contact_notes import case_contact_notes
from ui.case_panels import contact_notes_panel, sr_from_case
from ui.table_data import arrow_rows, day_column, unbroken
from ui.text_box import text_box


def find_case(actor: Actor) -> tuple[str, int | None]:
    """The finder: what was typed, and the case it found (asking which one when several match), if any."""
    example = example_scin(actor)
    query = text_box(
        "Find a case",
        placeholder="A SCIN, an SR number or part of a parent's name",  # in sight, not only behind the help icon
        help="A SCIN (12 digits"
        + (f", for example {example}" if example else "")
        + "), an SR number (for example 1-00000042) or part of a parent's name. Only your team's cases are found.",
    )
    found = ui.attempt(partial(find_cases, actor, query)) if query else None
    if found is None:
        return query, None
    if not found.matches:
        st.info("No case of your team matches that. Check the SCIN, SR number or name.")
        return query, None
    if len(found.matches) == 1:
        return query, found.matches[0].case_id
    labels = {
        m.case_id: f"{m.scin}: {m.receiving_parent} and {m.paying_parent} ({m.scheme})"
        + (" · PV" if m.potentially_violent else "")
        for m in found.matches
    }
    st.caption(
        f"{len(found.matches)} cases match"
        + (": more than that match, so type more of the name to narrow the search." if found.more else ".")
    )
    return query, st.selectbox("Which case?", list(labels), format_func=labels.__getitem__, index=None)


def read_case(actor: Actor, case_id: int, *, sr_links: bool = False, closed: int = 0) -> CaseCard | None:
    """The case's banner, its open SRs, `closed` of its most recently closed SRs (the Case page) and its Contact Notes;
    with `sr_links` (a team leader), a link to the page of each SR their team holds, and a line naming those another
    team holds (their pages are that team's)."""
    card = ui.attempt(partial(case_card, actor, case_id, closed=closed))
    if card is None:
        return None
    ui.case_banner(card.banner)
    st.header(f"Open service requests on this case ({len(card.open_srs)})")
    if card.open_srs:
        # A table that wraps, not a grid: at 1024 px the grid cut the Owner column to "Ow" at the right edge (QA).
        st.table(
            unbroken(
                [
                    {"SR": s.number, "Type": s.label, "Status": s.status, "Owner": s.owner or "Not allocated"}
                    for s in card.open_srs
                ],
                ["SR"],
            ),
            hide_index=True,
            border="horizontal",
        )
        if sr_links:
            _sr_links(card.open_srs)
    else:
        st.caption("This case has no open service requests.")
    if closed:
        _closed_srs(card, sr_links=sr_links)
    notes = ui.attempt(partial(case_contact_notes, actor, card.banner.case_id))
    if notes is not None:
        contact_notes_panel(notes)
    return card


def _closed_srs(card: CaseCard, *, sr_links: bool) -> None:
    """The case's most recently closed SRs under the open ones, newest first, saying plainly how many more there are."""
    listed = card.closed_srs
    st.header(f"Closed service requests on this case ({len(listed) + card.more_closed})")
    if not listed:
        st.caption("No service request on this case has been closed.")
        return
    st.dataframe(
        arrow_rows(
            [
                {"SR": s.number, "Type": s.label, "Closed": s.closed_at, "How it was closed": s.closed_as}
                for s in listed
            ],
            days=("Closed",),
        ),
        hide_index=True,
        width="stretch",
        placeholder="",
        column_config={"Closed": day_column()},
    )
    # As recorded here: the value need not be what CMS holds (services/recorded_cms.py); the SR's page says that
    st.caption("How it was closed is as Casework Guide recorded it; an SR's page shows what was given to key into CMS.")
    if card.more_closed:
        more = card.more_closed
        earlier = "1 more, closed earlier, is" if more == 1 else f"{more} more, closed earlier, are"
        st.caption(f"The {len(listed)} most recently closed are listed; {earlier} not listed here.")
    if sr_links:
        _sr_links(listed)


def _sr_links(srs: Sequence[OpenSR | ClosedSR]) -> None:
    for s in srs:
        if s.opens:
            st.page_link(
                "pages/sr_detail.py",
                label=f"Open SR {s.number}: {s.label}",
                icon=":material/description:",
                query_params=sr_from_case(s.id),
            )
    elsewhere = [s.number for s in srs if not s.opens]
    if elsewhere:
        st.caption(
            f"Held by another team, so {'its page is' if len(elsewhere) == 1 else 'their pages are'} that team's: "
            + ", ".join(f"SR {n}" for n in elsewhere)
            + "."
        )
