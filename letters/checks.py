"""Checks a template must pass before it is used: the same for committed files and uploaded versions.

1. It is a Word .docx of sensible size with small styles (big style sheets make every letter slow), with no
   macros (vbaProject.bin, a macro-enabled .docm), ActiveX or embedded objects, and no document type
   declarations in any XML part (external entities, XXE): letters.package.
2. Contract: it uses exactly the fields its registry entry declares (plus derived values).
3. It renders with every sample and every conditional variant, showing the text each must show
   (for CMSL5501, the exact "What we'll talk about" paragraph for each reason) and no leftover tags.
4. Terminology: none of the old terms (domain.terminology.OLD_TERMS) in the template or in anything
   it renders.

Checks 2 to 4 run the template, so for an upload they run in a worker under the render budget
(letters.worker): a template that takes too long or too much memory is refused with that reason.
"""

from __future__ import annotations

import contextlib
import re

from jinja2.exceptions import SecurityError, TemplateSyntaxError

from domain.terminology import old_terms_in
from letters import worker
from letters.catalogue import TemplateSpec
from letters.fields import ContextError
from letters.package import package_problems
from letters.render import docx_text, render, template_variables

_ADDRESS = re.compile(r"<[^<>]*\bat 0x[0-9a-fA-F]+>")  # "<_io.BytesIO object at 0x7f...>" means nothing to anyone


def plain_reason(exc: BaseException) -> str:
    """Why a template failed, in words: Jinja's message, never an object's memory address or a Python type."""
    if isinstance(exc, SecurityError):
        return f"it does something letter templates may not do ({exc})"
    if isinstance(exc, TemplateSyntaxError):
        return f"a {{{{ }}}} or {{% %}} tag is not written correctly ({exc.message}, line {exc.lineno})"
    text = _ADDRESS.sub("the file", str(exc)).strip()
    return text or "it could not be read as a Word letter template"


def check_template(spec: TemplateSpec, content: bytes) -> list[str]:
    """Every reason this .docx cannot be used for `spec` (empty when it passes); runs under the render budget."""
    problems = package_problems(content)
    if problems or worker.IN_WORKER:
        return problems or check_template_here(spec, content)
    try:
        return worker.check_template(spec.code, content)
    except (worker.BudgetExceeded, worker.TemplateFault) as exc:
        return [f"The template cannot be used: {exc}."]


def check_template_here(spec: TemplateSpec, content: bytes) -> list[str]:
    """check_template's checks 2 to 4, in this process (a worker's, or for the committed templates)."""
    problems = package_problems(content)
    if problems:
        return problems
    try:
        with worker.time_limit() if worker.IN_WORKER else contextlib.nullcontext():
            used = template_variables(content)
        text = docx_text(content)
    except (MemoryError, worker.BudgetExceeded):
        raise
    except Exception as exc:  # a broken template can fail in many ways inside Jinja or lxml
        return [f"The template cannot be read: {plain_reason(exc)}."]
    for term in sorted(set(old_terms_in(text))):
        problems.append(f"The template says '{term}'; letters say 'receiving parent' or 'paying parent'.")
    unused = sorted(spec.variables - used)
    unknown = sorted(used - spec.variables)
    if unused:
        problems.append("The template does not use these fields: " + ", ".join(unused) + ".")
    if unknown:
        problems.append(
            "The template uses fields that no procedure step supplies: "
            + ", ".join(unknown)
            + f". The fields of {spec.code} are: "
            + ", ".join(sorted(spec.variables))
            + "."
        )
    if unused or unknown:
        return problems
    return problems + _sample_problems(spec, content, set(old_terms_in(text)))


def _sample_problems(spec: TemplateSpec, content: bytes, said_already: set[str]) -> list[str]:
    """What goes wrong with the samples, each problem once with the samples it happens with, by their labels.

    QA: a refusal repeated one sentence for each of 13 samples, each named by its internal key.
    """
    found: dict[str, list[str]] = {}
    scenarios = spec.all_scenarios()
    for scenario in scenarios:
        here: list[str] = []
        try:
            rendered = docx_text(render(spec, spec.values_for(scenario.key), content).content)
        except ContextError:  # a registry bug rather than a template one, but never let it through
            here.append("its sample values are refused, which is a fault in Casework Guide: please report it")
        except (MemoryError, worker.BudgetExceeded):
            raise  # the first sample over the budget ends the check: the rest would take as long
        except Exception as exc:
            here.append(f"it does not render: {plain_reason(exc)}")
        else:
            here += [f"it does not show: “{expected}”" for expected in scenario.expect if expected not in rendered]
            if "{{" in rendered or "{%" in rendered:
                here.append("it leaves template tags in the letter (check the {{ }} and {% %} marks)")
            here += [
                f"it says '{term}'; letters say 'receiving parent' or 'paying parent'"
                for term in sorted(set(old_terms_in(rendered)) - said_already)
            ]
        for problem in here:
            found.setdefault(problem, []).append(scenario.label)
    return [f"With {_which(labels, len(scenarios))}, {problem.rstrip('.')}." for problem, labels in found.items()]


def _which(labels: list[str], total: int) -> str:
    """'every sample letter' or 'the sample “A”' or 'the samples “A”, “B” and “C”'."""
    if total > 1 and len(labels) == total:
        return f"every sample letter ({total})"
    quoted = [f"“{label}”" for label in labels]
    if len(quoted) == 1:
        return f"the sample {quoted[0]}"
    return "the samples " + ", ".join(quoted[:-1]) + " and " + quoted[-1]
