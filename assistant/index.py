"""The index: chunks and their embeddings in a Chroma collection, kept in step with the corpus.

`open_index` connects to an on-disk Chroma (the default) or a Chroma server, and checks that the collection
was built with the configured embedding model. `ChunkIndex.sync` brings the collection in line with a set
of documents: only new or changed documents are processed, and within them only chunks whose text is new
are embedded (others reuse their stored vectors). Writes go in an order that keeps the index answering if a
run dies part-way: a document's new chunks are added before its old ones are deleted, and a rebuild fills a
separate collection that replaces the old one only once it is complete. The next run repairs anything
half-done, because it compares what is stored, not what a previous run meant to store.

An on-disk index is checked before Chroma opens it (`check_disk_index`), because Chroma's Rust core panics
on some damage instead of raising, and waits forever on a lock. Whatever Chroma still raises (or panics with)
while reading becomes `IndexDamaged`, which says to run `stride ingest --rebuild`.

Leaves out: retrieval logic (that is `retrieve`) and reading files (that is `ingest`).
"""

import contextlib
import functools
import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from assistant.errors import IndexDamaged, IndexMismatch, IndexUnavailable, StrideError
from assistant.ingest import CHUNKER_VERSION, Chunk, Document

REBUILD_SUFFIX = "-rebuild"
EMBED_BATCH = 64
DATABASE = "chroma.sqlite3"
VECTOR_SEGMENT = "urn:chroma:segment/vector/hnsw-local-persisted"
HNSW_FILES = ("header.bin", "data_level0.bin", "length.bin", "link_lists.bin")  # written with the folder
HNSW_PERSISTED = "index_metadata.pickle"  # written once Chroma has flushed the segment (and trimmed its log)
# How long work reports how far it got: progress(done, total), called as it goes. Only the CLI draws bars.
Progress = Callable[[int, int], None]


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
    voice: str = ""  # "post": a forum post's words (see ingest.Chunk)
    parent: str = ""  # the heading its section sits under (see ingest.Chunk)


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


def _is_panic(error: BaseException) -> bool:
    # pyo3's PanicException (Chroma's Rust core panicking) derives from BaseException, so `except Exception`
    # misses it; it is the one BaseException turned into an error, never KeyboardInterrupt or SystemExit.
    return type(error).__name__ == "PanicException"


PROFILE_KEY = "stride_profile"  # the corpus profile, as JSON, in the collection's metadata


def _reading(method):
    """A read of the index: anything Chroma raises or panics with means the index cannot be read."""

    @functools.wraps(method)
    def read(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StrideError:
            raise
        except BaseException as error:
            if not (isinstance(error, Exception) or _is_panic(error)):
                raise
            raise IndexDamaged(self._read_error(error)) from None

    return read


def _writing(method):
    """A write: Chroma's panics and internal errors mean damage; anything else (embeddings failing) passes."""

    @functools.wraps(method)
    def write(self, *args, **kwargs):
        from chromadb.errors import InternalError

        try:
            return method(self, *args, **kwargs)
        except BaseException as error:
            if not (isinstance(error, InternalError) or _is_panic(error)):
                raise
            raise IndexDamaged(self._read_error(error)) from None

    return write


def open_client(*, path: Path | None = None, url: str | None = None):
    """A Chroma client for a server URL, else for an on-disk index at `path` (created if missing)."""
    if url:
        return _server_client(url)
    assert path is not None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise IndexUnavailable(
            f"cannot create the index folder {path} ({error.strerror or error}): set STRIDE_DATA_DIR to a folder "
            "you can write"
        ) from None
    try:
        check_disk_index(path)
        import chromadb

        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    except StrideError:
        raise
    except BaseException as error:
        if not (isinstance(error, Exception) or _is_panic(error)):
            raise
        raise _disk_error(path, error) from None


def _server_client(url: str):
    import chromadb

    parsed = urlparse(url if "://" in url else f"http://{url}")
    try:
        client = chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=_chroma_settings(),
        )
        client.heartbeat()
    except Exception as error:
        raise IndexUnavailable(
            f"cannot reach the Chroma server at {url} ({_short(error)}): start it with "
            "`chroma run --path DIR --host 127.0.0.1 --port PORT`, or unset STRIDE_CHROMA_URL"
        ) from None
    return client


def _chroma_settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


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

    @_reading
    def collection(self, *, create: bool = False):
        """The collection, checked against the configured model; None if it doesn't exist and create=False."""
        if self._collection is not None:
            return self._collection
        if create:
            collection = self.client.get_or_create_collection(
                self.name, metadata=self._expected_metadata(), configuration={"hnsw": {"space": "cosine"}}
            )
        else:
            existing = {c.name for c in self.client.list_collections()}
            if self.name not in existing:
                return None
            collection = self.client.get_collection(self.name)
        self._check_compatible(collection)
        self._collection = collection
        return collection

    def require_collection(self):
        collection = self.collection()
        if collection is None:
            raise IndexUnavailable("the index is empty: run `stride ingest` to index the corpus first")
        return collection

    @_reading
    def count(self) -> int:
        collection = self.collection()
        return 0 if collection is None else collection.count()

    @_reading
    def probe(self) -> None:
        """Read the stored collection, whatever model built it; IndexDamaged if that fails."""
        if self.name in {c.name for c in self.client.list_collections()}:
            self.client.get_collection(self.name).count()

    @_reading
    def chunks(self) -> list[StoredChunk]:
        """Every stored chunk (for the lexical retriever, which needs them all in memory)."""
        collection = self.require_collection()
        got = collection.get(where={"kind": "chunk"}, include=["documents", "metadatas"])
        return [
            _stored(id_, text, meta)
            for id_, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    @_reading
    def nearest(self, vector: list[float], n: int) -> list[tuple[str, str, float]]:
        """(chunk id, kind, cosine similarity) of the n entries, chunks or windows, nearest to `vector`.

        Only ids and distances are asked for: a window's id is its chunk's id and ":" and its number
        (`Chunk.windows`), so the entry's metadata is not needed. Fetching it from SQLite was most of the
        query: 7.6 of 8.3 ms p50 for 100 entries on the seed corpus (0.75 ms without it)."""
        collection = self.require_collection()
        got = collection.query(query_embeddings=[vector], n_results=n, include=["distances"])
        return [
            (*_chunk_and_kind(id_), 1.0 - distance)
            for id_, distance in zip(got["ids"][0], got["distances"][0], strict=True)
        ]

    @_reading
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

    @_reading
    def profile(self) -> dict | None:
        """What `stride ingest` recorded about the corpus with it (`scope.profile`); None before the first."""
        if self.collection() is None:
            return None
        # Read afresh, not from the kept collection object: another process's ingest may have written it.
        raw = (self.client.get_collection(self.name).metadata or {}).get(PROFILE_KEY)
        return json.loads(raw) if raw else None

    # -- writing -------------------------------------------------------------------------------------

    @_writing
    def set_profile(self, profile: dict) -> None:
        """Keep `profile` (plain data) with the collection, as its metadata, replacing any before."""
        collection = self.client.get_collection(self.name)
        collection.modify(metadata={**(collection.metadata or {}), PROFILE_KEY: json.dumps(profile)})
        self._collection = None

    @_writing
    def sync(
        self,
        documents: list[Document],
        *,
        present: set[str],
        scope: list[str],
        progress: Progress | None = None,
    ) -> SyncReport:
        """Make the index hold exactly `documents` for the sources they name.

        present: every source that exists on disk, loaded or not (an unreadable file keeps its old chunks).
        scope: source prefixes this run speaks for ("" = everything); indexed sources in scope that are
            no longer present are removed.
        progress: told (passages done, passages in all) after each document, unchanged ones included.
        """
        collection = self.collection(create=True)
        stored = _stored_by_source(collection)
        report = SyncReport()
        total, done = sum(len(document.chunks) for document in documents), 0
        for document in documents:
            old = stored.get(document.source)
            entries = _entries(document)
            if old and old.fingerprints == {document.fingerprint} and old.ids == set(entries):
                report.unchanged.append(document.source)
            else:
                self._write_document(collection, document, entries, old.ids if old else set(), report)
                (report.updated if old else report.added).append(document.source)
            done += len(document.chunks)
            if progress:
                progress(done, total)
        for source, old in stored.items():
            if source not in present and _in_scope(source, scope):
                _delete(collection, sorted(old.ids))
                report.removed.append(source)
        return report

    @_writing
    def rebuild(self, documents: list[Document], progress: Progress | None = None) -> SyncReport:
        """Index `documents` into a fresh collection, then swap it in; the old one serves until then."""
        staging = ChunkIndex(self.client, self.embeddings, self.name + REBUILD_SUFFIX, location=self.location)
        with contextlib.suppress(Exception):
            self.client.delete_collection(staging.name)
        report = staging.sync(documents, present={d.source for d in documents}, scope=[], progress=progress)
        report.added, report.updated = sorted(report.added), []
        staging_collection = self.client.get_collection(staging.name)
        staging_collection.modify(metadata={**self._expected_metadata(), "complete": True})
        self._swap_in(staging_collection)
        return report

    def _write_document(self, collection, document: Document, entries: dict, old_ids: set[str], report: SyncReport):
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

    @_reading
    def _finish_interrupted_rebuild(self) -> None:
        """A rebuild killed between deleting the old collection and renaming the new one: finish it."""
        names = {c.name for c in self.client.list_collections()}
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

    def _read_error(self, error: BaseException) -> str:
        where = self.location or "the index"
        return f"cannot read {where} ({_short(error)}): if it is damaged, run `stride ingest --rebuild`"


def check_disk_index(path: Path, timeout: float = 3.0) -> None:
    """Raise before Chroma opens an on-disk index that is damaged (IndexDamaged) or locked (sqlite3 error).

    Checks the database with SQLite's `PRAGMA quick_check` on a read-only connection (read-write when a killed
    writer left a journal to roll back), and that every vector segment holding vectors has its HNSW folder
    with readable files. Leaves out `PRAGMA integrity_check` (it also cross-checks every index entry: slower,
    and quick_check already finds what Chroma trips on) and the HNSW files' contents (Chroma raises on those,
    and the reads below turn that into IndexDamaged).
    """
    database = path / DATABASE
    if not database.exists():
        return
    # A journal left by a writer that died must be rolled back before anything can be read, which a read-only
    # connection cannot do; Chroma would roll it back on open all the same.
    mode = "rw" if database.with_name(database.name + "-journal").exists() else "ro"
    connection = sqlite3.connect(f"{database.as_uri()}?mode={mode}", uri=True, timeout=timeout)
    try:
        connection.execute("PRAGMA mmap_size = 268435456")  # reads the file without copying it: ~30% faster
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            first = next((line for p in problems for line in p.splitlines() if not line.startswith("***")), "")
            raise _damaged(path, f"SQLite quick_check: {first[:120]}")
        segments = _vector_segments(connection)
    finally:
        connection.close()
    for segment, persisted in segments:
        for name in (*HNSW_FILES, HNSW_PERSISTED) if persisted else HNSW_FILES:
            try:
                (path / segment / name).open("rb").close()
            except OSError as error:
                raise _damaged(path, f"{segment}/{name}: {error.strerror or error}") from None


def _vector_segments(connection) -> list[tuple[str, bool]]:
    """(folder, flushed) of each HNSW segment whose collection holds vectors (an empty one has no folder)."""
    try:
        return connection.execute(
            "SELECT v.id, EXISTS(SELECT 1 FROM max_seq_id m WHERE m.segment_id = v.id) FROM segments v "
            "WHERE v.type = ? AND EXISTS(SELECT 1 FROM segments s JOIN embeddings e ON e.segment_id = s.id "
            "WHERE s.collection = v.collection)",
            (VECTOR_SEGMENT,),
        ).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):  # a database Chroma has not set up yet: nothing to check
            return []
        raise


def _damaged(path: Path, detail: str) -> IndexDamaged:
    return IndexDamaged(
        f"the index at {path} is damaged ({detail}): run `stride ingest --rebuild` to move it aside and build a new one"
    )


def _disk_error(path: Path, error: BaseException) -> IndexUnavailable:
    text = str(error).lower()
    if isinstance(error, PermissionError) or "readonly" in text or "permission" in text:
        return IndexUnavailable(f"cannot open the index at {path}: permission denied (check its owner and permissions)")
    if "lock" in text:
        return IndexUnavailable(f"the index at {path} is locked by another process: wait for it and try again")
    return _damaged(path, _short(error))


def _short(error: BaseException) -> str:
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


def _chunk_and_kind(entry_id: str) -> tuple[str, str]:
    """(chunk id, 'chunk' or 'window') of a stored entry, from its id alone (see `_entries`)."""
    chunk_id, window, _ = entry_id.partition(":")
    return chunk_id, "window" if window else "chunk"


def _entries(document: Document) -> dict[str, tuple[str, str, dict]]:
    """Every entry a document puts in the collection: id -> (text to embed, text to store, metadata).

    Each chunk is stored once whole (kind 'chunk') and once per sentence window (kind 'window'); both
    carry the chunk's id, so a window leads back to the passage it came from; a window's own id begins with
    it too ("<chunk id>:<n>"), which is all `nearest` reads.
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
        "voice": chunk.voice,
        "parent": chunk.parent,
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
        meta.get("voice", ""),
        meta.get("parent", ""),
    )
