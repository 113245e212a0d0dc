"""Stride's settings: every knob, its environment variable, its default and the values it accepts, in one place.

Read once at the edge (the CLI builds a `Settings` and passes the values inward); library code never reads
the environment itself. A bad value is a `ConfigError` naming the variable and what it accepts, raised when
`Settings` is built, so no command starts on a setting it cannot use. Values that only the outside world can
refute (a server that does not answer, an Ollama model that is not pulled) are reported when first used.

Leaves out: settings files and per-user profiles; environment variables are enough. Unknown STRIDE_*
variables are ignored, as most programs do, and an empty variable counts as unset.
"""

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs
from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from assistant.errors import ConfigError

# Chroma's rule for collection names, less the room a rebuild's staging name ("NAME-rebuild") needs.
COLLECTION_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
COLLECTION_MAX = 512 - len("-rebuild")
OLLAMA_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@-]*")  # what Ollama's names are made of, nothing finer
GGUF_MAGIC = b"GGUF"


def default_data_dir() -> Path:
    """Where the on-disk index lives unless STRIDE_DATA_DIR says otherwise (e.g. ~/.local/share/stride)."""
    return platformdirs.user_data_path("stride", appauthor=False)


def _accepts(text: str) -> dict:
    return {"accepts": text}


def _ranged(default, low, high, description: str, *, kind: str = "a number", above: bool = False):
    """A numeric field whose bounds are stated once, for pydantic and for the message a bad value gets."""
    accepts = f"{kind} above {low}, at most {high}" if above else f"{kind} from {low} to {high}"
    low_bound = {"gt": low} if above else {"ge": low}
    return Field(default=default, le=high, description=description, json_schema_extra=_accepts(accepts), **low_bound)


class Settings(BaseSettings):
    """Configuration, from environment variables prefixed STRIDE_ (and OLLAMA_HOST, as Ollama spells it)."""

    model_config = SettingsConfigDict(env_prefix="STRIDE_", extra="ignore", env_ignore_empty=True)

    corpus_dir: Path = Field(
        default=Path("corpus"),
        description="Folder of source documents that `stride ingest` indexes when given no paths.",
        json_schema_extra=_accepts("a folder of documents (default: corpus)"),
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder holding the persistent Chroma index (in `index/`). Ignored with STRIDE_CHROMA_URL.",
        json_schema_extra=_accepts("a folder Stride may write to (created if missing)"),
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000); unset means the on-disk index.",
        json_schema_extra=_accepts("http(s)://HOST:PORT of a Chroma server, e.g. http://127.0.0.1:8000, or unset"),
    )
    collection: str = Field(
        default="stride",
        description="Name of the Chroma collection holding the chunks.",
        json_schema_extra=_accepts(
            f"3 to {COLLECTION_MAX} characters: letters, digits, '.', '_', '-', starting and ending with a letter "
            "or digit, no '..', not an IP address"
        ),
    )
    embeddings: str = Field(
        default="minilm",
        description="'minilm' (all-MiniLM-L6-v2, int8 ONNX, bundled) or 'ollama:MODEL' (e.g. ollama:nomic-embed-text).",
        json_schema_extra=_accepts("'minilm' or 'ollama:MODEL' (e.g. ollama:nomic-embed-text)"),
    )
    backend: str = Field(
        default="auto",
        description="'auto' (Ollama when reachable with the model pulled, else embedded), 'ollama' or 'llama-cpp'.",
        json_schema_extra=_accepts("auto, ollama or llama-cpp"),
    )
    model: str | None = Field(
        default=None,
        description="Model for whichever backend is chosen (overrides STRIDE_OLLAMA_MODEL/STRIDE_GGUF).",
        json_schema_extra=_accepts("an Ollama model name (like llama3.2:3b) or an existing .gguf file, or unset"),
    )
    ollama_model: str = Field(
        default="llama3.2:3b",
        description="Model the Ollama backend answers with.",
        json_schema_extra=_accepts("an Ollama model name, like llama3.2:3b"),
    )
    gguf: str | None = Field(
        default=None,
        description="Model for the embedded llama.cpp backend: a tier (smollm2-135m, qwen2.5-coder-1.5b), a .gguf "
        "path or an Ollama model name (its GGUF blob is used without the server); unset picks a tier.",
        json_schema_extra=_accepts("a tier name, an existing .gguf file or an Ollama model name, or unset"),
    )
    temperature: float = _ranged(0.0, 0, 2, "Sampling temperature; 0 gives repeatable answers.")
    seed: int = _ranged(42, 0, 2**31 - 1, "Sampling seed, for repeatable answers.", kind="a whole number")
    max_tokens: int = _ranged(160, 1, 32768, "Longest answer the model may write, in tokens.", kind="a whole number")
    ollama_timeout: float = _ranged(
        120.0,
        0,
        86400,
        "Seconds to wait for the next word from Ollama before saying it stopped answering "
        "(a large model on a slow machine may need more).",
        kind="a number of seconds",
        above=True,
    )
    ollama_host: str = Field(
        default="http://127.0.0.1:11434",
        validation_alias=AliasChoices("STRIDE_OLLAMA_HOST", "OLLAMA_HOST"),
        description="Address of the Ollama server, used only for Ollama models.",
        json_schema_extra=_accepts("[http(s)://]HOST[:PORT], e.g. http://127.0.0.1:11434"),
    )

    def __init__(self, **values) -> None:
        # The one place a bad setting becomes a StrideError, so every edge reports it in one line.
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise ConfigError(describe_errors(error)) from None
        except SettingsError as error:
            raise ConfigError(f"a setting cannot be read ({error}): see the README's configuration table") from None

    @field_validator("corpus_dir", "data_dir")
    @classmethod
    def _folder(cls, value: Path) -> Path:
        path = value.expanduser()
        existing = next((p for p in (path, *path.parents) if _exists(p)), None)
        if existing is not None and not existing.is_dir():
            raise ValueError(f"is not a folder ({existing} is a file)")
        return path

    @field_validator("chroma_url")
    @classmethod
    def _chroma_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        parts = _http_url(value)
        if "://" not in value or parts.path.strip("/") or parts.query or parts.fragment:
            raise ValueError("is not a server address")
        return value

    @field_validator("collection")
    @classmethod
    def _collection(cls, value: str) -> str:
        if not (3 <= len(value) <= COLLECTION_MAX and COLLECTION_NAME.fullmatch(value)) or ".." in value:
            raise ValueError("is not a Chroma collection name")
        try:
            ipaddress.ip_address(value)
        except ValueError:
            return value
        raise ValueError("is an IP address")

    @field_validator("embeddings")
    @classmethod
    def _embeddings(cls, value: str) -> str:
        value = value.strip()
        kind, _, model = value.partition(":")
        if value.lower() == "minilm" or (kind.lower() == "ollama" and OLLAMA_NAME.fullmatch(model.strip())):
            return value
        raise ValueError("is not an embedding model Stride knows")

    @field_validator("backend", mode="before")
    @classmethod
    def _backend(cls, value: str) -> str:
        value = str(value).strip().lower()
        if value not in ("auto", "ollama", "llama-cpp"):
            raise ValueError("is not a backend")
        return value

    @field_validator("ollama_model")
    @classmethod
    def _ollama_model(cls, value: str) -> str:
        if not OLLAMA_NAME.fullmatch(value.strip()):
            raise ValueError("is not an Ollama model name")
        return value.strip()

    @field_validator("gguf", "model")
    @classmethod
    def _gguf_file(cls, value: str | None) -> str | None:
        # Only a file name is checked here; a name (an Ollama model, a preset) is models.py's to resolve.
        value = (value or "").strip() or None
        if value is None:
            return None
        path = Path(value).expanduser()
        if not (value.lower().endswith(".gguf") or _exists(path)):
            return value
        try:
            with path.open("rb") as file:
                magic = file.read(len(GGUF_MAGIC))
        except OSError as error:
            raise ValueError(f"names no file Stride can read ({error.strerror or error})") from None
        if magic != GGUF_MAGIC:
            raise ValueError("names a file that is not a GGUF model")
        return value

    @field_validator("ollama_host")
    @classmethod
    def _ollama_host(cls, value: str) -> str:
        # Read as Ollama reads it: without a scheme, the host defaults to 127.0.0.1 and the port to 11434
        # (OLLAMA_HOST=0.0.0.0, :11500); HTTP clients need both spelled out, or they would use port 80.
        value = value.strip()
        if "://" in value:
            _http_url(value)
            return value
        parts = _http_url(f"http://{value or ':'}".replace("://:", "://127.0.0.1:", 1))
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return f"http://{host}:{parts.port or 11434}{parts.path.rstrip('/')}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a folder we may not look into: let the command that uses it say so
        return False


def _http_url(value: str):
    """The parts of an http(s) URL with a host and a valid port, else ValueError."""
    if any(char.isspace() for char in value):
        raise ValueError("contains a space")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("is not an http(s) address")
    try:
        parts.port  # noqa: B018  (urllib checks the port only when asked for it)
    except ValueError:
        raise ValueError("has a bad port") from None
    return parts


def env_name(field: str) -> str:
    """The environment variable that sets a field (what the user has to change)."""
    return "OLLAMA_HOST/STRIDE_OLLAMA_HOST" if field == "ollama_host" else f"STRIDE_{field.upper()}"


def setting_error(field: str, value, reason: str = "is not valid") -> ConfigError:
    """A ConfigError in Stride's one shape: the variable, its value, why not, and what it accepts."""
    accepts = (Settings.model_fields[field].json_schema_extra or {}).get("accepts", "see the README")
    shown = str(value)
    shown = repr(shown[:80] + "..." if len(shown) > 80 else shown)
    return ConfigError(f"{env_name(field)}={shown} {reason}: use {accepts}")


def describe_errors(error: ValidationError) -> str:
    """Every bad setting of a ValidationError, on one line."""
    fields = {name.lower(): name for name in Settings.model_fields}
    fields.update({"stride_ollama_host": "ollama_host", "ollama_host": "ollama_host"})
    messages: dict[str, str] = {}
    for problem in error.errors():
        field = fields.get(str(problem["loc"][0]).lower() if problem["loc"] else "", "")
        if not field or field in messages:
            continue
        reason = str(problem.get("ctx", {}).get("error", "")) if problem["type"] == "value_error" else ""
        messages[field] = str(setting_error(field, problem.get("input", ""), reason or "is not valid"))
    return "; ".join(messages.values()) or str(error).splitlines()[0]
