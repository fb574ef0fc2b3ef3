"""The procedure map a caseworker reads: every step by its title, the path this run took, where it is now.

Drawn from the procedure's definition (its machine's states and transitions) rather than python-statemachine's
own diagram, which names states and guards as code (`Proceed [information_found]`, `P1Machine`). Node ids are
neutral (`step1`), and every node's tooltip is its title, so no code name reaches the browser even on hover.
The DOT text depends only on the procedure, its version and the path, so it is built once and kept.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

from procedures import registry

DONE_FILL, DONE_LINE = "#cce2d8", "#00703c"  # GOV.UK green tints: steps this run has been through
HERE_FILL, HERE_TEXT = "#1d70b8", "#ffffff"  # GOV.UK blue: where the run is now
OTHER_LINE, OTHER_TEXT = "#b1b4b6", "#505a5f"  # grey: steps this run has not reached (yet, or on another path)
LEGEND = (
    "Green: steps this run has been through, joined by the path it took. Blue: where it is now. "
    "Grey: steps it has not reached."
)


def procedure_map(procedure_id: str, version: str, history: tuple[str, ...]) -> str:
    """DOT for the procedure's steps by title, with the run's path (`history`, its last item the current step)."""
    return _procedure_map(procedure_id, version, tuple(history))


def path_in_words(procedure_id: str, version: str, history: tuple[str, ...]) -> str:
    """The path as text beside the drawing (a screen reader reads this, not the picture)."""
    steps = registry.get(procedure_id, version).steps
    return "Steps so far: " + "; ".join(
        f"{n}. {steps[s].title}" + (" (you are here)" if n == len(history) else "")
        for n, s in enumerate(history, start=1)
    )


def _label(title: str) -> str:
    return "\\n".join(textwrap.wrap(title.replace("\\", "\\\\").replace('"', '\\"'), width=28)) or " "


@lru_cache(maxsize=1024)
def _procedure_map(procedure_id: str, version: str, history: tuple[str, ...]) -> str:
    procedure = registry.get(procedure_id, version)
    states = list(procedure.machine.states)
    ids = {state.id: f"step{n}" for n, state in enumerate(states, start=1)}
    current = history[-1] if history else procedure.initial
    visited = set(history)
    taken = set(zip(history, history[1:], strict=False))
    lines = [
        "digraph {",
        '  graph [rankdir=TB, bgcolor="transparent", nodesep=0.3, ranksep=0.35];',
        f'  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="{OTHER_LINE}", '
        f'fontcolor="{OTHER_TEXT}", fontname="Helvetica", fontsize=11, margin="0.15,0.07"];',
        f'  edge [color="{OTHER_LINE}", arrowsize=0.6];',
    ]
    for state in states:
        title = procedure.steps[state.id].title
        label = _label(title)
        attrs = [f'label="{label}"', f'tooltip="{label}"']
        if state.id == current:
            attrs += [f'fillcolor="{HERE_FILL}"', f'fontcolor="{HERE_TEXT}"', f'color="{HERE_FILL}"', "penwidth=2"]
        elif state.id in visited:
            attrs += [f'fillcolor="{DONE_FILL}"', f'color="{DONE_LINE}"', 'fontcolor="#0b0c0c"']
        if procedure.steps[state.id].final:
            attrs.append('style="rounded,filled,bold"')
        lines.append(f"  {ids[state.id]} [{', '.join(attrs)}];")
    edges = dict.fromkeys((state.id, t.target.id) for state in states for t in state.transitions)
    for source, target in edges:
        attrs = [f'tooltip="{_label(procedure.steps[source].title)} to {_label(procedure.steps[target].title)}"']
        if (source, target) in taken:
            attrs += [f'color="{DONE_LINE}"', "penwidth=2.5"]
        lines.append(f"  {ids[source]} -> {ids[target]} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines)
