"""The old terms client-facing text must never use: letters, guidance and page text say receiving parent and
paying parent. Kept outside letters/ so the list itself is not taken for a template using them."""

from __future__ import annotations

import re

OLD_TERMS = ("non resident parent", "parent with care", "person with care")
# The systems' abbreviations of the same terms (PROCEDURES.md: PWC/PeWC, NRP), as whole words: a letter is no place
# for them either. Found by QA in a letter's free text; "Alex NRP" as a name was accepted too.
OLD_ABBREVIATIONS = ("NRP", "PWC", "PeWC")
# Hyphens, line breaks and doubled spaces, or none ("nonresident"), do not hide an old term.
_PATTERN = re.compile(
    "|".join(
        [t.replace("non ", r"non[\s\-]*").replace(" ", r"[\s\-]+") for t in OLD_TERMS]
        + [rf"\b{a}\b" for a in OLD_ABBREVIATIONS]
    ),
    re.IGNORECASE,
)


def old_terms_in(text: str) -> list[str]:
    """Each old term found in `text`, as written there (empty when the text is clean)."""
    return [m.group(0) for m in _PATTERN.finditer(text or "")]
