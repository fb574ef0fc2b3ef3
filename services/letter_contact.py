"""How a parent can reach us: the phone number, opening hours and postal address printed under the sender on every
letter to a parent, from the environment.

QA found CMSL5501, CMEL9180, CWGL002 and CWGL010 telling a parent to "contact us" with no way to do it. The
published procedures give no phone number or address, so Casework Guide never makes one up: an administrator sets
them for the office that sends the letters (`serve.py` and `make run` read the environment as for the mailboxes,
services/mail_settings.py):

- CASEWORK_LETTER_PHONE: e.g. "0300 000 0000", as the letter should print it;
- CASEWORK_LETTER_HOURS: when the phone lines are open, e.g. "Monday to Friday, 9am to 5pm";
- CASEWORK_LETTER_ADDRESS: the postal address, its lines separated by commas.

Read each time a letter is produced or previewed, so a change needs no restart. Decision, as for a mailbox not
set: a letter is still produced without them (the casework must go on, and a caseworker cannot set them), with
the contact lines left out of it; before it is produced, the letters panel says plainly that it gives no way to
contact us and what to do (`not_set_notice`). The letter studio's samples use their own fictional values.

Once produced, a letter made without them keeps saying so wherever it is listed (the letters panel's Download line,
the finish page, SR detail: `PRODUCED_WITHOUT`), since it still has to have them added before it is sent. That is
what was true when it was produced (`Letter.without_contact`, set from the values it was rendered with), not what is
set today: setting the details later does not put them into a letter already made.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from letters.catalogue import TemplateSpec

ENVIRONMENT = {
    "contact_phone": "CASEWORK_LETTER_PHONE",
    "contact_hours": "CASEWORK_LETTER_HOURS",
    "contact_address": "CASEWORK_LETTER_ADDRESS",
}


def contact_values() -> dict[str, str]:
    """The contact details set for letters, by template field; a detail not set is left out."""
    values: dict[str, str] = {}
    for name, variable in ENVIRONMENT.items():
        raw = os.environ.get(variable, "").strip()
        if name == "contact_address":
            raw = "\n".join(part.strip() for part in raw.split(",") if part.strip())
        if raw:
            values[name] = raw
    return values


def is_set() -> bool:
    """A parent has a way to reach us: a phone number or a postal address is set."""
    values = contact_values()
    return "contact_phone" in values or "contact_address" in values


def with_contact(spec: TemplateSpec, context: Mapping[str, Any]) -> dict[str, Any]:
    """A letter's values with the contact details set now, for a template that prints them."""
    if not spec.prints_contact:
        return dict(context)
    return {**context, **contact_values()}


def lacks_contact(spec: TemplateSpec, values: Mapping[str, Any]) -> bool:
    """A letter to a parent rendered with these values gives no way to reach us (no phone number, no address)."""
    return spec.prints_contact and not (values.get("contact_phone") or values.get("contact_address"))


# Said on a produced letter's line (letters panel, finish page, SR detail) when it was made without them.
PRODUCED_WITHOUT = (
    "This letter has no contact details: our phone number and address for letters were not set when it was "
    "produced. Add them to the letter by hand before you send it."
)
# The same, where a table cell says where a letter stands (finish page, SR detail).
PRODUCED_WITHOUT_SHORT = "Produced without our contact details: add them by hand before you send it"


def not_set_notice(spec: TemplateSpec) -> str | None:
    """What the caseworker reads before producing a letter to a parent when no way to contact us is set."""
    if not spec.prints_contact or is_set():
        return None
    return (
        "This letter will not say how to contact us: our phone number and address for letters are not set. Add "
        "them to the letter by hand before you send it, and ask an administrator to set them."
    )
