"""Wiring: builds the embeddings, Chroma client, index and retriever from Settings, once, lazily.

The edges (CLI, UI, eval) create one `Stride` from their Settings and ask it for parts; tests pass their own
embeddings or client instead. Nothing heavy is imported until a part is first used, so `stride --help`
stays instant.

Leaves out: any behaviour of its own; it only connects the stages.
"""

from functools import cached_property

from assistant.config import Settings


class Stride:
    def __init__(self, settings: Settings, *, embeddings=None, client=None, chat_model=None) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self._client = client
        self._chat_model = chat_model

    def with_settings(self, **updates) -> "Stride":
        """A Stride with some settings changed (e.g. --backend), keeping injected parts."""
        changes = {key: value for key, value in updates.items() if value is not None}
        return Stride(
            self.settings.model_copy(update=changes),
            embeddings=self._embeddings,
            client=self._client,
            chat_model=self._chat_model,
        )

    def reset(self) -> None:
        """Forget the client, index and retriever (e.g. after the index folder was replaced)."""
        self._client = None
        for part in ("client", "index", "retriever"):
            self.__dict__.pop(part, None)

    @property
    def index_location(self) -> str:
        return self.settings.chroma_url or str(self.settings.index_dir)

    @property
    def models_dir(self):
        """Where the embedded model's quality tier is joined from its installed parts."""
        return self.settings.data_dir / "models"

    @cached_property
    def embeddings(self):
        if self._embeddings is not None:
            return self._embeddings
        from assistant.embeddings import make_embeddings

        return make_embeddings(self.settings.embeddings, self.settings.ollama_host)

    @cached_property
    def thresholds(self):
        """The similarity bars calibrated for this embedding model (`calibration`), or MiniLM's marked not."""
        from assistant.calibration import thresholds_for

        return thresholds_for(self.embeddings.model_id)

    @cached_property
    def client(self):
        if self._client is not None:
            return self._client
        from assistant.index import open_client

        return open_client(path=self.settings.index_dir, url=self.settings.chroma_url)

    @cached_property
    def index(self):
        from assistant.index import ChunkIndex

        return ChunkIndex(self.client, self.embeddings, self.settings.collection, location=self.index_location)

    @cached_property
    def retriever(self):
        from assistant.retrieve import HybridRetriever

        return HybridRetriever(self.index, self.embeddings)

    @cached_property
    def backend_choice(self):
        """Which model answers, and why (`auto` asks Ollama first, with a short timeout)."""
        from assistant.models import choose_backend

        settings = self.settings
        return choose_backend(
            settings.backend,
            ollama_host=settings.ollama_host,
            ollama_model=settings.ollama_model,
            gguf=settings.gguf,
            model=settings.model,
            models_dir=self.models_dir,
        )

    @cached_property
    def chat_model(self):
        if self._chat_model is not None:
            return self._chat_model
        from assistant.models import make_chat_model

        settings = self.settings
        return make_chat_model(
            self.backend_choice,
            temperature=settings.temperature,
            seed=settings.seed,
            max_tokens=settings.max_tokens,
            ollama_host=settings.ollama_host,
            timeout=settings.ollama_timeout,
        )

    @property
    def cards_path(self):
        """The exercise cards of the indexed corpus (`cards`), kept beside the index."""
        return self.settings.data_dir / "cards.json"

    def card_writer(self):
        """(writer, missing): the model that fills exercise cards, or None and one line saying what is missing.

        Ollama or the quality tier, or a GGUF the user named; never the fast tier, whose cards would be poor.
        """
        from assistant.cards import CardWriter
        from assistant.errors import ModelUnavailable
        from assistant.model_files import FAST, QUALITY
        from assistant.models import make_chat_model

        try:
            choice = self.backend_choice
        except ModelUnavailable as error:
            return None, f"exercise cards are rule-based only: no writer model ({error})"
        if choice.backend == "llama-cpp" and choice.tier == FAST.preset:
            return None, (
                "exercise cards are rule-based only: no writer model (the fast tier would invent), so sentences the "
                f"rules could not sort, and aliases, are missing; `{QUALITY.install}` or start Ollama, then "
                "`stride ingest`"
            )
        settings = self.settings

        def model():
            return make_chat_model(
                choice,
                temperature=0.0,
                seed=settings.seed,
                max_tokens=160,
                ollama_host=settings.ollama_host,
                timeout=settings.ollama_timeout,
            )

        return CardWriter(model, choice.model), ""  # the model is loaded only if a passage needs it

    def update_cards(self, *, model_work: bool = True, progress=None):
        """Bring the exercise cards in step with the index (see `cards.update_library`)."""
        from assistant.cards import Vocabulary, update_library
        from assistant.knowledge import load_knowledge

        knowledge = load_knowledge(self.settings.corpus_dir)
        writer, missing = self.card_writer() if model_work else (None, "")
        if not model_work:
            missing = (
                "exercise cards are rule-based only: `stride ingest --model-work` lets the writer model fill them in"
            )
        return update_library(
            self.cards_path,
            self.index.chunks(),
            self._read_document,
            Vocabulary(knowledge.muscles, knowledge.equipment, knowledge.vocabulary),
            writer=writer,
            missing=missing,
            progress=progress,
        )

    def _read_document(self, source: str) -> str | None:
        """A document's text as indexed (spans point into it), or None when it can no longer be read."""
        from pathlib import Path

        from assistant.loaders import Unreadable, load

        path = Path(source) if Path(source).is_absolute() else self.settings.corpus_dir / source
        try:
            return load(path).text
        except (Unreadable, OSError):
            return None

    @cached_property
    def answerer(self):
        from assistant.answer import Answerer

        if self._chat_model is not None:
            backend, model, writer = "fake", type(self._chat_model).__name__, self._chat_model
        else:
            choice = self.backend_choice
            backend, model = choice.backend, choice.model
            writer = self.chat_model if choice.writes else None  # the fast tier is never loaded to answer
        return Answerer(
            self.retriever,
            self.embeddings,
            writer,
            backend=backend,
            model=model,
            thresholds=self.thresholds,
            cards=lambda: self.library,
        )

    @cached_property
    def library(self):
        """The exercise cards built at ingest, or None before the first ingest (answers then use passages)."""
        from assistant.cards import Library
        from assistant.errors import StrideError

        try:
            return Library.load(self.cards_path)
        except StrideError:
            return None
