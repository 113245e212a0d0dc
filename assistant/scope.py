"""What the indexed corpus covers, derived when it is indexed and kept with the index.

Stride must describe its corpus, and decide what is outside it, for any corpus a runner or coach brings, so
none of that is written into the code. At ingest, `profile` reads the indexed passages and the corpus
author's knowledge file and keeps: the documents' titles, the topics their headings name most often, and
the author's own words (`about`, example questions, vocabulary). At question time, `Scope` adds what only
the passages themselves can say: which words the corpus uses at all, and how common each is.
- `describe`: one sentence of what the sources cover, for a decline (a few topics and titles, never 300);
- `unknown_words`: the question's content words that no passage (its text, heading or title) uses: "pace",
  "marathon" and "plan" in a question to a strength corpus; optionally not counting the author's vocabulary
  phrases ("hammies"), which say how runners name what the corpus covers, not that it covers it;
- `share`: the share of passages a word appears in, so a subject can be told from a word every passage has;
- `subjects_in`: the question's words that name a subject of the corpus: words of its headings, titles or
  vocabulary that not every passage uses ("clamshells", not "glutes" in a corpus about glutes);
- `corrected`: the question with a word that is neither English (in the dictionary it is given) nor the
  corpus's, one typing slip from exactly one word the corpus uses (or a word every question uses: "should",
  "exercises"), written as that word.

Leaves out: deciding what to decline (the answer stage weighs this with the retrieval evidence), and any
learned topic model: headings and words are enough to describe a corpus in one sentence.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.text import FILLER, listing, phrase_text, slips, tokens

TOPICS = 6  # topics named in a decline
TITLES = 3  # documents named in a decline; the rest are counted
MIN_HALF = 2  # each part of a closed compound ("warm" + "up") is at least this long
# A word in more than this share of passages says what the whole corpus is about, not what a question
# singles out: in the seed corpus "glute" (every passage) and "hip" (81%); "clamshell" is in 6%.
SUBJECT_SHARE = 0.5
# Words that count or compare rather than name something: never a subject, whatever the corpus.
QUANTIFIERS = frozenset(
    tokens(
        "one two three four five first second third more most less least other another many much few some each "
        "every all both same different better best worse worst own"
    )
)
# Words that tell when: a subject of a question ("the day before my long run"), but two sources naming only
# "day" ("never lift the day before a long run", "calf raises every day") are not on the same subject.
WHEN_WORDS = frozenset(
    tokens(
        "day days week weeks month months year years hour hours minute minutes time times morning evening night "
        "today tomorrow yesterday before after"
    )
)

WORD = re.compile(r"[A-Za-z]+")
FILLER_STEMS = frozenset(tokens(" ".join(FILLER)))
# Words a question asks with, whatever its corpus: a slip in one ("sholud", "excercises") changes what kind
# of question it reads as.
ASKING_WORDS = frozenset(
    "should could would what which where when how many much often exercises exercise start begin better "
    "worse harder easier strengthen strength stretch stretches stretching".split()
)


def profile(chunks, knowledge: dict, generic: list[tuple[str, ...]] = ()) -> dict:
    """What to keep with the index: titles, topics from headings, and the author's knowledge (plain data). The
    `generic` vocabulary groups (names for one exercise) are kept as `synonyms` where a passage, heading or title
    uses one of their phrases (a group of names the corpus never uses would make its words look covered) and no
    group of the author's has one (the author's says what the corpus calls it): the names the corpus uses, and
    the others, which a question is searched with the corpus's names for (`retrieve.expand_query`)."""
    titles = list(dict.fromkeys(c.title for c in sorted(chunks, key=lambda c: (c.source, c.ordinal))))
    # a name counts as used in any of its forms ("single-leg RDLs" where the corpus writes "Single-leg RDL")
    written = " " + " ".join(tokens(" ".join(f"{c.title} {c.section} {c.text}" for c in chunks))) + " "
    authored = {phrase_text(phrase) for group in knowledge.get("vocabulary", []) for phrase in group}
    synonyms = []
    for group in generic:
        if authored & {phrase_text(phrase) for phrase in group}:
            continue  # the author's own group for the thing says what the corpus calls it
        used = [phrase for phrase in group if f" {' '.join(tokens(phrase))} " in written]
        if used:
            synonyms.append([used, [phrase for phrase in group if phrase not in used]])
    return {
        "titles": titles,
        "topics": _topics(chunks),
        "about": knowledge.get("about", ""),
        "examples": knowledge.get("examples", []),
        "vocabulary": knowledge.get("vocabulary", []),
        "synonyms": synonyms,
    }


def _topics(chunks) -> list[str]:
    """The words the documents' headings use most, counted once per document, each in its commonest form.
    Among words as many documents' headings use, those their passages use more come first: a topic is written
    about ("calf"), a word of one heading's wording is not ("changed", of "We've changed our minds")."""
    documents: dict[str, Counter] = {}
    forms: dict[str, Counter] = {}
    written = Counter(stem for chunk in chunks for stem in set(tokens(chunk.text)))
    for chunk in chunks:
        for word in chunk.section.split():
            word = word.strip(".,:;!?()“”\"'’").lower()
            stem = next(iter(tokens(word)), "")
            # "How much pain is OK?", "Balance: a little, every day": no topic in "much" or "day"
            if len(stem) < 3 or stem.isdigit() or stem in QUANTIFIERS | WHEN_WORDS | FILLER_STEMS:
                continue
            documents.setdefault(stem, Counter())[chunk.source] += 1
            forms.setdefault(stem, Counter())[word] += 1
    ranked = sorted(documents, key=lambda s: (-len(documents[s]), -written[s], -sum(documents[s].values()), s))
    return [forms[s].most_common(1)[0][0] for s in ranked[:TOPICS]]


@dataclass
class Scope:
    """The profile kept with the index, and the passages' words, for the answer stage's decisions."""

    titles: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    about: str = ""
    examples: list[str] = field(default_factory=list)
    vocabulary: list[tuple[str, ...]] = field(default_factory=list)
    # generic names for one exercise: (the names the corpus uses, other names runners use for it)
    synonyms: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    passages: int = 0
    frequency: Counter = field(default_factory=Counter)  # stem -> passages using it
    subjects: set[str] = field(default_factory=set)  # stems of headings, titles and vocabulary phrases
    listed: set[str] = field(default_factory=set)  # stems of the vocabulary phrases
    spellings: frozenset[str] = frozenset()  # every word the passages, headings and titles use, lower case

    @classmethod
    def of(cls, stored: dict | None, chunks, passage_tokens: list[list[str]]) -> "Scope":
        """From the stored profile (None for an index built before profiles), the passages and their tokens."""
        stored = stored or {}
        frequency = Counter(stem for words in passage_tokens for stem in set(words))
        vocabulary = [tuple(group) for group in stored.get("vocabulary", [])]
        synonyms = [(tuple(used), tuple(other)) for used, other in stored.get("synonyms", [])]
        listed = {stem for group in vocabulary for phrase in group for stem in tokens(phrase)}
        listed |= {stem for _, other in synonyms for phrase in other for stem in tokens(phrase)}
        # a heading over sections ("Session B") has no passage of its own: its words are the corpus's too
        named = [f"{chunk.title} {chunk.section} {chunk.parent}" for chunk in chunks]
        headings = {stem for heading in named for stem in tokens(heading)}
        spellings = frozenset(
            word
            for heading, chunk in zip(named, chunks, strict=True)
            for word in WORD.findall(f"{heading} {chunk.text}".lower())
        )
        return cls(
            stored.get("titles", []),
            stored.get("topics", []),
            stored.get("about", ""),
            stored.get("examples", []),
            vocabulary,
            synonyms,
            len(passage_tokens),
            frequency,
            headings | listed,
            listed,
            spellings,
        )

    def share(self, stem: str) -> float:
        """Share of passages using the word."""
        return self.frequency.get(stem, 0) / self.passages if self.passages else 0.0

    def subjects_in(self, text: str) -> set[str]:
        """Stems of `text` that name a subject of the corpus (see the module docstring)."""
        return {
            stem
            for stem in tokens(text)
            if stem in self.subjects and stem not in QUANTIFIERS and self.share(stem) < SUBJECT_SHARE
        }

    def in_passing(self, stem: str) -> bool:
        """Whether the corpus never uses the word, or uses it in one passage only and never names it in a heading,
        title or vocabulary phrase: it is not something the corpus is about."""
        return self.frequency.get(stem, 0) <= 1 and stem not in self.subjects

    def same_subject(self, a: set[str], b: set[str]) -> bool:
        """Whether two sets of subject stems share one, directly or through a vocabulary group (synonyms); a word
        telling when is no subject shared."""
        a, b = a - WHEN_WORDS, b - WHEN_WORDS
        return bool(a & b) or bool(self._groups_of(a) & self._groups_of(b))

    def _groups_of(self, stems: set[str]) -> set[int]:
        return {
            number
            for number, group in enumerate(self.vocabulary)
            if any(set(tokens(phrase)) & stems for phrase in group)
        }

    def unknown_words(self, question: str, *, vocabulary_known: bool = False) -> tuple[list[str], int]:
        """The question's content words no passage uses (as the runner wrote them; with `vocabulary_known`, not
        those of the author's vocabulary either), and how many content words it has in all."""
        stems = list(dict.fromkeys(stem for stem in tokens(question) if stem not in FILLER_STEMS))
        known = self.listed if vocabulary_known else set()
        unknown = [stem for stem in stems if stem not in self.frequency and stem not in known]
        words = {}
        for word in re.findall(r"[A-Za-z0-9’']+", question):
            stem = next(iter(tokens(word)), None)
            if stem in unknown:
                words.setdefault(stem, word.lower())
        return [words.get(stem, stem) for stem in unknown], len(stems)

    def corrected(self, question: str, dictionary: frozenset[str] = frozenset()) -> str:
        """The question with each slip of the keyboard mended (see the module docstring). A word of the
        `dictionary` is no slip, however near a corpus word ("bother" and "other", "tired" and "tried"), nor is
        one whose stem the corpus knows ("squats" to a corpus of "squat"), nor one near two words. Without a
        dictionary nothing is mended: a real word could not be told from a slip."""

        def known(spelling: str) -> bool:  # membership tests, not a union of the sets for every word asked
            return spelling in self.spellings or spelling in FILLER or spelling in ASKING_WORDS

        def mend(match: re.Match) -> str:
            word = match[0]
            lowered = word.lower()
            if known(lowered) or lowered in dictionary or any(stem in self.frequency for stem in tokens(word)):
                return word
            # "whats" is "what's" without its apostrophe, not a slip for "what"
            near = {spelling for spelling in slips(word) if known(spelling) and spelling + "s" != lowered}
            if len(near) == 1:
                return near.pop()
            # a compound written closed that the corpus hyphenates: "warmup" is its "warm-up"
            halves = [
                f"{lowered[:i]}-{lowered[i:]}"
                for i in range(MIN_HALF, len(lowered) - MIN_HALF + 1)
                if known(lowered[:i]) and known(lowered[i:])
            ]
            return halves[0] if len(halves) == 1 else word

        return WORD.sub(mend, question) if self.spellings and dictionary else question

    def describe(self) -> str:
        """What the sources cover, in one phrase: the author's words, else the topics, then the titles."""
        if not self.titles:
            return "no documents yet (run `stride ingest`)"
        subject = self.about or (f"mostly {listing(self.topics)}" if self.topics else "")
        shown = [f"“{title}”" for title in self.titles[:TITLES]]
        more = len(self.titles) - len(shown)
        named = listing(shown + ([f"{more} more document{'s' if more > 1 else ''}"] if more else []))
        return f"{subject}, in {named}" if subject else named
