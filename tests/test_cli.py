"""The command line: --json output that parses, and bad input answered in one line with a non-zero exit."""

import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.config import Settings
from assistant.wiring import Stride
from tests.conftest import ROOT


@pytest.fixture
def run(tmp_path, corpus_copy, embeddings):
    """Invoke `stride ARGS` in-process against a fresh index of a copy of the corpus."""

    def invoke(*args):
        stride = Stride(Settings(corpus_dir=corpus_copy, data_dir=tmp_path / "data"), embeddings=embeddings)
        return CliRunner().invoke(cli, list(args), obj=stride)

    return invoke


def one_line_error(result, *fragments):
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: ") and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[-1]


@pytest.mark.integration
def test_ingest_search_and_sources_in_json(run):
    ingest = run("ingest", "--json")
    assert ingest.exit_code == 0, ingest.output
    report = json.loads(ingest.output)
    assert len(report["added"]) == 3 and report["chunks_total"] == report["chunks_embedded"] > 20

    search = run("search", "should I strengthen my hip flexors?", "-k", "3", "--json")
    hits = json.loads(search.output)
    assert len(hits) == 3
    assert {"source", "title", "section", "text", "score"} <= set(hits[0])
    assert hits[0]["source"] == "learn2run-strength-training-glutes.txt" and hits[0]["section"] == "Hip flexors"

    sources = json.loads(run("sources", "--json").output)
    assert {s["source"] for s in sources} == set(report["added"])
    assert all(s["chunks"] > 0 and s["title"] for s in sources)

    again = json.loads(run("ingest", "--json").output)
    assert again["added"] == [] and again["chunks_embedded"] == 0 and len(again["unchanged"]) == 3


@pytest.mark.integration
def test_plain_output_names_title_section_and_score(run):
    run("ingest")
    result = run("search", "how do I do a glute push-off?", "-k", "2")
    assert result.exit_code == 0
    assert "Top 5 Favorite Glute Exercises for Runners — Glute Push-off" in result.output
    assert "score" in result.output and "staggered stance" in result.output


@pytest.mark.integration
def test_ingest_reports_skips_with_reasons(run, corpus_copy):
    (corpus_copy / "slides.pptx").write_bytes(b"PK\x03\x04")
    (corpus_copy / "notes.docx").write_bytes(b"PK\x03\x04")  # a torn download: a zip's first bytes only
    (corpus_copy / "empty.md").write_text("")
    result = run("ingest")
    assert result.exit_code == 0
    assert "skipped   slides.pptx: unsupported file type .pptx" in result.output
    assert "skipped   notes.docx: not a readable Word document: not a zip archive" in result.output
    assert "skipped   empty.md: empty file" in result.output


@pytest.mark.integration
@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["search", ""], "empty"),
        (["search", "   "], "empty"),
        (["search", "hip " * 25_000], "too long"),
        (["ingest", "no/such/folder"], "no such file or folder"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(run, args, fragment):
    run("ingest")
    one_line_error(run(*args), fragment)


@pytest.mark.integration
def test_searching_before_ingesting_says_what_to_do(run):
    one_line_error(run("search", "hip flexors"), "stride ingest")


@pytest.mark.integration
def test_a_named_binary_file_is_an_error_and_the_index_is_kept(run, tmp_path):
    run("ingest")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    one_line_error(run("ingest", str(binary)), "no readable documents", "binary")
    named_pdf = tmp_path / "scan.pdf"
    named_pdf.write_bytes(b"%PDF-1.4 not a pdf")
    one_line_error(run("ingest", str(named_pdf)), "not a readable PDF")
    assert len(json.loads(run("sources", "--json").output)) == 3


@pytest.mark.integration
def test_an_empty_corpus_folder_is_an_error(run, tmp_path):
    run("ingest")
    (tmp_path / "empty").mkdir()
    one_line_error(run("ingest", str(tmp_path / "empty")), "no readable documents", "left unchanged")
    assert len(json.loads(run("sources", "--json").output)) == 3


@pytest.mark.integration
def test_a_locked_index_is_one_line_not_a_hang(run, tmp_path, corpus_copy):
    import sqlite3

    run("ingest")
    lock = sqlite3.connect(tmp_path / "data" / "index" / "chroma.sqlite3", isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # another process in the middle of a write
    try:
        result = subprocess.run(
            [sys.executable, "-m", "assistant", "search", "hip flexors"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            env={**os.environ, "STRIDE_DATA_DIR": str(tmp_path / "data"), "STRIDE_CORPUS_DIR": str(corpus_copy)},
        )
    finally:
        lock.rollback()
        lock.close()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and "locked" in result.stderr
    assert json.loads(run("search", "hip flexors", "--json").output)[0]["section"] == "Hip flexors"


def test_module_entry_point_and_instant_help():
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "assistant", "--help"], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0
    for command in ("ingest", "search", "sources", "eval"):
        assert command in result.stdout
    # Generous bound for a loaded CI machine; the benchmark measures the real figure.
    assert elapsed < 2.0
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, assistant.cli; print(sorted(m for m in ('chromadb', 'onnxruntime', "
            "'langchain_core', 'bm25s') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert heavy.stdout.strip() == "[]"
