"""Letters per second through the product's renderer against bare docxtpl, and preview HTML time.

    .venv/bin/python benchmarks/letters_bench.py            # 1,000 CMSL5501 letters
    .venv/bin/python benchmarks/letters_bench.py --n 100    # quick run while developing

The product's renderer (letters.render.render) checks and converts the JSON context, formats
dates and money, then renders with docxtpl (autoescape on). The baseline is bare docxtpl
rendering the same committed template with the same (already formatted) values, autoescape
on as well, measured in the same run; the two are interleaved in batches so that machine noise
falls on both. Goal: product >= 0.8 of bare. Preview goal: median HTML under 100 ms.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docxtpl import DocxTemplate  # noqa: E402

from letters import catalogue  # noqa: E402
from letters.render import render, to_html  # noqa: E402

BATCH = 50


def bare(path: Path, values: dict) -> bytes:
    doc = DocxTemplate(path)
    doc.render(values, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000, help="letters through each renderer")
    parser.add_argument("--previews", type=int, default=200)
    args = parser.parse_args()

    spec = catalogue.get("CMSL5501")
    reasons = [r for r, _ in catalogue.REASONS]
    contexts = []
    for i in range(args.n):
        reason = reasons[i % len(reasons)]
        ctx = {**spec.values_for("payments"), "reason": reason, "recipient_name": f"Client {i} O'Brien"}
        if reason == "other":
            ctx["other_details"] = catalogue.OTHER_SAMPLE
        contexts.append(ctx)
    formatted = [catalogue.display_context(spec, catalogue.typed_context(spec, c)) for c in contexts]
    render(spec, contexts[0]), bare(spec.path, formatted[0])  # warm up imports and caches

    product_s = bare_s = 0.0
    for start in range(0, args.n, BATCH):
        t = time.perf_counter()
        for ctx in contexts[start : start + BATCH]:
            render(spec, ctx)
        product_s += time.perf_counter() - t
        t = time.perf_counter()
        for values in formatted[start : start + BATCH]:
            bare(spec.path, values)
        bare_s += time.perf_counter() - t

    letter = render(spec, contexts[0]).content
    html_ms = []
    full_ms = []
    for _ in range(args.previews):
        t = time.perf_counter()
        to_html(letter)
        html_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        to_html(render(spec, contexts[0]).content)
        full_ms.append((time.perf_counter() - t) * 1000)

    product_rate, bare_rate = args.n / product_s, args.n / bare_s
    print("No server or port: letters rendered in this process.")
    print(f"CMSL5501 letters: {args.n}")
    print(f"  product renderer : {product_rate:8.1f} letters/s ({product_s:.2f} s)")
    print(f"  bare docxtpl     : {bare_rate:8.1f} letters/s ({bare_s:.2f} s)")
    print(f"  ratio            : {product_rate / bare_rate:8.2f} (goal >= 0.80)")
    print(f"Preview of a one-page letter, median of {args.previews}:")
    print(f"  mammoth HTML only        : {statistics.median(html_ms):6.1f} ms (goal < 100 ms)")
    print(f"  render + mammoth HTML    : {statistics.median(full_ms):6.1f} ms")


if __name__ == "__main__":
    main()
