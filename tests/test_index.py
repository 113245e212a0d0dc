"""The Chroma index: incremental sync, safety when a run fails part-way, model checks, damage and rebuild."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.errors import IndexDamaged, IndexMismatch, InputError
from assistant.index import _chunk_and_kind
from assistant.index_corpus import index_corpus
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.integration


def chunk_ids(stride, source=None):
    got = stride.index.collection().get(where={"kind": "chunk"}, include=["metadatas"])
    return {i for i, m in zip(got["ids"], got["metadatas"], strict=True) if source in (None, m["source"])}


def test_reingesting_an_unchanged_corpus_changes_nothing(corpus_copy, make_stride):
    stride = make_stride(corpus_copy)
    first = index_corpus(stride, [])
    before = chunk_ids(stride)
    second = index_corpus(stride, [])
    assert len(first.sync.added) == 3 and first.sync.chunks_embedded == len(before)
    assert second.sync.added == second.sync.updated == second.sync.removed == []
    assert sorted(second.sync.unchanged) == sorted(first.sync.added)
    assert second.sync.chunks_embedded == 0 and chunk_ids(stride) == before


def test_every_stored_entry_names_its_chunk_and_kind_in_its_id(corpus_copy, make_stride):
    """`nearest` reads only ids and distances: an entry's id must say which passage it leads back to, and whether
    it is the passage or one of its windows, exactly as its metadata does."""
    stride = make_stride(corpus_copy)
    index_corpus(stride, [])
    got = stride.index.collection().get(include=["metadatas"])
    assert {meta["kind"] for meta in got["metadatas"]} == {"chunk", "window"}
    for id_, meta in zip(got["ids"], got["metadatas"], strict=True):
        assert _chunk_and_kind(id_) == (meta["chunk"], meta["kind"])
    hits = stride.index.nearest(stride.embeddings.embed_query("hip flexors"), 20)
    assert {chunk for chunk, _, _ in hits} <= chunk_ids(stride) and {kind for _, kind, _ in hits} == {"chunk", "window"}


def test_a_forum_posts_voice_is_kept_with_its_passages(tmp_path, make_stride):
    """What a poster wrote is stored as a post's ("post"), what a document says in its own voice as ""."""
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "thread.txt").write_text(
        "Thread: Hill sprints?\n\nrunner_ann\nJoined: May 2020 | Posts: 88\n\nI sprint uphill twice a week.\n"
    )
    (corpus / "guide.md").write_text("# Hills\n\nRun hills once a week at most.\n")
    stride = make_stride(corpus)
    index_corpus(stride, [])
    assert {(chunk.source, chunk.voice) for chunk in stride.index.chunks()} == {
        ("thread.txt", "post"),
        ("guide.md", ""),
    }


def test_the_heading_a_section_sits_under_is_kept_with_its_passages(index_files):
    plan = (
        "---\ntitle: Plan\n---\n## Session A\n\n### Goblet squat\n\nSit between your heels.\n\n## Cautions\n\nStop.\n"
    )
    stride = index_files({"plan.md": plan})
    assert {(chunk.section, chunk.parent) for chunk in stride.index.chunks()} == {
        ("Goblet squat", "Session A"),
        ("Cautions", ""),
    }


def test_changing_one_document_changes_only_its_chunks(corpus_copy, make_stride):
    stride = make_stride(corpus_copy)
    index_corpus(stride, [])
    others = chunk_ids(stride) - chunk_ids(stride, "glute-training-basics.txt")
    old_basics = chunk_ids(stride, "glute-training-basics.txt")
    path = corpus_copy / "glute-training-basics.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Learn how to activate", "Learn to switch on"))

    report = index_corpus(stride, [])

    assert report.sync.updated == ["glute-training-basics.txt"] and len(report.sync.unchanged) == 2
    new_basics = chunk_ids(stride, "glute-training-basics.txt")
    assert chunk_ids(stride) - new_basics == others
    assert len(new_basics - old_basics) == 1  # only the chunk holding the edit is new...
    assert report.sync.chunks_embedded == 1  # ...and only it was embedded
    assert not (old_basics - new_basics) & chunk_ids(stride)  # the replaced chunk is gone


def test_a_deleted_document_is_removed_and_an_unreadable_one_is_kept(corpus_copy, make_stride):
    stride = make_stride(corpus_copy)
    index_corpus(stride, [])
    kept = chunk_ids(stride, "top-5-favorite-glute-exercises.txt")
    (corpus_copy / "glute-training-basics.txt").unlink()
    (corpus_copy / "top-5-favorite-glute-exercises.txt").write_bytes(b"\xff\xfe not utf-8 \x00")

    report = index_corpus(stride, [])

    assert report.sync.removed == ["glute-training-basics.txt"]
    assert [s.source for s in report.skipped] == ["top-5-favorite-glute-exercises.txt"]
    assert chunk_ids(stride, "top-5-favorite-glute-exercises.txt") == kept
    assert not report.failed  # found in a folder, not named: a skip, not an error


def test_an_empty_corpus_folder_is_an_error_and_leaves_the_index_alone(corpus_copy, make_stride, tmp_path):
    stride = make_stride(corpus_copy)
    index_corpus(stride, [])
    before = chunk_ids(stride)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"no readable documents.*left unchanged"):
        index_corpus(stride, [empty])
    for path in corpus_copy.iterdir():
        path.unlink()
    with pytest.raises(InputError):
        index_corpus(stride, [])
    assert chunk_ids(stride) == before


class FailingEmbeddings:
    """Real embeddings that fail after `budget` calls: a run that dies part-way through."""

    def __init__(self, real, budget):
        self.real, self.budget, self.model_id = real, budget, real.model_id

    def embed_documents(self, texts):
        self.budget -= 1
        if self.budget < 0:
            raise RuntimeError("simulated crash mid-ingest")
        return self.real.embed_documents(texts)

    def embed_query(self, text):
        return self.real.embed_query(text)


def test_a_run_that_dies_part_way_leaves_the_old_index_answering(corpus_copy, make_stride, embeddings):
    from assistant.config import Settings
    from assistant.wiring import Stride

    stride = make_stride(corpus_copy)
    index_corpus(stride, [])
    for path in corpus_copy.glob("*.txt"):
        path.write_text(path.read_text(encoding="utf-8").replace("glute", "glute "))  # every doc changes
    dying = Stride(stride.settings, embeddings=FailingEmbeddings(embeddings, budget=1))
    with pytest.raises(RuntimeError, match="simulated crash"):
        index_corpus(dying, [])

    fresh = Stride(Settings(**stride.settings.model_dump()), embeddings=embeddings)
    hits = fresh.retriever.search("should I strengthen my hip flexors?", k=3)
    assert hits and hits[0].chunk.section == "Hip flexors"
    report = index_corpus(fresh, [])  # the next run completes the job
    assert len(report.sync.unchanged) + len(report.sync.updated) == 3 and report.chunks_total > 0
    assert index_corpus(fresh, []).sync.chunks_embedded == 0


def test_another_embedding_model_asks_for_a_rebuild(corpus_copy, make_stride, embeddings):
    stride = make_stride(corpus_copy)
    index_corpus(stride, [])

    class OtherModel(FailingEmbeddings):
        model_id = "ollama/nomic-embed-text"

    other = make_stride(corpus_copy, embeddings_override=None)
    other._embeddings = OtherModel(embeddings, budget=100)
    other._embeddings.model_id = "ollama/nomic-embed-text"
    with pytest.raises(IndexMismatch, match=r"built with embedding model 'all-MiniLM.*stride ingest --rebuild"):
        other.retriever.search("hip flexors")
    report = index_corpus(other, [], rebuild=True)
    assert report.rebuilt and len(report.sync.added) == 3
    assert other.index.collection().metadata["embedding_model"] == "ollama/nomic-embed-text"


def test_rebuild_replaces_the_collection_in_one_step(corpus_copy, make_stride):
    stride = make_stride(corpus_copy)
    index_corpus(stride, [])
    before = chunk_ids(stride)
    report = index_corpus(stride, [], rebuild=True)
    assert report.sync.chunks_embedded == len(before) and chunk_ids(stride) == before
    assert {c.name for c in stride.client.list_collections()} == {"stride"}


def test_a_rebuild_interrupted_before_the_rename_is_finished_on_next_open(corpus_copy, make_stride):
    from assistant.index import REBUILD_SUFFIX, ChunkIndex

    stride = make_stride(corpus_copy)
    index_corpus(stride, [])
    before = chunk_ids(stride)
    collection = stride.client.get_collection("stride")
    collection.modify(name="stride" + REBUILD_SUFFIX, metadata={**collection.metadata, "complete": True})
    reopened = ChunkIndex(stride.client, stride.embeddings, "stride")
    assert {c.name for c in stride.client.list_collections()} == {"stride"}
    assert reopened.count() == collection.count() and chunk_ids(stride) == before


def test_a_corrupted_index_is_detected_and_rebuilt(corpus_copy, make_stride):
    stride = make_stride(corpus_copy)
    index_corpus(stride, [])
    index_dir = stride.settings.index_dir
    (index_dir / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)

    damaged = make_stride(corpus_copy)
    with pytest.raises(IndexDamaged, match="stride ingest --rebuild"):
        damaged.retriever.search("hip flexors")
    report = index_corpus(make_stride(corpus_copy), [], rebuild=True)
    assert report.moved_aside and ".damaged-" in report.moved_aside
    assert report.chunks_total > 0
    assert make_stride(corpus_copy).retriever.search("hip flexors", k=1)[0].chunk.section == "Hip flexors"


# -- damage: found before Chroma opens the files, reported in one line, and --rebuild always recovers ----------

QUESTION = "How do I make single-leg stands harder?"


def _scribble(database, offset: int, length: int) -> None:
    with database.open("r+b") as file:
        file.seek(offset)
        file.write(bytes((i * 37 + 11) % 256 for i in range(length)))


def _used_page_near_middle(database) -> int:
    """The start of a page holding passage text, the one nearest the file's middle. The middle byte itself may
    sit on a free page, which no check reads and no answer needs: damage there is no damage (seen as a flaky
    run of this test)."""
    data = database.read_bytes()
    page = int.from_bytes(data[16:18], "big") or 65536  # the page size, from the database header
    spots = [m.start() for m in re.finditer(rb"glute", data)]
    nearest = min(spots, key=lambda at: abs(at - len(data) // 2))
    return max(page, nearest // page * page)


def _segment(index_dir):
    (folder,) = [p for p in index_dir.iterdir() if p.is_dir()]  # the one HNSW segment of the one collection
    return folder


DAMAGE = {
    "header": lambda index: _scribble(index / "chroma.sqlite3", 0, 100),
    "first pages": lambda index: _scribble(index / "chroma.sqlite3", 4096, 2000),
    "middle": lambda index: _scribble(index / "chroma.sqlite3", _used_page_near_middle(index / "chroma.sqlite3"), 2000),
    "end": lambda index: _scribble(index / "chroma.sqlite3", (index / "chroma.sqlite3").stat().st_size - 2000, 2000),
    "truncated": lambda index: os.truncate(index / "chroma.sqlite3", (index / "chroma.sqlite3").stat().st_size // 2),
    "hnsw file missing": lambda index: (_segment(index) / "data_level0.bin").unlink(),
    "hnsw folder missing": lambda index: shutil.rmtree(_segment(index)),
}


@pytest.fixture(scope="module")
def built_data_dir(tmp_path_factory, embeddings):
    """A data folder holding an index of the real corpus, built once; each case damages its own copy."""
    from assistant.config import Settings
    from assistant.wiring import Stride

    data = tmp_path_factory.mktemp("built")
    index_corpus(Stride(Settings(corpus_dir=CORPUS, data_dir=data), embeddings=embeddings), [])
    return data


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_index_is_one_line_and_a_rebuild_recovers(built_data_dir, tmp_path, embeddings, damage):
    from assistant.cli import cli
    from assistant.config import Settings
    from assistant.wiring import Stride

    data = tmp_path / "data"
    shutil.copytree(built_data_dir, data)
    DAMAGE[damage](data / "index")

    # A real process: a Rust panic prints to the process's stderr, where CliRunner would not see it.
    env = {**os.environ, "STRIDE_DATA_DIR": str(data), "STRIDE_CORPUS_DIR": str(CORPUS), "STRIDE_BACKEND": "llama-cpp"}
    asked = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", QUESTION],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=env,
    )
    lines = [line for line in asked.stderr.splitlines() if line.strip()]
    assert asked.returncode == 1 and len(lines) == 1, asked.stderr
    assert "stride ingest --rebuild" in lines[0] and "damaged" in lines[0]
    assert "Traceback" not in asked.stderr and "panic" not in asked.stderr.lower()

    def stride():
        return Stride(Settings(corpus_dir=CORPUS, data_dir=data, backend="llama-cpp"), embeddings=embeddings)

    rebuilt = CliRunner().invoke(cli, ["ingest", "--rebuild", "--json"], obj=stride())
    assert rebuilt.exit_code == 0, rebuilt.output
    report = json.loads(rebuilt.stdout)
    assert report["moved_aside"] and Path(report["moved_aside"], "chroma.sqlite3").is_file()  # kept, not deleted
    assert report["chunks_total"] > 20

    answered = CliRunner().invoke(cli, ["ask", QUESTION, "--json"], obj=stride())
    assert answered.exit_code == 0, answered.output
    answer = json.loads(answered.stdout)
    assert not answer["refused"] and answer["citations"]


def test_a_journal_left_by_a_killed_writer_is_rolled_back_not_called_damage(built_data_dir, tmp_path, embeddings):
    import signal

    from assistant.config import Settings
    from assistant.wiring import Stride

    data = tmp_path / "data"
    shutil.copytree(built_data_dir, data)
    database = data / "index" / "chroma.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER_KILLED_MID_TRANSACTION, str(database)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout.readline().strip() == "writing"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=10)
    assert database.with_name("chroma.sqlite3-journal").exists()  # a hot journal, as a killed ingest leaves

    stride = Stride(Settings(corpus_dir=CORPUS, data_dir=data), embeddings=embeddings)
    assert stride.retriever.search("should I strengthen my hip flexors?", k=1)[0].chunk.section == "Hip flexors"


WRITER_KILLED_MID_TRANSACTION = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA cache_size = 1")  # spill to the file, so the journal holds the old pages
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE embedding_metadata SET string_value = 'overwritten' WHERE string_value IS NOT NULL")
print("writing", flush=True)
time.sleep(60)
"""


def test_a_chroma_panic_on_open_becomes_index_damaged(built_data_dir, tmp_path, embeddings, monkeypatch):
    """Damage the check cannot see (here: the check switched off) still ends as IndexDamaged, not a panic."""
    from assistant import index
    from assistant.config import Settings
    from assistant.wiring import Stride

    data = tmp_path / "data"  # a path this process's Chroma has not opened yet
    shutil.copytree(built_data_dir, data)
    DAMAGE["first pages"](data / "index")  # Chroma panics opening this one
    monkeypatch.setattr(index, "check_disk_index", lambda path: None)
    with pytest.raises(IndexDamaged, match=r"PanicException.*stride ingest --rebuild"):
        Stride(Settings(corpus_dir=CORPUS, data_dir=data), embeddings=embeddings).index.count()


class PanicException(BaseException):
    """Stands in for pyo3's: recognised by name, since pyo3 does not export the class."""


class FailingClient:
    def __init__(self, error: BaseException):
        self.error = error

    def list_collections(self):
        raise self.error


def test_a_panic_in_any_read_is_damage_but_ctrl_c_and_exit_pass_through(embeddings):
    from assistant.index import ChunkIndex

    with pytest.raises(IndexDamaged, match="stride ingest --rebuild"):
        ChunkIndex(FailingClient(PanicException("Expect it to be fetched")), embeddings)
    for passing in (KeyboardInterrupt(), SystemExit(3)):
        with pytest.raises(type(passing)):
            ChunkIndex(FailingClient(passing), embeddings)
