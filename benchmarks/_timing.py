"""Timing shared by the database benchmarks: medians of calls run in turn, so every side sees the same load."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def medians_ms(*fns: Callable[[], Any], repeat: int) -> list[float]:
    """Median wall times of each of `fns` over `repeat` rounds, run in turn so all see the same load on a shared
    machine; each runs once first to warm the caches and the connection pool."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, into in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            into.append((time.perf_counter() - start) * 1000)
    return [statistics.median(t) for t in times]
