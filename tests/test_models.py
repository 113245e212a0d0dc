"""Tests for assistant.models: GGUF lookup, backend choice against a real HTTP server on 127.0.0.1 that
answers like Ollama, failures while streaming (a server that hangs up, one that stalls), and the embedded
SmolLM2 (integration: it loads in ~0.2 s and writes ~150 tokens/s on 2 cores)."""

import hashlib
import json
import threading
import time

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from assistant.errors import ModelUnavailable, StrideError
from assistant.models import (
    BackendChoice,
    LlamaCppChat,
    choose_backend,
    make_chat_model,
    ollama_status,
    resolve_gguf,
    same_ollama_model,
    split_ollama_name,
    stream_text,
)
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


def test_ollama_status_against_a_server_that_answers():
    with fake_ollama(models=["llama3.2:3b", "nomic-embed-text:latest"]) as (url, _):
        assert ollama_status(url, "llama3.2:3b") == (True, True, "llama3.2:3b is pulled")
        assert ollama_status(url, "nomic-embed-text")[1]
        reachable, pulled, detail = ollama_status(url, "qwen2.5:0.5b")
    assert (reachable, pulled) == (True, False)
    assert "not pulled" in detail and "llama3.2:3b" in detail


def test_ollama_status_when_nothing_listens_is_quick():
    start = time.perf_counter()
    assert ollama_status(free_port_url(), "llama3.2:3b") == (False, False, "connection refused")
    assert time.perf_counter() - start < 1


def test_ollama_status_gives_up_on_a_stalled_server():
    with misbehaving_server("stall") as url:
        start = time.perf_counter()
        reachable, _, detail = ollama_status(url, "llama3.2:3b", timeout=0.5)
        assert time.perf_counter() - start < 3
    assert not reachable and detail == "no answer within 0.5 s"


def test_a_server_that_is_not_ollama_is_reported_on_one_line():
    with fake_ollama(handler=NotOllamaHandler) as (url, _):
        choice = choose_backend("auto", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
        with pytest.raises(ModelUnavailable) as error:
            list(stream_text(ollama_chat(url), MESSAGES))
    assert choice.backend == "llama-cpp" and "not an Ollama server?" in choice.reason
    assert "\n" not in choice.reason and "<" not in choice.reason
    assert "could not answer" in str(error.value) and "\n" not in str(error.value)


def test_auto_picks_ollama_when_the_model_is_pulled():
    with fake_ollama() as (url, _):
        choice = choose_backend("auto", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
    assert choice == BackendChoice("ollama", "llama3.2:3b", f"auto: Ollama is running at {url} with llama3.2:3b pulled")


def test_auto_falls_back_when_the_model_is_not_pulled():
    with fake_ollama(models=["llama3.2:1b"]) as (url, _):
        choice = choose_backend("auto", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
    assert (choice.backend, choice.model) == ("llama-cpp", SMOLLM2)
    assert "llama3.2:3b is not pulled" in choice.reason and "using the embedded model" in choice.reason
    assert choice.model_path == str(resolve_gguf(None))


def test_auto_falls_back_when_nothing_listens():
    url = free_port_url()
    start = time.perf_counter()
    choice = choose_backend("auto", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
    assert time.perf_counter() - start < 3
    assert choice.backend == "llama-cpp"
    assert choice.reason == f"auto: Ollama not reachable at {url} (connection refused); using the embedded model"


def test_auto_fallback_uses_the_configured_gguf(tmp_path):
    model = tmp_path / "coach.gguf"
    model.write_bytes(b"GGUF")
    choice = choose_backend("auto", ollama_host=free_port_url(), ollama_model="llama3.2:3b", gguf=str(model))
    assert (choice.backend, choice.model_path) == ("llama-cpp", str(model))


def test_backend_ollama_when_the_server_is_down_says_ollama_serve():
    url = free_port_url()
    with pytest.raises(ModelUnavailable) as error:
        choose_backend("ollama", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
    assert str(error.value) == (
        f"Ollama is not reachable at {url} (connection refused): start it with `ollama serve`, "
        "or use --backend llama-cpp"
    )


def test_backend_ollama_without_the_model_says_ollama_pull():
    with fake_ollama(models=["llama3.2:1b"]) as (url, _), pytest.raises(ModelUnavailable) as error:
        choose_backend("ollama", ollama_host=url, ollama_model="llama3.2:3b", gguf=None)
    assert "run `ollama pull llama3.2:3b`" in str(error.value)


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


def test_stream_text_from_ollama():
    with fake_ollama(reply="Do split squats twice a week.") as (url, _):
        assert "".join(stream_text(ollama_chat(url), MESSAGES)).strip() == "Do split squats twice a week."


def test_stream_text_model_not_pulled_says_ollama_pull():
    with fake_ollama(models=["llama3.2:1b"]) as (url, _), pytest.raises(ModelUnavailable) as error:
        list(stream_text(ollama_chat(url), MESSAGES))
    assert str(error.value) == f"Ollama at {url} does not have llama3.2:3b: run `ollama pull llama3.2:3b`"


def test_stream_text_server_down_says_ollama_serve():
    url = free_port_url()
    with pytest.raises(ModelUnavailable) as error:
        list(stream_text(ollama_chat(url), MESSAGES))
    assert str(error.value).startswith(f"Ollama at {url} stopped answering (connection refused): check `ollama serve`")


def test_stream_text_server_hangs_up():
    with misbehaving_server("close") as url, pytest.raises(ModelUnavailable, match="connection closed") as error:
        start = time.perf_counter()
        list(stream_text(ollama_chat(url), MESSAGES))
    assert time.perf_counter() - start < 5
    assert "check `ollama serve`" in str(error.value)


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


# -----------------------------------------------------------------------------
# the real SmolLM2


@pytest.fixture(scope="module")
def smollm2():
    choice = choose_backend("llama-cpp", ollama_host=free_port_url(), ollama_model="unused", gguf=None)
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
