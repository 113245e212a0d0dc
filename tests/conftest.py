"""Shared fixtures. The real MiniLM model and real Chroma are cheap enough to use almost everywhere.

Tests that use them, a chat model or a network socket are marked `integration`; the rest run without any of
them (`pytest -m "not integration"`). Every test writes to tmp_path only: the run fails if the checkout changed.
"""

import os
import shutil
import socket
import subprocess
from contextlib import contextmanager
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


def pytest_addoption(parser):
    parser.addoption(
        "--screenshot",
        metavar="PATH",
        default=os.environ.get("STRIDE_SCREENSHOT"),
        help="where the browser test saves its screenshot of the chat page, e.g. docs/screenshot.png "
        "(default: $STRIDE_SCREENSHOT, else a temporary folder, so the checkout is left alone)",
    )


def tree_state() -> dict[Path, tuple] | None:
    """Every file `git status` lists in this checkout, with its size and mtime; None outside a git checkout.

    Size and mtime too: a test that rewrites a file already modified before the run changes no status line.
    """
    try:
        git = ["git", "-C", str(ROOT)]
        top = subprocess.run([*git, "rev-parse", "--show-toplevel"], capture_output=True, check=True, timeout=60)
        listed = subprocess.run(
            [*git, "status", "--porcelain", "-z", "--untracked-files=all", "--", "."],
            capture_output=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None  # no git here, or not a checkout (an unpacked sdist)
    top_dir = Path(os.fsdecode(top.stdout.strip()))
    entries = iter(os.fsdecode(listed.stdout).split("\0"))
    state: dict[Path, tuple] = {}
    for entry in entries:
        if not entry:
            continue
        code, path = entry[:2], entry[3:]  # porcelain paths are relative to the repository's top
        if code[0] in "RC":
            next(entries, None)  # a staged rename or copy is followed by the path it came from
        try:
            stat = (top_dir / path).stat()
            state[top_dir / path] = (code, stat.st_size, stat.st_mtime_ns)
        except OSError:
            state[top_dir / path] = (code,)
    return state


@pytest.fixture(scope="session", autouse=True)
def tests_leave_the_checkout_alone(pytestconfig):
    """Fails the run when the tests changed the checkout: what a test writes belongs in tmp_path."""
    before = tree_state()
    yield
    after = tree_state()
    if before is None or after is None:
        return
    asked = pytestconfig.getoption("--screenshot")  # a screenshot asked for in the tree is meant to change it
    allowed = {(pytestconfig.invocation_params.dir / asked).resolve()} if asked else set()
    changed = sorted(
        os.path.relpath(path, ROOT)
        for path in before.keys() | after.keys()
        if before.get(path) != after.get(path) and path.resolve() not in allowed
    )
    if changed:
        pytest.fail(
            f"the tests changed the checkout: {', '.join(changed)} (a test should write to tmp_path; "
            "if you edited these files yourself while the tests ran, run them again)",
            pytrace=False,
        )


class NotMarkedIntegration(BaseException):
    """A test outside the `integration` marker reached a model, Chroma or the network.

    Not an Exception: the code under test must not catch it as a failure to handle (Ollama down, say) and go on.
    """


def integration_only(item) -> list[tuple[object, str, object]]:
    """What a test not marked `integration` must not reach, each replaced by something that fails it at once."""
    import chromadb
    import llama_cpp
    import onnxruntime

    def refuse(what):
        def refused(*args, **kwargs):
            raise NotMarkedIntegration(f"{item.nodeid} {what}: mark it @pytest.mark.integration")

        return refused

    def network(real, what):
        def guarded(sock, *args, **kwargs):
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                refuse(f"{what} a network socket")()
            return real(sock, *args, **kwargs)

        return guarded

    return [
        (socket.socket, "connect", network(socket.socket.connect, "connects")),
        (socket.socket, "connect_ex", network(socket.socket.connect_ex, "connects")),
        (socket.socket, "listen", network(socket.socket.listen, "listens on")),
        (onnxruntime, "InferenceSession", refuse("loads an ONNX model")),
        (llama_cpp, "Llama", refuse("loads a llama.cpp model")),
        (chromadb, "PersistentClient", refuse("opens a Chroma index")),
        (chromadb, "HttpClient", refuse("opens a Chroma server")),
    ]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    # Setup too, so a model or index built by a session fixture for an unmarked test is caught.
    with guarded(item):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    with guarded(item):
        yield


@contextmanager
def guarded(item):
    """Keeps `-m "not integration"` honest: quick, and needing no model, index or network."""
    if item.get_closest_marker("integration"):
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        for owner, name, replacement in integration_only(item):
            patch.setattr(owner, name, replacement)
        yield


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


@pytest.fixture
def index_files(tmp_path, make_stride):
    """Write documents (name -> text) into a new corpus folder and index them: a Stride over just those."""
    from assistant.index_corpus import index_corpus

    def index(files: dict[str, str]) -> Stride:
        corpus = tmp_path / "docs"
        corpus.mkdir()
        for name, text in files.items():
            (corpus / name).write_text(text)
        stride = make_stride(corpus)
        index_corpus(stride, [])
        return stride

    return index


@pytest.fixture(scope="session")
def seed_stride(tmp_path_factory, embeddings):
    """The real corpus, indexed once for the whole session (read-only use)."""
    from assistant.index_corpus import index_corpus

    data = tmp_path_factory.mktemp("seed-index")
    stride = Stride(Settings(corpus_dir=CORPUS, data_dir=data), embeddings=embeddings)
    index_corpus(stride, [])
    stride.update_cards(model_work=False)  # the cards by rules, as `stride ingest` builds them on the fast tier
    return stride


@pytest.fixture(scope="session")
def embedded_chat():
    """The real embedded model of the fast tier (SmolLM2-135M through llama.cpp), loaded once: (choice, model)."""
    from assistant.models import choose_backend, make_chat_model

    choice = choose_backend("llama-cpp", ollama_host="http://127.0.0.1:9", ollama_model="unused", gguf="smollm2-135m")
    return choice, make_chat_model(choice)


def answerer_over(stride, embedded_chat):
    """The embedded model's tier answering over `stride`'s index and cards, as the product wires it (the fast
    tier's model does not write); the model is the session's, loaded once."""
    from assistant.answer import Answerer

    choice, chat = embedded_chat
    writer = chat if choice.writes else None
    return Answerer(
        stride.retriever,
        stride.embeddings,
        writer,
        backend=choice.backend,
        model=choice.model,
        cards=lambda: stride.library,
    )


@pytest.fixture(scope="session")
def embedded_answerer(seed_stride, embedded_chat):
    """The fast tier answering over the seed index."""
    return answerer_over(seed_stride, embedded_chat)
