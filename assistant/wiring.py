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

    @cached_property
    def answerer(self):
        from assistant.answer import Answerer

        if self._chat_model is not None:
            backend, model = "fake", type(self._chat_model).__name__
        else:
            backend, model = self.backend_choice.backend, self.backend_choice.model
        return Answerer(
            self.retriever, self.embeddings, self.chat_model, backend=backend, model=model, thresholds=self.thresholds
        )
