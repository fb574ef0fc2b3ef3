"""Where each step comes from: every numbered step and every "If ..." of each published procedure (docs/seeds/),
mapped to the product steps that implement it. tests/unit/test_trace.py fails if a seed step has no row or a
row names a step that does not exist; the wizard shows a step's reference ("Published procedure: step 4").
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.reference import S0, S1, S2, S3, S4  # the seed files, named once


@dataclass(frozen=True, slots=True)
class TraceRow:
    seed: str
    section: str  # seed 004: the "Work Routing for ..." section; "" where the seed numbers its steps once
    ref: str  # "step 4", or "If ..." with the sentence's opening words exactly as the seed has them
    procedure: str
    steps: tuple[str, ...]
    note: str = ""  # how an ambiguous sentence was read

    @property
    def label(self) -> str:
        where = f" ({self.section})" if self.section else ""
        return f"{self.ref}{where}" if self.ref.startswith("step") else f"\u201c{self.ref} \u2026\u201d{where}"


CC, COM, LO, F2F = (
    "Work Routing for County Court",
    "Work Routing for Commitment",
    "Work Routing for Liability Order",
    "Work Routing for Face to Face",
)


def _steps(seed: str, section: str, procedure: str, *numbered: tuple[str, ...]) -> tuple[TraceRow, ...]:
    return tuple(TraceRow(seed, section, f"step {n}", procedure, steps) for n, steps in enumerate(numbered, start=1))


TRACE: tuple[TraceRow, ...] = (
    # Seed 000: P1 CSA Information Required - Contact Caseworker
    TraceRow(
        S0, "", "If a query is received about a CSA case following the end of CSA liability", "P1", ("query_received",)
    ),
    TraceRow(
        S0,
        "",
        "If the required information cannot be found in CSA systems",
        "P1",
        ("search_legacy", "identify_csa_caseworker", "call_csa_caseworker", "chase_update"),
    ),
    TraceRow(S0, "", "If the case needs to be moved to another segment", "P1", ("consider_segment",)),
    # Seed 001: P2 CSA Information Received - Update CMS
    TraceRow(
        S1, "", "If necessary, as a result of the information provided by the CSA caseworker", "P2", ("route_case",)
    ),
    TraceRow(S1, "", "If there is an escalated complaint on the CSA case", "P2", ("route_case",)),
    TraceRow(S1, "", "If there are any outstanding appeals", "P2", ("route_case",)),
    # Seed 002: P3 Enforcement/Liability Order Actions - Check CSA
    TraceRow(
        S2,
        "",
        "If there is no urgent enforcement action",
        "P3",
        ("identify_enforcement", "no_current_lo"),
    ),
    TraceRow(
        S2,
        "",
        "When the CSA Liability Order details have been entered onto the 2012 system",
        "P3",
        ("tell_aft_team",),
        note="Segment 5 priority cases, after the urgent fast track as after the usual LO set-up.",
    ),
    *_steps(
        S2,
        "",
        "P3",
        ("contact_summary",),
        ("create_finalise_sr",),
        ("set_in_progress",),
        ("access_legacy_system",),
        ("enforcement_actions_tab",),
        ("liability_orders",),
        ("lo_activity_done",),
        ("identify_enforcement",),
        ("identify_enforcement", "fast_track"),
        ("enforcement_actions_input",),
    ),
    TraceRow(
        S2,
        "",
        "If the case is marked as sensitive",
        "P3",
        ("request_special_client_records", "record_special_client_records_reply"),
    ),
    TraceRow(S2, "", "If, during step 4 you have established", "P3", ("fast_track",)),
    TraceRow(S2, "", "If, in step 4 you have identified", "P3", ("enforcement_actions_input", "no_current_lo")),
    TraceRow(
        S2,
        "",
        "If there is a current LO with no urgent ongoing enforcement action",
        "P3",
        ("enforcement_actions_input",),
    ),
    # Seed 003: P4 Manage client arrears
    TraceRow(S3, "", "If the receiving parent decides to write off", "P4", ("write_off", "after_window")),
    TraceRow(S3, "", "If the receiving parent contacts the CSA scheme team", "P4", ("explain_options",)),
    TraceRow(
        S3, "", "If the paying parent makes contact disputing the arrears balance", "P4", ("paying_parent_dispute",)
    ),
    TraceRow(S3, "", "If the receiving parent does not respond", "P4", ("no_response",)),
    TraceRow(S3, "", "If there are arrears outstanding due to the Secretary of State", "P4", ("write_off",)),
    TraceRow(
        S3,
        "",
        "Once concluded, both clients will be informed that the case closure process is complete",
        "P4",
        ("closure_letters",),
    ),
    TraceRow(
        S3,
        "",
        "If a client telephones to query their CSA scheme arrears balance",
        "P4",
        ("done",),
        note="After closure the balance is CMS's: a query then goes to Offline Calculation - Perform, not this run.",
    ),
    # Seed 004: SSST. P5a is the unnumbered "Making payment for enforcement actions" paragraph.
    TraceRow(S4, "Making payment for enforcement actions", "After two days, contact the court", "P5a", ("pay_court",)),
    *_steps(
        S4,
        CC,
        "P5b",
        ("sr_allocated",),
        ("contact_cpt",),
        ("create_folder",),
        ("set_in_progress",),
        (
            "record_cpo",
            "record_hearing",
            "new_hearing",
        ),  # version 2: a moved hearing's new date is our reading of step 5
        ("second_pv_check",),
        ("record_outcome",),
        ("forward_to_ecm",),
        ("close_sr",),
    ),
    *_steps(
        S4,
        COM,
        "P5c",
        ("sr_allocated",),
        ("pv_check",),
        ("build_bundle",),
        ("save_bundle",),
        ("set_in_progress",),
        ("cpo_assigned", "new_hearing"),  # version 2: a moved hearing's new date is our reading of step 6
        ("court_cover_letter",),
        ("summons_returned",),
        ("paying_parent_cover_letter",),
        ("summons_issued",),
        ("second_pv_check",),
        ("record_outcome",),
        ("forward_to_ecm",),
        ("close_sr",),
    ),
    *_steps(
        S4,
        LO,
        "P5d",
        ("allocated",),
        ("contact_cpt", "cpt_reply"),
        ("create_cmel7298",),
        ("full_pv_check", "cpt_bundle"),
        ("set_in_progress",),
        ("cover_letter",),
        ("cover_letter",),
        ("call_cpt",),
        ("issue_date",),
        ("second_pv_check",),
        ("cpo_decision",),
        ("record_outcome", "new_hearing"),  # versions 2 and 3: an adjourned or moved hearing's new date, our reading
        ("forward_to_ecm",),
        ("close_sr",),
    ),
    *_steps(
        S4,
        F2F,
        "P5e",
        ("pv_check", "vsat_referral"),
        ("set_in_progress",),
        ("vsat_decision", "referral_rejected"),
        ("appointment", "appointment_moved"),  # version 2: a moved appointment's new date is our reading of step 4
        ("visit_outcome", "failed_to_attend"),
        ("record_visit",),
        ("reason_and_resolution",),
        ("close_sr",),
    ),
    *(
        TraceRow(S4, F2F, opening, "P5e", ("vsat_referral", "appointment"))
        for opening in (
            "If the reason for the face to face is that the client wishes to complain",
            "If the reason for the face to face is to discuss parentage",
            "If the reason for the face to face is because the client is under 16",
            "If the reason for the face to face referral is to discuss payments",
            "If the reason for the face to face referral is to discuss an appeal",
            "If the reason for the face to face is to gain further information",
            "If the reason for the face to face is because the client wishes to discuss a change",
            "If the reason for the face to face is to discuss any enforcement actions",
            "If the reason for the face to face is to advise the receiving parent",
            "If there is any other reason for the face to face",
        )
    ),
)


def published_reference(procedure_id: str, step_id: str) -> str | None:
    """The published step a product step implements, for the wizard ("step 4 (Work Routing for County Court)")."""
    rows = [r for r in TRACE if r.procedure == procedure_id and step_id in r.steps]
    numbered = [r for r in rows if r.ref.startswith("step ")]
    chosen = numbered or rows
    return chosen[0].label if chosen else None


def published_steps(procedure_id: str, step_id: str) -> tuple[str, ...]:
    """The numbered published steps a product step implements ("step 6", "step 7"), where the seed numbers them."""
    return tuple(
        row.ref
        for row in TRACE
        if row.procedure == procedure_id and step_id in row.steps and row.ref.startswith("step ")
    )
