"""Retrieval: a runner's question -> the best passages, by dense similarity and BM25 combined.

The dense side (Chroma nearest neighbours of the question's embedding, over whole passages and their
two-sentence windows) catches paraphrases; the lexical
side (BM25 over every passage, held in memory as sparse matrices) catches exact terms like "clamshells" or
"hex bar". They are combined as dense score + 0.1 x BM25 score (divided by the
query's best): reciprocal rank fusion was measured too and lost to dense alone on MRR, so it is kept only as
the `rrf` mode for comparison (README, "Retrieval quality"). BM25's best passage always makes the top k.
Runners rarely use the corpus's own words, so the query is expanded with the corpus author's vocabulary
(groups of phrases that name the same thing, from `stride.toml`, kept with the index: `knowledge`, `scope`).
Near-duplicate passages are collapsed so the top k says k different things. Every hit carries the fused
score and each retriever's rank, for debugging and the eval.

Leaves out: deciding whether anything retrieved is relevant enough to answer from (that belongs to the
answering stage) and any re-ranking model.
"""

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.errors import InputError
from assistant.index import ChunkIndex, StoredChunk
from assistant.scope import Scope
from assistant.text import jaccard, phrase_text, tokens

MAX_QUESTION_CHARS = 2000
CANDIDATES = 20  # how deep the lexical list goes before fusion
ENTRIES_PER_QUERY = 100  # nearest chunks and windows fetched from Chroma (a chunk has ~7 windows)
# hybrid = dense score + BM25_WEIGHT * (BM25 score / the query's best BM25 score). Chosen on the dev half
# of eval/retrieval.jsonl; see the README for the measurements behind it, including RRF.
BM25_WEIGHT = 0.1
RRF_K = 60  # the constant from Cormack et al. (2009), for the 'rrf' mode kept for comparison
DUPLICATE_OVERLAP = 0.7  # Jaccard word overlap above which two passages count as saying the same thing
MODES = ("hybrid", "dense", "bm25", "rrf")
# What a runner calls one of the documents ("the club plan", "priyas video", "the ebook"): a noun of a kind of
# document after "the", "this", a possessive or another word, matched against each document's file name and
# title and the words for its format.
DOCUMENT_NOUN = re.compile(
    r"\b(?:the|this|that|your|ur|[a-z]+['’]?s|[a-z]+)\s+(plan|video|book|e-?book|newsletter|handout|article|podcast"
    r"|notes|talk|e-?mail|guide|blog|transcript|episode|leaflet|programme|program|chapter|captions)\b"
    r"(?:\s+(?:say|says|said|recommend|recommends|suggest|suggests|mention|mentions)\b)?",
    re.IGNORECASE,
)
# A document asked about ("what does the club plan say", "in the video", "week 1 of the plan"), not quoted.
ASKS_OF_DOCUMENT = re.compile(
    r"\b(?:does|do|did|in|from|of|per|according to)(?:\s+(?:the|this|that|your|ur))?\s*$", re.IGNORECASE
)
FORMAT_WORDS = {
    ".epub": "book ebook chapter",
    ".srt": "video talk captions transcript",
    ".vtt": "video talk captions transcript",
    ".pdf": "handout leaflet",
    ".html": "article blog",
    ".htm": "article blog",
}


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with the fused score and where each retriever ranked it (None: not in its list)."""

    chunk: StoredChunk
    score: float
    dense_rank: int | None
    bm25_rank: int | None
    dense_similarity: float | None


def expand_query(question: str, vocabulary: list[tuple[str, ...]], synonyms=()) -> str:
    """The question plus the author's vocabulary groups it touches, and for an exercise it names by a name the
    corpus does not use (`Scope.synonyms`: "heel raises"), the names the corpus uses ("calf raises"). A question
    already using the corpus's name is not added to: more names for the same thing drown what else it asks
    ("pogos feel easy, how do I progress?" had matched the pogo passage's steps, not its progression)."""
    lowered = phrase_text(question)
    extra = [" ".join(group) for group in vocabulary if any(phrase_text(phrase) in lowered for phrase in group)]
    for used, other in synonyms:
        if any(phrase_text(p) in lowered for p in other) and not any(phrase_text(p) in lowered for p in used):
            extra.append(" ".join(used))
    return " ".join([question, *extra])


def validate_question(question: str) -> str:
    """The question with control characters removed; InputError if there is nothing usable in it."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    cleaned = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", question).strip()
    if not cleaned:
        raise InputError("the question is empty: ask something your documents cover, e.g. 'Where do I start?'")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is too long ({len(cleaned)} characters; the limit is {MAX_QUESTION_CHARS})")
    return cleaned


class HybridRetriever:
    """Searches one ChunkIndex; the lexical index is built on first use and kept."""

    def __init__(
        self, index: ChunkIndex, embeddings, *, candidates: int = CANDIDATES, bm25_weight: float = BM25_WEIGHT
    ) -> None:
        self.index = index
        self.embeddings = embeddings
        self.candidates = candidates
        self.bm25_weight = bm25_weight
        self._lock = threading.Lock()
        self._built = False
        self._bm25 = None  # None also when no passage has a searchable word
        self._chunks: list[StoredChunk] = []
        self._words: dict[str, frozenset[str]] = {}
        self._by_id: dict[str, StoredChunk] = {}
        self._documents: dict[str, set[str]] = {}  # source -> the words naming it (`_document_names`)
        self._scope = Scope()

    @property
    def scope(self) -> Scope:
        """What the indexed corpus covers (its profile and its words), read with the passages."""
        self._ensure_lexical_index()
        return self._scope

    def search(self, question: str, k: int = 5, *, mode: str = "hybrid") -> list[Hit]:
        if mode not in MODES:
            raise InputError(f"unknown retrieval mode '{mode}' (choose from {', '.join(MODES)})")
        if k < 1:
            raise InputError("k must be at least 1")
        question = validate_question(question)
        self._ensure_lexical_index()
        # Both sides see the vocabulary: "butt" alone embeds far from "gluteus maximus".
        expanded = expand_query(question, self._scope.vocabulary, self._scope.synonyms)
        lexical = self._lexical(expanded) if mode != "dense" else {}
        dense = self._dense(expanded) if mode != "bm25" else {}
        ranked = self._rank(dense, lexical, mode)
        hits = _collapse_duplicates(ranked, k, self._words_of)
        return _keep_lexical_best(hits, ranked, lexical) if mode == "hybrid" else hits

    def named_document(self, question: str) -> tuple[str, str] | None:
        """The one document the question names by a kind of document, and the words naming it ("does the club
        plan say ...?": club-plan.odt, "club plan say"), or None: no such noun, or no one document it fits. "The
        video" fits the only video; where several fit the noun, or it follows no "the", "this" or possessive
        ("a plan"), the word before it must fit the document too ("club" of "club plan"). Only a document asked
        about counts ("does the club plan say", "in the video", "week 1 of the club plan"): "the physio blog says
        go heavy, but my coach says ..." sets one source against another, for the sources' disagreement."""
        self._ensure_lexical_index()
        documents = self._documents  # made once per index build, not per question
        for match in DOCUMENT_NOUN.finditer(question):
            if not ASKS_OF_DOCUMENT.search(question[: match.start()]):
                continue  # "The physio blog says go heavy but my coach says ...": a source quoted, not asked
            word = match[0].split()[0].lower()
            noun, before = set(tokens(match[1].replace("-", ""))), set(tokens(word))
            fits = [source for source, words in documents.items() if noun & words]
            # "the video", "priyas video" point at one; "a plan", "my plan" name none unless the word fits too
            pointed = word in ("the", "this", "that", "your", "ur") or word.endswith(("'s", "’s"))
            if len(fits) > 1 or not pointed:
                fits = [source for source in fits if before & documents[source]]
            if len(fits) == 1:
                return fits[0], match[0]
        return None

    def headed(self, names: Callable[[str], bool]) -> list[StoredChunk]:
        """The passages under a heading `names` accepts, in the corpus's order: what a runner names by its
        heading ("the return to run checklist") even when its words rank it below the top k."""
        self._ensure_lexical_index()
        return [chunk for chunk in self._chunks if chunk.section and names(chunk.section)]

    def under(self, names: Callable[[str], bool]) -> list[StoredChunk]:
        """The passages of the sections under a heading `names` accepts (a document's "Session A" over its
        exercises' sections), in the corpus's order."""
        self._ensure_lexical_index()
        return [chunk for chunk in self._chunks if chunk.parent and names(chunk.parent)]

    def refresh(self) -> None:
        """Forget the lexical index so the next search sees chunks added since it was built."""
        with self._lock:
            self._built = False

    def _ensure_lexical_index(self) -> None:
        with self._lock:
            if self._built:
                return
            chunks = sorted(self.index.chunks(), key=lambda c: (c.source, c.ordinal))
            # Title and section are searchable too: "hip hinge" should find the chunk under that heading, and so is
            # the heading over its section ("session b" the deadlift under "Session B").
            corpus = [tokens(f"{c.title} {c.parent} {c.section} {c.text}") for c in chunks]
            self._chunks, self._by_id, self._words = chunks, {c.id: c for c in chunks}, {}
            self._scope = Scope.of(self.index.profile() if chunks else None, chunks, corpus)
            self._bm25 = _lexical_index(corpus) if any(corpus) else None
            self._documents = _document_names(chunks)
            self._built = True

    def _words_of(self, chunk: StoredChunk) -> frozenset[str]:
        """A passage's word set, for the duplicate check: made once per passage, then kept."""
        words = self._words.get(chunk.id)
        if words is None:
            words = self._words[chunk.id] = frozenset(tokens(chunk.text))
        return words

    def _dense(self, query: str) -> dict[str, float]:
        """Chunk id -> dense score: the mean of the chunk's own cosine and its best window's.

        One Chroma query returns the nearest entries of both kinds. A chunk whose own vector (or every
        window) is not among them gets the lowest similarity returned in its place: an upper bound on
        the true value, which is below the cut anyway.
        """
        entries = self.index.nearest(self.embeddings.embed_query(query), ENTRIES_PER_QUERY)
        if not entries:
            return {}
        floor = min(similarity for _, _, similarity in entries)
        whole: dict[str, float] = {}
        best_window: dict[str, float] = {}
        for chunk_id, kind, similarity in entries:
            target = whole if kind == "chunk" else best_window
            target[chunk_id] = max(similarity, target.get(chunk_id, -1.0))
        return {
            chunk_id: (whole.get(chunk_id, floor) + best_window.get(chunk_id, floor)) / 2
            for chunk_id in whole.keys() | best_window.keys()
            if chunk_id in self._by_id
        }

    def _lexical(self, query: str) -> dict[str, float]:
        """Chunk id -> BM25 score divided by this query's best, for the top candidates with any match."""
        # Each word once: BM25 adds a term's score per occurrence in the query, and an expansion that
        # repeats "band" five times would drown the word the runner actually asked about.
        query_tokens = list(dict.fromkeys(tokens(query)))
        if not query_tokens or self._bm25 is None:
            return {}
        scores = self._bm25.get_scores(query_tokens)  # words the corpus never uses score nothing
        top = np.argsort(-scores, kind="stable")[: self.candidates]
        best = float(scores[top[0]])
        if best <= 0:
            return {}
        return {self._chunks[i].id: float(scores[i]) / best for i in top if scores[i] > 0}

    def _rank(self, dense: dict[str, float], lexical: dict[str, float], mode: str) -> list[Hit]:
        dense_rank = _ranks(dense)
        bm25_rank = _ranks(lexical)
        ids = set(dense) | set(lexical)
        if mode == "rrf":
            fused = {i: sum(1.0 / (RRF_K + r[i]) for r in (dense_rank, bm25_rank) if i in r) for i in ids}
        else:  # hybrid, dense, bm25: a weighted sum of the scores (a side that did not run adds nothing)
            fused = {i: dense.get(i, 0.0) + self.bm25_weight * lexical.get(i, 0.0) for i in ids}
            if mode == "bm25":
                fused = dict(lexical)
        ordered = sorted(ids, key=lambda i: (-fused[i], dense_rank.get(i, 10**6)))
        return [Hit(self._by_id[i], fused[i], dense_rank.get(i), bm25_rank.get(i), dense.get(i)) for i in ordered]


def _document_names(chunks: list[StoredChunk]) -> dict[str, set[str]]:
    """Each document's words a runner may call it by (`named_document`): its file name's, its title's and its
    format's ("video" for a subtitle file)."""
    documents: dict[str, set[str]] = {}
    for chunk in chunks:
        if chunk.source not in documents:
            name = re.sub(r"[-_.]+", " ", chunk.source.rsplit("/", 1)[-1].rsplit(".", 1)[0])
            suffix = "." + chunk.source.rsplit(".", 1)[-1].lower()
            documents[chunk.source] = set(tokens(f"{name} {chunk.title} {FORMAT_WORDS.get(suffix, '')}"))
    return documents


def _lexical_index(corpus: list[list[str]]):
    """BM25 over the tokenised passages, as a sparse matrix of precomputed term scores (bm25s): a query
    sums the columns of its words instead of scoring every passage in Python (rank-bm25 did, 29 ms a query
    on 3,200 passages). Lucene's idf, which is never negative, where rank-bm25 floored negative idf."""
    import bm25s

    index = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    index.index(corpus, show_progress=False)
    return index


def _keep_lexical_best(hits: list[Hit], ranked: list[Hit], lexical: dict[str, float]) -> list[Hit]:
    """BM25's best passage always makes the top k, in last place if it must: an exact match on a rare word
    ("clamshells") is evidence the dense side misses when the rest of the passage is about other things."""
    if not lexical or not hits:
        return hits
    best = max(lexical, key=lexical.get)
    if any(hit.chunk.id == best for hit in hits):
        return hits
    rescued = next(hit for hit in ranked if hit.chunk.id == best)
    return [*hits[:-1], rescued]


def _ranks(scores: dict[str, float]) -> dict[str, int]:
    return {id_: rank for rank, id_ in enumerate(sorted(scores, key=lambda i: -scores[i]), 1)}


def _collapse_duplicates(hits: list[Hit], k: int, words_of=lambda chunk: frozenset(tokens(chunk.text))) -> list[Hit]:
    """The first k hits that are not near-duplicates of a better one; `words_of` gives a passage's word set
    (the retriever's keeps them: tokenising every hit on every query was 70% of a query on 3,400 passages)."""
    kept: list[Hit] = []
    kept_words: list[frozenset[str]] = []
    for hit in hits:
        words = words_of(hit.chunk)
        if any(jaccard(words, other) >= DUPLICATE_OVERLAP for other in kept_words):
            continue
        kept.append(hit)
        kept_words.append(words)
        if len(kept) == k:
            break
    return kept
