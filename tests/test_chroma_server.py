"""Server mode: the same ingest and search against a real `chroma run` on 127.0.0.1."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import IndexUnavailable
from assistant.index_corpus import index_corpus
from assistant.wiring import Stride
from tests.conftest import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    server = subprocess.Popen(
        [
            chroma,
            "run",
            "--path",
            str(tmp_path_factory.mktemp("chroma-server")),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("chroma run did not start within 30 s")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


def test_ingest_and_search_through_a_chroma_server(chroma_url, corpus_copy, embeddings, tmp_path):
    settings = Settings(corpus_dir=corpus_copy, data_dir=tmp_path / "unused", chroma_url=chroma_url)
    stride = Stride(settings, embeddings=embeddings)
    report = index_corpus(stride, [])
    assert len(report.sync.added) == 3 and report.index_location == chroma_url
    assert not (tmp_path / "unused").exists()  # nothing was written to disk locally

    fresh = Stride(settings, embeddings=embeddings)  # a second process, as far as the server can tell
    hits = fresh.retriever.search("should I strengthen my hip flexors?", k=3)
    assert hits[0].chunk.section == "Hip flexors"
    assert index_corpus(fresh, []).sync.chunks_embedded == 0


def test_an_unreachable_server_is_one_clear_message(embeddings, tmp_path, corpus_copy):
    url = f"http://127.0.0.1:{free_port()}"
    stride = Stride(Settings(corpus_dir=corpus_copy, data_dir=tmp_path, chroma_url=url), embeddings=embeddings)
    with pytest.raises(IndexUnavailable, match=r"cannot reach the Chroma server .*chroma run"):
        stride.retriever.search("hip flexors")
