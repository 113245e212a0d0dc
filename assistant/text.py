"""The text toolkit every stage shares: sentences, normalised text, content words, overlap and negation.

One definition of each, so the cleaner, the retriever, the checks, the answer stage, the eval and the chat
page agree on what a sentence is, when two quotes are the same, and what "not" looks like:
- `split_sentences`: sentence ends, but not after "Dr." and other abbreviations a runner's text uses, and
  not before a citation marker ("one leg. [2] Then" keeps "[2]" with the sentence it ends);
- `answer_sentences`: the same for a model's text, where list markers and line breaks end sentences too;
- `normalise`: straight quotes, one space, lower case: for comparing a quote with its source;
- `quote_parts`: the sentences and list items of a quoted selection, to find each in its passage;
- `tokens`: stop-worded, lightly stemmed content words: squats/squatting/squat meet;
- `jaccard` and `recall`: word-set overlap, symmetric and one-sided;
- `NEGATION` and `is_negated`: the one list of negation words;
- `LABELLED_LINE`: a handout's "Label: value" line, which the PDF reader and the cleaner both read;
- `listing`: items as a phrase ("a, b and c"), for sentences Stride writes itself;
- `markdown_table`: rows of cells as a Markdown table, as the HTML and Word readers write a table;
- `slips`: the spellings one typing slip away from a word (a letter doubled or dropped, two swapped).

Leaves out: any language but English, and real stemming or lemmatising (the light stripper below is
enough for the corpus's words). A sentence-splitting library (pysbd) was not tried.
"""

import re

# Sentence ends, except after abbreviations ("Dr. Minard", "e.g. a band"). The next sentence must start
# like one (capital, digit, quote or bracket), so "[2]" after a full stop stays with its sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"’)]?\s+(?=[“\"(A-Z0-9])")
# Abbreviations a full stop does not end a sentence after: whole words only ("arms." and "chest." end one), and
# "No." only before a number ("No. 2"; "No. Then ..." is an answer).
ABBREVIATION = re.compile(r"(?:^|[\s(\[“\"'])(?:dr|mr|mrs|ms|st|vs|e\.g|i\.e|etc|approx)\.$", re.IGNORECASE)
NUMBER_ABBREVIATION = re.compile(r"(?:^|[\s(\[“\"'])no\.$", re.IGNORECASE)
# "Sets & reps: 3 x 8", "Make it harder: ...", "Caution: ...": a handout's labelled line (a capital, a short
# label, a colon, then its value).
LABELLED_LINE = re.compile(r"^[A-Z][\w &/'’()-]{0,30}:\s+\S")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_PART_END = re.compile(r"(?<=[.!?;:])\s+")
# A passage's heading the model copied from its "(heading)" label, without the opening bracket: "Single-leg calf
# raise on a step) Prescription: 3 sets of 12" is "Prescription: 3 sets of 12".
_UNOPENED = re.compile(r"^[^()]{1,80}\)\s+(?=[A-Z])")
_MARKER_AFTER_STOP = re.compile(r"([.!?])\s*((?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+)")

STOPWORDS = frozenset(
    "a an and are as at be but by can could do does doing for from had has have how i if in into is it "
    "its me my of on or should so than that the their them then there these those they this to was we were what "
    "when where which while who why will with would you your yours im i'm ive i've get got any some during "
    "about".split()
)

# Words that turn a statement around. "instead of" and "rather than" too: "lengthen rather than
# strengthen" must not read as "strengthen".
NEGATION = re.compile(
    r"\b(not|no|never|nor|avoid|without|instead of|rather than"
    r"|don'?t|doesn'?t|isn'?t|aren'?t|won'?t|can'?t|shouldn'?t|wouldn'?t)\b|n't\b"
)


# Texting shorthand runners type ("how do u do a bridge", "r clamshells ok"): read as the words they stand for,
# so the question's kind and subject are found as for the spelled-out question. Only unambiguous ones.
SHORTHAND = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "n": "and",
    "wat": "what",
    "tho": "though",
    "pls": "please",
    "plz": "please",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "b4": "before",
    "yr": "year",
    "yrs": "years",
    # an apostrophe left out: "whats a depth drop", "im 56", "dont"
    "whats": "what is",
    "hows": "how is",
    "im": "I am",
    "ive": "I have",
    "dont": "don't",
    "doesnt": "doesn't",
    "cant": "can't",
    "isnt": "isn't",
    "arent": "aren't",
    "didnt": "didn't",
    "wasnt": "wasn't",
    "shouldnt": "shouldn't",
    "theres": "there is",
    "thats": "that is",
    "youre": "you are",
    "vs": "or",
    "nah": "no",
}
# A weight asked in its units is a question of how heavy, which a corpus may answer without them ("a weight
# you could lift about 5 or 6 times").
_WEIGHT_ASKED = re.compile(r"\bhow (?:many|much) (?:kg|kgs|kilos?|kilograms?|lbs?|pounds?)\b", re.IGNORECASE)
# Words a question carries that ask nothing of the corpus ("ok and for a 10k?", "when am I ready ..."): no
# corpus is expected to use them, so none is named as a subject the sources never mention.
FILLER = frozenset(
    "am many much ok okay lol just really actually though pretty kinda sorta like yeah yes no hey hi thanks thank "
    "please anyone anybody guys too bother".split()
)
_SHORTHAND = re.compile(r"(?<![\w’'-])(" + "|".join(SHORTHAND) + r")(?![\w’'-])", re.IGNORECASE)  # not "U-shaped"


SLIP_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_SLIP_WORD = 5  # shorter words are too often one slip from another real word ("pace", "race", "place")


def slips(word: str) -> set[str]:
    """The spellings one typing slip from `word`: a letter left out, one too many, or two neighbours swapped
    ("excercises", "liftng", "sholud"). A letter typed for another is left out: "pacing" for "racing" is as
    likely another word as a slip."""
    word = word.lower()
    if len(word) < MIN_SLIP_WORD or not word.isalpha():
        return set()
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    dropped = {a + b[1:] for a, b in cuts if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    added = {a + letter + b for a, b in cuts for letter in SLIP_LETTERS}
    return (dropped | swapped | added) - {word}


def spelled_out(text: str) -> str:
    """The text with texting shorthand written out (`SHORTHAND`) and a weight asked in kilos or pounds asked as
    "how heavy"; everything else as it was."""
    return _WEIGHT_ASKED.sub("how heavy", _SHORTHAND.sub(lambda m: SHORTHAND[m.group(1).lower()], text))


def join_lines(lines) -> str:
    """Lines of wrapped text as one. A line ending in a hyphen after a letter ("single-" over "leg") was wrapped
    at a compound's hyphen, as mail programs, text editors and captions wrap: it joins the next line without a
    space. (A PDF's word broken across lines is rejoined by the PDF reader, which knows its hyphenation.)"""
    text = ""
    for line in lines:
        line = line.strip()
        text += line if re.search(r"[^\W\d_]-$", text) and line[:1].isalpha() else f" {line}"
    return text.strip()


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends, without splitting after 'Dr.' and similar abbreviations."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _abbreviated(text[start : match.start() + 1].strip(), text[match.end() : match.end() + 1]):
            continue
        pieces.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def answer_sentences(text: str) -> list[str]:
    """Sentences of a model's answer; list markers and line breaks count as sentence ends."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = _LIST_MARKER.sub("", line).strip()
        # "one leg. [2] Then" -> "one leg [2]. Then": a marker after the full stop belongs to the sentence before.
        line = _MARKER_AFTER_STOP.sub(lambda m: f" {m.group(2).strip()}{m.group(1)} ", line).strip()
        pieces.extend(_UNOPENED.sub("", piece) for piece in (split_sentences(line) if line else []))
    return pieces


def _abbreviated(candidate: str, following: str) -> bool:
    """Whether the full stop ending `candidate` belongs to an abbreviation (`following`: the next character)."""
    return bool(ABBREVIATION.search(candidate) or (NUMBER_ABBREVIATION.search(candidate) and following.isdigit()))


def complete_sentences(text: str) -> tuple[list[str], str]:
    """For streamed text: the sentences finished so far, and the unfinished rest.

    A sentence is finished once the next one has begun (or a line break follows it): until then a marker
    such as "[2]" may still be on its way.
    """
    cut = start = text.rfind("\n") + 1
    for match in _SENTENCE_END.finditer(text, cut):
        if not _abbreviated(text[start : match.start() + 1].strip(), text[match.end() : match.end() + 1]):
            cut = start = match.end()
    # The rest is returned as it is, spaces included: the next piece of the stream continues it.
    return answer_sentences(text[:cut]), text[cut:]


def quote_parts(text: str) -> list[str]:
    """The pieces a quoted selection of a passage is made of, without their end marks: its sentences, and the
    items of a list that `cite.evidence_units` joined into one unit with ':' and ';'."""
    return [part.strip().rstrip(".;:") for line in text.splitlines() for part in _PART_END.split(line) if part.strip()]


def normalise(text: str) -> str:
    """Straight quotes, single spaces, lower case: two copies of one quote compare equal."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def bare(text: str) -> str:
    """Only the letters and digits, lower-cased and single-spaced: "Hill Drills – Week 2!" -> "hill drills week 2",
    for telling whether two headings or titles say the same."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def tokens(text: str) -> list[str]:
    """Lower-cased, stop-worded, lightly stemmed words, shared by the index side and the query side."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))
    return [_stem(word) for word in words if word not in STOPWORDS]


def _stem(word: str) -> str:
    """A light suffix stripper: enough that squats/squatting/squat and lunge/lunges/lunging meet."""
    if len(word) <= 3:  # short words keep their letters, but a plural's s goes: "step-ups" meets "step up"
        return word[:-1] if len(word) == 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith(("ss", "us", "is")):
            word = word[: -len(suffix)] + replacement
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # squatt -> squat
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def jaccard(a: set[str], b: set[str]) -> float:
    """Shared words over all words of the two: how far two texts say the same thing."""
    return len(a & b) / max(1, len(a | b))


def recall(of: set[str], within: set[str]) -> float:
    """Share of `of`'s words found in `within` (0 when `of` is empty)."""
    return len(of & within) / len(of) if of else 0.0


def listing(items: list[str], conjunction: str = "and") -> str:
    """Items as a phrase: "a", "a and b", "a, b and c"."""
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def is_negated(text: str) -> bool:
    return bool(NEGATION.search(normalise(text)))


def markdown_table(rows: list[list[str]]) -> str:
    """Rows of cells as a Markdown table, the first row its header (<th> cells or not), so cleaning names each
    cell by its column ("Week: 1; Phase: Base"): written one cell a paragraph, a table's header row had been lost
    and its short cells read as headings."""
    width = max(map(len, rows))
    lines = ["| " + " | ".join([*row, *[""] * (width - len(row))]) + " |" for row in rows]
    return "\n".join([lines[0], "|" + "---|" * width, *lines[1:]])


def table_text(rows: list[list[str]]) -> str:
    """A word processor's table: of two or more rows and columns, a Markdown table (`markdown_table`); else a
    layout table, whose cells are paragraphs of their own."""
    rows = [row for row in rows if any(row)]
    if len(rows) >= 2 and max(map(len, rows)) >= 2:
        return markdown_table(rows)
    return "\n\n".join(cell for row in rows for cell in row if cell)


_MARKDOWN_ITEM = re.compile(r"\s*(?:•|\d+\.) ")


def markdown_blocks(blocks: list[str]) -> str:
    """A word processor's blocks (headings, paragraphs, "1. " or "• " list items, tables) as Markdown-shaped text:
    blocks apart by a blank line, a list's items together, a line each, as a Markdown list is written."""
    written = ""
    for block in blocks:
        if block.strip():
            together = _MARKDOWN_ITEM.match(block) and _MARKDOWN_ITEM.match(written.rsplit("\n", 1)[-1])
            written += ("\n" if together else "\n\n" if written else "") + block
    return written + "\n"


def phrase_text(text: str) -> str:
    """Text as phrases are matched in it: lower case, words apart by one space, padded by one at each end
    ("Single-leg RDL:" -> " single leg rdl ")."""
    return " " + " ".join(re.sub(r"[^a-z0-9’']+", " ", text.lower()).split()) + " "
