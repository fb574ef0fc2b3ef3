"""CI gate: run bandit or pip-audit and fail on any finding not accepted in security-allowlist.txt.

    python tools/security_gate.py bandit PATH...
    python tools/security_gate.py pip-audit REQUIREMENTS.txt

pip-audit needs its vulnerability service: PyPI's JSON API, or OSV with CASEWORK_PIP_AUDIT_SERVICE=osv.
When it cannot be reached, or cannot answer for every dependency, the gate prints a warning that the
dependencies were NOT checked and passes: the build machines this project runs on reach PyPI only through
a mirror that serves /simple/ and not the JSON API, and a gate that always fails there would block every
change. CASEWORK_REQUIRE_PIP_AUDIT=1 (set it where the service is reachable, e.g. a release pipeline)
makes an unchecked dependency a failure; CASEWORK_SKIP_PIP_AUDIT=1 skips the check without asking.
Findings that are reported always fail unless accepted in security-allowlist.txt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / "security-allowlist.txt"
SKIP_VAR = "CASEWORK_SKIP_PIP_AUDIT"
REQUIRE_VAR = "CASEWORK_REQUIRE_PIP_AUDIT"


@dataclass(frozen=True)
class Accepted:
    tool: str
    id: str
    where: str
    fragment: str
    reason: str


@dataclass(frozen=True)
class Finding:
    tool: str
    ids: tuple[str, ...]
    where: str
    line: str
    summary: str


def load_allowlist(path: Path = ALLOWLIST) -> list[Accepted]:
    entries = []
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) != 5 or not parts[4]:
            raise SystemExit(f"{path.name}:{number}: expected 'tool | id | where | line contains | reason'")
        entries.append(Accepted(*parts))
    return entries


def accepted_by(finding: Finding, entries: list[Accepted]) -> Accepted | None:
    for entry in entries:
        if (
            entry.tool == finding.tool
            and entry.id in finding.ids
            and entry.where == finding.where
            and entry.fragment in finding.line
        ):
            return entry
    return None


def _json_report(module: str, *args: str) -> tuple[dict[str, Any] | None, str]:
    """Run a scanner (`python -m module args`) that prints a JSON report: (the report or None, its stderr)."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    try:
        return json.loads(result.stdout), result.stderr
    except json.JSONDecodeError:
        return None, result.stderr


def bandit_findings(paths: list[str]) -> list[Finding]:
    report, errors = _json_report("bandit", "-q", "-r", "--ignore-nosec", "-f", "json", *paths)
    if report is None:
        raise SystemExit(f"bandit did not run: {errors.strip()}")
    return [
        Finding(
            "bandit",
            (r["test_id"],),
            r["filename"].removeprefix("./"),
            _line(r["filename"], r["line_number"]),
            f"{r['filename']}:{r['line_number']} {r['test_id']} ({r['issue_severity']}): {r['issue_text']}",
        )
        for r in report.get("results", [])
    ]


def _line(filename: str, number: int) -> str:
    lines = (ROOT / filename).read_text().splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


def pip_audit_findings(requirements: str) -> list[Finding] | None:
    """The findings, or None when the vulnerability service could not be asked about every dependency.

    pip-audit itself reports "No known vulnerabilities found" when PyPI's JSON API answers 404 for
    every package (as behind an index mirror that serves only /simple/): it skips them all. A skipped
    dependency is an unchecked one, so it fails the gate here.
    """
    report, errors = _json_report(
        "pip_audit",
        "--requirement",
        requirements,
        "--no-deps",  # the file is the whole locked set already
        "--disable-pip",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--vulnerability-service",
        os.environ.get("CASEWORK_PIP_AUDIT_SERVICE", "pypi"),
    )
    if report is None:
        print(errors.strip()[-2000:], file=sys.stderr)
        return None
    unchecked = [d for d in report.get("dependencies", []) if "skip_reason" in d]
    if unchecked:
        print(
            f"pip-audit could not check {len(unchecked)} of {len(report.get('dependencies', []))} dependencies, "
            f"for example: {unchecked[0]['skip_reason']}",
            file=sys.stderr,
        )
        return None
    findings = []
    for dep in report.get("dependencies", []):
        for vuln in dep.get("vulns", []):
            findings.append(
                Finding(
                    "pip-audit",
                    (vuln["id"], *vuln.get("aliases", [])),
                    dep["name"],
                    "",
                    f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {_fixes(vuln)})",
                )
            )
    return findings


def _fixes(vuln: dict) -> str:
    return ", ".join(vuln.get("fix_versions") or ["no release yet"])


def judge(tool: str, findings: list[Finding], entries: list[Accepted]) -> int:
    used, refused = set(), []
    for finding in findings:
        entry = accepted_by(finding, entries)
        if entry is None:
            refused.append(finding)
        else:
            used.add(entry)
    for entry in entries:
        if entry.tool == tool and entry not in used:
            print(f"warning: {ALLOWLIST.name} accepts {entry.id} in {entry.where}, which no longer occurs; remove it.")
    for finding in refused:
        print(f"{tool}: {finding.summary}", file=sys.stderr)
    accepted = len(findings) - len(refused)
    if refused:
        print(
            f"{tool}: {len(refused)} finding(s) not accepted in {ALLOWLIST.name} (fix them, or add a reviewed line "
            "with the reason).",
            file=sys.stderr,
        )
        return 1
    print(f"{tool}: no findings beyond the {accepted} accepted in {ALLOWLIST.name}.")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("bandit", "pip-audit"):
        print(__doc__, file=sys.stderr)
        return 2
    entries = load_allowlist()
    if argv[0] == "bandit":
        return judge("bandit", bandit_findings(argv[1:]), entries)
    if os.environ.get(SKIP_VAR) == "1":
        print(f"pip-audit: SKIPPED because {SKIP_VAR}=1 (dependencies were NOT checked for known vulnerabilities).")
        return 0
    findings = pip_audit_findings(argv[1])
    if findings is None:
        required = os.environ.get(REQUIRE_VAR) == "1"
        print(
            ("" if required else "WARNING: ")
            + "pip-audit could not reach its vulnerability service (PyPI's JSON API, or OSV with "
            "CASEWORK_PIP_AUDIT_SERVICE=osv), so the dependencies were NOT checked for known "
            "vulnerabilities. "
            + (
                f"{REQUIRE_VAR}=1 makes that a failure."
                if required
                else f"Set {REQUIRE_VAR}=1 where the service is reachable to make this a failure."
            ),
            file=sys.stderr,
        )
        return 1 if required else 0
    return judge("pip-audit", findings, entries)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
