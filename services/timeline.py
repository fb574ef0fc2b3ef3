"""An SR's audit events as plain sentences for the team leader ("Review date set for 2 December 2026").

Each kind of event the SR page shows has its own sentence, read at a glance (QA found records such as "Deadline
set: What: review date; Due: ..."). Audit codes (`sr.updated`), field names, step ids, ISO timestamps, hashes and
ids never reach the screen: fields by their labels, values in their UK form (dates as "2 December 2026", moments
in UK local time, money as "£108.00", owners by name). How a deadline was worked out is on the Deadlines tab, and
a note's whole text on the Notes tab: the timeline says that they were added. An event with no sentence here is
described generically, never by its code.

Two cases are told differently from one event each (QA, 7 December 2026, second session):
- A review date is one entry. Setting one writes two audit events, the SR's review date and its deadline row
  (`records.set_review_date`); the timeline read as two things. `services/sr_timeline.py` tells such a pair as one
  `REVIEW_DATE_SET` entry: "Review date set for 16 December 2026 and added to the deadlines (overdue from 09:00 that
  day)". Both events stay in the audit trail.
- A status change never gives the Sub Status or Resolution Code as a plain value ("Closed (Complete)"): they are
  said as the CMS panel gave them (`services/recorded_cms.py`), exact ("in CMS: Sub Status = Cancelled") or a
  suggestion ("suggested, not confirmed: Sub Status Complete"), as SR detail lists them under "In CMS", since the
  seeds do not print every Sub Status a procedure records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.clock import format_date, format_uk
from domain.deadlines import label as deadline_label
from domain.reference import Kind
from domain.values import format_money
from letters.catalogue import RECIPIENT_WORDS
from procedures import registry
from procedures.effects import CmsLine

FIELDS = {
    "review_date": "Review date",
    "hearing_at": "Hearing",
    "court": "Court",
    "cpo_name": "Court presenting officer",
    "summons_issued_on": "Summons issue date",
    "court_fee": "Court fee",
    "costs": "Costs",
    "appointment_at": "Appointment",
    "appointment_location": "Appointment location",
    "status": "Status",
    "sub_status": "Sub status",
    "resolution_code": "Resolution code",
    "reason": "Reason",
    "owner_id": "Owner",
    "due_at": "Due",
    "name": "Name",
    "outcome": "Outcome",
    "template_code": "Letter",
    "file_name": "File",
    "title": "Title",
    "number": "SR number",
    "parent": "Parent SR",
}
WHEN_FIELDS = {"review_date", "hearing_at", "appointment_at"}  # "set for" a day, the others "set to" a value
MONEY_FIELDS = {"court_fee", "costs"}
LETTER_FORMATS = {"docx": "a Word document", "pdf": "a PDF"}
# What the generic description leaves out: ids, versions, hashes and sizes, and a run's audit-only fields (the
# answers and checklist as stored, the count of effects, the SRs bound by internal reference, refused fields' names).
SKIPPED = {
    "owner", "id", "sr_id", "case_id", "run_id", "version", "hash", "sha256", "size", "content_type", "team_id",
    "answers", "checklist", "effects", "sr_refs", "fields", "line", "done", "page", "state", "step", "kind",
    "message_id", "template_version", "error", "via",
}  # fmt: skip
LONGEST = 120


def _short(text: str) -> str:
    return text if len(text) <= LONGEST else text[: LONGEST - 3] + "..."


def _value(name: str, raw: Any, names: Mapping[int, str]) -> str:
    """One value in its UK form: a date, a moment in UK time, money, an owner's name, else the text (shortened)."""
    if raw is None or raw == "":
        return "nothing"
    if name in ("owner_id", "assignee_id"):
        return names.get(raw, "another user") if isinstance(raw, int) else "another user"
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if name in MONEY_FIELDS:
        try:
            return format_money(Decimal(str(raw)))
        except InvalidOperation:
            pass
    if isinstance(raw, str):
        for kind, parse in ((datetime, datetime.fromisoformat), (date, date.fromisoformat)):
            try:
                parsed = parse(raw)
            except ValueError:
                continue
            if kind is date and len(raw) == 10:
                return format_date(parsed)
            if isinstance(parsed, datetime) and parsed.tzinfo is not None:
                return format_uk(parsed)
    return _short(str(raw))


def _label(name: str) -> str:
    return FIELDS.get(name, name.replace("_", " ").capitalize())


def _joined(parts: list[str]) -> str:
    """ "a", "b and c": the clauses of one sentence, the first starting with a capital."""
    if not parts:
        return ""
    text = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return text[0].upper() + text[1:]


def _changes(before: Mapping[str, Any], after: Mapping[str, Any], names: Mapping[int, str]) -> list[str]:
    """One clause a changed field: "court changed from Bath to Leeds", "review date set for 2 December 2026"."""
    parts: list[str] = []
    for name, new in after.items():
        if name in SKIPPED or (name in before and before[name] == new):
            continue
        label, old = _label(name), before.get(name)
        label = label[0].lower() + label[1:] if label[1:2].islower() else label  # "SR number" keeps its capitals
        if new in (None, ""):
            if old not in (None, ""):
                parts.append(f"{label} cleared (it was {_value(name, old, names)})")
        elif old in (None, ""):
            parts.append(f"{label} set {'for' if name in WHEN_FIELDS else 'to'} {_value(name, new, names)}")
        else:
            parts.append(f"{label} changed from {_value(name, old, names)} to {_value(name, new, names)}")
    return parts


def _quoted(text: Any) -> str:
    return f'"{_short(str(text))}"'


def _step(raw: Any, steps: Mapping[str, str]) -> str:
    """A step by its title as the wizard shows it; an unknown step id is never shown."""
    title = steps.get(raw) if isinstance(raw, str) else None
    return _quoted(title) if title else "a step"


def _procedure(raw: Any) -> str:
    try:
        found = registry.get(str(raw))
    except registry.UnknownProcedure:
        return "A procedure"
    return f"Procedure {found.id} ({found.title})"


Event = Mapping[str, Any]
Describer = Callable[[Event, Event, Mapping[int, str], Mapping[str, str]], str]


def _created(_b: Event, a: Event, names: Mapping[int, str], _s: Mapping[str, str]) -> str:
    """Its kind is in the page's heading: the sentence says only where it came from and who has it."""
    text = "Service request created"
    if a.get("parent"):
        text += f" under SR {a['parent']}"
    if isinstance(a.get("owner_id"), int):
        text += f", allocated to {_value('owner_id', a['owner_id'], names)}"
    return text


def _updated(b: Event, a: Event, names: Mapping[int, str], _s: Mapping[str, str]) -> str:
    return _joined(_changes(b, a, names)) or "Service request saved with no change"


# The CMS values a status change records, as the CMS panel gave them (services/recorded_cms.py), by their CMS list.
InCms = Mapping[Kind, CmsLine]
CMS_VALUES = {"sub_status": Kind.SUB_STATUS, "resolution_code": Kind.RESOLUTION_CODE}
# The panel's "Suggestion, not confirmed by the published procedure or your policy team" (ui/cms_panel.py), short
# enough that the values it marks fit the timeline's column at 1366 px: it comes before them, so a cut sentence
# never shows a bare value.
SUGGESTED = "suggested, not confirmed"


def _cms_words(changed: list[tuple[Kind, str]], in_cms: InCms) -> list[str]:
    """Exact values as the panel's line ("in CMS: Sub Status = Cancelled"); the others as its suggestion, never as
    a plain value. A value with no line given is taken as a suggestion: nothing says a procedure published it."""
    exact, suggested = [], []
    for kind, value in changed:
        cms = in_cms.get(kind)
        if cms is not None and cms.suggestion is None:
            exact.append(cms.text)
        else:
            suggested.append(f"{kind.value} {_short(cms.suggestion if cms and cms.suggestion else value)}")
    words = [f"in CMS: {', '.join(exact)}"] if exact else []
    if suggested:
        words.append(f"{SUGGESTED}: {', '.join(suggested)}")
    return words


def _status(b: Event, a: Event, names: Mapping[int, str], in_cms: InCms) -> str:
    """The Status, then the Sub Status and Resolution Code the change recorded as the CMS panel gave them (SR
    detail's heading says only the Status too, and lists them under "In CMS")."""
    old, new = b.get("status"), a.get("status")
    if old and old != new:
        text = f"Status changed from {old} to {new}"
    elif old:
        text = "Sub Status changed" if a.get("sub_status") != b.get("sub_status") else f"Status saved as {new}"
    else:
        text = f"Status set to {new}"
    changed = [
        (kind, str(a[name]))
        for name, kind in CMS_VALUES.items()
        if a.get(name) and (a.get(name) != b.get(name) or (name == "sub_status" and old != new))
    ]
    rest = _changes(b, {k: v for k, v in a.items() if k == "reason"}, names) + _cms_words(changed, in_cms)
    return f"{text}; {'; '.join(rest)}" if rest else text


def _reassigned(b: Event, a: Event, names: Mapping[int, str], _s: Mapping[str, str]) -> str:
    old, new = _value("owner_id", b.get("owner_id"), names), _value("owner_id", a.get("owner_id"), names)
    old = "Unallocated" if old == "nothing" else old
    reason = f" (reason: {_short(str(a['reason']))})" if a.get("reason") else ""
    return f"Reassigned from {old} to {new}{reason}"


def _handed_over(b: Event, a: Event, names: Mapping[int, str], _s: Mapping[str, str]) -> str:
    """Which team gave it, which took it, and that it waits there unallocated, with the reason given."""
    old, new = b.get("team") or "another team", a.get("team") or "another team"
    owner = b.get("owner_id")
    had = f", where {_value('owner_id', owner, names)} had it," if isinstance(owner, int) else ""
    reason = f" (reason: {_short(str(a['reason']))})" if a.get("reason") else ""
    return f"Handed over from {old}{had} to {new}, unallocated there{reason}"


def _task_handed_over(b: Event, a: Event, names: Mapping[int, str], _s: Mapping[str, str]) -> str:
    """An open task that went with the SR to the team it was handed over to, and whose it was."""
    what = "Message" if a.get("kind") == "message" else "Task"
    owner = b.get("assignee_id")
    was = f" for {_value('assignee_id', owner, names)}" if isinstance(owner, int) else ""
    return f"{what}{was} moved with the SR to {a.get('team') or 'another team'}: {_quoted(a.get('text', ''))}"


def _activity(_b: Event, a: Event, _n: Mapping[int, str], _s: Mapping[str, str]) -> str:
    outcome = a.get("outcome")
    said = f", outcome: {_short(str(outcome))}" if outcome and outcome != "Done" else ""
    return f"Activity {_quoted(a.get('name', ''))} marked done{said}"


def _deadline(kind: Any) -> str:
    return f"Deadline {_quoted(deadline_label(str(kind)))}" if kind else "A deadline"


def _deadline_set(_b: Event, a: Event, names: Mapping[int, str], _s: Mapping[str, str]) -> str:
    return f"{_deadline(a.get('kind'))} set for {_value('due_at', a.get('due_at'), names)}"


def _deadline_moved(b: Event, a: Event, names: Mapping[int, str], _s: Mapping[str, str]) -> str:
    old, new = _value("due_at", b.get("due_at"), names), _value("due_at", a.get("due_at"), names)
    return f"{_deadline(a.get('kind'))} moved from {old} to {new}"


def _review_date_set(b: Event, a: Event, names: Mapping[int, str], _s: Mapping[str, str]) -> str:
    """A review date and its deadline, told as one: the date, and that the team leader sees it as a deadline."""
    said = _changes(b, {"review_date": a.get("review_date")}, names)
    day = _value("review_date", a.get("review_date"), names)
    due = a.get("due_at")
    when = _value("due_at", due, names)
    if when.startswith(f"{day}, "):  # due on the review date itself: its time is enough
        when = f"from {when.removeprefix(f'{day}, ')} that day"
    elif due:
        when = f"from {when}"
    text = _joined(said) or f"Review date kept at {day}"
    return f"{text} and added to the deadlines (overdue {when})" if due else text


def _deadline_done(_b: Event, a: Event, _n: Mapping[int, str], _s: Mapping[str, str]) -> str:
    return f"{_deadline(a.get('kind'))} met"


def _letter(verb: str) -> Describer:
    def said(_b: Event, a: Event, _n: Mapping[int, str], _s: Mapping[str, str]) -> str:
        to = RECIPIENT_WORDS.get(str(a.get("recipient")))  # the studio's words: "the case file" for CMEL7298
        return f"Letter {a.get('template_code', '')}{f' to {to}' if to else ''} {verb}".replace("  ", " ")

    return said


def _letter_downloaded(_b: Event, a: Event, _n: Mapping[int, str], _s: Mapping[str, str]) -> str:
    form = LETTER_FORMATS.get(str(a.get("format")))
    return f"Letter downloaded as {form}" if form else "Letter downloaded"


def _email_queued(_b: Event, a: Event, _n: Mapping[int, str], _s: Mapping[str, str]) -> str:
    text = f"Email {_quoted(a['subject'])} prepared" if a.get("subject") else "Email prepared"
    return text + (" (its address is still to be added)" if a.get("address_not_set") else "")


def _email_addressed(_b: Event, a: Event, _n: Mapping[int, str], _s: Mapping[str, str]) -> str:
    to = ", ".join(str(t) for t in a.get("to_addrs") or [])
    return f"Email addressed to {_short(to)}" if to else "Email addressed"


def _file(verb: str) -> Describer:
    def said(b: Event, a: Event, _n: Mapping[int, str], _s: Mapping[str, str]) -> str:
        name = a.get("file_name") or b.get("file_name")
        reason = f" ({_short(str(a['reason']))})" if a.get("reason") else ""
        return f"File {_quoted(name)} {verb}{reason}" if name else f"File {verb}{reason}"

    return said


def _bundle(verb: str) -> Describer:
    def said(_b: Event, a: Event, _n: Mapping[int, str], _s: Mapping[str, str]) -> str:
        count = len(a.get("documents") or [])
        name = f" {_quoted(a['file_name'])}" if a.get("file_name") else ""
        of = f" of {count} document{'s' if count != 1 else ''}" if count else ""
        return f"Bundle{name}{of} {verb}"

    return said


def _note(kind: str) -> Describer:
    def said(_b: Event, a: Event, _n: Mapping[int, str], _s: Mapping[str, str]) -> str:
        return f"{kind} added: {_quoted(a['text'])}" if a.get("text") else f"{kind} added"

    return said


def _task(what: str, to_word: str = "for") -> Describer:
    def said(_b: Event, a: Event, names: Mapping[int, str], _s: Mapping[str, str]) -> str:
        to = _value("assignee_id", a["assignee_id"], names) if a.get("assignee_id") else "the team"
        return f"{what} {to_word} {to}: {_quoted(a.get('text', ''))}"

    return said


def _reminder_snoozed(_b: Event, a: Event, names: Mapping[int, str], _s: Mapping[str, str]) -> str:
    reason = f" ({_short(str(a['reason']))})" if a.get("reason") else ""
    return f"Deadline reminder put off until {_value('until', a.get('until'), names)}{reason}"


def _run_started(_b: Event, a: Event, _n: Mapping[int, str], _s: Mapping[str, str]) -> str:
    """ "Procedure P1 (...) started", and from which SR when it was begun from one (run_start.start_run): the event is
    on that SR's timeline and on the timeline of the SR the run records on, so the SR is named by its number."""
    begun = f" from SR {a['begun_from']}" if a.get("begun_from") else ""
    return f"{_procedure(a.get('procedure'))} started{begun}"


def _run_step(b: Event, a: Event, _n: Mapping[int, str], steps: Mapping[str, str]) -> str:
    saved, now = steps.get(str(b.get("state"))), steps.get(str(a.get("state")))
    text = f"Step {_quoted(saved)} saved" if saved else "Procedure step saved"
    return f"{text}; next step {_quoted(now)}" if now else text


def _run_back(b: Event, a: Event, _n: Mapping[int, str], steps: Mapping[str, str]) -> str:
    to = steps.get(str(a.get("state")))
    return f"Went back in the procedure to the step {_quoted(to)}" if to else "Went back a step in the procedure"


def _run_answers(_b: Event, a: Event, _n: Mapping[int, str], steps: Mapping[str, str]) -> str:
    return f"Answers saved at {_step(a.get('state'), steps)}"


def _run_refused(_b: Event, a: Event, _n: Mapping[int, str], steps: Mapping[str, str]) -> str:
    return f"Answers at {_step(a.get('state'), steps)} not saved: some needed correcting"


def _run_ticked(_b: Event, a: Event, _n: Mapping[int, str], steps: Mapping[str, str]) -> str:
    verb = "ticked" if a.get("done", True) else "unticked"
    return f"CMS line {verb} at {_step(a.get('step'), steps)}"


def _run_draft(_b: Event, a: Event, _n: Mapping[int, str], steps: Mapping[str, str]) -> str:
    return f"Unsaved answers kept at {_step(a.get('state'), steps)}"


def _fixed(text: str) -> Describer:
    return lambda _b, _a, _n, _s: text


REVIEW_DATE_SET = "sr.review_date"  # not an audit code: an sr.updated and deadline.set pair (services/sr_timeline.py)

SENTENCES: dict[str, Describer] = {
    "sr.created": _created,
    "sr.updated": _updated,
    "sr.status": lambda b, a, names, _s: _status(b, a, names, {}),  # `describe` passes the CMS lines it has
    REVIEW_DATE_SET: _review_date_set,
    "sr.reassigned": _reassigned,
    "sr.handed_over": _handed_over,
    "activity.done": _activity,
    "deadline.set": _deadline_set,
    "deadline.moved": _deadline_moved,
    "deadline.done": _deadline_done,
    "letter.due": _letter("to be produced"),
    "letter.rendered": _letter("produced"),
    "letter.downloaded": _letter_downloaded,
    "email.queued": _email_queued,
    "email.addressed": _email_addressed,
    "email.downloaded": _fixed("Email downloaded to send by hand"),
    "email.marked_sent": _fixed("Email marked as sent"),
    "email.sending": _fixed("Email being sent"),
    "email.sent": _fixed("Email sent"),
    "email.failed": _fixed("Email could not be sent: it waits in the Outbox"),
    "attachment.uploaded": _file("added"),
    "attachment.deleted": _file("removed"),
    "bundle.created": _bundle("made"),
    "bundle.updated": _bundle("made again"),
    "note.sr": _note("Note"),
    "note.contact": _note("Contact note"),
    "task.raised": _task("Task raised"),
    "message.raised": _task("Message sent", "to"),
    "task.done": _task("Task done"),
    "task.handed_over": _task_handed_over,
    "reminder.sent": _fixed("Deadline reminder sent"),
    "reminder.snoozed": _reminder_snoozed,
    "run.started": _run_started,
    "run.step": _run_step,
    "run.back": _run_back,
    "run.answers": _run_answers,
    "run.answers_refused": _run_refused,
    "run.cms_ticked": _run_ticked,
    "run.draft_kept": _run_draft,
    "refused": _fixed("Access refused"),
}


def describe(
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    names: Mapping[int, str],
    steps: Mapping[str, str] | None = None,
    in_cms: InCms | None = None,
) -> str:
    """What happened, as one sentence: "Review date set for 2 December 2026", "Reassigned from Ann to Bob".

    `steps` gives the titles of the steps of the run an event is about (its step ids are never shown); `in_cms`
    the lines the CMS panel gave for a status change's Sub Status and Resolution Code (services/recorded_cms.py).
    """
    before, after = before or {}, after or {}
    if action == "sr.status":
        return _status(before, after, names, in_cms or {})
    said = SENTENCES.get(action)
    if said is not None:
        return said(before, after, names, steps or {})
    parts = _changes(before, after, names)  # an event this module has no sentence for: its fields, in words
    return f"Recorded: {'; '.join(parts)}" if parts else "Recorded"


def line(
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    who: str,
    names: Mapping[int, str],
    steps: Mapping[str, str] | None = None,
    in_cms: InCms | None = None,
) -> str:
    """The whole timeline sentence: "Review date set for 2 December 2026 by Demo Caseworker". Its time is in SR
    detail's When column: after the name it read as part of it ("by Demo Teamleader, 05:01"), and a long sentence
    cut at the table's edge lost it (QA, 7 December)."""
    who = "the system" if who == "system" else who  # the audit trail's name for what no user did
    return f"{describe(action, before, after, names, steps, in_cms)} by {who}"
