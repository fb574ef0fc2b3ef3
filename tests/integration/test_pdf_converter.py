"""The LibreOffice kept running for PDF letters (letters/pdf_converter.py): real LibreOffice, real PDFs read back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from letters import catalogue, pdf_converter
from letters.pdf import NOT_CONVERTED, PdfUnavailable, to_pdf
from letters.render import render
from tests.pdfs import pdf_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def kept(libreoffice: None) -> Iterator[None]:
    """A process with no kept LibreOffice before and after the test, and a Python with `uno` (CI installs it)."""
    pdf_converter.stop()
    pdf_converter.uno_python.cache_clear()
    if pdf_converter.uno_python() is None:
        if os.environ.get("REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice's Python module (python3-uno) is not installed")
        pytest.skip("no Python with LibreOffice's uno module (apt-get install python3-uno)")
    yield
    pdf_converter.stop()
    pdf_converter.uno_python.cache_clear()
    pdf_converter._down_until = 0.0  # a test that made the start fail must not slow the next test's letters


def _letter(name: str) -> bytes:
    spec = catalogue.get("CMEL9180")
    return render(spec, spec.values_for("standard") | {"recipient_name": name}).content


def _group_alive(pid: int) -> bool:
    """Is any process of the worker's group (the worker, LibreOffice) still running? (ps, not the module's own
    /proc reading, so the test does not grade the product by its own helper.)"""
    found = subprocess.run(["ps", "-o", "stat=", "-g", str(pid)], capture_output=True, text=True).stdout.split()
    return any(not state.startswith("Z") for state in found)


def test_one_kept_libreoffice_converts_letter_after_letter(kept: None) -> None:
    first = pdf_text(to_pdf(_letter("Ms First <&>")))
    worker = pdf_converter.worker_pid()
    second = pdf_text(to_pdf(_letter("Mr Second")))
    assert "Ms First <&>" in first
    assert "Mr Second" in second
    assert "Ms First" not in second
    assert worker is not None
    assert pdf_converter.worker_pid() == worker


def test_a_letter_is_still_made_when_libreoffice_dies_and_the_next_starts_another(kept: None) -> None:
    to_pdf(_letter("Before"))
    worker = pdf_converter.worker_pid()
    assert worker is not None
    office = subprocess.run(["pgrep", "-g", str(worker), "soffice.bin"], capture_output=True, text=True).stdout.split()
    assert office, "the kept LibreOffice runs in the worker's process group"
    for pid in office:
        os.kill(int(pid), signal.SIGKILL)
    assert "During the crash" in pdf_text(to_pdf(_letter("During the crash")))  # converted on its own
    assert "After the crash" in pdf_text(to_pdf(_letter("After the crash")))
    assert pdf_converter.worker_pid() not in (None, worker)  # a new one
    assert not _group_alive(worker)


def test_a_letter_that_takes_too_long_is_refused_plainly_and_the_worker_replaced(
    kept: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    to_pdf(_letter("Warm"))
    worker = pdf_converter.worker_pid()
    assert worker is not None
    profile = Path(pdf_converter._worker.profile)  # type: ignore[union-attr]  # running: just checked
    assert profile.is_dir()
    monkeypatch.setattr(pdf_converter, "CONVERT_TIMEOUT_SECONDS", 0.0)
    with pytest.raises(PdfUnavailable) as refused:
        to_pdf(_letter("Too slow"))
    assert str(refused.value) == NOT_CONVERTED
    assert pdf_converter.worker_pid() is None
    assert not _group_alive(worker)
    assert not profile.exists()  # killed, it could not remove LibreOffice's profile: the app did
    monkeypatch.undo()
    assert "Next" in pdf_text(to_pdf(_letter("Next")))


def test_turned_off_or_without_uno_letters_are_converted_one_at_a_time(
    kept: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEWORK_PDF_CONVERTER", "oneshot")
    assert "Turned off" in pdf_text(to_pdf(_letter("Turned off")))
    assert pdf_converter.worker_pid() is None
    monkeypatch.delenv("CASEWORK_PDF_CONVERTER")
    monkeypatch.setenv("CASEWORK_UNO_PYTHON", sys.executable)  # the app's own Python: it has no `uno`
    pdf_converter.uno_python.cache_clear()
    assert "No uno" in pdf_text(to_pdf(_letter("No uno")))
    assert pdf_converter.worker_pid() is None


def test_a_worker_that_cannot_start_is_left_for_ten_minutes(kept: None, tmp_path: Path) -> None:
    source, target = tmp_path / "letter.docx", tmp_path / "letter.pdf"
    source.write_bytes(_letter("Nobody"))
    assert pdf_converter.convert(source, target, "/bin/false") is False  # "LibreOffice" that exits at once
    assert pdf_converter._down_until > 0
    assert pdf_converter.worker_pid() is None
    assert "Meanwhile" in pdf_text(to_pdf(_letter("Meanwhile")))  # the old way, without trying again
    assert pdf_converter.worker_pid() is None


def test_a_server_process_that_ends_leaves_no_libreoffice_running(kept: None) -> None:
    script = (
        "from letters import catalogue, pdf_converter\n"
        "from letters.pdf import to_pdf\n"
        "from letters.render import render\n"
        "spec = catalogue.get('CMEL9180')\n"
        "to_pdf(render(spec, spec.values_for('standard')).content)\n"
        "print(pdf_converter.worker_pid())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    worker = int(done.stdout.split()[-1])
    assert not _group_alive(worker)


def test_a_worker_told_to_stop_takes_its_libreoffice_with_it(kept: None) -> None:
    """A `kill` or `pkill` that matched the worker alone left its LibreOffice running, with nobody to stop it (seen 7
    December 2026, after a test run was stopped). The next letter then starts a new worker, as after a crash."""
    to_pdf(_letter("Before"))
    worker = pdf_converter.worker_pid()
    assert worker is not None
    office = subprocess.run(["pgrep", "-g", str(worker), "soffice.bin"], capture_output=True, text=True).stdout.split()
    assert office, "the kept LibreOffice runs in the worker's process group"
    os.kill(worker, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while _group_alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)  # SIGKILLed processes exiting: nothing to wait on but the process table
    assert not _group_alive(worker)
    assert "Meanwhile" in pdf_text(to_pdf(_letter("Meanwhile")))  # converted on its own, as after a crash
    assert "After" in pdf_text(to_pdf(_letter("After")))
    assert pdf_converter.worker_pid() not in (None, worker)  # a new one


def test_a_fresh_libreoffice_is_started_after_so_many_letters(kept: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice kept for the life of a server would keep whatever memory it gathers: it is replaced now and then."""
    monkeypatch.setattr(pdf_converter, "LETTERS_PER_WORKER", 2)
    to_pdf(_letter("One"))
    first = pdf_converter.worker_pid()
    profile = Path(pdf_converter._worker.profile)  # type: ignore[union-attr]  # running: just checked
    assert "Two" in pdf_text(to_pdf(_letter("Two")))  # the second letter is made, then that LibreOffice stops
    assert pdf_converter.worker_pid() is None
    assert first is not None
    assert not _group_alive(first)
    assert not profile.exists()
    assert "Three" in pdf_text(to_pdf(_letter("Three")))
    assert pdf_converter.worker_pid() not in (None, first)
