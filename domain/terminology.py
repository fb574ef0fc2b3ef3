"""The old terms client-facing text must never use: letters, guidance and page text say receiving parent and
paying parent. Kept outside letters/ so the list itself is not taken for a template using them."""

from __future__ import annotations

import re

OLD_TERMS = ("non resident parent", "parent with care", "person with care")
# Hyphens, line breaks and doubled spaces do not hide an old term.
_PATTERN = re.compile("|".join(t.replace(" ", r"[\s\-]+") for t in OLD_TERMS), re.IGNORECASE)


def old_terms_in(text: str) -> list[str]:
    """Each old term found in `text`, as written there (empty when the text is clean)."""
    return [m.group(0) for m in _PATTERN.finditer(text or "")]
