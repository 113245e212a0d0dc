"""Shared fixtures. The real MiniLM model and real Chroma are cheap enough to use almost everywhere."""

import os
import shutil
import socket
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.wiring import Stride

# The embedded model's fast tier, whatever is installed: with the quality tier's parts installed, `auto` would
# otherwise pick the 1.5B model (minutes per suite on 2 cores), and so would a developer's own STRIDE_GGUF.
# Set before any Settings is read, and inherited by the `stride` processes some tests start.
os.environ["STRIDE_GGUF"] = "smollm2-135m"

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = ROOT.parent / "shared" / "seeds"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def embeddings():
    from assistant.embeddings import MiniLMOnnxEmbeddings

    return MiniLMOnnxEmbeddings()


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def make_stride(tmp_path, embeddings):
    """Build a Stride over a corpus folder with its own on-disk index in tmp_path."""

    def make(corpus_dir: Path, **overrides) -> Stride:
        settings = Settings(corpus_dir=corpus_dir, data_dir=tmp_path / "data", **overrides)
        return Stride(settings, embeddings=overrides.pop("embeddings_override", embeddings))

    return make


@pytest.fixture(scope="session")
def seed_stride(tmp_path_factory, embeddings):
    """The real corpus, indexed once for the whole session (read-only use)."""
    from assistant.index_corpus import index_corpus

    data = tmp_path_factory.mktemp("seed-index")
    stride = Stride(Settings(corpus_dir=CORPUS, data_dir=data), embeddings=embeddings)
    index_corpus(stride, [])
    return stride


@pytest.fixture(scope="session")
def embedded_answerer(seed_stride):
    """The real embedded model (SmolLM2-135M through llama.cpp) answering over the seed index."""
    from assistant.answer import Answerer
    from assistant.models import choose_backend, make_chat_model

    choice = choose_backend("llama-cpp", ollama_host="http://127.0.0.1:9", ollama_model="unused", gguf="smollm2-135m")
    return Answerer(
        seed_stride.retriever,
        seed_stride.embeddings,
        make_chat_model(choice),
        backend=choice.backend,
        model=choice.model,
    )
