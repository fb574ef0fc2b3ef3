"""Task lists for the long procedures (P4, P5b to P5e): their steps grouped into sections, GOV.UK style.

A long procedure runs for weeks and stops at points where someone else has to act (VSAT decides, the court
presenting team replies, the 30 days pass). "Step 9 of about 14" says little there; a list of the sections,
each with its status, says what is done, what is waiting and on whom, and what is left. The short
procedures keep their progress line.

The sections are ours, not the published procedure's: the seeds number their steps but do not group them.
Each step (other than the final "Finished") belongs to exactly one section; a test checks that against the
machines, so a step added to a procedure without a section fails the build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Section:
    title: str
    steps: tuple[str, ...]
    # Steps that record what someone else did: at one of these the run is waiting for them, named here.
    waits_for: dict[str, str] = field(default_factory=dict)
    # When given, the section is Done only once the run has reached one of these steps: its own steps may have
    # recorded something else meanwhile (P4: at "what happened after the letter" a dispute from the paying parent,
    # while the receiving parent's decision is still awaited).
    done_when: tuple[str, ...] = ()


class Status(Enum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    WAITING = "Waiting"
    DONE = "Done"
    NOT_NEEDED = "Not needed"


@dataclass(frozen=True)
class SectionStatus:
    title: str
    status: Status
    waiting_for: str = ""  # who the run waits for, when the status is WAITING

    @property
    def label(self) -> str:
        """The status as shown: "Waiting for VSAT", "Done"."""
        return f"Waiting for {self.waiting_for}" if self.status is Status.WAITING else self.status.value


TASK_LISTS: dict[str, tuple[Section, ...]] = {
    "P4": (
        Section("Confirm the balance and write to the receiving parent", ("confirm_balance", "stable_balance_letter")),
        Section(
            "The receiving parent's decision",
            ("await_response", "explain_options", "decision_changed"),
            {"await_response": "the receiving parent"},
            done_when=("pursue", "no_response", "write_off"),
        ),
        Section("The paying parent's dispute", ("paying_parent_dispute",)),
        Section(  # the paying parent's representations are made in the write-off's 30 days, not a dispute (QA)
            "Pursue, write off or transfer the arrears",
            ("pursue", "no_response", "write_off", "after_window", "representations"),
            {"after_window": "the 30 days to end"},
        ),
        Section(
            "Record the outcome for financial transition",
            ("record_outcome", "send_to_cmg", "send_to_nicms", "offline_report"),
        ),
        Section("Tell both parents", ("closure_letters",)),
    ),
    "P5b": (
        Section("Start the work", ("sr_allocated", "contact_cpt", "create_folder", "set_in_progress")),
        Section(
            "The court presenting officer and the hearing",
            ("record_cpo", "record_hearing", "second_pv_check"),
            {"record_cpo": "the court presenting team"},
        ),
        Section(
            "The outcome and closing the SR",
            ("record_outcome", "new_hearing", "forward_to_ecm", "close_sr"),  # new_hearing: version 2 only
            {"record_outcome": "the court's outcome", "new_hearing": "the court presenting officer"},
        ),
    ),
    "P5c": (
        Section(
            "Check the case and build the bundle",
            ("sr_allocated", "pv_check", "build_bundle", "save_bundle", "set_in_progress"),
        ),
        Section(
            "The summons",
            ("cpo_assigned", "court_cover_letter", "summons_returned", "paying_parent_cover_letter", "summons_issued"),
            {"cpo_assigned": "the court presenting team", "summons_returned": "the court presenting officer"},
        ),
        Section(
            "The hearing",
            ("second_pv_check", "record_outcome", "new_hearing"),  # new_hearing: version 2 only
            {"record_outcome": "the court presenting officer", "new_hearing": "the court presenting officer"},
        ),
        Section("Close the SR", ("forward_to_ecm", "close_sr")),
    ),
    "P5d": (
        Section(
            "Ask the court presenting team",
            ("allocated", "contact_cpt", "cpt_reply"),
            {"cpt_reply": "the court presenting team"},
        ),
        Section("Prepare the case", ("create_cmel7298", "full_pv_check", "cpt_bundle", "set_in_progress")),
        Section(
            "The cover letter and the issue date",
            ("cover_letter", "call_cpt", "issue_date"),
            {"cover_letter": "the court presenting team"},
        ),
        Section(
            "The hearing",
            ("second_pv_check", "cpo_decision", "record_outcome", "new_hearing"),  # new_hearing: from version 2
            {
                "cpo_decision": "the court presenting officer",
                "record_outcome": "the court presenting officer",
                "new_hearing": "the court presenting team",  # an adjourned or moved hearing's new date
            },
        ),
        Section("Close the SR", ("forward_to_ecm", "close_sr")),
    ),
    "P5e": (
        Section("Check the case and refer the visit", ("pv_check", "vsat_referral", "set_in_progress")),
        Section("VSAT's decision", ("vsat_decision", "referral_rejected"), {"vsat_decision": "VSAT"}),
        Section(
            "The visit",
            ("appointment", "visit_outcome", "appointment_moved", "failed_to_attend"),
            {"visit_outcome": "the face to face consultant", "appointment_moved": "the face to face consultant"},
        ),
        Section("Update and close the SR", ("record_visit", "reason_and_resolution", "close_sr")),
    ),
}


def has_task_list(procedure_id: str) -> bool:
    return procedure_id in TASK_LISTS


def task_list(procedure_id: str, saved: Sequence[str], current: str, *, finished: bool) -> tuple[SectionStatus, ...]:
    """Each section's status for a run that has saved the steps `saved` and is at `current`.

    Done: a step of it was saved and the run is elsewhere. In progress, or waiting for someone: the run is
    at one of its steps. Not needed: the run finished, or went on to a later section, without it (a branch
    not taken). Not started: none of the above.
    """
    sections = TASK_LISTS.get(procedure_id, ())
    visited = set(saved) | ({current} if not finished else set())
    furthest = max((i for i, s in enumerate(sections) if visited & set(s.steps)), default=-1)
    statuses = []
    for index, section in enumerate(sections):
        if not finished and current in section.steps:
            who = section.waits_for.get(current, "")
            statuses.append(SectionStatus(section.title, Status.WAITING if who else Status.IN_PROGRESS, who))
        elif set(saved) & set(section.steps) and section.done_when and not visited & set(section.done_when):
            # something was recorded here, but not what the section is for: it is still awaited
            who = "" if finished else next(iter(section.waits_for.values()), "")
            statuses.append(SectionStatus(section.title, Status.WAITING if who else Status.IN_PROGRESS, who))
        elif set(saved) & set(section.steps):
            statuses.append(SectionStatus(section.title, Status.DONE))
        elif finished or index < furthest:
            statuses.append(SectionStatus(section.title, Status.NOT_NEEDED))
        else:
            statuses.append(SectionStatus(section.title, Status.NOT_STARTED))
    return tuple(statuses)
