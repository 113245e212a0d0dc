"""`stride ingest`'s work: discover files, load them, and bring the index in step, safely.

Checks everything that can fail before the index is touched: a missing path or a folder with no readable
documents is an error and leaves the index exactly as it was (an empty corpus folder must not empty the
index). A damaged on-disk index is moved aside (kept, not deleted) when the user asks for --rebuild.
The corpus author's `stride.toml` (`knowledge`) is read first: its site residue rules clean the documents,
and what answering needs of it is recorded with the index, in the corpus profile (`scope`), after the sync.

Leaves out: how files are read or chunked (`ingest`) and how the collection is written (`index`).
"""

from dataclasses import dataclass, field
from pathlib import Path

from assistant.clean import SiteResidue
from assistant.config import setting_error
from assistant.errors import IndexDamaged, InputError
from assistant.index import Progress, SyncReport, move_aside
from assistant.ingest import Skipped, discover, load_document, source_id
from assistant.knowledge import generic_vocabulary, load_knowledge
from assistant.loaders import Unreadable
from assistant.scope import profile


@dataclass
class IngestReport:
    index_location: str
    sync: SyncReport
    skipped: list[Skipped] = field(default_factory=list)
    rebuilt: bool = False
    moved_aside: str | None = None
    documents_total: int = 0
    chunks_total: int = 0

    @property
    def failed(self) -> bool:
        """A file the user named explicitly could not be indexed."""
        return any(s.explicit for s in self.skipped)

    def as_dict(self) -> dict:
        return {
            "index": self.index_location,
            "rebuilt": self.rebuilt,
            "added": self.sync.added,
            "updated": self.sync.updated,
            "removed": self.sync.removed,
            "unchanged": self.sync.unchanged,
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
            "chunks_embedded": self.sync.chunks_embedded,
            "chunks_reused": self.sync.chunks_reused,
            "documents_total": self.documents_total,
            "chunks_total": self.chunks_total,
            "moved_aside": self.moved_aside,
        }


def index_corpus(
    stride,
    paths: list[Path],
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the index in step with `paths` (default: the corpus folder).

    progress: `index.Progress` of the embedding, in passages.
    """
    corpus_root = stride.settings.corpus_dir
    if not paths and not corpus_root.is_dir():
        raise setting_error("corpus_dir", corpus_root, "is not a folder")
    paths = paths or [corpus_root]
    knowledge = load_knowledge(corpus_root)
    site = SiteResidue(knowledge.residue_lines, knowledge.residue_sentences)
    candidates, skipped = discover(paths, corpus_root)
    documents = []
    for candidate in candidates:
        try:
            documents.append(load_document(candidate, site))
        except Unreadable as reason:
            skipped.append(Skipped(candidate.source, str(reason), candidate.explicit))
    if not documents:
        named = ", ".join(str(p) for p in paths)
        detail = f" ({len(skipped)} skipped: {skipped[0].source}: {skipped[0].reason})" if skipped else ""
        raise InputError(f"no readable documents in {named}{detail}; the index was left unchanged")

    report = IngestReport(stride.index_location, SyncReport(), skipped, rebuilt=rebuild)
    if rebuild:
        report.moved_aside = _reopen_if_damaged(stride)
        report.sync = stride.index.rebuild(documents, progress)
    else:
        present = {c.source for c in candidates}
        scope = [_scope(p, corpus_root) for p in paths if p.is_dir()]
        report.sync = stride.index.sync(documents, present=present, scope=scope, progress=progress)
    stride.index.set_profile(profile(stride.index.chunks(), knowledge.for_index(), generic_vocabulary()))
    found = stride.index.sources()
    report.documents_total = len(found)
    report.chunks_total = sum(info.chunks for info in found)
    return report


def _scope(folder: Path, corpus_root: Path) -> str:
    source = source_id(folder, corpus_root)
    return "" if source == "." else source


def _reopen_if_damaged(stride) -> str | None:
    """For --rebuild on disk: if the index can't even be opened, move it aside and start a new one."""
    if stride.settings.chroma_url:
        return None
    try:
        stride.index.probe()
        return None
    except IndexDamaged:
        pass
    target = move_aside(stride.settings.index_dir)
    stride.reset()
    return str(target)
