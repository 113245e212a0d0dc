"""Exercise cards: what each exercise the documents describe is, how to do it, and where the corpus says to start.

Built at ingest, one passage at a time, and cached by the passage's content-hash id in
`STRIDE_DATA_DIR/cards.json` (written atomically), so an unchanged corpus costs nothing, a changed passage's
cards are rebuilt and a removed document's cards go. Every value on a card carries its span: the source, the
character start/end in the document's text (the coordinates `stride search` gives passages) and the verbatim
quote at those offsets. A value is the quote itself (steps, cues, harder, easier, cautions), or a name the
corpus author listed in `stride.toml`'s `[exercises]` (muscles, equipment) found in the quoted sentence, or
a name or alias the writer model gave that is written, as whole words, in the card's sentences.

Rules do what rules do well:
- a section heading names an exercise when its passage instructs ("Stand with...", "this one") and the
  heading is not a muscle, a piece of equipment or a collection ("... exercises");
- a sentence names an exercise in wording any author uses: "performing a X engages", "do a X which",
  "a X can be made harder", "X are often recommended", "another way to ... is a X", "exercises like the X
  and the Y"; the card takes that sentence and the ones after it up to the next such name;
- a line naming an exercise before a colon and an instruction ("Single-leg balance: stand on one foot ..."),
  or a list item naming it before a spaced dash ("Wall slide - stand with your back to a wall, ..."), whose
  labelled sub-items ("easier: stay higher up the wall") are its; a name that is itself an instruction
  ("Breathe out: ...") or an activity ("Breathing - ...") names none; a name in capitals is shown as written;
- a passage that lost its heading (a scrape gap) yet instructs ("this exercise") is the card of the name
  the corpus gives elsewhere that it mentions, other than after "similar to";
- sentences are sorted into fields by generic cues: cautions ("avoid", "make sure"), easier ("reduce"),
  harder ("challenge", "amplify"), steps (imperatives, in order), cues ("you should feel", "keep"), and first
  by a line's label when it has one ("Cues:", "Watch out:", "Progress by:", "Regress by:"); the
  sentence naming an exercise is harder or easier only when it says the exercise "can be made" so;
- muscles: an author's muscle named in a sentence that is not a caution, a muscle named as what the
  exercise works or where it is felt ("works mainly the X", "feel it in the X": an author's phrase, a
  `vocabulary` synonym of one, or a muscle's own name), and the muscle a section heading names (its
  exercises are for it, cited to the heading); a question's synonym ("the side of my hip") finds the cards
  of every name in its `vocabulary` group (`Library.accepted`);
- "where do I start": a list introduced as an order ("in this order:"), or whose items are numbered stages
  ("Stage 1 - weeks 0 to 6: ..."), is the progression; each step
  lists the cards its text names, and those cards carry the step.
The writer model (Ollama when configured, else the quality tier; never the fast tier: it invents) is asked
for plain JSON per card: the name of a passage that lost its heading and the other names the text gives the
exercise, each kept only if it passes its checks (`CardWriter`). Without that model the cards are
rule-based and `missing` says so.

The API the answer stage uses: `Library.load(path)`, `library.cards`, `library.matching(muscle=None,
equipment=None)`, `library.named(text)`, `library.passage_holding(span)` and `library.progression()`
(ordered `Step`s, each with its cited sentence and the names of its exercises).

Leaves out: the function a card trains (lifting, holding, lowering: the seeds say it of muscles, never of one
exercise), sets and reps (the seeds give none), and names the documents never write (no invented aliases).
"""

import functools
import hashlib
import itertools
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.errors import InputError, StrideError
from assistant.policy import is_trained
from assistant.text import normalise, split_sentences, tokens

CARDS_FILE = "cards.json"
# Bump when the rules change what a passage's cards hold: every passage is then rebuilt.
RULES_VERSION = "14"
FIELDS = ("steps", "cues", "harder", "easier", "cautions")
# `about`: what else the card's sentences say of it (a stance, what it works), in the order written.
LIST_FIELDS = ("muscles", "equipment", *FIELDS, "about")

# --- generic wording (no corpus's words): how authors name, instruct, make harder or easier ---
NAME_WORDS = r"[A-Za-z][\w’'-]*(?:\s[A-Za-z][\w’'-]*){0,3}?"
NAMING = [
    re.compile(
        rf"\b(?:performing|perform|doing|do|try|tried)\s+(?:an?\s+|the\s+)?(?P<n>{NAME_WORDS}(?:\s+and\s+"
        rf"{NAME_WORDS})?),?\s+(?:which|that|engages|strengthens|works|targets)\b",
        re.I,
    ),
    re.compile(
        rf"^(?:an?\s+|the\s+)?(?P<n>{NAME_WORDS})\s+(?:can|could)\s+be\s+made\s+(?:more|less|harder|easier)", re.I
    ),
    re.compile(
        rf"^(?P<n>{NAME_WORDS})\s+(?:is|are)\s+(?:often\s+|also\s+|commonly\s+|usually\s+)*"
        r"(?:recommended|another\s+(?:method|way|option)|a\s+(?:good|great)\s+(?:exercise|option))",
        re.I,
    ),
    re.compile(rf"\b(?:way|method)\s+to\s+\w+\s+(?:\w+\s+)?\w+\s+is\s+(?:an?|the)\s+(?P<n>{NAME_WORDS})[.!]?$", re.I),
    re.compile(
        r"\b(?:exercises?|movements?)\s+(?:such\s+as|like|including)\s+(?P<n>(?:the\s+)?[a-z][\w’'-]*"
        r"(?:\s*(?:,|and|or)\s+(?:the\s+)?[a-z][\w’'-]*)*)",
        re.I,
    ),
]
MADE = NAMING[1]  # "a X can be made harder": the one naming wording that says how to vary the exercise
# "Single-leg balance: stand on one foot for 30 seconds": a name, a colon, then an instruction. Labels that
# say what the line is rather than naming an exercise ("Dose:", "Setup:", "Step 2:", a field's label) are none.
LABEL_NAME = re.compile(r"^(?P<n>[A-Z][\w’'()/-]*(?:\s+[\w’'()/-]+){0,4})\s*:\s+(?P<rest>\S.*)")
# "Dead bug - lie on your back, ...": a list item naming its exercise before a spaced dash. What follows need
# not open on the instruction ("Pallof press - band anchored at chest height, stand side-on, ...").
DASH_NAME = re.compile(r"^(?P<n>[A-Z][\w’'()/-]*(?:\s+[\w’'()/-]+){0,4})\s+[-–—]\s+(?P<rest>\S.*)")
ADVICE_LABEL = re.compile(
    r"^(?:the|an?|my|our|your|this|that|one)\b|\b(?:rules?|tips?|tricks?|secrets?|ideas?|lessons?)\b", re.I
)
NOT_LABEL_NAMES = re.compile(
    r"(?:dose|dosage|sets?(?:/reps?)?|reps?|volume|note|notes|goals?|aim|rest|tempo|equipment|kit|muscles?"
    r"|targets?|(?:step|option|stage|level|part|round|phase) \d+|how|why|what|when|set-?up|position"
    r"|start(?:ing position)?|method|instructions?|technique|form|key|summary|bottom line|important|remember"
    r"|example|examples|result|results|answer|question|q|a|ps|p\.s"
    # a drill counted in words ("Three: open the gate, ..."): its number, not its name
    r"|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|fifth|sixth|last|next)",
    re.I,
)
# An instruction's verb opening a line, before a colon: "Do the balance test: stand on one leg ..." is a step.
DOING = re.compile(r"^(?:do|pick|log|note|write|check|record|repeat|finish)\b", re.I)
# A name made of a pronoun or an adverb is none: unpunctuated captions ("if you can't do it yet that's what ...")
# read as "do it yet, that ..." to the naming wording.
PRONOUN = re.compile(r"\b(?:it|its|them|this|that|these|those|yet|you|your|me|my)\b", re.I)
LIST_SPLIT = re.compile(r"\s*(?:,|\band\b|\bor\b)\s*(?:the\s+)?", re.I)
COLLECTION = re.compile(
    r"\b(exercises|workouts|muscles|anatomy|functions|notes?|summary|takeaways|highlights"
    r"|cautions?|tips|safety|soreness|warnings?|mistakes|faqs?|rules)\b",
    re.I,
)
THIS_ONE = re.compile(r"\bthis (?:one|exercise|movement|drill)\b", re.I)
# A passage opening on "it" with nothing for it to refer to: its heading was lost ("Similar to X, it works...").
LOST_REFERENCE = re.compile(r"^(?:[^,.]*,\s*)?(?:it|this)\s+(?!is\b|was\b)[a-z]+", re.I)
# A heading asking or telling where to begin is a plan's, not an exercise's name ("Where to start", "Getting
# started", "A simple progression"): its instructions are the plan's steps, and a card named "start" would
# claim every sentence that says "start".
NOT_A_NAME = re.compile(
    r"[!?]|\b(them|it|you|your|that|this|these|those|what|why|how|when|who|where|start|started|starting|begin|beginners?"
    r"|progressions?|plan|program|programme|schedule|checklist|stages?|map|guide|mums?|mothers?|parents?|runners?"
    # when in a season, not what to do: "Off-season: build", "Race week", "Two sessions a week"
    r"|season|phase|block|weeks?|months?|days?|sessions?|race|taper"
    # advice about exercises, not one: "PLEASE DON'T DO LEG EXTENSIONS", "Never skip the warm-up"
    r"|please|don'?t|do not|never|should|instead"
    # a sentence, not a name: "Hopping is not just for kids"
    r"|is|are|was|were|isn'?t|aren'?t)\b",
    re.I,
)
# A word telling the order a step comes in, before the name of what is done: "Then drop landings: step off ...".
SEQUENCE_WORD = re.compile(r"^(?:then|next|now|and|also|finally|after that)\s+", re.I)
# A heading's numbering is no part of the exercise's name: "Exercise 2: Side plank", "3. Bird dog", "#1 -".
# So is a programme's letter and number for it ("A1. Goblet squat", "B2) Calf raise": superset A, exercise 1).
NUMBERING = re.compile(
    r"^(?:(?:exercise|move|drill|no\.?)\s*)?#?(?:\d{1,2}|[A-Z]\d{1,2})[a-z]?\s*[:.)–—-]\s*(?=\S)", re.I
)
SIMILAR = re.compile(r"\b(?:similar to|like|unlike|than)\s+(?:the\s+|a\s+)?$", re.I)
ORDER_LEAD = re.compile(
    r"\b(?:in (?:this|the following|that) order|step by step|progression)\b.*:\s*$"
    r"|\b(?:stages|steps|phases|levels)\b.{0,20}\bin order\b",  # "Work through these stages in order."
    re.I,
)
CUES = {
    "cautions": re.compile(
        r"\b(caution|warning|avoid|make sure(?! you (?:can )?feel)|be careful|careful not|never|don'?t let"
        r"|if you can'?t|too much)\b",
        re.I,
    ),
    "easier": re.compile(r"\b(easier|reduce|regress\w*|less challenging|lighter|lower the intensity)\b", re.I),
    "harder": re.compile(
        r"\b(harder|more challenging|to challenge|challenge (?:the|them|it)|increase the challenge"
        r"|amplify|add (?:weight|resistance)|heavier|progress to)\b",
        re.I,
    ),
    "cues": re.compile(
        r"\b(you (?:should|will|may) (?:also )?feel|make sure you (?:can )?feel|keep (?:more|it|your|the)"
        r"|tight(?:en\w*|ly|ness)?|squeeze)\b",
        re.I,
    ),
}
# A sentence opening on a label says which field it is whatever its words ("Cues: keep the knees forward",
# "Watch out: ...", "Progress by: ...", "Regress by: ..."); a label naming none of these ("Dose:") decides nothing.
LABELLED = {
    "cautions": re.compile(r"(?:cautions?|warnings?|watch out|careful|avoid|safety|(?:common )?mistakes?)", re.I),
    "easier": re.compile(r"(?:easier|regress(?:ions?)?(?: by| it)?|scale (?:it )?(?:back|down))", re.I),
    "harder": re.compile(r"(?:harder|progress(?:ions?)?(?: by| it)?|advanced|level up)", re.I),
    "cues": re.compile(r"(?:cues?|tips?|coaching (?:cues?|points?)|think|focus|feel)", re.I),
}
LABEL = re.compile(r"^[*_\s]*(?P<label>[A-Za-z][\w /’'()-]{0,39}?)[*_\s]*:[*_]*\s+\S")
# Words that start a sentence but are not verbs an instruction starts with.
NOT_VERBS = frozenset(
    "a an the this that these those it its they them their there here he she we i you your our my his her "
    "if when while as because but and or so then also similar another many most some each every one other "
    "note yes no not in on at to for of by with from into after before once although though what which who "
    "how why is are was were be been can could should would will may might must do does did has have had "
    "all both just only even still very more less instead like unlike due good great ideal useful best "
    "around over under through across along behind below above between beside near within without towards "
    "toward onto upon".split()
)
# What follows an instruction's verb: an object, a place or a particle ("Loop the...", "Stand with...").
AFTER_VERB = frozenset(
    "the a an your yourself it them this that one both each with on onto to towards toward into from through "
    "around over under up down off back forward out in at tall straight upright still low slowly for "
    "backwards backward forwards sideways".split()
)
# A lead clause before the instruction: "Before you begin, brace...", "Keeping the back flat, lower...",
# "Without curling your toes, draw ...".
LEAD_CLAUSE = re.compile(
    r"^(?:before|after|once|when|while|as|to|if|keeping|holding|staying|with|without)\b[^,]*,\s+", re.I
)
# Equipment a sentence says is not needed ("you don't need a rack") is not the exercise's equipment.
NOT_NEEDED = re.compile(r"\b(?:don'?t|do not|doesn'?t|does not|won'?t|no)\s+(?:\w+\s+)?(?:need|require)\b|\bwithout\b")
# What an exercise works: a verb of working, or of feeling, then up to a few words before the muscle.
WORKS_VERB = (
    r"(?:works?|working|strengthen(?:s|ing)?|targets?|targeting|engag(?:e|es|ing)|trains?|training|hits?"
    r"|activat(?:e|es|ing)|isolates?)"
)
WORKED_BEFORE = re.compile(rf"\b(?:{WORKS_VERB}|feel(?:s|ing)?)\b(?:\s+[\w’'-]+){{0,4}}\s+$", re.I)
WORKS = re.compile(
    rf"\b{WORKS_VERB}\s+(?:(?:mainly|mostly|primarily|chiefly|especially|both)\s+)?"
    r"(?P<m>(?:the\s+|your\s+)?[a-z][\w’'-]*(?:\s+(?:and\s+|or\s+|,\s*)?[a-z][\w’'-]*){0,5})",
    re.I,
)
# A muscle's own name: "...muscles", a Latin name ("soleus", "gastrocnemius") or a muscle group named by what
# it does ("flexors", "abductors").
MUSCLE_WORD = re.compile(r"(?:muscles?|\w{3,}(us|tors?|sors?|xors?))$", re.I)
OBJECT_ENDS = frozenset("so which that without with while as in on to when how more but than for by if".split())
QUANTITY_WORDS = frozenset("a lot of many all some these those other more most same".split())
LEADING = re.compile(r"^(?:(?:and\s+)?then\s+|and\s+|now\s+|next\s+|finally\s+|\w+ly\s+)+", re.I)


@dataclass(frozen=True)
class Span:
    source: str
    start: int
    end: int
    quote: str  # exactly source_text[start:end]


@dataclass(frozen=True)
class Value:
    text: str
    span: Span
    how: str = "quote"  # "quote" (the text is the quote), "rule" (an author's name found in it), "model"


@dataclass
class Fragment:
    """What one passage says of one exercise; `name` is None for a passage that lost its heading."""

    name: Value | None
    fields: dict[str, list[Value]]
    passage: str  # chunk id
    mentions: str = ""  # the passage text, for naming an unnamed fragment by the corpus's other names
    heading: bool = False


@dataclass
class Step:
    number: int
    text: str
    span: Span
    exercises: list[str] = field(default_factory=list)


@dataclass
class Card:
    name: str
    aliases: list[Value] = field(default_factory=list)
    fields: dict[str, list[Value]] = field(default_factory=lambda: {f: [] for f in LIST_FIELDS})
    naming: list[Value] = field(default_factory=list)
    passages: list[dict] = field(default_factory=list)
    progression: Step | None = None

    def values(self, name: str) -> list[str]:
        return [value.text for value in self.fields.get(name, [])]

    def as_json(self) -> dict:
        sources = [_source_json("name", v) for v in self.naming] + [_source_json("aliases", v) for v in self.aliases]
        sources += [_source_json(name, v) for name in LIST_FIELDS for v in self.fields.get(name, [])]
        if self.progression:
            sources.append(_source_json("progression", Value(self.progression.text, self.progression.span)))
        card = {"name": self.name, "aliases": [a.text for a in self.aliases]}
        card.update({name: self.values(name) for name in LIST_FIELDS})
        card["progression"] = self.progression.text if self.progression else None
        card["passages"] = self.passages
        card["sources"] = sources
        return card


def _source_json(field_name: str, value: Value) -> dict:
    return {"field": field_name, "value": value.text, "how": value.how, **asdict(value.span)}


# -------------------------------------------------------------------------------------------------
# rules over one passage


@dataclass(frozen=True)
class Vocabulary:
    """The author's `[exercises]` names (see `knowledge`): (name, phrases) groups for muscles and equipment."""

    muscles: tuple[tuple[str, ...], ...] = ()
    equipment: tuple[tuple[str, ...], ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()  # the corpus's `vocabulary` groups: phrases for one thing

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps([self.muscles, self.equipment, self.synonyms]).encode()).hexdigest()[:16]

    def worked(self, text: str) -> list[str]:
        """The muscles a sentence says an exercise works: an author's muscle (`muscles`) or a phrase of a
        `vocabulary` group that names a muscle, right after a verb of working or feeling ("works mainly the
        X", "you will feel it in the X"), or a muscle's own name ("the toe flexors", "the soleus") as
        the object of such a verb. A synonym is listed by the author's name in its group, if any, else as
        written."""
        found: list[str] = []
        for phrase, name in self._muscle_phrases:
            for match in re.finditer(rf"(?<![\w’'-]){re.escape(phrase)}s?(?![\w’'-])", text, re.I):
                if WORKED_BEFORE.search(text[: match.start()]):
                    found.append(name or match.group().lower())
        for match in WORKS.finditer(text):
            for piece in LIST_SPLIT.split(match.group("m")):
                words = re.sub(r"^(?:the|your|an?)\s+", "", piece.strip(" .,;"), flags=re.I).split()
                words = list(itertools.takewhile(lambda w: w.lower() not in OBJECT_ENDS, words))
                named = MUSCLE_WORD.search(words[-1]) if words else None  # "the muscles" alone names none
                if named and (len(words) > 1 or named.group(1)) and not {w.lower() for w in words} & QUANTITY_WORDS:
                    found.append(self.muscle_name(" ".join(words)))
        return list(dict.fromkeys(found))

    def heading_muscles(self, heading: str) -> list[str]:
        """The muscles a short section heading names ("Calves", "Build your calves for the
        hills"): its exercises are for them."""
        if not heading or len(heading.split()) > 6:
            return []
        names = [name or normalise(p) for p, name in self._muscle_phrases if _has_phrase(normalise(heading), p)]
        return list(dict.fromkeys(names))

    def muscle_name(self, phrase: str) -> str:
        """The author's name for a muscle phrase (directly or through a `vocabulary` group), else the phrase."""
        lowered = normalise(phrase)
        return next((name for p, name in self._muscle_phrases if normalise(p) == lowered and name), lowered)

    @functools.cached_property
    def _muscle_phrases(self) -> list[tuple[str, str]]:
        """(phrase, the author's muscle name or "") for the author's muscle phrases and the phrases of every
        `vocabulary` group naming a muscle (one of the author's, or a muscle's own name such as "soleus"),
        longest first."""
        pairs = [(p, group[0]) for group in self.muscles for p in group]
        authors = {normalise(p): name for p, name in pairs}
        for group in self.synonyms:
            names = [authors[normalise(p)] for p in group if normalise(p) in authors]
            if names or any(MUSCLE_WORD.search(p) for p in group):
                pairs += [(p, names[0] if names else "") for p in group if normalise(p) not in authors]
        return sorted(pairs, key=lambda pair: -len(pair[0]))

    def found(self, kind: str, text: str) -> list[str]:
        """The names of `kind` whose phrases `text` uses, as whole words (a plural 's' allowed)."""
        lowered = normalise(text)
        return [group[0] for group in getattr(self, kind) if any(_has_phrase(lowered, p) for p in group)]

    def is_named(self, text: str) -> bool:
        lowered = normalise(text)
        return any(_has_phrase(lowered, p, whole=True) for g in (*self.muscles, *self.equipment) for p in g)


def _has_phrase(text: str, phrase: str, whole: bool = False) -> bool:
    pattern = rf"\b{re.escape(normalise(phrase))}s?\b"
    return bool(re.fullmatch(pattern, text) if whole else re.search(pattern, text))


@dataclass(frozen=True)
class Sentence:
    text: str
    span: Span
    line: int  # which line (paragraph or list item) of the passage
    item: bool = False  # in a list item: under an exercise's name, a list is its steps


def passage_sentences(chunk, source_text: str) -> list[Sentence]:
    """The passage's sentences, each located verbatim in the document; one that can't be found is left out."""
    found, cursor = [], chunk.start
    for line_number, line in enumerate(chunk.text.splitlines()):
        for sentence in split_sentences(line.removeprefix("- ")):
            span = locate(sentence, source_text, cursor, chunk.end, chunk.source)
            if span:
                found.append(Sentence(" ".join(sentence.split()), span, line_number, line.startswith("- ")))
                cursor = span.end
    return found


def locate(text: str, source_text: str, start: int, end: int, source: str, flags: int = 0) -> Span | None:
    """Where `text` is in source_text[start:end], whatever the whitespace between its words and the Markdown
    emphasis around them: cleaning took the marks out of "**Easier:** both legs", the source still has them."""
    words = text.split()
    if not words:
        return None
    # possessive: a run of "____" (a form's blank) between words had made a failed search backtrack for minutes
    pattern = r"[*_]*+\s+[*_]*+".join(_word_pattern(w) for w in words)
    match = re.compile(pattern, flags).search(source_text, start, end)
    return Span(source, match.start(), match.end(), match.group()) if match else None


def name_forms(name: str) -> list[str]:
    """A name and the shorter names its brackets give: "Bent-knee (soleus) calf raise" is also "bent-knee calf
    raise" and "soleus raise" (the bracket's word with the name's last); "Romanian deadlift (RDL)" is also
    "RDL". Left out: names the document never writes in any form."""
    inside = re.search(r"\(([^()]{1,30})\)", name)
    if not inside:
        return [name]
    without = " ".join((name[: inside.start()] + name[inside.end() :]).split())
    forms = [name, without, f"{inside[1]} {without.split()[-1]}" if without else inside[1]]
    return forms + ([inside[1]] if inside[1].isupper() else [])


def _word_pattern(word: str) -> str:
    """A word as it may stand in Markdown: emphasis marks may close before its punctuation ("**Dose:**")."""
    core, marks = re.match(r"(.*?)([.,;:!?)\"”’']*)$", word).groups()
    return re.escape(core) + (r"[*_]*+" + re.escape(marks) if marks else "")


def is_instruction(sentence: str) -> bool:
    """An imperative: "Stand with...", "Then tap...", or after a lead clause ("Holding the bar, stand up")."""
    sentence = sentence.strip()
    for clause in (sentence, LEAD_CLAUSE.sub("", sentence)):
        words = re.findall(r"[A-Za-z’']+", LEADING.sub("", clause))
        if len(words) >= 2 and clause[:1].isalpha():
            first, second = words[0].lower(), words[1].lower()
            verb_like = first not in NOT_VERBS and not re.search(
                r"(ing|ed|ly|[^s]s|ness|ment|tion|sion|ity|[’'].*)$", first
            )
            if verb_like and second in AFTER_VERB:
                return True
    return False


def classify(sentence: str) -> str:
    """Which field a sentence of an exercise belongs to, or "" when none."""
    if named := _field_label(sentence):
        return named
    if named_line := _label_named(sentence):  # "Tandem stance: stand with ...": what follows the name decides
        rest = named_line[1]
        return classify(rest[:1].upper() + rest[1:])
    for name in ("cautions", "easier", "harder"):
        if CUES[name].search(sentence):
            return name
    if is_instruction(sentence):
        return "steps"
    return "cues" if CUES["cues"].search(sentence) else ""


def names_in(sentence: str, vocabulary: Vocabulary, item: bool = False) -> list[str]:
    """Exercise names a sentence gives in generic naming wording (see the module docstring); a list `item`'s
    name may stand before a dash as well as a colon."""
    names = []
    for pattern in NAMING:
        for match in pattern.finditer(sentence):
            for name in LIST_SPLIT.split(match.group("n")):
                name = re.sub(r"^(?:the|an?)\s+", "", name.strip(" .,"), flags=re.I)
                if (
                    name
                    and len(name.split()) <= 4
                    and not _is_muscle(name, vocabulary)
                    and not COLLECTION.search(name)
                    and not PRONOUN.search(name)
                ):
                    names.append(name)
    if labelled := _label_name(sentence, vocabulary, dashed=item):
        names.append(labelled)
    return list(dict.fromkeys(names))


def _label_named(sentence: str, dashed: bool = True) -> tuple[str, str] | None:
    """(name, what follows the colon) of a line naming an exercise before a colon ("Tandem stance: stand ..."),
    or None: the name is no field's or plan's label and no advice, and what follows is an instruction."""
    match = LABEL_NAME.match(sentence.strip())
    dash = DASH_NAME.match(sentence.strip()) if dashed and not match else None
    if not (match or dash):
        return None
    name, rest = SEQUENCE_WORD.sub("", (match or dash)["n"].strip()), (match or dash)["rest"]
    plain = re.sub(r"\s*\([^)]*\)", "", name).strip()  # "Easier (regression)" is the label "Easier"
    if NOT_LABEL_NAMES.fullmatch(plain) or any(words.fullmatch(plain) for words in LABELLED.values()):
        return None
    if NOT_A_NAME.search(name) or COLLECTION.search(name) or ADVICE_LABEL.search(name) or DOING.match(name):
        return None  # "The golden rule: keep your hard days hard" is advice, not an exercise
    if is_instruction(name):
        return None  # "Breathe out: gently lift ...", "Start with walk-run - for example ..." are steps or advice
    if re.fullmatch(r"[A-Za-z]+ing", name):
        return None  # "Breathing - lie on your back ...", "Walking: start with ...": an activity, not an exercise
    clauses = re.split(r"[,;]\s+", rest)[:3] if dash else [rest]
    return (name, rest) if any(is_instruction(clause[:1].upper() + clause[1:]) for clause in clauses) else None


def _label_name(sentence: str, vocabulary: Vocabulary, dashed: bool = False) -> str | None:
    """The exercise a "Name: instruction" line (or with `dashed`, "Name - instruction") names (not a muscle)."""
    named_line = _label_named(sentence, dashed)
    return named_line[0] if named_line and not _is_muscle(named_line[0], vocabulary) else None


def _is_muscle(name: str, vocabulary: Vocabulary) -> bool:
    return bool(vocabulary.found("muscles", name)) and len(name.split()) <= 3 and vocabulary.is_named(name)


def is_exercise_heading(section: str, sentences: list[Sentence], vocabulary: Vocabulary) -> bool:
    # "Terminal knee extension (TKE) with a band": a bracketed alias and what it is done with add no words
    core = re.sub(r"\s+with\s+(?:an?|the|your)\s+\w+$", "", re.sub(r"\s*\([^)]*\)", "", section or ""))
    core = NUMBERING.sub("", core)  # "3. Single-leg calf raise on a step": its number is no word of it
    # what the brackets say is an aside: "POGO HOPS (ONLY WHEN CLEARED BY YOUR PHYSIO)" names pogo hops
    if not section or len(core.split()) > 6 or COLLECTION.search(section) or NOT_A_NAME.search(core):
        return False
    if vocabulary.is_named(section):
        return False
    texts = [s.text for s in sentences]
    # A passage saying how to make it both easier and harder varies one exercise: the second passage under an
    # exercise's heading often holds only that ("Cues: ... Easier: ... Harder: ...").
    varies = {"easier", "harder"} <= {classify(t) for t in texts}
    return any(THIS_ONE.search(t) for t in texts) or sum(is_instruction(t) for t in texts) >= 2 or varies


def passage_fragments(chunk, sentences: list[Sentence], vocabulary: Vocabulary) -> list[Fragment]:
    """The exercise fragments one passage gives, by the rules above."""
    named = [(i, sentence, names_in(sentence.text, vocabulary, sentence.item)) for i, sentence in enumerate(sentences)]
    named = [(index, sentence, names) for index, sentence, names in named if names]
    # A heading names the exercise only when the passage names none itself (else the heading is its topic),
    # and a passage that sets out an order of steps is a plan, not one exercise.
    if (
        not named
        and not passage_progression(chunk, sentences)
        and is_exercise_heading(chunk.section, sentences, vocabulary)
    ):
        heading = Value(chunk.section, Span(chunk.source, -1, -1, chunk.section), "heading")  # located later
        return [_fragment(heading, sentences, chunk, vocabulary, heading=True)]
    fragments: list[Fragment] = []
    for index, sentence, names in named:
        following = _until_next_name(sentences[index + 1 :], sentence.line, vocabulary)
        for name in names:
            found = locate(name, sentence.span.quote, 0, len(sentence.span.quote), chunk.source)
            span = Span(chunk.source, sentence.span.start + found.start, sentence.span.start + found.end, found.quote)
            if len(names) == 1:
                fragments.append(_fragment(Value(name, span), [sentence, *following], chunk, vocabulary))
            else:  # a sentence listing several exercises says nothing of how to do any one of them
                about = {"about": [Value(sentence.text, sentence.span)]}
                fragments.append(Fragment(Value(name, span), {**{f: [] for f in LIST_FIELDS}, **about}, chunk.id))
    lost_heading = not chunk.section or COLLECTION.search(chunk.section)
    opening = sentences[0].text if sentences else ""
    if (
        not fragments
        and lost_heading
        and (LOST_REFERENCE.search(opening) or any(THIS_ONE.search(s.text) for s in sentences))
    ):
        fragments.append(_fragment(None, sentences, chunk, vocabulary))
    return fragments


def _until_next_name(sentences: list[Sentence], line: int, vocabulary: Vocabulary) -> list[Sentence]:
    """The sentences after a name that are of its exercise: the rest of its line, and the lines right after it
    that a field's label opens (a sub-item "easier: stand closer to the anchor")."""
    taken = []
    for sentence in sentences:
        if names_in(sentence.text, vocabulary, sentence.item):
            break
        if sentence.line != line and not _field_label(sentence.text):
            break
        line = sentence.line
        taken.append(sentence)
    return taken


def _field_label(text: str) -> str | None:
    """The field a line's label names ("Easier: ..." is "easier"), or None."""
    label = LABEL.match(text)
    return next((name for name, words in LABELLED.items() if label and words.fullmatch(label["label"].strip())), None)


def _fragment(name, sentences: list[Sentence], chunk, vocabulary: Vocabulary, heading: bool = False) -> Fragment:
    fields: dict[str, list[Value]] = {f: [] for f in LIST_FIELDS}
    for number, sentence in enumerate(sentences):
        kind = classify(sentence.text) or ("steps" if _item_step(sentence) else "about")
        if number == 0 and name and not heading and kind in ("harder", "easier") and not MADE.search(sentence.text):
            kind = "about"  # "To challenge them more, try a X" is the exercise, not a harder one
        following = sentences[number + 1] if number + 1 < len(sentences) else None
        if number == 0 and heading and kind == "about" and following and classify(following.text) == "steps":
            # the position under the heading, before the steps, said without a verb: "On hands and knees, ..."
            kind = "steps" if POSITION.match(sentence.text) and not STATEMENT.search(sentence.text) else "about"
        fields[kind].append(Value(sentence.text, sentence.span))
        for what in ("muscles", "equipment"):
            if what == "equipment" and NOT_NEEDED.search(normalise(sentence.text)):
                continue  # "you don't need a rack for this one" names what it does not need
            if what == "muscles" and CUES["cautions"].search(sentence.text):
                continue  # "don't let the quads take over" names what it should not work
            worked = vocabulary.worked(sentence.text) if what == "muscles" else []
            for found in vocabulary.found(what, sentence.text) + worked:
                if found not in [v.text for v in fields[what]]:
                    fields[what].append(Value(found, sentence.span, "rule"))
    mentions = " ".join(s.text for s in sentences)
    return Fragment(name, fields, chunk.id, mentions if name is None else "", heading)


def _item_step(sentence: Sentence) -> bool:
    """A list item under an exercise's heading that the verb rules missed ("Stand facing a box ...") is one of
    its steps when it reads as one: it starts with a capital and is no question, label or number line."""
    text = sentence.text
    return sentence.item and text[:1].isupper() and not re.search(r"[?:]|\d", text.split(".")[0][:20])


def passage_progression(chunk, sentences: list[Sentence]) -> list[Step]:
    """The ordered steps of a list the passage introduces as an order ("...in this order:"), or whose items are
    numbered stages ("Stage 1 - weeks 0 to 6: ...", "Stage 2 - ..."), if any: each step is its item's first
    sentence."""
    lines = chunk.text.splitlines()
    lead_line = next((s.line for s in sentences if ORDER_LEAD.search(s.text)), None)
    staged = [int(m[1]) for line in lines if (m := STAGE_ITEM.match(line))]
    if lead_line is None and len(staged) >= 2 and staged == sorted(staged) and staged[0] <= 1:
        firsts = {}  # each stage's first sentence
        for sentence in sentences:
            if STAGE_ITEM.match(lines[sentence.line]):
                firsts.setdefault(sentence.line, sentence)
        return [Step(number, s.text, s.span) for number, s in enumerate(firsts.values(), 1)]
    if lead_line is None:
        return []
    steps: list[Step] = []
    seen_lines: set[int] = set()
    for sentence in sentences:
        if sentence.line <= lead_line or sentence.line in seen_lines:
            continue
        if not lines[sentence.line].startswith("- "):
            break  # the list is over
        seen_lines.add(sentence.line)
        steps.append(Step(len(steps) + 1, sentence.text, sentence.span))
    return steps


# A sentence saying what something is or does ("It is easy, but it teaches the timing"): no starting position.
STATEMENT = re.compile(r"\b(?:is|are|was|were|be|been|it|this|that|these|they|will|can|should|helps?|makes?)\b", re.I)
# A starting position said without a verb: "On hands and knees, ...", "Lying on your back, knees bent".
POSITION = re.compile(
    r"(?:on|in|at|from|lying|standing|seated|sitting|kneeling|half-kneeling|facing|feet|hands|side-on|tall)\b", re.I
)
# A list item opening on a numbered stage: "Stage 1 - weeks 0 to 6: ...", "Phase 2: ...", "Level 3 ...".
STAGE_ITEM = re.compile(r"^- (?:stage|phase|level|step)\s+(\d{1,2})\b", re.I)


# -------------------------------------------------------------------------------------------------
# the library: fragments merged into cards


class Library:
    """The cards of the indexed corpus, read from cards.json (see the module docstring)."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.muscle_groups = [tuple(g) for g in data.get("muscles", [])]
        self.equipment_groups = [tuple(g) for g in data.get("equipment", [])]
        self.synonyms = [tuple(g) for g in data.get("synonyms", [])]
        fragments, steps = [], []
        for entry in data.get("passages", {}).values():
            fragments.extend(_fragment_from_json(f) for f in entry["fragments"])
            steps.extend(_step_from_json(s) for s in entry["progression"])
        vocabulary = Vocabulary(tuple(self.muscle_groups), tuple(self.equipment_groups), tuple(self.synonyms))
        self.cards = merge(fragments, vocabulary)
        passages = data.get("passages", {})
        for card in self.cards:  # where each card's passage is, for the chat page to show it
            for passage in card.passages:
                entry = passages.get(passage["id"], {})
                passage.update({key: entry.get(key) for key in ("source", "title", "section", "start", "end", "text")})
        self._steps = _link_progression(steps, self.cards)

    @classmethod
    def load(cls, path: Path) -> "Library":
        """The library in `path` (cards.json); InputError when there is none yet or it is unreadable."""
        try:
            return cls(json.loads(Path(path).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise InputError("no exercise cards yet: run `stride ingest`") from None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(f"cannot read {path} ({error}); run `stride ingest` to rebuild it") from None

    @property
    def missing(self) -> str:
        """One line on what the cards lack because no writer model filled them ("" when nothing)."""
        return self.data.get("missing", "")

    @property
    def writer(self) -> str:
        return self.data.get("writer") or ""

    def names(self, kind: str) -> list[str]:
        """The muscles or equipment ("muscles", "equipment") that some card lists."""
        return sorted({name for card in self.cards for name in card.values(kind)})

    def matching(self, muscle: str | None = None, equipment: str | None = None) -> list[Card]:
        """Cards for a muscle and/or a piece of equipment, by the author's names or any phrase of theirs.
        InputError for a name no card and no author's phrase knows (a typo should not look like "none")."""
        for kind, asked in (("muscles", muscle), ("equipment", equipment)):
            if asked is not None and normalise(asked) not in self._known(kind):
                listed = ", ".join(self.names(kind)) or "none"
                raise InputError(f"no {kind} named {asked.strip()!r} on any card; the cards name: {listed}")
        return [c for c in self.cards if self._has(c, "muscles", muscle) and self._has(c, "equipment", equipment)]

    def _has(self, card: Card, kind: str, asked: str | None) -> bool:
        return not asked or bool(self.accepted(kind, asked) & {normalise(v) for v in card.values(kind)})

    def accepted(self, kind: str, asked: str) -> set[str]:
        """The names on a card that answer a question for `asked` (lower case): the author's name of its group;
        for a phrase that is neither an author's nor on a card, every phrase of a `vocabulary` group holding it
        and the author's names among them (synonyms: "the side of my hip" is "hip abductors")."""
        asked = normalise(asked)
        groups = self.muscle_groups if kind == "muscles" else self.equipment_groups
        names = {asked} | {normalise(g[0]) for g in groups if any(_is(asked, p) for p in g)}
        if len(names) > 1 or asked in {normalise(n) for n in self.names(kind)}:
            return names  # a name the author or a card gives: the cards giving it ("hamstrings" lists hamstrings)
        for group in self._related(kind):
            if any(_is(asked, p) for p in group):
                phrases = {normalise(p) for p in group}
                names |= phrases | {normalise(g[0]) for g in groups if phrases & {normalise(p) for p in g}}
        return names

    def asked_in(self, kind: str, text: str) -> str | None:
        """The muscle or equipment (`kind`) a question names: an author's phrase or a synonym of a card's, or
        None."""
        text = normalise(text)
        groups = self.muscle_groups if kind == "muscles" else self.equipment_groups
        for group in groups:
            if any(_has_phrase(text, p) for p in group):
                return group[0]
        phrases = sorted((p for g in self._related(kind) for p in g), key=len, reverse=True)
        return next((p for p in phrases if _has_phrase(text, p)), None)

    def _known(self, kind: str) -> set[str]:
        groups = self.muscle_groups if kind == "muscles" else self.equipment_groups
        known = {normalise(p) for g in groups for p in g} | {normalise(n) for n in self.names(kind)}
        return known | {normalise(p) for g in self._related(kind) for p in g}

    def _related(self, kind: str) -> list[tuple[str, ...]]:
        """The `vocabulary` groups naming a muscle or equipment (`kind`) that an author's group or a card names."""
        groups = self.muscle_groups if kind == "muscles" else self.equipment_groups
        names = {normalise(p) for g in groups for p in g} | {normalise(n) for n in self.names(kind)}
        return [g for g in self.synonyms if names & {normalise(p) for p in g}]

    def same_phrase(self, kind: str, text: str, sentences: list[Value]) -> bool:
        """Whether one of `sentences` (the card's) names a muscle or equipment (`kind`) phrase that `text` names
        in the same words: "where do I hold the dumbbell?" of a card whose steps say "keep the dumbbell at your chest",
        though the author listed that card's equipment as "free weight" and "dumbbell" belongs to another group."""
        text = normalise(text)
        phrases = [p for p in self._known(kind) if _has_phrase(text, p)]
        return any(_has_phrase(normalise(v.text), p) for p in phrases for v in sentences)

    def named(self, text: str) -> list[Card]:
        """Cards whose name or alias the text mentions (stems, so "squatting" finds "squat"); when none is named
        in full, the one card whose name ends in the words the text uses ("heel drops" for "single leg heel drops":
        a runner drops the modifiers), if only one does."""
        words = set(tokens(text))
        full = [
            c
            for c in self.cards
            if any(set(tokens(n)) <= words for name in [c.name, *(a.text for a in c.aliases)] for n in name_forms(name))
        ]
        if full:
            return full
        tails = [c for c in self.cards if len(tokens(c.name)) > 2 and set(tokens(c.name)[-2:]) <= words]
        return tails if len(tails) == 1 else []

    def passage_holding(self, span: Span) -> dict | None:
        """The indexed passage whose text holds the span: its source, title, section, start, end and text."""
        for entry in self.data.get("passages", {}).values():
            if entry["source"] == span.source and entry["start"] <= span.start < entry["end"]:
                return entry
        return None

    def as_written(self, name: str) -> str:
        """A card's name as the sources write it inside a sentence: "split squat" for the heading "Split squat",
        but "Spanish squat" and "TKE" as they are; a bracketed note on the heading ("(advanced - optional)") goes."""
        name = re.sub(r"\s*\([^)]*\)", "", name).strip() or name
        lower = name[:1].lower() + name[1:]
        pattern = re.compile(rf"\b{re.escape(lower)}")
        passages = self.data.get("passages", {}).values()
        return lower if any(pattern.search(entry.get("text", "")) for entry in passages) else name

    def in_titles(self, phrase: str) -> bool:
        """Whether half the documents or more name the phrase in their titles ("Core Strength for Runners"): what
        the corpus is about, which every exercise in it is for, whether or not its card says so."""
        titles = {entry.get("source"): entry.get("title", "") for entry in self.data.get("passages", {}).values()}
        stems = set(tokens(phrase))
        named = sum(bool(stems) and stems <= set(tokens(title)) for title in titles.values())
        return bool(titles) and named * 2 >= len(titles)

    def progression(self) -> list[Step]:
        """Where to start: the corpus's ordered steps, each with its sentence (span) and its exercises' names."""
        return self._steps


def _is(asked: str, phrase: str) -> bool:
    return _has_phrase(asked, phrase, whole=True) or normalise(phrase) == asked


def merge(fragments: list[Fragment], vocabulary: Vocabulary = Vocabulary()) -> list[Card]:
    """One card per exercise: named fragments grouped by name (stems; a name that only adds a muscle or an
    equipment word to another, like "<muscle> <exercise>", is the same), then unnamed passages joined to the
    name they mention (not after "similar to")."""
    cards: list[Card] = []
    # headings first, longer names first, and a name as written before the same name in capitals
    named = [f for f in fragments if f.name]
    order = sorted(named, key=lambda f: (not f.heading, -len(f.name.text), f.name.text.isupper()))
    for fragment in order:
        card = _card_for(fragment.name.text, cards, vocabulary)
        if card is None:
            # a handout's heading in capitals ("SINGLE-LEG CALF RAISE") is shown as a name is written
            card = Card(_as_written(fragment.name.text))
            cards.append(card)
        _add(card, fragment)
    names = {frozenset(tokens(card.name)) for card in cards}
    for card in cards:  # a model's alias that is another card's name ("bridges" on clamshells) is not one
        card.aliases = [a for a in card.aliases if a.how != "model" or frozenset(tokens(a.text)) not in names]
    for fragment in (f for f in fragments if f.name is None):
        named = [c for c in cards if _mentions(fragment.mentions, c.name)]
        if len(named) == 1:
            _add(named[0], fragment)
    return sorted(cards, key=lambda c: normalise(c.name))


def _as_written(name: str) -> str:
    """A name in capitals ("PALLOF PRESS (band or cable)", "COPENHAGEN PLANK (ADVANCED)") as a sentence writes
    it; a name with capitals among lower-case letters ("Single-leg RDL") stays."""
    parts = re.split(r"(\([^)]*\))", name)
    return "".join(part[:1] + part[1:].lower() if part.isupper() else part for part in parts)


def _card_for(name: str, cards: list[Card], vocabulary: Vocabulary) -> Card | None:
    """The card this name is another name of: the same words, or one more muscle or equipment word ("glute
    bridge" for "bridge"). One more word of any other kind names a variant ("single-leg hamstring bridge" is
    not "hamstring bridge", nor "side plank with hip dip" the "side plank"), which is a card of its own."""
    stems = set(tokens(name))
    for card in cards:
        theirs = set(tokens(card.name))
        if stems == theirs:
            return card
        if stems and theirs and (stems < theirs or theirs < stems):
            longer, shorter = (name, theirs) if theirs < stems else (card.name, stems)
            extra = [word for word in re.findall(r"[\w’']+", longer) if set(tokens(word)) - shorter]
            if all(_names_muscle_or_equipment(word, vocabulary) for word in extra):
                return card
    return None


def _names_muscle_or_equipment(word: str, vocabulary: Vocabulary) -> bool:
    """Whether a word names a muscle or body part (generic anatomy, or the author's muscles) or a piece of
    equipment (the author's)."""
    phrases = [p for group in (*vocabulary.muscles, *vocabulary.equipment) for p in group]
    return is_trained(word) or any(set(tokens(word)) <= set(tokens(phrase)) for phrase in phrases)


def _mentions(text: str, name: str) -> bool:
    stems, size = set(tokens(name)), len(name.split())
    words = _words(text)
    for index in range(len(words)):
        if not words[index][1] & stems:
            continue  # the name's words start here or nowhere
        window = set().union(*(stem for _, stem in words[index : index + size]))
        before = " ".join(word for word, _ in words[max(0, index - 3) : index]) + " "
        if stems and stems <= window and not SIMILAR.search(before):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The text's words with their stems, once per text: a library of thousands of passages asks often."""
    return tuple((word, frozenset(tokens(word))) for word in re.findall(r"[\w’'-]+", text))


def _add(card: Card, fragment: Fragment) -> None:
    if fragment.name:
        if normalise(fragment.name.text) != normalise(card.name) and all(
            normalise(a.text) != normalise(fragment.name.text) for a in card.aliases
        ):
            card.aliases.append(fragment.name)
        if fragment.name.span.start >= 0:
            card.naming.append(fragment.name)
    for alias in fragment.fields.get("aliases", []):
        if all(normalise(alias.text) != normalise(a.text) for a in [*card.aliases, Value(card.name, alias.span)]):
            card.aliases.append(alias)
    for name in LIST_FIELDS:
        # a muscle or a piece of equipment is listed once, however many of the card's passages name it; a
        # sentence once per place it stands
        key = (lambda v: v.text) if name in ("muscles", "equipment") else (lambda v: (v.text, v.span.start))
        have = {key(v) for v in card.fields[name]}
        for value in fragment.fields.get(name, []):
            if key(value) not in have:
                card.fields[name].append(value)
                have.add(key(value))
    if fragment.passage not in [p["id"] for p in card.passages]:
        card.passages.append({"id": fragment.passage})


def _link_progression(steps: list[Step], cards: list[Card]) -> list[Step]:
    for step in steps:
        step.exercises = [card.name for card in cards if _mentions(step.text, card.name)]
        for card in cards:
            if card.name in step.exercises and card.progression is None:
                card.progression = step
    return steps


# -------------------------------------------------------------------------------------------------
# the cache: cards.json, one entry per passage id


@dataclass
class CardsReport:
    built: int = 0
    reused: int = 0
    removed: int = 0
    model_filled: int = 0
    cards: int = 0
    missing: str = ""
    writer: str = ""
    proposed: int = 0  # values the writer model proposed, kept after the checks, and those dropped (with why)
    kept: int = 0
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the whole update, model work included

    def as_dict(self) -> dict:
        return asdict(self)


def update_library(
    path: Path,
    chunks: list,
    read_text: Callable[[str], str | None],
    vocabulary: Vocabulary,
    *,
    writer=None,
    missing: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> CardsReport:
    """Bring cards.json in step with the indexed `chunks`: reuse cached passages, build new ones, drop gone ones.

    `read_text(source)` gives a document's text (None when it can't be read: its passages are left out).
    `writer` (a `CardWriter`, or None) fills what the rules could not, for passages it has not filled yet;
    `missing` is the line saying what is lacking when there is no writer. `progress(done, total)` is called
    as passages are done.
    """
    started = time.perf_counter()
    old = _read_cache(path)
    key = f"{RULES_VERSION}:{vocabulary.key}"
    cached = old.get("passages", {}) if old.get("key") == key else {}
    report, passages, texts = CardsReport(), {}, {}
    ordered = sorted(chunks, key=lambda c: (c.source, c.ordinal))
    for done, chunk in enumerate(ordered, 1):
        entry = cached.get(chunk.id)
        if entry is None:
            if chunk.source not in texts:
                texts[chunk.source] = read_text(chunk.source)
            if texts[chunk.source] is None:
                continue
            entry = build_passage(chunk, texts[chunk.source], vocabulary)
            report.built += 1
        else:
            report.reused += 1
        if writer is not None and entry["fragments"] and entry.get("writer") != writer.name:
            try:
                entry = writer.fill(entry, chunk, vocabulary)
                report.model_filled += 1
            except StrideError as error:  # the model went away: keep the rules' cards, say why
                writer, missing = None, f"exercise cards are rule-based only: the writer model failed ({error})"
        passages[chunk.id] = entry
        if progress:
            progress(done, len(ordered))
    report.removed = len(set(cached) - set(passages))
    lacking = [e for e in passages.values() if e["fragments"] and not e.get("writer")]
    report.missing = missing if lacking else ""
    report.writer = writer.name if writer is not None else ""
    if writer is not None:
        report.proposed, report.kept, report.dropped = writer.stats.proposed, writer.stats.kept, writer.stats.dropped
    data = {
        "version": 1,
        "key": key,
        "muscles": [list(g) for g in vocabulary.muscles],
        "equipment": [list(g) for g in vocabulary.equipment],
        "synonyms": [list(g) for g in vocabulary.synonyms],
        "missing": report.missing,
        "writer": report.writer,
        "passages": passages,
    }
    write_atomically(path, data)
    report.cards = len(Library(data).cards)
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def build_passage(chunk, source_text: str, vocabulary: Vocabulary) -> dict:
    """One passage's cache entry by the rules: its fragments and its progression steps, as plain data."""
    sentences = passage_sentences(chunk, source_text)
    fragments = passage_fragments(chunk, sentences, vocabulary)
    heading_muscles = vocabulary.heading_muscles(chunk.section)
    for fragment in fragments:
        if fragment.heading:
            fragment.name = _heading_value(chunk, source_text, fragment.name)
        elif heading_muscles:  # "Build your calves": what the section's exercises work
            heading = _heading_value(chunk, source_text, Value(chunk.section, Span(chunk.source, -1, -1, "")))
            have = [v.text for v in fragment.fields["muscles"]]
            muscles = [Value(name, heading.span, "rule") for name in heading_muscles if name not in have]
            if heading.span.start >= 0:
                fragment.fields["muscles"] = muscles + fragment.fields["muscles"]
    return {
        "source": chunk.source,
        "section": chunk.section,
        "title": chunk.title,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
        "fragments": [_fragment_json(f) for f in fragments],
        "progression": [asdict(s) for s in passage_progression(chunk, sentences)],
        "writer": "",
    }


def _heading_value(chunk, source_text: str, name: Value) -> Value:
    """The heading's own line, the last time it appears before the passage."""
    at = source_text.rfind(chunk.section, 0, chunk.start)
    if at < 0:
        return name
    numbered = NUMBERING.match(chunk.section)
    at, text = (at + numbered.end(), chunk.section[numbered.end() :]) if numbered else (at, chunk.section)
    return Value(text, Span(chunk.source, at, at + len(text), text), "quote")


def _fragment_json(fragment: Fragment) -> dict:
    return {
        "name": asdict(fragment.name) if fragment.name else None,
        "fields": {name: [asdict(v) for v in values] for name, values in fragment.fields.items()},
        "passage": fragment.passage,
        "mentions": fragment.mentions,
        "heading": fragment.heading,
    }


def _value(data: dict) -> Value:
    return Value(data["text"], Span(**data["span"]), data["how"])


def _fragment_from_json(data: dict) -> Fragment:
    name = _value(data["name"]) if data["name"] else None
    fields = {key: [_value(v) for v in values] for key, values in data["fields"].items()}
    return Fragment(name, fields, data["passage"], data.get("mentions", ""), data.get("heading", False))


def _step_from_json(data: dict) -> Step:
    return Step(data["number"], data["text"], Span(**data["span"]))


def _read_cache(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # no cache, or a damaged one: everything is rebuilt


def write_atomically(path: Path, data: dict) -> None:
    """Write to a temporary file beside `path`, then rename it over: a reader sees the old file or the new."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -------------------------------------------------------------------------------------------------
# the writer model: what rules cannot do, checked before it is kept

WRITER_SYSTEM = "You read a fitness text about one exercise. Answer with one JSON object and nothing else."
WRITER_PROMPT = """Exercise: {name}
Text:
{text}

Reply with JSON only: {{"name": the exercise's name as the text writes it, "aliases": [other names the text
itself uses for this same exercise, copied word for word; [] if none]}}"""
JSON_OBJECT = re.compile(r"\{.*\}", re.S)
# An exercise is not named after muscles: the model offered "<adjective> hip muscles" as a seed card's alias.
BODY = re.compile(r"\b(muscles?|tendons?|joints?|bones?)\b", re.I)


@dataclass
class WriterStats:
    proposed: int = 0
    kept: int = 0
    dropped: list[str] = field(default_factory=list)  # "field: value (why)", for the report


class CardWriter:
    """Asks a chat model (Ollama or the quality tier) for plain JSON per fragment: the name of a passage that
    lost its heading, and the other names the text gives the exercise. A name or alias is kept only if it is
    written, as whole words, in the fragment's sentences, is not a muscle or equipment name, and says more
    than the card's own name (not "hinge" for "Hip Hinge"); `merge` also drops an alias that is another
    card's name. Sorting sentences into fields and naming muscles and equipment were asked for too, and
    measured on the seeds with the quality tier: 3 of 24 sentences it sorted were right and most muscles it
    named were not in the text, so the rules alone do those."""

    def __init__(self, chat_model, name: str) -> None:
        """`chat_model`: a chat model, or a function making one, called the first time a passage needs it
        (loading the quality tier takes seconds; an unchanged re-ingest must not pay them)."""
        self._chat_model = chat_model
        self.name = name
        self.stats = WriterStats()

    @property
    def chat_model(self):
        if callable(self._chat_model) and not hasattr(self._chat_model, "invoke"):
            self._chat_model = self._chat_model()
        return self._chat_model

    def fill(self, entry: dict, chunk, vocabulary: Vocabulary) -> dict:
        fragments = [_fragment_from_json(f) for f in entry["fragments"]]
        for fragment in fragments:
            self._fill_one(fragment, vocabulary)
        return {**entry, "fragments": [_fragment_json(f) for f in fragments], "writer": self.name}

    def _fill_one(self, fragment: Fragment, vocabulary: Vocabulary) -> None:
        quotes = sorted({v.span.start: v for vs in fragment.fields.values() for v in vs if v.how == "quote"}.items())
        quotes = [value for _, value in quotes]
        if not quotes:
            return
        name = fragment.name.text if fragment.name else "(not named: give the name the text uses)"
        reply = self._ask(WRITER_PROMPT.format(name=name, text=" ".join(v.text for v in quotes)))
        if fragment.name is None:
            fragment.name = self._phrase(reply.get("name"), quotes, "name", vocabulary, "")
        for alias in reply.get("aliases") or [] if fragment.name else []:
            value = self._phrase(alias, quotes, "aliases", vocabulary, fragment.name.text)
            if value and all(normalise(value.text) != normalise(a.text) for a in fragment.fields.get("aliases", [])):
                fragment.fields.setdefault("aliases", []).append(value)

    def _ask(self, prompt: str) -> dict:
        from langchain_core.messages import HumanMessage, SystemMessage

        from assistant.models import stream_text

        text = "".join(stream_text(self.chat_model, [SystemMessage(WRITER_SYSTEM), HumanMessage(prompt)]))
        match = JSON_OBJECT.search(text)
        try:
            reply = json.loads(match.group()) if match else {}
        except ValueError:
            reply = {}
        if not isinstance(reply, dict):
            reply = {}
        if not reply:
            self.stats.dropped.append(f"reply: not a JSON object ({' '.join(text.split())[:60]!r})")
        return reply

    def _phrase(self, text, quotes: list[Value], kind: str, vocabulary: Vocabulary, name: str) -> Value | None:
        self.stats.proposed += 1
        if not isinstance(text, str) or not text.strip() or vocabulary.is_named(text) or BODY.search(text):
            self.stats.dropped.append(f"{kind}: {text!r} (empty, or names a muscle or equipment)")
            return None
        if name and set(tokens(text)) <= set(tokens(name)):
            self.stats.dropped.append(f"{kind}: {text!r} (says no more than the name {name!r})")
            return None
        for quote in quotes:
            words = r"\s+".join(re.escape(w) for w in text.split())
            match = re.search(rf"(?<![\w’'-]){words}(?![\w’'-])", quote.span.quote, re.I)
            if match:
                self.stats.kept += 1
                start = quote.span.start + match.start()
                return Value(
                    match.group(), Span(quote.span.source, start, start + len(match.group()), match.group()), "model"
                )
        self.stats.dropped.append(f"{kind}: {text!r} (not written, as whole words, in the exercise's sentences)")
        return None
