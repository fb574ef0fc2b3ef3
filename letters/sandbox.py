"""The Jinja environment letter templates run in: sandboxed, and unable to build huge values.

Jinja's SandboxedEnvironment stops templates reaching into Python objects, not CPU or memory. Here:
- `*`, `+`, `**` and `%` are intercepted: a string or list may not grow past MAX_SEQUENCE items, powers
  stay small, and `%` string formatting is refused (it can pad to any width);
- no globals at all (`range`, `lipsum`, `cycler`, `joiner`, `namespace`, `dict`): our templates use only
  their declared fields, and `{{ lipsum }}` printed a function's memory address into a letter;
- a short list of filters, none of which can pad, repeat or mark text as safe XML (`safe` would let a
  value write raw Word XML), and no calls of string methods that pad or repeat (`ljust`, `center`, ...).
Whatever still gets through (loops over loops) is stopped by the render budget (letters.worker).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_SEQUENCE = 100_000
MAX_POWER_BITS = 256
SAFE_FILTERS = (
    "abs", "capitalize", "count", "default", "d", "e", "escape", "first", "int", "last", "length", "lower",
    "max", "min", "round", "sort", "string", "sum", "title", "trim", "unique", "upper", "wordcount",
)  # fmt: skip
SAFE_STR_METHODS = frozenset(
    {"upper", "lower", "title", "capitalize", "strip", "lstrip", "rstrip", "startswith", "endswith", "isdigit"}
)
_SIZED = (str, list, tuple)


def _too_long(size: int) -> SecurityError:
    return SecurityError(f"the template builds a value of {size:,} characters or items (limit {MAX_SEQUENCE:,})")


def _multiply(left: Any, right: Any) -> Any:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, _SIZED) and isinstance(times, int) and len(seq) * max(times, 0) > MAX_SEQUENCE:
            raise _too_long(len(seq) * times)
    return operator.mul(left, right)


def _add(left: Any, right: Any) -> Any:
    if isinstance(left, _SIZED) and isinstance(right, _SIZED) and len(left) + len(right) > MAX_SEQUENCE:
        raise _too_long(len(left) + len(right))
    return operator.add(left, right)


def _power(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
        if right * math.log2(abs(left)) > MAX_POWER_BITS:
            raise SecurityError("the template raises a number to too large a power")
    return operator.pow(left, right)


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        raise SecurityError("letter templates cannot format text with %")
    return operator.mod(left, right)


BINOPS: dict[str, Callable[[Any, Any], Any]] = {"*": _multiply, "+": _add, "**": _power, "%": _modulo}


class LetterSandbox(SandboxedEnvironment):
    """SandboxedEnvironment with size-checked operators, no globals and a short list of filters."""

    intercepted_binops = frozenset(BINOPS)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.clear()
        self.filters = {name: self.filters[name] for name in SAFE_FILTERS}
        self.tests = dict(self.tests)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return BINOPS[operator](left, right)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        if isinstance(getattr(obj, "__self__", None), str) and getattr(obj, "__name__", "") not in SAFE_STR_METHODS:
            raise SecurityError(f"letter templates cannot call the text method {obj.__name__!r}")
        return super().call(context, obj, *args, **kwargs)
