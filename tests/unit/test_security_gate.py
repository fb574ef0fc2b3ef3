"""The CI security gate fails on any finding not accepted in the reviewed allow-list, and says why."""

import os
import subprocess
import sys
import urllib.request

import pytest

from tools import security_gate as gate
from tools.security_gate import Accepted, Finding

ROOT = gate.ROOT
REQUIRE = gate.REQUIRE_VAR


def _bandit(test_id="B105", where="casework/demo.py", line='DEMO_PASSWORD = "demo-password"'):
    return Finding("bandit", (test_id,), where, line, f"{where} {test_id}")


ENTRIES = [Accepted("bandit", "B105", "casework/demo.py", "DEMO_PASSWORD =", "demo accounts")]


def test_an_accepted_finding_passes(capsys):
    assert gate.judge("bandit", [_bandit()], ENTRIES) == 0
    assert "1 accepted" in capsys.readouterr().out


@pytest.mark.parametrize(
    "finding",
    [
        _bandit(test_id="B106"),
        _bandit(where="services/auth.py"),
        _bandit(line='ADMIN_PASSWORD = "hunter2"'),
    ],
)
def test_a_finding_differing_in_tool_id_file_or_line_fails_and_is_named(finding, capsys):
    assert gate.judge("bandit", [finding], ENTRIES) == 1
    err = capsys.readouterr().err
    assert finding.summary in err
    assert "not accepted in security-allowlist.txt" in err


def test_a_pip_audit_finding_is_accepted_by_any_of_its_aliases(capsys):
    finding = Finding("pip-audit", ("PYSEC-1", "GHSA-abcd", "CVE-2026-1"), "somepkg", "", "somepkg 1.0: PYSEC-1")
    entry = Accepted("pip-audit", "CVE-2026-1", "somepkg", "", "not reachable from our code")
    assert gate.judge("pip-audit", [finding], [entry]) == 0
    assert gate.judge("pip-audit", [finding], [Accepted("pip-audit", "CVE-2026-1", "other", "", "x")]) == 1


def test_an_allowlist_line_that_no_longer_matches_is_reported(capsys):
    assert gate.judge("bandit", [], ENTRIES) == 0
    assert "no longer occurs" in capsys.readouterr().out


def test_every_line_of_the_committed_allowlist_gives_a_reason():
    entries = gate.load_allowlist()
    assert entries
    assert all(len(e.reason) > 20 for e in entries)


def test_an_allowlist_line_without_a_reason_is_refused(tmp_path):
    path = tmp_path / "allow.txt"
    path.write_text("bandit | B105 | casework/demo.py | DEMO_PASSWORD = |\n")
    with pytest.raises(SystemExit, match="expected 'tool | id | where | line contains | reason'"):
        gate.load_allowlist(path)


def _gate(tmp_path, requirements: str, **env: str) -> subprocess.CompletedProcess[str]:
    reqs = tmp_path / "requirements.txt"
    reqs.write_text(requirements)
    return subprocess.run(  # noqa: S603 - our own gate
        [sys.executable, "tools/security_gate.py", "pip-audit", str(reqs)],
        cwd=ROOT,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_an_unreachable_vulnerability_service_warns_that_nothing_was_checked(tmp_path):
    proxy = "http://127.0.0.1:9"  # the discard port: nothing answers
    result = _gate(
        tmp_path, "idna==3.10\n", HTTPS_PROXY=proxy, https_proxy=proxy, CASEWORK_SKIP_PIP_AUDIT="", **{REQUIRE: ""}
    )
    assert result.returncode == 0
    assert "WARNING: pip-audit could not reach its vulnerability service" in result.stderr
    assert "NOT checked" in result.stderr
    assert f"{REQUIRE}=1" in result.stderr


def test_an_unreachable_vulnerability_service_fails_when_the_audit_is_required(tmp_path):
    proxy = "http://127.0.0.1:9"
    result = _gate(
        tmp_path, "idna==3.10\n", HTTPS_PROXY=proxy, https_proxy=proxy, CASEWORK_SKIP_PIP_AUDIT="", **{REQUIRE: "1"}
    )
    assert result.returncode == 1
    assert "could not reach its vulnerability service" in result.stderr
    assert "WARNING" not in result.stderr


def test_a_dependency_the_service_cannot_answer_for_is_not_passed_silently(tmp_path):
    """pip-audit alone says "No known vulnerabilities found" when it skipped every package."""
    result = _gate(tmp_path, "casework-guide-no-such-package==1.0\n", CASEWORK_SKIP_PIP_AUDIT="", **{REQUIRE: "1"})
    assert result.returncode == 1
    assert "could not check 1 of 1 dependencies" in result.stderr
    assert "could not reach its vulnerability service" in result.stderr


def test_the_skip_variable_skips_pip_audit_and_says_so(tmp_path):
    result = _gate(tmp_path, "idna==3.10\n", HTTPS_PROXY="http://127.0.0.1:9", CASEWORK_SKIP_PIP_AUDIT="1")
    assert result.returncode == 0
    assert "SKIPPED" in result.stdout
    assert "NOT checked" in result.stdout


def _pypi_json_api_answers() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/pypi/requests/2.19.0/json", timeout=10):  # noqa: S310
            return True
    except (OSError, ValueError):
        return False


@pytest.mark.skipif(os.environ.get("CASEWORK_SKIP_PIP_AUDIT") == "1", reason="pip-audit skipped (offline)")
def test_a_dependency_with_a_known_vulnerability_fails_the_gate(tmp_path):
    if not _pypi_json_api_answers():
        pytest.skip("PyPI's JSON API is not reachable from here (a /simple/-only mirror): no advisories to look up")
    result = _gate(tmp_path, "requests==2.19.0\n", **{REQUIRE: "1"})  # several published advisories
    assert result.returncode == 1, result.stdout + result.stderr
    assert "requests 2.19.0:" in result.stderr
    assert "not accepted in security-allowlist.txt" in result.stderr
