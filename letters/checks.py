"""Checks a template must pass before it is used: the same for committed files and uploaded versions.

1. It is a Word .docx of sensible size with small styles (big style sheets make every letter slow).
2. Contract: it uses exactly the fields its registry entry declares (plus derived values).
3. It renders with every sample and every conditional variant, showing the text each must show
   (for CMSL5501, the exact "What we'll talk about" paragraph for each reason) and no leftover tags.
4. Terminology: none of the old terms (domain.terminology.OLD_TERMS) in the template or in anything
   it renders.
"""

from __future__ import annotations

import io
import zipfile

from domain.terminology import old_terms_in
from letters.catalogue import TemplateSpec
from letters.fields import ContextError
from letters.render import docx_text, render, template_variables

MAX_TEMPLATE_BYTES = 2_000_000
MAX_STYLES_BYTES = 150_000
MAX_UNPACKED_BYTES = 30_000_000  # refuses a "zip bomb" before anything unpacks it


def _structure(content: bytes) -> list[str]:
    if len(content) > MAX_TEMPLATE_BYTES:
        return [f"The file is {len(content):,} bytes; a letter template must be under {MAX_TEMPLATE_BYTES:,}."]
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                return ["This is not a Word document (.docx): it has no word/document.xml."]
            styles = archive.getinfo("word/styles.xml").file_size if "word/styles.xml" in names else 0
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return ["This is not a Word document (.docx). Save it from Word as 'Word Document (*.docx)'."]
    if unpacked > MAX_UNPACKED_BYTES:
        return [
            f"The file unpacks to {unpacked:,} bytes; a letter template must unpack to under {MAX_UNPACKED_BYTES:,}."
        ]
    if styles > MAX_STYLES_BYTES:
        return [
            f"Its styles take {styles:,} bytes (limit {MAX_STYLES_BYTES:,}), which makes every letter slow to "
            "produce. Start from the current version and remove unused styles."
        ]
    return []


def check_template(spec: TemplateSpec, content: bytes) -> list[str]:
    """Every reason this .docx cannot be used for `spec` (empty when it passes)."""
    problems = _structure(content)
    if problems:
        return problems
    try:
        used = template_variables(content)
        text = docx_text(content)
    except Exception as exc:  # a broken template can fail in many ways inside Jinja or lxml
        return [f"The template cannot be read: {exc}"]
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
    for scenario in spec.all_scenarios():
        name = f"{scenario.label} ({scenario.key})"
        try:
            rendered = docx_text(render(spec, spec.values_for(scenario.key), content).content)
        except ContextError as exc:  # a registry bug rather than a template one, but never let it through
            problems.append(f"Sample {name} is not valid: {exc}")
            continue
        except Exception as exc:
            problems.append(f"It does not render with the sample {name}: {exc}")
            continue
        for expected in scenario.expect:
            if expected not in rendered:
                problems.append(f"With the sample {name} it does not show: “{expected}”.")
        if "{{" in rendered or "{%" in rendered:
            problems.append(f"With the sample {name} it leaves template tags in the letter (check the {{ }} marks).")
        for term in sorted(set(old_terms_in(rendered))):
            problems.append(f"With the sample {name} it says '{term}'.")
    return problems
