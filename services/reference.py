"""Reference values kept by policy staff: the catalogue in force, confirm / correct / add, CSV export and import.

The built-in catalogue (domain.reference) says what the published procedures give; every local change is a new
`reference_values` row (never an update), audited, so the value of any day can be read back and a run keeps
the CMS lines saved with each step.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ReferenceValue, User
from domain import reference
from domain.clock import format_uk
from domain.reference import Kind, RefEntry, Reference, Source
from domain.reference_keys import KEY_MAX, new_key
from domain.values import too_long
from procedures import registry
from procedures.reference_uses import uses
from services import audit
from services.access import require_role
from services.actor import Actor
from services.errors import ValidationFailed
from services.transaction import transaction

EDITORS = ("policy", "admin")
CSV_COLUMNS = (
    "key",
    "kind",
    "value",
    "source",
    "seed",
    "quote",
    "other_citations",
    "need",
    "confirmed_by",
    "confirmed_at",
    "note",
)
CITATION_SEPARATOR = " | "  # between the other seeds' citations in one cell: no seed's text has a "|"
MAX_VALUE = 200
MAX_NOTE = 500  # a note says why or where from (kept with the value and in the CSV); not a document
GONE = "That value is no longer in the list. Reload the page and choose it again."


def _local(row: ReferenceValue) -> RefEntry:
    base = reference.BUILT_IN_REFERENCE[row.key] if row.key in reference.BUILT_IN_REFERENCE else None
    entry = RefEntry(row.key, Kind(row.kind), row.value, Source.UNCONFIRMED, need=base.need if base else "")
    return reference.as_local(entry, row.value, by=row.changed_by_name, at=format_uk(row.changed_at), note=row.note)


def current(session: Session, *, at: datetime | None = None) -> Reference:
    """The entries in force now, or at the moment `at`, with the reference version (the id of the latest local change,
    0 for none)."""
    query = select(ReferenceValue).order_by(ReferenceValue.id)
    if at is not None:
        query = query.where(ReferenceValue.changed_at <= at)
    rows = session.scalars(query).all()
    latest = {row.key: row for row in rows}
    return Reference((_local(r) for r in latest.values()), version=rows[-1].id if rows else 0)


@dataclass(frozen=True, slots=True)
class EntryView:
    key: str
    kind: str
    value: str
    source: str
    source_detail: str
    need: str
    used_at: tuple[tuple[str, str], ...]  # (procedure id, step id)
    note: str = ""  # policy staff's note with the latest confirmation or correction ("" for none)

    @property
    def where_used(self) -> str:
        """Where it is used, in words: "P5e: Choose the Reason and Resolution Code; ..."."""

        return "; ".join(f"{p}: {registry.get(p).steps[s].title}" for p, s in self.used_at) or "Not used by a step"


def list_entries(actor: Actor) -> list[EntryView]:
    """Every entry with its source and where it is used, for policy staff and admins."""
    with transaction(read_only=True) as session:
        require_role(session, actor, *EDITORS, action="see the reference values")
        used = uses()
        return [
            EntryView(
                e.key,
                e.kind.value,
                e.value,
                e.source.value,
                reference.describe_source(e),
                e.need,
                used.get(e.key, ()),
                e.note,
            )
            for e in current(session).entries()
        ]


def _check_value(value: str, field: str = "value") -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise ValidationFailed({field: "Enter the value exactly as CMS shows it."})
    if message := too_long(cleaned, MAX_VALUE):
        raise ValidationFailed({field: message})
    return cleaned


def _check_note(note: str) -> str:
    """The note as kept: trimmed, and refused at its field when longer than MAX_NOTE (QA, 7 December: no limit)."""
    cleaned = (note or "").strip()
    if message := too_long(cleaned, MAX_NOTE):  # the wording of every box's limit, with the note's length
        raise ValidationFailed({"note": message})
    return cleaned


def _write(session: Session, actor: Actor, key: str, kind: Kind, value: str, action: str, note: str) -> None:
    note = _check_note(note)
    before = current(session)
    old = before[key] if key in before else None
    session.add(
        ReferenceValue(
            key=key,
            kind=kind.value,
            value=value,
            action=action,
            note=note,
            changed_by_id=actor.user_id,
            changed_by_name=actor.display_name,
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        f"reference.{action}",
        entity_type="reference_value",
        entity_id=key,
        before={"value": old.value, "source": old.source.value} if old else None,
        after={"value": value, "source": "local", "note": note},
    )


def confirm(actor: Actor, key: str, *, note: str = "") -> None:
    """Confirm the value as this service's CMS has it: from now on the panel states it as an instruction. A value
    already confirmed may be confirmed again: that records who checked it against CMS, and when, most recently (the
    page says so before the button)."""
    with transaction() as session:
        require_role(session, actor, *EDITORS, action="confirm reference values")
        ref = current(session)
        if key not in ref:
            raise ValidationFailed({"key": GONE})
        e = ref[key]
        _write(session, actor, key, e.kind, e.value, "confirmed", note)


def correct(actor: Actor, key: str, value: str, *, note: str = "") -> None:
    """Replace the value with the one this service's CMS has (it becomes a local, confirmed value)."""
    with transaction() as session:
        require_role(session, actor, *EDITORS, action="correct reference values")
        ref = current(session)
        if key not in ref:
            raise ValidationFailed({"key": GONE})
        e = ref[key]
        if e.source is Source.PUBLISHED:
            raise ValidationFailed(
                {"value": "This value is quoted from the published procedure: it cannot be changed here."}
            )
        cleaned = _check_value(value)
        if cleaned == e.value:  # QA: saved as a correction that changed nothing, so the audit trail said one was made
            raise ValidationFailed(
                {"value": f"'{e.value}' is the value already listed. If our CMS shows it, confirm it above instead."}
            )
        _write(session, actor, key, e.kind, cleaned, "corrected", note)


def add(actor: Actor, kind: str, value: str, *, note: str = "") -> str:
    """Add a value this service's CMS has and the catalogue does not, named by its CMS list and its words.

    Its key is made from those (domain.reference_keys) and returned, for the audit trail and the CSV only: policy
    staff never type or read it. A value the list already has, in any capitals, is refused: it would be the same
    choice in CMS twice.
    """
    with transaction() as session:
        require_role(session, actor, *EDITORS, action="add reference values")
        ref = current(session)
        errors = {} if kind in {k.value for k in Kind} else {"kind": "Choose the CMS list the value belongs to."}
        try:
            cleaned = _check_value(value)
        except ValidationFailed as exc:
            raise ValidationFailed(errors | exc.errors) from None
        same = next((e for e in ref.entries() if e.kind == kind and e.value.casefold() == cleaned.casefold()), None)
        if same is not None:
            errors["value"] = _already_listed(same)
        if errors:
            raise ValidationFailed(errors)
        key = new_key(Kind(kind), cleaned, ref)
        _write(session, actor, key, Kind(kind), cleaned, "added", note)
        return key


def _already_listed(e: RefEntry) -> str:
    said = f"The {e.kind.value} list already has '{e.value}'"
    if e.source is Source.PUBLISHED:
        return f"{said}, quoted from the published procedures: there is nothing to add."
    return f"{said}: choose it under 'Confirm or correct a value' to confirm or correct it."


def _row_errors(ref: Reference, key: str, kind: str, value: str) -> dict[str, str]:
    """A CSV row's problems: its key is the file's own (a new key adds a value), so it is checked here."""
    errors: dict[str, str] = {}
    key = (key or "").strip()
    if not key or not all(c.isalnum() or c in "._-" for c in key) or len(key) > KEY_MAX:
        errors["key"] = f"Enter a key of letters, digits, dots, dashes or underscores (at most {KEY_MAX})."
    if kind not in {k.value for k in Kind}:
        errors["kind"] = f"Kind must be one of: {', '.join(k.value for k in Kind)}."
    elif key in ref and ref[key].kind.value != kind:
        errors["kind"] = f"'{key}' is a {ref[key].kind.value}, not a {kind}."
    try:
        _check_value(value)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if key in ref and ref[key].source is Source.PUBLISHED and " ".join(value.split()) != ref[key].value:
        errors["value"] = f"'{key}' is quoted from the published procedure: its value stays '{ref[key].value}'."
    return errors


def export_csv(actor: Actor | None) -> str:
    """Every entry in force as CSV, one row per entry, which `import_csv` reads back (it reads key, kind, value).

    A value several seeds name is cited in each seed's words, as the Reference values page shows it: `seed` and
    `quote` hold the first seed's, `other_citations` every other seed's as "seed file: quote", joined by
    " | " (empty for a value one seed names). One row per entry, not per citation, so that each key is on one row,
    which the import requires and a spreadsheet's row count shows.
    """
    with transaction(read_only=True) as session:
        if actor is not None:
            require_role(session, actor, *EDITORS, action="export the reference values")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for e in current(session).entries():
            writer.writerow(
                (
                    e.key,
                    e.kind.value,
                    e.value,
                    e.source.value,
                    e.seed or "",
                    e.quote or "",
                    CITATION_SEPARATOR.join(f"{seed}: {quote}" for seed, quote in e.citations()[1:]),
                    e.need,
                    e.confirmed_by or "",
                    e.confirmed_at or "",
                    e.note,
                )
            )
        return out.getvalue()


@dataclass(frozen=True, slots=True)
class ImportResult:
    confirmed: int
    corrected: int
    added: int
    unchanged: int


def import_csv(actor: Actor, text: str) -> ImportResult:
    """Load a CSV of key, kind, value (other columns ignored): all rows or, if any is bad, none.

    A row for a known key with the same value confirms it; with another value corrects it; a new key adds it.
    Published values cannot be changed. Rows are numbered as a spreadsheet shows them (the header is row 1).
    """
    with transaction() as session:
        require_role(session, actor, *EDITORS, action="import reference values")
        ref = current(session)
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in ("key", "kind", "value") if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationFailed({"file": f"The file has no column {', '.join(missing)} in its first row."})
        rows: list[tuple[str, Kind, str, str]] = []
        errors: dict[str, str] = {}
        seen: dict[str, int] = {}
        for number, row in enumerate(reader, start=2):
            key, kind, value = (row.get(c) or "" for c in ("key", "kind", "value"))
            problems = _row_errors(ref, key, kind, value)
            key = key.strip()
            if key in seen:
                problems["key"] = f"'{key}' is also on row {seen[key]}."
            seen.setdefault(key, number)
            if problems:
                errors[f"row {number}"] = f"Row {number}: " + " ".join(problems.values())
                continue
            value = " ".join(value.split())
            action = "added" if key not in ref else "confirmed" if ref[key].value == value else "corrected"
            rows.append((key, Kind(kind), value, action))
        if errors:
            raise ValidationFailed(errors)
        counts = {"confirmed": 0, "corrected": 0, "added": 0, "unchanged": 0}
        for key, kind, value, action in rows:
            if key in ref and ref[key].source is not Source.UNCONFIRMED and ref[key].value == value:
                counts["unchanged"] += 1  # published, or already confirmed locally with this value
                continue
            _write(session, actor, key, kind, value, action, "imported from CSV")
            counts[action] += 1
        return ImportResult(**counts)


def version(session: Session) -> int:
    return session.scalar(select(func.max(ReferenceValue.id))) or 0


def editor_named(username: str) -> Actor:
    """The policy or admin user the command line acts as (local values always say who set them)."""

    with transaction(read_only=True) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.is_active or user.role not in EDITORS:
            raise ValidationFailed({"as": f"'{username}' is not an active policy or admin user."})
        return Actor.of(user)
