"""Citation checking: every sentence of an answer must be supported by the passage it cites.

A small local model writes fluent sentences that its passages do not say, repeats itself, and rarely writes
citation markers at all. So the model's text is evidence of nothing until checked, sentence by sentence:
- markers `[n]` are parsed; numbers that point at no passage are dropped;
- repeated sentences, and sentences that loop on a few words, are dropped;
- support of a sentence by a passage = its best matching passage sentence (or pair of neighbours), scored by
  lexical recall (share of the sentence's content words the passage has) and embedding cosine; a match
  whose negation differs ("should be trained" vs "is not recommended") is no support;
- a name swapped for its sibling ("the gluteus minimus" where the source says "the gluteus medius", when the
  evidence uses both names) and two terms paired as the source never pairs them ("rising is the eccentric
  work" from "rising or concentric work; lowering or eccentric work") are no support either;
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

from assistant.calibration import Thresholds, thresholds_for
from assistant.scope import Scope
from assistant.text import is_negated, jaccard, normalise, split_sentences, tokens

# Words that say yes or no: the negation check compares them, so coverage leaves them out.
POLARITY_WORDS = frozenset(tokens("yes no not never nor don't doesn't isn't aren't won't can't shouldn't wouldn't"))
# Words that join, hedge or attribute a claim without adding to it ("also", "specifically", "the passage
# states", "you can make"): coverage skips them.
FILLER = frozenset(
    tokens(
        "also actually additionally although because both even especially however indeed instead just like more "
        "most much often really so specifically such though thus therefore very well which again here only "
        "according passage passages source sources states says mentions article author goal "
        "make made take help allow include involve can may"
    )
)
# Words whose opposite in the source makes a sentence say the reverse ("the closer the weight" where the
# source says "the further"): a sentence with one of a pair, whose source has only the other, is contradicted.
OPPOSITES = [
    tuple(tokens(pair))
    for pair in (
        "same opposite",
        "same different",
        "closer further",
        "closer farther",
        "inward outward",
        "left right",
        "more less",
        "higher lower",
        "heavier lighter",
        "quickly slowly",
        "fast slow",
        "before after",
        "increase decrease",
        "easier harder",
        "front back",
        "above below",
        "toes heels",
        "bigger smaller",
        "largest smallest",
        "strong weak",
        "stronger weaker",
        "tight loose",
        "always never",
        "inside outside",
    )
]
# Where one clause of a sentence ends and the next begins: word order is compared within a clause only.
CLAUSE_BREAK = re.compile(r"[,;:()]|\s(?:and then|then|after|before|while|when|because|so that)\s", re.IGNORECASE)
# "Not as tall as" compares; it does not deny what the sentence says.
COMPARISON = re.compile(r"\bnot (as|so) \w+ as\b|\bnot only\b", re.IGNORECASE)
# Numbers a sentence gives must be in its source ("3 sets" where it gives none is an addition); words are read
# as digits so "three" meets "3".
NUMBER_WORDS = {tokens(w)[0]: str(n) for n, w in enumerate("zero one two three four five six seven eight nine".split())}
BARE_LABEL_WORDS = 3  # a lead-in this short ("How to:", "Make it harder:") only labels the list under it
ROOT = 6  # letters two stems of one word share ("stabil": stability, stabilizing)
# A list of short names: "A, B and C" or "A and B", each item one to three words.
LIST = re.compile(
    r"\b(?:[A-Za-z-]+ ){0,2}[A-Za-z-]+(?:, (?:[A-Za-z-]+ ){0,2}[A-Za-z-]+)*,? (?:and|or) (?:[A-Za-z-]+ ){0,2}[A-Za-z-]+"
    r"(?=\s*(?:[.,;:!?)\[]|$))"  # ...ending the sentence or a clause: "A and B help C" is not a list of names
)
# A sentence that opens with a yes or a no answers the question: what it restates of the question is its claim.
VERDICT_START = re.compile(r"\W*(yes|no)\b", re.IGNORECASE)
MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
PRONOUN_START = re.compile(r"(it|they|this|these|that|those)\b", re.IGNORECASE)
# A sentence's stance on what it names, in wording any author uses. "Against" is tried first: "not
# recommended" holds "recommended".
# A plain "Yes, ..." or "No, ..." opening a source's sentence is its answer to the question its heading asks.
POSITIVE_STANCE = re.compile(
    r"\b(fine|great|favou?rite|good idea|i (really )?(like|love)|recommend(ed)?|helpful|beneficial|effective"
    r"|useful|better approach|worth (it|doing|the effort)|one of the best|the best (\w+ ){0,2}(exercises?|options?))\b"
    r"|^yes\b[,.:!]"
    # going on with something: "Keep lifting through your build.", "Do not drop plyometrics completely."
    r"|^(keep|continue|carry on) \w+ing\b|\b(do not|don'?t) (drop|stop|skip|cut out) \w+"
)
NEGATIVE_STANCE = re.compile(
    r"\b(not (very |necessarily |really |that |always )?(beneficial|recommend(ed)?|helpful|useful|effective|needed"
    r"|necessary|worth|train\w*)|(do|does|would) not recommend|(don'?t|doesn'?t|wouldn'?t) recommend"
    # "never do them on tired legs" advises; "if you have never done plyometrics" tells of experience
    r"|(don'?t|do not|never) (strengthen\w*|train\w*|do|use|using|bother\w*)|waste of time|won'?t necessarily|avoid"
    r"|should(n'?t| not) (be )?(strengthen|train|do|use|bother|start|include|add)\w*)\b|^no\b[,.:!]"
    # stopping it: "Drop plyometrics completely for the last 10 days", "Stop the eccentric work two weeks out"
    r"|^(drop|skip|cut out) (?!if\b)\w+|^stop (the|all|any|your|doing|\w+ing)\b"
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
    listed: bool = False  # a list in its source, every item kept: a list asked for by its heading's words
    poster: str | None = None  # a forum post's: who wrote it (its section names them); None for a document's own

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

    "The exercise has four steps:" means nothing without its four items. A list whose items are sentences of
    their own ("Learn X – X means ... . If you ..., ...") is not joined: one unit holding every item would match
    no question well, and each item says something alone; its lead-in then stands alone too.
    """
    units: list[str] = []
    lead_in = False
    lines = [line.strip() for line in text.splitlines()]
    for at, line in enumerate(lines):
        if line.startswith("- ") and lead_in:
            units[-1] = f"{units[-1]} {line[2:].rstrip('.')};"
            continue
        if line.startswith("- ") and units and PRONOUN_START.match(line[2:]):
            units[-1] = f"{units[-1]} {line[2:].rstrip('.')}."  # "- It tires quickly": "it" needs its noun
            continue
        if lead_in and units[-1].endswith(";"):
            units[-1] = units[-1][:-1] + "."
        sentences = _with_short_openers(split_sentences(line.removeprefix("- ")))
        units.extend(sentences)
        lead_in = (
            bool(sentences) and sentences[-1].endswith(":") and not _items_stand_alone(sentences[-1], lines[at + 1 :])
        )
    if lead_in and units[-1].endswith(";"):
        units[-1] = units[-1][:-1] + "."
    return units


def _with_short_openers(sentences: list[str]) -> list[str]:
    """Sentences of a line, a one- or two-word one ("Always.", "Yes!", "Loads.") opening it joined to the
    sentence after it: an FAQ's answer often opens with its verdict in a word, which alone is too short to be
    shown or scored, and the sentence after it, alone, loses the verdict. Later in the line a short sentence
    ends the one before it ("... not a concern on its own. Carry on.")."""
    joined: list[str] = []
    for sentence in sentences:
        if (len(joined) == 1 and len(joined[-1].split()) <= 2 and joined[-1].endswith((".", "!"))) or (
            joined and len(sentence.split()) <= 2
        ):
            joined[-1] = f"{joined[-1]} {sentence}"
        else:
            joined.append(sentence)
    return joined


def _items_stand_alone(lead: str, lines: list[str]) -> bool:
    """Whether the list opening these lines has an item of more than one sentence, or is a list of sentences
    under a bare label ("How to:" over "- Lie on your side ...", "- Lift your hips ..."): the label adds
    nothing to them, and steps joined into one unit are no steps to a question asking how."""
    items = [line[2:] for line in itertools.takewhile(lambda line: line.startswith("- "), lines)]
    if any(len(split_sentences(item)) > 1 for item in items):
        return True
    bare_label = len(lead.split()) <= BARE_LABEL_WORDS
    return bare_label and len(items) >= 2 and all(item[:1].isupper() and item.endswith(".") for item in items)


class SupportChecker:
    """Scores sentences against passages; `embeddings` embeds both (cached per text within one answer).

    `thresholds` are the embedding model's (`calibration`); by default the set calibrated for `embeddings`.
    """

    def __init__(self, embeddings, thresholds: Thresholds | None = None) -> None:
        self.embeddings = embeddings
        self.thresholds = thresholds or thresholds_for(getattr(embeddings, "model_id", ""))
        self._vectors: dict[str, np.ndarray] = {}

    def check(self, sentences: list[str], passages: list[Passage], question: str = "") -> list[CheckedSentence]:
        """Each sentence checked against the passages; `question` lets a sentence restate what was asked
        (its words count as said when some passage uses them too)."""
        valid = {p.number for p in passages}
        units = [(p, unit) for p in passages for unit in _support_units(p.sentences)]
        asked = set(content_words(question))
        topic = asked & {w for p in passages for w in content_words(" ".join(p.sentences))}
        names = set().union(*(_pairs(f"{p.section}. {' '.join(p.sentences)}") for p in passages))
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
                # A verdict's words from the question must be the passages' words too; another sentence may
                # echo the question's framing ("the technique for X is ...") whatever words the passages use.
                said = topic if VERDICT_START.match(text) else asked
                checked.append(self._check_one(text, cited, units, said, names))
                seen.append(words)
        return checked

    def support(self, sentence: str, passage: Passage) -> float:
        """Best support of `sentence` by one passage (0 when contradicted); used by the eval's judge too."""
        units = [(passage, unit) for unit in _support_units(passage.sentences)]
        self._embed([u for _, u in units] + [sentence])
        claim = Claim.of(sentence)
        names = _pairs(f"{passage.section}. {' '.join(passage.sentences)}")
        return max(
            (self._score(sentence, claim, unit, set(), passage.section, names) for _, unit in units), default=0.0
        )

    def _check_one(self, text: str, cited: list[int], units, topic: set[str], names: set) -> CheckedSentence:
        claim = Claim.of(text)
        best_by_passage: dict[int, tuple[float, str]] = {}
        for passage, unit in units:
            score = self._score(text, claim, unit, topic, passage.section, names)
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

    def _score(
        self, sentence: str, claim: "Claim", unit: str, topic: set[str], section: str, names=frozenset()
    ) -> float:
        """Combined support in 0..1, or 0 when a check fails: too little of the sentence in the unit (or
        anything it adds that the unit does not say), too far in meaning, a number or list the unit does not
        give, words in another order (names swapped), a name swapped for its sibling (`names`: the pairs of
        neighbouring words the evidence uses), terms paired otherwise than the unit pairs them, or negation
        that differs.

        The passage's section counts as said by the unit ("this one" in the unit stands for it), and so do
        the question's words that the passages use (`topic`: a verdict restates what was asked)."""
        bars = self.thresholds
        unit_words = set(content_words(unit))
        context = topic | set(content_words(section))
        missing = claim.missing(unit_words, context)
        lexical = 1 - len(missing) / len(claim.words) if claim.words else 0.0
        cosine = float(self._vectors[sentence] @ self._vectors[unit])
        close = cosine >= bars.support_cosine and lexical >= bars.support_lexical
        close = close and len(missing) <= bars.support_unmatched
        # Every word found: the meaning may still differ ("A is B" from "B is not A"), so a lower cosine bar.
        whole = not missing and cosine >= bars.whole_cosine
        # A paraphrase shares few words but means the same: a high cosine lets more words go unmatched.
        paraphrase = cosine >= bars.paraphrase_cosine and len(missing) <= bars.paraphrase_unmatched
        if not (close or whole or paraphrase) or claim.numbers - unit_words or claim.reverses(unit_words):
            return 0.0
        if _negated(sentence) != _negated(unit) or not claim.lists_within(unit):
            return 0.0
        if claim.grafted(unit, context, bars.graft_words):
            return 0.0
        if claim.order_kept(unit, section) < bars.order_agreement:
            return 0.0
        if claim.renamed(unit, names) or claim.repaired(unit):
            return 0.0
        return (lexical + cosine) / 2

    def _embed(self, texts: list[str]) -> None:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vector in zip(missing, self.embeddings.embed_documents(missing), strict=True):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)


@dataclass(frozen=True)
class Claim:
    """What a sentence asserts, in the parts the checks compare: its content words (yes/no and negation left
    to the negation check), the numbers it gives, and the lists it names ("the A, B and C")."""

    words: frozenset[str]
    numbers: frozenset[str]
    lists: tuple[frozenset[str], ...]
    clauses: tuple[tuple[str, ...], ...]  # the content words of each clause, in the sentence's order

    @classmethod
    def of(cls, sentence: str) -> "Claim":
        clauses = tuple(tuple(content_words(c)) for c in CLAUSE_BREAK.split(sentence))
        words = frozenset(w for clause in clauses for w in clause)
        numbers = frozenset(w for w in words if w.isdigit() and w != "1")  # "one leg" is not a count
        return cls(words, numbers, tuple(_listed_items(sentence)), clauses)

    def order_kept(self, unit: str, section: str = "") -> float:
        """Share of pairs of words within one clause of the sentence (each word once in the sentence and once
        in the source sentence compared) that come in the same order in both: "the gastrocnemius lies under
        the soleus" from "[soleus:] it lies under the gastrocnemius" keeps one pair of six. Clauses may come in any
        order ("after you rise, lower" from "rise, then lower"). Compared with the unit's sentence that shares
        the most such words, its section first; 1.0 when no clause has three words to compare."""
        everywhere = [w for clause in self.clauses for w in clause]
        best = (0, 1.0)
        for part in split_sentences(unit):
            source = content_words(f"{section}. {part}")
            pairs = []
            for clause in self.clauses:
                once = [w for w in clause if everywhere.count(w) == 1 and source.count(w) == 1]
                if len(once) >= 3:
                    pairs += itertools.combinations(once, 2)
            if len(pairs) > best[0]:
                best = (len(pairs), sum(source.index(a) < source.index(b) for a, b in pairs) / len(pairs))
        return best[1]

    def missing(self, unit_words: set[str], context: set[str]) -> set[str]:
        """Content words the unit does not have: neither the word nor one of the same root ("strength" and
        "strengthen"), unless `context` has it: the passage's section (what "it" in the unit stands for), or
        words the question asked about that the passages use."""
        return {w for w in self.words - unit_words - context if not any(_same_root(w, u) for u in unit_words)}

    def reverses(self, unit_words: set[str]) -> bool:
        """Whether the sentence uses a word whose opposite (`OPPOSITES`) the unit uses instead of it."""
        return any(
            (a in self.words and b in unit_words and a not in unit_words and b not in self.words)
            or (b in self.words and a in unit_words and b not in unit_words and a not in self.words)
            for a, b in OPPOSITES
        )

    def grafted(self, unit: str, context: set[str], least: int) -> bool:
        """Whether the sentence takes fewer than `least` of its words from one sentence of a two-sentence unit
        while taking the rest from the other: a name grafted from a neighbouring sentence ("the step-down works
        the quadriceps" from a sentence on the step-down and the hamstrings, next to one naming the
        quadriceps). A claim joining two sentences takes a clause from each."""
        parts = [set(content_words(part)) for part in split_sentences(unit)]
        if len(parts) < 2:
            return False
        claimed = self.words - context
        found = [{w for w in claimed if w in part or any(_same_root(w, u) for u in part)} for part in parts]
        only = [found[i] - set().union(*(found[:i] + found[i + 1 :])) for i in range(len(found))]
        return any(0 < len(words) < least for words in only) and sum(bool(words) for words in only) > 1

    def renamed(self, unit: str, names: set[tuple[str, str]]) -> str:
        """A name of two words swapped for its sibling: the sentence says "A Y" where the unit says "A X" (or
        "Y A" for "X A"), the unit lacks Y, the sentence lacks X, and the evidence uses "A Y" somewhere
        (`names`), so both are names it knows ("the gluteus minimus" for "the gluteus medius"). Returns the
        pair the sentence used, or ""."""
        unit_pairs = _pairs(unit)
        unit_words = set(content_words(unit))
        for pair in (p for clause in self.clauses for p in itertools.pairwise(clause)):
            if pair not in names:
                continue
            for keep in (0, 1):
                anchor, used = pair[keep], pair[1 - keep]
                if _found(used, unit_words):
                    continue
                if any(p[keep] == anchor and not _found(p[1 - keep], self.words) for p in unit_pairs):
                    return " ".join(pair)
        return ""

    def repaired(self, unit: str) -> str:
        """Two terms the sentence puts side by side ("rising is the eccentric work") that the unit keeps in
        different clauses of one sentence, while one of them has a neighbour there that the sentence names in
        the same clause, elsewhere ("rising or concentric work; lowering or eccentric work"): the
        pairs are swapped. Only words used once in the unit sentence's clauses count. Returns the pair, or ""."""
        for part in split_sentences(unit):
            clauses = [content_words(c) for c in CLAUSE_BREAK.split(part)]
            where: dict[str, set[int]] = {}
            for i, clause in enumerate(clauses):
                for w in clause:
                    where.setdefault(w, set()).add(i)
            for clause in self.clauses:
                for a, b in itertools.pairwise(clause):
                    if a == b or len(where.get(a, ())) != 1 or len(where.get(b, ())) != 1 or where[a] == where[b]:
                        continue
                    for word, other in ((a, b), (b, a)):
                        source = clauses[next(iter(where[word]))]
                        partners = _neighbours(word, source) - {other}
                        if partners & (set(clause) - _neighbours(word, list(clause))):
                            return f"{a} {b}"
        return ""

    def lists_within(self, unit: str) -> bool:
        """A list the sentence names ("the A and B") must be found together in one source sentence: items
        drawn from two neighbouring sentences are a list the source never made (names swapped between lists)."""
        if not self.lists:
            return True
        sentences = [set(content_words(s)) for s in split_sentences(unit)]
        return all(any(items <= words for words in sentences) for items in self.lists)


def _negated(text: str) -> bool:
    return is_negated(COMPARISON.sub(" ", text))


def content_words(text: str) -> list[str]:
    """`tokens` without yes/no, negation and filler words, with number words as digits."""
    return [NUMBER_WORDS.get(w, w) for w in tokens(text) if w not in POLARITY_WORDS and w not in FILLER]


def _pairs(text: str) -> set[tuple[str, str]]:
    """Neighbouring content words within one clause of each sentence of a text ("gluteus medius")."""
    return {
        pair
        for part in split_sentences(text)
        for clause in CLAUSE_BREAK.split(part)
        for pair in itertools.pairwise(content_words(clause))
    }


def _neighbours(word: str, words: list[str]) -> set[str]:
    """The words next to each place `word` has in `words`."""
    return {words[j] for i, w in enumerate(words) if w == word for j in (i - 1, i + 1) if 0 <= j < len(words)}


def _found(word: str, words) -> bool:
    return word in words or any(_same_root(word, w) for w in words)


def _same_root(a: str, b: str) -> bool:
    """Two stems of one word: "strength"/"strengthen", "stabil"/"stabiliz" (a shared start of ROOT letters), or
    a short form the longer one starts with ("quad"/"quadriceps")."""
    short, long = sorted((a, b), key=len)
    return (len(short) >= ROOT and short[:ROOT] == long[:ROOT]) or (len(short) >= 4 and long.startswith(short))


def _listed_items(sentence: str) -> list[frozenset[str]]:
    """The content words of each list of names in a sentence ("the soleus and the gastrocnemius"): runs of
    one to three words joined by commas and a final "and"/"or", ending a clause."""
    found = []
    for match in LIST.finditer(sentence):
        items = [content_words(item) for item in re.split(r",\s*(?:and |or )?|\s+(?:and|or)\s+", match.group(0))]
        if len(items) >= 2 and all(items):
            found.append(frozenset(w for item in items for w in item))
    return found


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
