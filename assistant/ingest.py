"""Ingestion: source files -> documents made of cleaned, sectioned chunks with stable ids.

`discover` finds the files under the paths a user gives (skipping what Stride cannot read, with a reason),
`load_document` reads, cleans (see `clean`) and splits one file. Chunks follow the document's structure:
a chunk never crosses a section heading or a scrape gap (two blank lines, where the seeds lost a heading),
and long paragraphs are split at sentence ends. A chunk's id is a hash of what it says and where, so
re-ingesting an unchanged corpus produces the same ids.

Leaves out: storing anything (that is `index`) and token-exact sizing; sizes are in words, sized for
all-MiniLM-L6-v2's 256-token window with room for the title and section that are embedded with each chunk.
"""

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.clean import NO_SITE_RESIDUE, POST, THREAD_LABEL, Dropped, SiteResidue, clean
from assistant.errors import InputError
from assistant.knowledge import FILENAME as KNOWLEDGE_FILE
from assistant.loaders import SIDECAR_SUFFIX, SUPPORTED_SUFFIXES, Unreadable, load
from assistant.text import split_sentences

# Bump when cleaning or splitting changes what chunks contain: every document is then re-chunked.
CHUNKER_VERSION = "10"
MAX_CHUNK_WORDS = 120
MIN_CHUNK_WORDS = 30  # a smaller trailing piece of a section joins the chunk before it
WINDOW_SENTENCES = 2
# A saved forum thread opens on its trail ("Forums > Training > Strength") and names itself "Thread: ..."
# (`clean.THREAD_LABEL`).
TRAIL = re.compile(r"(?:[^.!?>»›]{1,40}\s[>»›]\s+){2,}[^.!?>»›]{1,60}")


@dataclass(frozen=True)
class Chunk:
    """A passage as it is indexed and cited."""

    id: str
    source: str  # the document's path relative to the corpus root (absolute when outside it)
    title: str
    section: str
    text: str
    start: int  # character span of the passage in the source text
    end: int
    ordinal: int  # position in the document
    voice: str = ""  # "post" for a forum post's text (its section names the poster); "" for the document's own
    # The heading its section sits under, when the source marks headings' depths ("Session A" over "## Goblet
    # squat" written "### Goblet squat"): what a runner names to ask for the sections under it.
    parent: str = ""

    def embedding_text(self) -> str:
        """What gets embedded: the text under its section heading, so 'Hip flexors' informs the vector.

        The title is left out: shared by every chunk of a document, it pulled all of them together
        (measured on the retrieval eval: recall@5 0.70 with the title, 0.77 without).
        """
        return f"{self.section}\n{self.text}" if self.section else self.text

    def windows(self) -> list[tuple[str, str]]:
        """(id, text) of overlapping two-sentence windows, embedded beside the whole chunk.

        A question usually matches one or two sentences of a passage; a whole-chunk vector averages that
        match away. Scoring a chunk by its best window as well as by itself finds those.
        """
        sentences = [s for line in self.text.splitlines() for s in split_sentences(line.removeprefix("- "))]
        prefix = f"{self.section}: " if self.section else ""
        return [
            (f"{self.id}:{number}", prefix + " ".join(sentences[number : number + WINDOW_SENTENCES]))
            for number in range(max(1, len(sentences) - WINDOW_SENTENCES + 1))
        ]


@dataclass
class Document:
    source: str
    path: Path
    title: str
    metadata: dict[str, str]
    fingerprint: str
    chunks: list[Chunk]
    dropped: list[Dropped] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """A file that discovery found: where it is and the source id it will be indexed under."""

    path: Path
    source: str
    explicit: bool  # named by the user rather than found in a folder


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str
    explicit: bool = False


def source_id(path: Path, corpus_root: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(corpus_root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def discover(paths: list[Path], corpus_root: Path) -> tuple[list[Candidate], list[Skipped]]:
    """Expand files and folders into candidate documents; unsupported files are skipped with a reason."""
    candidates: dict[str, Candidate] = {}
    skipped: list[Skipped] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            for file in _walk(path):
                _consider(file, corpus_root, False, candidates, skipped)
        else:
            _consider(path, corpus_root, True, candidates, skipped)
    return list(candidates.values()), skipped


def _consider(path: Path, corpus_root: Path, explicit: bool, candidates: dict, skipped: list) -> None:
    source = source_id(path, corpus_root)
    name = path.name.lower()
    if name.endswith(SIDECAR_SUFFIX) or (not explicit and (name.startswith("readme") or name == KNOWLEDGE_FILE)):
        return  # metadata sidecars, the corpus's own README and its knowledge file are not documents
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        suffix = path.suffix.lower() or "(none)"
        skipped.append(Skipped(source, f"unsupported file type {suffix}", explicit))
        return
    candidates.setdefault(source, Candidate(path, source, explicit))


def _walk(folder: Path):
    """Files below `folder`, sorted, hidden ones skipped, following links without looping forever."""
    seen: set[str] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a symlink loop, or the same folder linked twice
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def load_document(candidate: Candidate, site: SiteResidue = NO_SITE_RESIDUE) -> Document:
    """Read, clean and chunk one file. Raises Unreadable with the reason it cannot be used."""
    loaded = load(candidate.path)
    title = loaded.metadata.get("title") or _first_line_title(loaded.text, loaded.content_start, candidate.path)
    cleaned = clean(loaded.text, start=loaded.content_start, title=title, site=site, posters=loaded.posters)
    chunks = split_into_chunks(cleaned.blocks, candidate.source, title, loaded.text)
    if not chunks:
        raise Unreadable("nothing left after removing scrape residue (no passages to index)")
    metadata = {key: value for key, value in loaded.metadata.items() if key != "title"}
    fingerprint = _fingerprint(loaded, site)
    return Document(candidate.source, candidate.path, title, metadata, fingerprint, chunks, cleaned.dropped)


def split_into_chunks(blocks, source: str, title: str, source_text: str) -> list[Chunk]:
    """Group blocks into chunks within sections; see the module docstring for the rules."""
    pieces: list[tuple[tuple[str, str], list]] = []  # ((section, parent), [(text, start, end), ...])
    section = ("", "")
    posted: set[str] = set()  # sections naming a forum post's author
    outline: list[tuple[int, str]] = []  # the headings open at this point whose depth is known, outermost first
    current: list = []

    def flush():
        nonlocal current
        if current:
            pieces.append((section, current))
        current = []

    for block in blocks:
        if block.kind == "heading":
            flush()
            while block.level and outline and outline[-1][0] >= block.level:
                outline.pop()
            section = (block.text, outline[-1][1] if outline else "")
            if block.level:
                outline.append((block.level, block.text))
            if block.voice:
                posted.add(block.text)
            continue
        if block.after_gap:
            flush()
        for text, start, end in _fit(block, source_text):
            words = _words(text)
            lead_in = bool(current) and current[-1][0].endswith(":")
            limit = MAX_CHUNK_WORDS * 3 // 2 if lead_in else MAX_CHUNK_WORDS
            if current and sum(_words(t) for t, _, _ in current) + words > limit:
                flush()
            current.append((text, start, end))
    flush()
    return _make_chunks(_merge_small_tails(pieces), source, title, posted)


def _fit(block, source_text: str):
    """A block as (text, start, end) parts of at most MAX_CHUNK_WORDS, split at sentence ends."""
    if _words(block.text) <= MAX_CHUNK_WORDS or block.kind != "paragraph":
        return [(block.text, block.start, block.end)]
    parts, current = [], []
    for sentence in split_sentences(block.text):
        if current and _words(" ".join(current)) + _words(sentence) > MAX_CHUNK_WORDS:
            parts.append(" ".join(current))
            current = []
        current.append(sentence)
    parts.append(" ".join(current))
    return [(part, *_locate(part, source_text, block.start, block.end)) for part in parts]


def _locate(part: str, source_text: str, start: int, end: int) -> tuple[int, int]:
    """The span of `part` inside source_text[start:end]; the whole span if its words can't be found."""
    words = part.split()

    def pattern(chosen):
        return r"\s+".join(re.escape(word) for word in chosen)

    head = re.compile(pattern(words[:6])).search(source_text, start, end)
    tail = re.compile(pattern(words[-6:])).search(source_text, head.start() if head else start, end)
    if not head or not tail:
        return start, end
    return head.start(), tail.end()


def _merge_small_tails(pieces):
    merged: list[tuple[tuple[str, str], list]] = []
    for section, parts in pieces:
        words = sum(_words(t) for t, _, _ in parts)
        if merged and merged[-1][0] == section and words < MIN_CHUNK_WORDS:
            previous = merged[-1][1]
            if sum(_words(t) for t, _, _ in previous) + words <= MAX_CHUNK_WORDS * 3 // 2:
                previous.extend(parts)
                continue
        merged.append((section, list(parts)))
    return merged


def _make_chunks(pieces, source: str, title: str, posted: set[str]) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for ordinal, ((section, parent), parts) in enumerate(pieces):
        text = "\n".join(t for t, _, _ in parts)
        # The same text twice in one document still gets two ids: the repeat count is part of the hash.
        repeat = seen.get(text, 0)
        seen[text] = repeat + 1
        named = [CHUNKER_VERSION, source, title, section, parent, text, str(repeat)]
        digest = hashlib.sha256("\0".join(named).encode()).hexdigest()[:24]
        start, end = parts[0][1], parts[-1][2]
        voice = POST if section in posted else ""
        chunks.append(Chunk(digest, source, title, section, text, start, end, ordinal, voice, parent))
    return chunks


def _fingerprint(loaded, site: SiteResidue) -> str:
    return hashlib.sha256(f"{CHUNKER_VERSION}:{loaded.fingerprint}:{site.key}".encode()).hexdigest()[:32]


def _first_line_title(text: str, start: int, path: Path) -> str:
    """The first line, unless it is a forum's trail ("Forums > Training > Strength"): then the thread's name
    ("Thread: Are plyos worth it?") when a line gives it, else the next line."""
    for line in text[start:].splitlines():
        line = " ".join(line.strip().lstrip("#").split())  # a running header spaces its parts out: one space each
        if TRAIL.fullmatch(line):
            continue
        line = THREAD_LABEL.sub("", line)
        if line:
            return line[:120] if len(line.split()) <= 15 else _title_from_name(path)
    return _title_from_name(path)


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def _words(text: str) -> int:
    return len(text.split())
