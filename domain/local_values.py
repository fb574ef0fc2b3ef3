"""Values this service sets itself where the published procedures give none, each said to be local.

A value here is never presented as if a seed gave it: where it shows (a hint, a letter field's help
in the studio), it says it is a local value and whether policy staff have confirmed it.
"""

from __future__ import annotations

from typing import Final, Literal

Source = Literal["local", "unconfirmed"]

REPLY_PERIOD_DAYS: Final = 30
"""P4: calendar days the receiving parent has to answer the stable balance letter (its "reply by" date).

Seed 003 says the receiving parent is "asked if they wish for their arrears to be pursued" and that
"if the receiving parent does not respond to the letter issued, the full arrears figure is
financially transitioned", but gives no reply period. 30 days is this service's own choice, the
same length as the write-off period the seed does give; policy staff have not confirmed it yet.
"""
REPLY_PERIOD_SOURCE: Final[Source] = "unconfirmed"

REPLY_PERIOD_NOTE: Final = (
    f"Local value, not from the published procedure: {REPLY_PERIOD_DAYS} days from the letter date "
    f"({'not yet confirmed by policy staff' if REPLY_PERIOD_SOURCE == 'unconfirmed' else 'set by policy staff'})."
)
"""How the studio and the wizard say where the reply period comes from."""
