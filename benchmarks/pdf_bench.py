"""What a caseworker waits for when a letter becomes a PDF: LibreOffice kept running (letters/pdf_converter.py)
against one LibreOffice started for each letter (the way before 7 December 2026), in the same run.

    .venv/bin/python benchmarks/pdf_bench.py [--letters 20]

No app server or port: both ways run in this process, on CMEL9180 (the letter produced as PDF), rendered once. The
two ways are interleaved letter by letter so both see the same load. The kept LibreOffice's start (paid by the
first letter after the server starts) is timed on its own and is not in its median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from letters import catalogue, pdf_converter  # noqa: E402
from letters.pdf import pdf_available, to_pdf  # noqa: E402
from letters.render import render  # noqa: E402


def _timed(content: bytes) -> float:
    started = time.perf_counter()
    to_pdf(content)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=20)
    args = parser.parse_args()
    if not pdf_available():
        sys.exit("LibreOffice (soffice) is not installed: there is nothing to measure.")
    if pdf_converter.uno_python() is None:
        sys.exit("No Python with LibreOffice's uno module (apt-get install python3-uno): only the old way runs.")
    spec = catalogue.get("CMEL9180")
    content = render(spec, spec.values_for("standard")).content
    print("No app server or port: both ways run in this process.")

    start = _timed(content)  # the kept LibreOffice starts here
    kept_pid = pdf_converter.worker_pid()
    kept, oneshot = [], []
    for _ in range(args.letters):
        kept.append(_timed(content))
        os.environ["CASEWORK_PDF_CONVERTER"] = "oneshot"
        oneshot.append(_timed(content))
        del os.environ["CASEWORK_PDF_CONVERTER"]
    if pdf_converter.worker_pid() != kept_pid:
        print("note: the kept LibreOffice was started again during the run (it stopped): figures include a start")
    pdf_converter.stop()

    k, o = statistics.median(kept) * 1000, statistics.median(oneshot) * 1000
    n = args.letters
    print(f"first letter, kept LibreOffice starting:     {start * 1000:.0f} ms")
    print(f"kept LibreOffice, a letter:                  median {k:.0f} ms over {n} (max {max(kept) * 1000:.0f})")
    print(f"one LibreOffice per letter (before), a letter: median {o:.0f} ms over {n} (max {max(oneshot) * 1000:.0f})")
    print(f"ratio: {k / o:.2f} of the time before ({o / k:.1f}x faster)")


if __name__ == "__main__":
    main()
