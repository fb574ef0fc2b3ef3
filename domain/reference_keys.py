"""The key of a reference value policy staff add, made from its CMS list and its wording.

Policy staff name a new value by the CMS list it belongs to and its words, never by a key (QA: the page asked
for "resolution_code.visit_completed"). The key only ties the value's rows, audit events and CSV row together,
so it is made here the way the built-in keys are written (`resolution_code.referral_rejected`) and shown
nowhere on a page; the CSV export keeps it, as a file for machines.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from domain.reference import Kind

KEY_MAX = 80  # the longest key the import accepts and the reference_values.key column holds
KEY_PREFIX: dict[Kind, str] = {
    Kind.PROCESS: "process",
    Kind.AREA: "area",
    Kind.SUB_AREA: "sub_area",
    Kind.STATUS: "status",
    Kind.SUB_STATUS: "sub_status",
    Kind.RESOLUTION_CODE: "resolution_code",
    Kind.REASON: "reason",
    Kind.ACTIVITY: "activity",
    Kind.ACTIVITY_OUTCOME: "outcome",
    Kind.LETTER: "letter",
}
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _words(value: str) -> str:
    """ "Visit Completed" as "visit_completed"; accents dropped ("Réglé" as "regle"), other signs as one "_"."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub("_", plain.lower()).strip("_") or "value"


def new_key(kind: Kind, value: str, taken: Container[str]) -> str:
    """A key for a new value of `kind` that no entry in `taken` has, at most KEY_MAX characters.

    Two wordings that read alike as a key ("Visit-Completed" after "Visit Completed") get "_2", "_3", ...
    """
    prefix = f"{KEY_PREFIX[kind]}."
    words = _words(value)
    for number in range(1, 10_000):
        suffix = "" if number == 1 else f"_{number}"
        key = prefix + words[: KEY_MAX - len(prefix) - len(suffix)].rstrip("_") + suffix
        if key not in taken:
            return key
    raise RuntimeError("no free reference key")  # 10,000 values of one wording: never in practice
