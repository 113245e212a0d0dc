"""The index: chunks and their embeddings in a Chroma collection, kept in step with the corpus.

`open_index` connects to an on-disk Chroma (the default) or a Chroma server, and checks that the collection
was built with the configured embedding model. `ChunkIndex.sync` brings the collection in line with a set
of documents: only new or changed documents are processed, and within them only chunks whose text is new
are embedded (others reuse their stored vectors). Writes go in an order that keeps the index answering if a
run dies part-way: a document's new chunks are added before its old ones are deleted, and a rebuild fills a
separate collection that replaces the old one only once it is complete. The next run repairs anything
half-done, because it compares what is stored, not what a previous run meant to store.

Leaves out: retrieval logic (that is `retrieve`) and reading files (that is `ingest`).
"""

import contextlib
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from assistant.errors import IndexDamaged, IndexMismatch, IndexUnavailable
from assistant.ingest import CHUNKER_VERSION, Chunk, Document

REBUILD_SUFFIX = "-rebuild"
EMBED_BATCH = 64


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the index."""

    id: str
    source: str
    title: str
    section: str
    text: str
    start: int
    end: int
    ordinal: int


@dataclass
class SourceInfo:
    source: str
    title: str
    chunks: int
    metadata: dict[str, str]


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_reused: int = 0


def open_client(*, path: Path | None = None, url: str | None = None):
    """A Chroma client for a server URL, else for an on-disk index at `path` (created if missing)."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        try:
            client = chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
            client.heartbeat()
        except Exception as error:
            raise IndexUnavailable(
                f"cannot reach the Chroma server at {url} ({type(error).__name__}): start it with "
                "`chroma run --path DIR --host 127.0.0.1 --port PORT`, or unset STRIDE_CHROMA_URL"
            ) from None
        return client
    assert path is not None
    try:
        path.mkdir(parents=True, exist_ok=True)
        _probe_sqlite(path / "chroma.sqlite3")
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except Exception as error:
        raise _disk_error(path, error) from None


def open_index(client, embeddings, name: str = "stride", *, location: str = "") -> "ChunkIndex":
    return ChunkIndex(client, embeddings, name, location=location)


class ChunkIndex:
    """One Chroma collection of chunks, tagged with the embedding model and chunker that made it."""

    def __init__(self, client, embeddings, name: str = "stride", *, location: str = "") -> None:
        self.client = client
        self.embeddings = embeddings
        self.name = name
        self.location = location
        self._collection = None  # checked once, then kept: a search should not list collections each time
        self._finish_interrupted_rebuild()

    # -- reading -------------------------------------------------------------------------------------

    def collection(self, *, create: bool = False):
        """The collection, checked against the configured model; None if it doesn't exist and create=False."""
        if self._collection is not None:
            return self._collection
        try:
            if create:
                collection = self.client.get_or_create_collection(
                    self.name, metadata=self._expected_metadata(), configuration={"hnsw": {"space": "cosine"}}
                )
            else:
                existing = {c.name for c in self.client.list_collections()}
                if self.name not in existing:
                    return None
                collection = self.client.get_collection(self.name)
        except Exception as error:
            raise IndexDamaged(self._read_error(error)) from None
        self._check_compatible(collection)
        self._collection = collection
        return collection

    def require_collection(self):
        collection = self.collection()
        if collection is None:
            raise IndexUnavailable("the index is empty: run `stride ingest` to index the corpus first")
        return collection

    def count(self) -> int:
        collection = self.collection()
        return 0 if collection is None else collection.count()

    def probe(self) -> None:
        """Read the stored collection, whatever model built it; IndexDamaged if that fails."""
        try:
            if self.name in {c.name for c in self.client.list_collections()}:
                self.client.get_collection(self.name).count()
        except Exception as error:
            raise IndexDamaged(self._read_error(error)) from None

    def chunks(self) -> list[StoredChunk]:
        """Every stored chunk (for the lexical retriever, which needs them all in memory)."""
        collection = self.require_collection()
        try:
            got = collection.get(where={"kind": "chunk"}, include=["documents", "metadatas"])
        except Exception as error:
            raise IndexDamaged(self._read_error(error)) from None
        return [
            _stored(id_, text, meta)
            for id_, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def nearest(self, vector: list[float], n: int) -> list[tuple[str, str, float]]:
        """(chunk id, kind, cosine similarity) of the n entries, chunks or windows, nearest to `vector`."""
        collection = self.require_collection()
        try:
            got = collection.query(query_embeddings=[vector], n_results=n, include=["metadatas", "distances"])
        except Exception as error:
            raise IndexDamaged(self._read_error(error)) from None
        return [
            (meta["chunk"], meta["kind"], 1.0 - distance)
            for meta, distance in zip(got["metadatas"][0], got["distances"][0], strict=True)
        ]

    def sources(self) -> list[SourceInfo]:
        collection = self.collection()
        if collection is None:
            return []
        got = collection.get(where={"kind": "chunk"}, include=["metadatas"])
        found: dict[str, SourceInfo] = {}
        for meta in got["metadatas"]:
            info = found.get(meta["source"])
            if info is None:
                extra = {k[4:]: str(v) for k, v in meta.items() if k.startswith("doc_")}
                info = found[meta["source"]] = SourceInfo(meta["source"], meta["title"], 0, extra)
            info.chunks += 1
        return sorted(found.values(), key=lambda info: info.source)

    # -- writing -------------------------------------------------------------------------------------

    def sync(self, documents: list[Document], *, present: set[str], scope: list[str]) -> SyncReport:
        """Make the index hold exactly `documents` for the sources they name.

        present: every source that exists on disk, loaded or not (an unreadable file keeps its old chunks).
        scope: source prefixes this run speaks for ("" = everything); indexed sources in scope that are
            no longer present are removed.
        """
        collection = self.collection(create=True)
        stored = _stored_by_source(collection)
        report = SyncReport()
        for document in documents:
            old = stored.get(document.source)
            if old and old.fingerprints == {document.fingerprint} and old.ids == set(_entries(document)):
                report.unchanged.append(document.source)
                continue
            self._write_document(collection, document, old.ids if old else set(), report)
            (report.updated if old else report.added).append(document.source)
        for source, old in stored.items():
            if source not in present and _in_scope(source, scope):
                _delete(collection, sorted(old.ids))
                report.removed.append(source)
        return report

    def rebuild(self, documents: list[Document]) -> SyncReport:
        """Index `documents` into a fresh collection, then swap it in; the old one serves until then."""
        staging = ChunkIndex(self.client, self.embeddings, self.name + REBUILD_SUFFIX, location=self.location)
        with contextlib.suppress(Exception):
            self.client.delete_collection(staging.name)
        report = staging.sync(documents, present={d.source for d in documents}, scope=[])
        report.added, report.updated = sorted(report.added), []
        staging_collection = self.client.get_collection(staging.name)
        staging_collection.modify(metadata={**self._expected_metadata(), "complete": True})
        self._swap_in(staging_collection)
        return report

    def _write_document(self, collection, document: Document, old_ids: set[str], report: SyncReport) -> None:
        entries = _entries(document)
        new_ids = list(entries)
        vectors = _stored_vectors(collection, new_ids)  # unchanged chunks and windows keep their vectors
        to_embed = [id_ for id_ in new_ids if id_ not in vectors]
        for batch_start in range(0, len(to_embed), EMBED_BATCH):
            batch = to_embed[batch_start : batch_start + EMBED_BATCH]
            vectors.update(zip(batch, self.embeddings.embed_documents([entries[i][0] for i in batch]), strict=True))
        chunk_ids = {chunk.id for chunk in document.chunks}
        report.chunks_embedded += sum(id_ in chunk_ids for id_ in to_embed)
        report.chunks_reused += len(chunk_ids) - sum(id_ in chunk_ids for id_ in to_embed)
        collection.upsert(
            ids=new_ids,
            embeddings=[vectors[i] for i in new_ids],
            documents=[entries[i][1] for i in new_ids],
            metadatas=[entries[i][2] for i in new_ids],
        )
        # Only now that the new chunks answer queries do the old ones go.
        _delete(collection, sorted(old_ids - set(new_ids)))

    def _swap_in(self, staging_collection) -> None:
        with contextlib.suppress(Exception):
            self.client.delete_collection(self.name)
        staging_collection.modify(name=self.name)
        self._collection = None

    def _finish_interrupted_rebuild(self) -> None:
        """A rebuild killed between deleting the old collection and renaming the new one: finish it."""
        try:
            names = {c.name for c in self.client.list_collections()}
        except Exception as error:
            raise IndexDamaged(self._read_error(error)) from None
        staging = self.name + REBUILD_SUFFIX
        if staging in names and self.name not in names:
            collection = self.client.get_collection(staging)
            if (collection.metadata or {}).get("complete"):
                collection.modify(name=self.name)

    # -- compatibility -------------------------------------------------------------------------------

    def _expected_metadata(self) -> dict:
        return {"embedding_model": self.embeddings.model_id, "chunker_version": CHUNKER_VERSION}

    def _check_compatible(self, collection) -> None:
        built_with = (collection.metadata or {}).get("embedding_model")
        if built_with != self.embeddings.model_id:
            raise IndexMismatch(
                f"the index was built with embedding model '{built_with}' but Stride is configured for "
                f"'{self.embeddings.model_id}': run `stride ingest --rebuild`"
            )

    def _read_error(self, error: Exception) -> str:
        where = self.location or "the index"
        return f"cannot read {where} ({_short(error)}): if it is damaged, run `stride ingest --rebuild`"


def _probe_sqlite(database: Path, timeout: float = 3.0) -> None:
    """Fail fast on a locked or damaged database file: Chroma itself would wait forever on a lock."""
    import sqlite3

    if not database.exists():
        return
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=timeout)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        connection.close()


def _disk_error(path: Path, error: Exception) -> IndexUnavailable:
    text = str(error).lower()
    if isinstance(error, PermissionError) or "readonly" in text or "permission" in text:
        return IndexUnavailable(f"cannot open the index at {path}: permission denied (check its owner and permissions)")
    if "lock" in text:
        return IndexUnavailable(f"the index at {path} is locked by another process: wait for it and try again")
    return IndexDamaged(
        f"cannot open the index at {path} ({_short(error)}): run `stride ingest --rebuild` to rebuild it"
    )


def _short(error: Exception) -> str:
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {message[:160]}" if message else type(error).__name__


def move_aside(path: Path) -> Path:
    """Rename a damaged index folder out of the way (kept, not deleted) so a rebuild can start clean."""
    target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        shutil.move(str(path), target)
    except OSError as error:
        raise IndexUnavailable(
            f"cannot move the damaged index at {path} aside ({error.strerror or error}): "
            "move or delete it by hand, then run `stride ingest`"
        ) from None
    # Chroma keeps one system per path for the life of the process; forget the one bound to the old files.
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return target


@dataclass
class _StoredDocument:
    ids: set[str] = field(default_factory=set)
    fingerprints: set[str] = field(default_factory=set)


def _stored_by_source(collection) -> dict[str, _StoredDocument]:
    got = collection.get(include=["metadatas"])
    stored: dict[str, _StoredDocument] = {}
    for id_, meta in zip(got["ids"], got["metadatas"], strict=True):
        entry = stored.setdefault(meta["source"], _StoredDocument())
        entry.ids.add(id_)
        entry.fingerprints.add(meta.get("fingerprint", ""))
    return stored


def _stored_vectors(collection, ids: list[str]) -> dict[str, list[float]]:
    if not ids:
        return {}
    got = collection.get(ids=ids, include=["embeddings"])
    return {id_: list(vector) for id_, vector in zip(got["ids"], got["embeddings"], strict=True)}


def _delete(collection, ids: list[str]) -> None:
    if ids:
        collection.delete(ids=ids)


def _in_scope(source: str, scope: list[str]) -> bool:
    return any(prefix == "" or source == prefix or source.startswith(prefix.rstrip("/") + "/") for prefix in scope)


def _entries(document: Document) -> dict[str, tuple[str, str, dict]]:
    """Every entry a document puts in the collection: id -> (text to embed, text to store, metadata).

    Each chunk is stored once whole (kind 'chunk') and once per sentence window (kind 'window'); both
    carry the chunk's id, so a window leads back to the passage it came from.
    """
    entries: dict[str, tuple[str, str, dict]] = {}
    for chunk in document.chunks:
        metadata = _chunk_metadata(chunk, document)
        entries[chunk.id] = (chunk.embedding_text(), chunk.text, {**metadata, "kind": "chunk"})
        for window_id, window_text in chunk.windows():
            entries[window_id] = (window_text, window_text, {**metadata, "kind": "window"})
    return entries


def _chunk_metadata(chunk: Chunk, document: Document) -> dict:
    metadata = {
        "chunk": chunk.id,
        "source": chunk.source,
        "title": chunk.title,
        "section": chunk.section,
        "start": chunk.start,
        "end": chunk.end,
        "ordinal": chunk.ordinal,
        "fingerprint": document.fingerprint,
    }
    # Document metadata (kind, author, ...) rides on every chunk, prefixed so it can't clash.
    metadata.update({f"doc_{key}": value for key, value in document.metadata.items()})
    return metadata


def _stored(id_: str, text: str, meta: dict) -> StoredChunk:
    return StoredChunk(
        id_,
        meta["source"],
        meta["title"],
        meta.get("section", ""),
        text,
        int(meta.get("start", 0)),
        int(meta.get("end", 0)),
        int(meta.get("ordinal", 0)),
    )
