"""Settings: every variable of the README's configuration table, given a bad value, is one line and exit 1.

The walk runs the real `stride` group in-process (CliRunner with the variable in its environment): the
error fires while the settings are read, before anything heavy is imported, so it is as good as a
subprocess there; two subprocesses check the real entry point (`python -m assistant`) on the values
issue 13 reported. Values only the outside world can refute (a folder that cannot be created, a server
that does not answer) are checked where they are first used.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.config import Settings
from assistant.errors import ConfigError
from tests.conftest import ROOT, free_port

A_FILE = str(Path(__file__).resolve())  # exists, is not a folder and is not a GGUF model

# (variable, bad value): at least one per variable of the README's table, most several.
BAD_VALUES = [
    ("STRIDE_CORPUS_DIR", A_FILE),
    ("STRIDE_DATA_DIR", A_FILE),
    ("STRIDE_DATA_DIR", A_FILE + "/index-below-a-file"),
    ("STRIDE_CHROMA_URL", "ftp://127.0.0.1:8000"),
    ("STRIDE_CHROMA_URL", "127.0.0.1:8000"),
    ("STRIDE_CHROMA_URL", "http://127.0.0.1:99999"),
    ("STRIDE_CHROMA_URL", "http://127.0.0.1:8000/some/path"),
    ("STRIDE_CHROMA_URL", "http://"),
    ("STRIDE_COLLECTION", "ab"),
    ("STRIDE_COLLECTION", "has space"),
    ("STRIDE_COLLECTION", "-stride"),
    ("STRIDE_COLLECTION", "a..b"),
    ("STRIDE_COLLECTION", "10.0.0.1"),
    ("STRIDE_COLLECTION", "x" * 600),
    ("STRIDE_EMBEDDINGS", "bogus"),
    ("STRIDE_EMBEDDINGS", "ollama:"),
    ("STRIDE_EMBEDDINGS", "ollama:two words"),
    ("STRIDE_BACKEND", "gpt4"),
    ("STRIDE_BACKEND", "llama_cpp"),
    ("STRIDE_OLLAMA_MODEL", "two words"),
    ("STRIDE_OLLAMA_MODEL", "-flag"),
    ("STRIDE_GGUF", "/no/such/model.gguf"),
    ("STRIDE_GGUF", A_FILE),
    ("STRIDE_MODEL", "/no/such/model.gguf"),
    ("STRIDE_MODEL", A_FILE),
    ("STRIDE_TEMPERATURE", "abc"),
    ("STRIDE_TEMPERATURE", "-0.1"),
    ("STRIDE_TEMPERATURE", "2.5"),
    ("STRIDE_TEMPERATURE", "nan"),
    ("STRIDE_SEED", "forty-two"),
    ("STRIDE_SEED", "-1"),
    ("STRIDE_SEED", "1.5"),
    ("STRIDE_SEED", str(2**40)),
    ("STRIDE_MAX_TOKENS", "0"),
    ("STRIDE_MAX_TOKENS", "lots"),
    ("STRIDE_MAX_TOKENS", "10000000"),
    ("OLLAMA_HOST", "ftp://127.0.0.1:11434"),
    ("OLLAMA_HOST", "127.0.0.1:port"),
    ("STRIDE_OLLAMA_HOST", "http://two words:11434"),
    ("STRIDE_OLLAMA_TIMEOUT", "0"),
    ("STRIDE_OLLAMA_TIMEOUT", "-5"),
    ("STRIDE_OLLAMA_TIMEOUT", "soon"),
]


def readme_variables() -> set[str]:
    """The variables the README's configuration table documents."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Configuration", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z_]+)`", cell)}


def assert_one_line(exit_code: int, stderr: str, *fragments: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert exit_code == 1, stderr
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "panicked" not in stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No Stride or Ollama setting from the machine running the tests; the index in tmp_path."""
    for name in list(os.environ):
        if name.startswith("STRIDE_") or name in ("OLLAMA_HOST", "OLLAMA_MODELS"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("STRIDE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def stride(*args: str, **env: str):
    return CliRunner().invoke(cli, list(args), env=env)


def test_every_variable_of_the_readme_has_a_bad_value_here():
    documented = readme_variables()
    assert len(documented) >= 14  # the table was found
    assert documented == {name for name, _ in BAD_VALUES}


@pytest.mark.parametrize(("variable", "value"), BAD_VALUES)
def test_a_bad_value_is_one_line_naming_the_variable_and_what_it_accepts(clean_env, variable, value):
    result = stride("doctor", "--json", **{variable: value})
    line = assert_one_line(result.exit_code, result.stderr, variable, ": use ")
    assert line.startswith("Error: ") and result.stdout == ""


# `ui --port 0` is a usage error if the settings ever stop failing first: the test fails, never serves forever.
@pytest.mark.parametrize(
    "command", [["ask", "hi"], ["ui", "--port", "0"], ["ingest"], ["search", "hips"], ["chat"], ["sources"]]
)
def test_every_command_reports_a_bad_setting_before_it_starts(clean_env, command):
    result = stride(*command, STRIDE_TEMPERATURE="abc")
    assert_one_line(result.exit_code, result.stderr, "STRIDE_TEMPERATURE")


def test_two_bad_settings_are_still_one_line_naming_both(clean_env):
    result = stride("doctor", STRIDE_SEED="x", STRIDE_BACKEND="gpt")
    assert_one_line(result.exit_code, result.stderr, "STRIDE_SEED", "STRIDE_BACKEND")


@pytest.mark.parametrize(("variable", "value"), [("STRIDE_EMBEDDINGS", "bogus"), ("STRIDE_TEMPERATURE", "abc")])
def test_the_real_entry_point_prints_one_line(clean_env, variable, value):
    """The two settings issue 13 found ending in a traceback, through `python -m assistant ask`."""
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "hi"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, variable: value},
    )
    assert_one_line(result.returncode, result.stderr, variable)


def test_good_values_are_read_and_normalised(clean_env, monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:11500")
    monkeypatch.setenv("STRIDE_BACKEND", " LLAMA-CPP ")
    monkeypatch.setenv("STRIDE_CHROMA_URL", "https://chroma.example.org")
    monkeypatch.setenv("STRIDE_COLLECTION", "runner.notes_2")
    monkeypatch.setenv("STRIDE_EMBEDDINGS", "ollama:nomic-embed-text")
    monkeypatch.setenv("STRIDE_GGUF", "qwen2.5:0.5b")  # a name, not a file: models.py resolves it
    monkeypatch.setenv("STRIDE_TEMPERATURE", "2")
    monkeypatch.setenv("STRIDE_MODEL", "")  # empty is unset
    settings = Settings()
    assert settings.ollama_host == "http://127.0.0.1:11500" and settings.backend == "llama-cpp"
    assert settings.chroma_url == "https://chroma.example.org" and settings.model is None
    assert settings.gguf == "qwen2.5:0.5b" and settings.temperature == 2


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("0.0.0.0", "http://0.0.0.0:11434"),  # how an Ollama server is often told to listen everywhere
        (":11500", "http://127.0.0.1:11500"),
        ("example.com", "http://example.com:11434"),  # not port 80: Ollama's default port without a scheme
        ("https://example.com", "https://example.com"),
    ],
)
def test_ollama_host_is_read_as_ollama_reads_it(clean_env, value, url):
    assert Settings(ollama_host=value).ollama_host == url


def test_settings_built_in_code_raise_the_same_error():
    with pytest.raises(ConfigError, match=r"STRIDE_MAX_TOKENS='0' .*use a whole number from 1"):
        Settings(max_tokens=0)


# -- values only their first use can refute -------------------------------------------------------------


def test_a_corpus_folder_that_does_not_exist_is_named_when_ingesting(clean_env):
    result = stride("ingest", STRIDE_CORPUS_DIR=str(clean_env / "no-such-corpus"))
    assert_one_line(result.exit_code, result.stderr, "STRIDE_CORPUS_DIR", "no-such-corpus")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where no folder can be made")
def test_a_data_folder_that_cannot_be_created_is_one_line(clean_env):
    result = stride("sources", STRIDE_DATA_DIR="/proc/stride-cannot-be-here")
    assert_one_line(result.exit_code, result.stderr, "STRIDE_DATA_DIR", "/proc/stride-cannot-be-here")


@pytest.mark.integration  # a real socket (nothing listens on it)
@pytest.mark.parametrize(
    ("args", "env", "fragment"),
    [
        (["ask", "hips?"], {"STRIDE_BACKEND": "ollama"}, "ollama serve"),
        (["sources"], {"STRIDE_CHROMA_URL": "http://127.0.0.1:{port}"}, "STRIDE_CHROMA_URL"),
        (["ingest"], {"STRIDE_EMBEDDINGS": "ollama:nomic-embed-text"}, "STRIDE_EMBEDDINGS"),
    ],
)
def test_an_ollama_or_chroma_server_that_does_not_answer_is_one_line(clean_env, corpus_copy, args, env, fragment):
    port = str(free_port())
    env = {name: value.replace("{port}", port) for name, value in env.items()}
    result = stride(*args, OLLAMA_HOST=f"http://127.0.0.1:{port}", STRIDE_CORPUS_DIR=str(corpus_copy), **env)
    assert_one_line(result.exit_code, result.stderr, fragment)


def test_an_ollama_model_name_as_gguf_that_is_not_pulled_is_one_line(clean_env, monkeypatch):
    monkeypatch.setenv("OLLAMA_MODELS", str(clean_env / "empty-ollama-store"))
    result = stride("ask", "hips?", STRIDE_BACKEND="llama-cpp", STRIDE_GGUF="no-such-model:1b")
    assert_one_line(result.exit_code, result.stderr, "no-such-model")
