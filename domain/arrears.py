"""Arrears rules the published procedure gives as figures (P4, Manage Client Arrears): one home each.

The write-off period (30 days) is a date rule and lives with the other date rules in
`domain.deadlines` (`REPRESENTATION_DAYS`, `period_end`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from domain.values import format_money

SOS_WRITE_OFF_LIMIT: Final = Decimal("65.00")
"""Seed 003 (P4): "If there are arrears outstanding due to the Secretary of State (SofS) of a value greater
than £65, these are not written off." Exactly £65.00 can therefore be written off."""

SOS_LIMIT_SHOWN: Final = format_money(SOS_WRITE_OFF_LIMIT).removesuffix(".00")
"""The limit as guidance and the glossary say it, like the seed: "£65"."""


def sos_kept(sos_arrears: Decimal) -> bool:
    """True when the Secretary of State arrears are over the limit, so that part is never written off."""
    return sos_arrears > SOS_WRITE_OFF_LIMIT


def max_write_off(stable_balance: Decimal, sos_arrears: Decimal) -> Decimal:
    """The most the receiving parent can write off: Secretary of State arrears over £65.00 stay."""
    return stable_balance - sos_arrears if sos_kept(sos_arrears) else stable_balance
