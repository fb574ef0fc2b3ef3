"""benchmarks/wizard_trace.py takes a Chromium trace apart: each step's window from the page's two marks, the main
thread's busy time and each event's own time (less its children's) inside it, and the JavaScript samples in it."""

import pytest

from benchmarks import wizard_trace

MAIN, OTHER = (1, 2), (1, 3)


def span(name, ts, dur, thread=MAIN):
    return {"name": name, "ph": "X", "ts": ts, "dur": dur, "pid": thread[0], "tid": thread[1]}


def mark(message, ts):
    return {"name": "TimeStamp", "ph": "I", "ts": ts, "pid": 1, "tid": 2, "args": {"data": {"message": message}}}


TRACE = [
    mark("step clicked", 1_000),
    span("RunTask", 2_000, 6_000),
    span("FunctionCall", 2_500, 4_000),
    span("UpdateLayoutTree", 3_000, 1_000),  # inside the FunctionCall: its time is not the call's own
    span("RunTask", 2_000, 9_000, thread=OTHER),  # another thread: not the page's main thread
    mark("step painted", 11_000),
    span("RunTask", 20_000, 5_000),  # after the step: not counted
    {"name": "Profile", "id": "0x1", "pid": 1, "tid": 2, "args": {"data": {"startTime": 0}}},
    {
        "name": "ProfileChunk",
        "id": "0x1",
        "pid": 1,
        "tid": 2,
        "args": {
            "data": {
                "cpuProfile": {
                    "nodes": [{"id": 1, "callFrame": {"functionName": "Ho", "url": "http://h/static/js/react-dom.js"}}],
                    "samples": [1, 1, 1],
                },
                "timeDeltas": [1_500, 1_000, 20_000],  # at 1.5 ms and 2.5 ms (in the window), then 22.5 ms
            }
        },
    },
]


def test_a_step_window_is_taken_apart_into_busy_time_own_times_and_samples():
    steps, thread = wizard_trace.windows(TRACE)
    assert steps == [(1_000, 11_000)]
    assert thread == MAIN

    busy, window, own = wizard_trace.self_times(TRACE, thread, steps)
    assert (busy, window) == (6.0, 10.0)
    assert own == {"RunTask": 2.0, "FunctionCall": 3.0, "UpdateLayoutTree": 1.0}

    assert wizard_trace.samples(TRACE, 1, steps) == {"Ho react-dom.js": 2.0}


def test_a_trace_without_the_marks_is_refused_with_the_reason():
    with pytest.raises(SystemExit, match="no step marks"):
        wizard_trace.windows([span("RunTask", 0, 10)])
