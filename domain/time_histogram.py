"""A fixed histogram of working time on a step, from which the Insight page reads medians and 90th percentiles.

Buckets are bounded by `BOUNDS` (whole seconds): bucket 0 is under 1 minute, then each bucket is 2^(1/4) (about
1.19) times as wide as the one before, up to 2^14 minutes (273 working hours, about 36 working days), and a last
open bucket beyond. A bucket stands for its geometric middle (30 s for the first), so a percentile read from the
histogram is within **9.5% of the exact percentile, plus 30 seconds** (for times under a minute); a percentile in
the open bucket is shown as its lower bound (a floor). The bounds are fixed: stored counts depend on them.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

STEPS_PER_DOUBLING = 4
# Bucket i holds times t with BOUNDS[i-1] <= t < BOUNDS[i] (BOUNDS[-1] read as 0); the last bucket is open.
BOUNDS: tuple[int, ...] = tuple(round(60 * 2 ** (k / STEPS_PER_DOUBLING)) for k in range(14 * STEPS_PER_DOUBLING + 1))
BUCKETS = len(BOUNDS) + 1
RELATIVE_ERROR = 0.095  # sqrt(the widest ratio of neighbouring bounds, 71/60 from rounding) - 1: tested
ABSOLUTE_ERROR = 30.0  # seconds: the first bucket, under a minute, stands for 30 s


def bucket(seconds: int) -> int:
    """The bucket of a working time in whole seconds."""
    return bisect.bisect_right(BOUNDS, seconds)


def middle(index: int) -> float:
    """The value a bucket stands for: its geometric middle (30 s for the first, the floor for the last)."""
    if index == 0:
        return ABSOLUTE_ERROR
    if index >= len(BOUNDS):
        return float(BOUNDS[-1])
    return math.sqrt(BOUNDS[index - 1] * BOUNDS[index])


def percentile(counts: Sequence[int], q: float) -> float | None:
    """As PostgreSQL's percentile_cont over the times, each time taken as its bucket's middle; `counts[i]` is
    how many times fell in bucket i."""
    total = sum(counts)
    if total == 0:
        return None
    rank = q * (total - 1)
    low, high = math.floor(rank), math.ceil(rank)
    values: dict[int, float] = {}
    seen = 0
    for index, n in enumerate(counts):
        for wanted in (low, high):
            if seen <= wanted < seen + n:
                values[wanted] = middle(index)
        seen += n
    return values[low] + (values[high] - values[low]) * (rank - low)
