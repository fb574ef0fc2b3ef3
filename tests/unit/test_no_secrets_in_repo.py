"""No secrets in the repository: no secrets file is tracked (and .gitignore keeps them out), and no tracked
file holds a private key or a token of the usual shapes. Demo and test values are fictional by design."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET_FILES = re.compile(r"(^|/)(\.env(\..*)?|secrets\.toml|.*\.pem|.*\.key|id_rsa.*|.*\.p12|.*\.pfx)$")
SECRET_TEXT = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "password in a URL": re.compile(r"\b(postgresql|postgres|mysql|smtp)(\+\w+)?://[^:/\s]+:(?!\*)[^@\s/]{6,}@"),
}
FICTIONAL = ("test", "example", "demo", "password@", "secret@", "s3cret", "pass@", "user:pw@", "{", "<")


def _tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)  # noqa: S607
    return [p for p in out.stdout.decode().split("\0") if p]


def test_no_secrets_file_is_tracked_and_gitignore_keeps_them_out():
    assert [p for p in _tracked() if SECRET_FILES.search(p)] == []
    ignored = (ROOT / ".gitignore").read_text().split()
    assert {".streamlit/secrets.toml", ".env"} <= set(ignored)


def test_no_tracked_file_holds_a_private_key_or_token():
    found = []
    for name in _tracked():
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for what, pattern in SECRET_TEXT.items():
            for match in pattern.finditer(text):
                if what == "password in a URL" and any(word in match.group(0).lower() for word in FICTIONAL):
                    continue
                found.append(f"{name}: {what}: {match.group(0)[:40]}")
    assert found == []
