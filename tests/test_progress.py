"""Progress bars: drawn by the CLI on a terminal, never with --json or when stdout is a file or a pipe; the
library only reports (done, total)."""

import json
import os
import pty
import subprocess
import sys

import pytest

from assistant import cli
from tests.conftest import ROOT


def test_a_bar_reports_nothing_when_quiet_or_not_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(cli, "on_terminal", lambda: True)
    assert cli.ProgressBar("Working").enabled
    quiet = cli.ProgressBar("Working", quiet=True)
    monkeypatch.setattr(cli, "on_terminal", lambda: False)
    piped = cli.ProgressBar("Working")
    for bar in (quiet, piped):
        with bar:
            bar(1, 2)
            bar(2, 2)
    assert capsys.readouterr() == ("", "")


def run_in(args: list[str], env: dict, *, terminal: bool) -> str:
    """`python -m assistant ARGS` with stdout and stderr on a pseudo-terminal, as in a terminal window (or
    stdout on a pipe); all it printed there."""
    command = [sys.executable, "-m", "assistant", *args]
    full_env = {**os.environ, **env, "COLUMNS": "120"}
    if not terminal:
        return subprocess.run(command, env=full_env, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, env=full_env, cwd=ROOT, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the terminal is closed once the process has exited
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert process.wait() == 0
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.mark.integration
def test_ingest_and_eval_draw_bars_on_a_terminal_only(tmp_path):
    env = {"STRIDE_DATA_DIR": str(tmp_path / "data"), "STRIDE_CORPUS_DIR": str(ROOT / "corpus")}
    shown = run_in(["ingest"], env, terminal=True)
    assert "Embedding passages" in shown and "32/32" in shown and "Indexed" in shown
    # --json on a terminal: the report alone, parseable (unchanged documents still report progress)
    as_json = run_in(["ingest", "--json"], env, terminal=True)
    assert "Embedding passages" not in as_json and json.loads(as_json)["chunks_total"] == 32
    piped = run_in(["ingest"], env, terminal=False)
    assert "Embedding passages" not in piped and "Exercise cards  [" not in piped and "Indexed" in piped

    assert "Searching" in run_in(["eval", "--retrieval"], env, terminal=True)
    piped = run_in(["eval", "--retrieval"], env, terminal=False)
    assert "Searching" not in piped and piped.startswith("Retrieval on")
