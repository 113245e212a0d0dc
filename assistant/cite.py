"""Citation checking: every sentence of an answer must be supported by the passage it cites.

A small local model writes fluent sentences that its passages do not say, repeats itself, and rarely writes
citation markers at all. So the model's text is evidence of nothing until checked, sentence by sentence:
- markers `[n]` are parsed; numbers that point at no passage are dropped;
- repeated sentences, and sentences that loop on a few words, are dropped;
- support of a sentence by a passage = its best matching passage sentence (or pair of neighbours), scored by
  lexical recall (share of the sentence's content words the passage has) and embedding cosine; a match
  whose negation differs ("should be trained" vs "is not recommended") is no support;
- a sentence keeps the citation of the passage that supports it best (its own marker if that one does,
  otherwise the best other passage: the marker is corrected) and is removed when none does.
`find_disagreement` spots two documents taking opposite stances on one subject the question asks about.

Leaves out: entailment models (none installs offline here), and what to do when nothing survives (the
extractive fallback lives in `answer`).
"""

import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from assistant.calibration import thresholds_for
from assistant.scope import Scope
from assistant.text import is_negated, jaccard, normalise, recall, split_sentences, tokens

# Both bars must be cleared: this share of the sentence's content words found in the supporting passage text,
# and the embedding model's own cosine bar (`calibration`: it depends on the model).
MIN_LEXICAL = 0.5
MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
PRONOUN_START = re.compile(r"(it|they|this|these|that|those)\b", re.IGNORECASE)
# A sentence's stance on what it names, in wording any author uses. "Against" is tried first: "not
# recommended" holds "recommended".
POSITIVE_STANCE = re.compile(
    r"\b(fine|great|favou?rite|good idea|i (really )?(like|love)|recommend(ed)?|helpful|beneficial|effective"
    r"|useful|better approach|worth (it|doing|the effort))\b"
)
NEGATIVE_STANCE = re.compile(
    r"\b(not (very |necessarily |really |that |always )?(beneficial|recommend(ed)?|helpful|useful|effective|needed"
    r"|necessary|worth|train\w*)|(do|does|would) not recommend|(don'?t|doesn'?t|wouldn'?t) recommend"
    r"|(don'?t|do not|never) (strengthen|train|do|use|bother)\w*|waste of time|won'?t necessarily|avoid)\b"
)


@dataclass
class Passage:
    """A numbered passage as the model saw it: `text` is what it was shown (the quote)."""

    number: int
    source: str
    title: str
    section: str
    text: str
    score: float
    sentences: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.sentences:
            self.sentences = split_sentences(" ".join(self.text.split()))


@dataclass
class CheckedSentence:
    text: str  # without markers
    citations: list[int]
    support: float  # 0..1, the combined score of its best support
    supported: bool
    reason: str = ""  # why it was removed
    # passage number -> the passage sentence (or pair of neighbours) that supports it: what a reader is shown
    evidence: dict[int, str] = field(default_factory=dict)


def parse_markers(sentence: str, valid: set[int]) -> tuple[str, list[int]]:
    """The sentence without `[n]` markers, and the valid numbers it cited (in order, once each)."""
    cited: list[int] = []
    for group in MARKER.findall(sentence):
        for number in re.split(r"\s*[,;]\s*", group):
            if int(number) in valid and int(number) not in cited:
                cited.append(int(number))
    return MARKER.sub("", sentence).strip(), cited


def is_degenerate(sentence: str) -> bool:
    """Loops ("no no no no"), lead-ins ("The answer is:") and fragments with nothing to say."""
    words = tokens(sentence)
    if len(words) < 3 or sentence.rstrip().endswith(":"):
        return True
    return len(set(words)) / len(words) < 0.5


def evidence_units(text: str) -> list[str]:
    """A passage's sentences, with a list and the line introducing it kept together as one unit.

    "The exercise has four steps:" means nothing without its four items.
    """
    units: list[str] = []
    lead_in = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("- ") and lead_in:
            units[-1] = f"{units[-1]} {line[2:].rstrip('.')};"
            continue
        if line.startswith("- ") and units and PRONOUN_START.match(line[2:]):
            units[-1] = f"{units[-1]} {line[2:].rstrip('.')}."  # "- It tires quickly": "it" needs its noun
            continue
        if lead_in and units[-1].endswith(";"):
            units[-1] = units[-1][:-1] + "."
        lead_in = False
        sentences = split_sentences(line.removeprefix("- "))
        units.extend(sentences)
        lead_in = bool(sentences) and sentences[-1].endswith(":")
    if lead_in and units[-1].endswith(";"):
        units[-1] = units[-1][:-1] + "."
    return units


class SupportChecker:
    """Scores sentences against passages; `embeddings` embeds both (cached per text within one answer)."""

    def __init__(self, embeddings, min_cosine: float | None = None) -> None:
        self.embeddings = embeddings
        if min_cosine is None:  # the bar calibrated for this embedding model (`calibration`)
            min_cosine = thresholds_for(getattr(embeddings, "model_id", "")).support_cosine
        self.min_cosine = min_cosine
        self._vectors: dict[str, np.ndarray] = {}

    def check(self, sentences: list[str], passages: list[Passage]) -> list[CheckedSentence]:
        valid = {p.number for p in passages}
        units = [(p, unit) for p in passages for unit in _support_units(p.sentences)]
        self._embed([u for _, u in units] + [parse_markers(s, valid)[0] for s in sentences])
        checked: list[CheckedSentence] = []
        seen: list[set[str]] = []
        for raw in sentences:
            text, cited = parse_markers(raw, valid)
            words = set(tokens(text))
            if is_degenerate(text):
                checked.append(CheckedSentence(text, [], 0.0, False, "says nothing or repeats a word"))
            elif any(jaccard(words, other) >= 0.8 for other in seen):
                checked.append(CheckedSentence(text, [], 0.0, False, "repeats an earlier sentence"))
            else:
                checked.append(self._check_one(text, cited, units))
                seen.append(words)
        return checked

    def support(self, sentence: str, passage: Passage) -> float:
        """Best support of `sentence` by one passage (0 when contradicted); used by the eval's judge too."""
        units = [(passage, unit) for unit in _support_units(passage.sentences)]
        self._embed([u for _, u in units] + [sentence])
        scores = [self._score(sentence, unit) for _, unit in units]
        return max(scores, default=0.0)

    def _check_one(self, text: str, cited: list[int], units) -> CheckedSentence:
        best_by_passage: dict[int, tuple[float, str]] = {}
        for passage, unit in units:
            score = self._score(text, unit)
            if score > best_by_passage.get(passage.number, (0.0, ""))[0]:
                best_by_passage[passage.number] = (score, unit)
        supporting = {n: s for n, (s, _) in best_by_passage.items()}
        if not supporting:
            return CheckedSentence(text, [], 0.0, False, "no passage supports it")
        # Keep the model's own citations that hold; otherwise cite the passage that supports it best.
        kept = [n for n in cited if n in supporting]
        citations = kept or [max(supporting, key=supporting.get)]
        evidence = {n: best_by_passage[n][1] for n in citations}
        return CheckedSentence(text, citations, max(supporting[n] for n in citations), True, evidence=evidence)

    def _score(self, sentence: str, unit: str) -> float:
        """Combined support in 0..1, or 0 when below either bar or when negation differs."""
        lexical = recall(set(tokens(sentence)), set(tokens(unit)))
        cosine = float(self._vectors[sentence] @ self._vectors[unit])
        if lexical < MIN_LEXICAL or cosine < self.min_cosine:
            return 0.0
        if is_negated(sentence) != is_negated(unit):
            return 0.0
        return (lexical + cosine) / 2

    def _embed(self, texts: list[str]) -> None:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vector in zip(missing, self.embeddings.embed_documents(missing), strict=True):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)


def _support_units(sentences: list[str]) -> list[str]:
    """Each sentence, and each pair of neighbours: a claim may join two adjacent source sentences."""
    return sentences + [f"{a} {b}" for a, b in itertools.pairwise(sentences)]


@dataclass(frozen=True)
class Disagreement:
    subject: set[str]  # the stems of what both sides are about
    against: tuple[int, str]  # (passage number, sentence)
    for_: tuple[int, str]


def find_disagreement(passages: list[Passage], asked: set[str], scope: Scope) -> Disagreement | None:
    """Two passages from different documents, one for and one against the same thing the question asks
    about (`asked`: the stems of its subject words, `Scope.subjects_in`), if any.

    A side is a sentence with a stance (generic wording: "I recommend", "not very beneficial") whose
    sentence or section names one of the asked subjects; both sides must name the same one, where the
    author's vocabulary makes synonyms one ("hip flexion" and "hip flexors").
    """
    sides: dict[str, list[tuple[Passage, str, set[str]]]] = {"for": [], "against": []}
    for passage in passages:
        for sentence in passage.sentences:
            stance_of = stance(sentence)
            about = asked & set(tokens(f"{passage.section} {sentence}"))
            if stance_of and about:
                sides[stance_of].append((passage, sentence, about))
    for against, against_sentence, against_about in sides["against"]:
        for in_favour, for_sentence, for_about in sides["for"]:
            if against.source != in_favour.source and scope.same_subject(against_about, for_about):
                subject = against_about | for_about
                return Disagreement(subject, (against.number, against_sentence), (in_favour.number, for_sentence))
    return None


def stance(sentence: str) -> str:
    """The sentence's stance in generic wording ("I recommend": "for", "not very beneficial": "against"), or ""."""
    lowered = normalise(sentence)
    return "against" if NEGATIVE_STANCE.search(lowered) else "for" if POSITIVE_STANCE.search(lowered) else ""
