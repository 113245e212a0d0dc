"""A PDF's text layer, page by page, as the headings, paragraphs and lists the rest of ingest reads.

pypdf gives one line of text per printed line. A handout exported from a word processor then carries, on
every page, its running header and footer ("Clinic name  Ph ...", "Page 2 of 3", a copyright line), words
broken at a line end ("ham-" / "strings"), paragraphs and list items wrapped over several lines, a sentence
carried over a page break, and the blanks of a form ("Patient: ______", "[ ] Nordics  Sets ____"). Read as
they come, a page was one paragraph: numbered steps ran together with their exercise's heading, and the
header was taken for the document's title.

`text_of` returns plain text in the shape the cleaner reads from a Markdown or text file: blocks separated by
blank lines, a heading as "## Heading", list items one per line, a paragraph on one line. Lines are put back
together by what the page shows: a line much shorter than the page's full lines, or ending a sentence, ends
its paragraph; a list marker, a "Label: ..." line after a finished sentence or after another labelled line
("Sets: 3 x 8" then "Rest: 60 s") starts a new one, and a labelled line is never a heading, however short. A
numbered line followed by steps numbered from 1 again is the heading of those steps ("1. Nordics" then "1.
Kneel ..."); so is a short numbered name over its description, in capitals ("1. FORWARD STEP-DOWN") or in
ordinary case over a paragraph's full printed line ("1. Hill bounds" then "Drive the knee up and push ..."),
unless it is the next step of the numbered list before it. A page number goes with the running header above
it even when a header of several lines puts it beyond the lines at the page's edge.

A presentation exported to PDF (several pages of a few dozen words, most opening on a title) is read slide by
slide instead: no line joins across slides, each slide's first line is its title ("## ..."), a bullet whose
sign the text layer prints on a line of its own ("•", "-", or a symbol font's glyph such as "\x7f") is joined
to its text, and a short top-level bullet over sub-bullets ("Heel slides", then its steps) heads them ("###").

Leaves out: the page's geometry (fonts, sizes, columns and positions; pypdf's plain text has none), so two
columns, tables and sidebars come out as the text layer orders them, and a heading is told from a short
sentence only by its lack of a full stop. Scanned pages with no text layer are refused by the loader.
"""

import re
from collections import Counter

from assistant.text import LABELLED_LINE

# A symbol font's bullet as the text layer gives it: a control or private-use character.
GLYPHS = "\x7f\uf000-\uf0ff"
# A list item's marker: "1.", "2)", "-", "•", or a tick box "[ ]".
MARKER = re.compile(rf"^\s*(?:\d{{1,2}}[.)]|[-•*–▪◦·●■➢►{GLYPHS}]|\[\s*[xX✓]?\s*\])\s+")
NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(.*)$")
GLYPH_MARKER = re.compile(rf"^\s*[{GLYPHS}]\s+")
PAGE_NUMBER = re.compile(r"(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–]\s*\d{1,4}\s*[-–]", re.IGNORECASE)
BLANK_FIELD = re.compile(r"_{3,}|\[\s*\]")
SENTENCE_END = re.compile(r"[.!?:;]['’\")]*$")
EDGE_LINES = 3  # lines at the top and at the bottom of a page where a running header or footer may be
SHORT_LINE = 0.8  # of the page's full line length: a line this short ends its paragraph when it ends a sentence
HEADING_LINE = 0.6  # a line this short, with no sentence end, between blocks, is a heading
FORM_WORDS = 8  # a line with blanks to fill in and at most this many words is a form's line, not text
DECK_PAGES, SLIDE_WORDS = 3, 160  # a presentation: at least this many pages, the middle one this many words at most
TITLE_WORDS = 12  # a slide's first line this short, ending no sentence, is its title
NAME_WORDS = 6  # a top-level bullet this short, over sub-bullets, names what they describe
# A bullet printed on a line of its own: a bullet sign, a dash, a word processor's "o", or a symbol font's glyph
# that the text layer gives as a control or private-use character.
LONE_MARKER = re.compile(rf"[-•●○◦▪■□‣➢►✓*–—o{GLYPHS}]")


def text_of(pages: list[str]) -> str:
    """The pages' text as blocks (see the module docstring)."""
    content = _content_pages([[line.rstrip() for line in page.splitlines()] for page in pages])
    if _is_deck(content):
        return "\n\n".join(text for text in map(_slide, content) if text) + "\n"
    lines = [line.strip() for page in content for line in page if line.strip()]
    lines = [line for number, line in enumerate(lines) if not _is_form(line, lines[number + 1 : number + 3])]
    if not lines:
        return ""
    lengths = sorted(len(line) for line in lines)
    full = lengths[int(0.9 * (len(lengths) - 1))]
    known = _hyphenated_words(lines)
    blocks: list[list[str]] = []  # each block: its logical lines (a paragraph's one, a list's items)
    current = ""
    for number, line in enumerate(lines):
        if current and _starts_anew(current, lines[number - 1], line, full):
            _close(blocks, current, lines[number:], full)
            current = ""
        current = _joined(current, line, known) if current else line
    _close(blocks, current, [], full)
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _content_pages(pages: list[list[str]]) -> list[list[str]]:
    """Every page's lines but its running header and footer (lines near a page's edge that recur, digits
    aside, on at least half the pages) and its page number."""

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.lower().split()))

    edges = [_edges(page) for page in pages]
    seen = Counter(k for page, at in zip(pages, edges, strict=True) for k in {key(page[i]) for i in at})
    recurring = {k for k, count in seen.items() if len(pages) >= 2 and count >= max(2, len(pages) / 2)}
    kept = []
    for page, page_edges in zip(pages, edges, strict=True):
        kept.append([])
        for i, line in enumerate(page):
            at_edge = i in page_edges
            if LONE_MARKER.fullmatch(line.strip()):  # a bullet's sign recurs at every slide's top: it is no header
                at_edge = False
            if at_edge and (key(line) in recurring or PAGE_NUMBER.fullmatch(line.strip())):
                continue
            kept[-1].append(line)
    return [_unnumbered(page) for page in kept]


def _unnumbered(page: list[str]) -> list[str]:
    """A page's lines without a page number at its edge once the running header and footer are gone: under a
    header of three lines or more, "Page 2 of 3" lies beyond EDGE_LINES and would be read as a heading."""
    filled = [i for i, line in enumerate(page) if line.strip()]
    numbers = {i for i in filled[:1] + filled[-1:] if PAGE_NUMBER.fullmatch(page[i].strip())}
    return [line for i, line in enumerate(page) if i not in numbers]


def _is_deck(pages: list[list[str]]) -> bool:
    """Whether the pages are a presentation's slides: several pages of a few dozen words, two in three or more
    opening on a title (a handout's page opens mid-paragraph as often as not)."""
    words = sorted(len(" ".join(page).split()) for page in pages)
    titled = sum(bool(page) and _is_title(page[0].strip()) for page in pages)
    return len(pages) >= DECK_PAGES and words[len(words) // 2] <= SLIDE_WORDS and titled * 3 >= len(pages) * 2


def _slide(lines: list[str]) -> str:
    """One slide as blocks: its title a heading; its bullets a list, a bullet marker printed on a line of its
    own joined to the text after it; a short top-level bullet over sub-bullets ("Heel slides", then its steps)
    the heading of those; a line without a marker continues the bullet above it."""
    entries: list[list] = []  # [level, text]: level 0 for lines outside any bullet, 1 top-level, 2 below
    levels: dict[str, int] = {}
    pending = None
    for line in (line.strip() for line in lines if line.strip()):
        if LONE_MARKER.fullmatch(line):
            pending = line
            continue
        found = MARKER.match(line)
        marker = pending or (found and found[0].strip())
        text = MARKER.sub("", line) if not pending else line
        pending = None
        if marker:
            entries.append([levels.setdefault(marker, min(len(levels) + 1, 2)), text])
        elif entries and entries[-1][0] and not SENTENCE_END.search(entries[-1][1]):
            entries[-1][1] += f" {text}"
        else:
            entries.append([0, text])
    blocks: list[list[str]] = []
    for number, (level, text) in enumerate(entries):
        below = entries[number + 1][0] if number + 1 < len(entries) else 0
        titled = number == 0 and level == 0 and _is_title(text)
        if titled or (level == 1 and below == 2 and _is_title(text) and len(text.split()) <= NAME_WORDS):
            blocks.append([f"{'##' if titled else '###'} {text}"])
        elif level and blocks and blocks[-1][-1].startswith("- "):
            blocks[-1].append(f"- {text}")
        else:
            blocks.append([f"- {text}" if level else text])
    return "\n\n".join("\n".join(block) for block in blocks)


def _is_title(text: str) -> bool:
    return len(text.split()) <= TITLE_WORDS and text[:1].isupper() and not re.search(r"[.;:,]$", text)


def _edges(page: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(page) if line.strip()]
    return set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])


def _is_form(line: str, after: list[str]) -> bool:
    """A line of blanks to fill in ("Patient: ____  Date: __/__/__", "[ ] Nordics  Sets ____"), a bare
    number (an empty log table's row numbers), or the header of such a table (the lines `after` it are
    bare numbers)."""
    if line.isdigit() or (len(after) == 2 and all(next_line.isdigit() for next_line in after)):
        return True
    return bool(BLANK_FIELD.search(line)) and len(BLANK_FIELD.sub(" ", line).split()) <= FORM_WORDS


def _hyphenated_words(lines: list[str]) -> set[str]:
    """Words the document writes with a hyphen inside a line ("long-lever"): kept whole when a line break
    falls at their hyphen."""
    return {word.lower() for line in lines for word in re.findall(r"[A-Za-z]+-[A-Za-z]+", line)}


def _joined(current: str, line: str, known: set[str]) -> str:
    """The logical line continued by the next printed line; a word broken at its hyphen is mended ("ham-" +
    "strings"), unless the document writes it with the hyphen elsewhere."""
    broken = re.search(r"([A-Za-z]+)-$", current)
    if broken and line[:1].islower():
        word = f"{broken[1]}-{re.match(r'[A-Za-z]*', line)[0]}".lower()
        return current + line if word in known else current[:-1] + line
    return f"{current} {line}"


def _starts_anew(current: str, previous: str, line: str, full: int) -> bool:
    """Whether the printed line `line` starts a new logical line rather than continuing `current`, whose last
    printed line was `previous`."""
    ended = bool(SENTENCE_END.search(current))
    if MARKER.match(line):
        return True
    if LABELLED_LINE.match(line) and LABELLED_LINE.match(current):  # "Sets: 3 x 8" then "Rest: walk back"
        return True
    if ended and (LABELLED_LINE.match(line) or len(previous) < SHORT_LINE * full):
        return True
    if ended and line.isupper() and line.endswith(":"):  # "STOP AND CONTACT US IF YOU NOTICE:" after a full line
        return True
    # a finished paragraph, then a short line that is no sentence's end: a heading ("Pain and soreness - what
    # is OK?") even when the paragraph's last line ran to full length
    if ended and len(line) < HEADING_LINE * full and line[:1].isupper() and not line.endswith((".", ";", ":")):
        return True
    # a short line with no sentence end, followed by a capital: a heading ("Pain and soreness"), or a numbered
    # exercise's name over its description: in capitals ("1. FORWARD STEP-DOWN", then "Stand on a step."), or in
    # ordinary case over a paragraph's full line ("1. Hill bounds", then "Drive the knee up and ...")
    numbered = NUMBERED.match(current)
    named = bool(numbered) and (_is_name(numbered[2]) or _names_text(numbered[2], line, full))
    short = len(current) < HEADING_LINE * full
    return not ended and line[:1].isupper() and (named or (short and not MARKER.match(current)))


def _is_name(text: str) -> bool:
    """Whether a numbered line's text is a name in capitals ("HEEL RAISES ON A STEP (DOUBLE LEG TO SINGLE
    LEG)"): short outside its brackets, with no sentence end. A step is written in sentence case."""
    named = re.sub(r"\([^)]*\)", "", text).strip()
    letters = [c for c in named if c.isalpha()]
    return len(letters) >= 3 and named.isupper() and len(named.split()) <= NAME_WORDS and not SENTENCE_END.search(text)


def _names_text(name: str, line: str, full: int) -> bool:
    """Whether a numbered line's text in ordinary case ("Hill bounds (short hill)") names the paragraph whose
    first printed line, `line`, follows: the name is short outside its brackets, opens on a capital and ends no
    sentence, and `line` is unnumbered, opens on a capital and runs to a paragraph's length. A step that wraps
    goes on in lower case; a short step is followed by the next step."""
    words = re.sub(r"\([^)]*\)", "", name).split()
    named = 0 < len(words) <= NAME_WORDS and name[:1].isupper() and not SENTENCE_END.search(name)
    return named and line[:1].isupper() and not MARKER.match(line) and len(line) >= HEADING_LINE * full


def _continues_list(blocks: list[list[str]], number: str) -> bool:
    """Whether the numbered line is the next item of the numbered list just before it ("3." after "2."): the
    list's last step, then a paragraph, rather than an exercise's name over its description."""
    last = NUMBERED.match(blocks[-1][-1]) if blocks else None
    return bool(last) and int(last[1]) + 1 == int(number)


def _heads_text(blocks: list[list[str]], numbered: re.Match, rest: list[str], full: int) -> bool:
    """Whether a numbered line is an exercise's name over the unnumbered text after it: in capitals, or in
    ordinary case over a paragraph unless it is the next step of the numbered list before it."""
    if not rest or MARKER.match(rest[0]):
        return False
    if _is_name(numbered[2]):
        return True
    return _names_text(numbered[2], rest[0], full) and not _continues_list(blocks, numbered[1])


def _close(blocks: list[list[str]], logical: str, rest: list[str], full: int) -> None:
    """Add a finished logical line: a list item joins the list before it; a numbered line whose next item is
    numbered 1 heads those steps, and one naming the text under it heads that; a labelled line ("Rest: 60 s")
    is a paragraph of its own; a short line without a sentence end is a heading."""
    if not logical:
        return
    numbered = NUMBERED.match(logical)
    following = next((NUMBERED.match(line) for line in rest if MARKER.match(line)), None)
    steps_under = following and following[1] == "1" and not SENTENCE_END.search(logical) and len(logical) < 80
    # "1. Nordics" over "1. Kneel ...", "1. FORWARD STEP-DOWN" or "1. Hill bounds" over text
    if numbered and (steps_under or _heads_text(blocks, numbered, rest, full)):
        blocks.append([f"## {numbered[2]}"])
        return
    if MARKER.match(logical):
        logical = GLYPH_MARKER.sub("- ", logical)  # a symbol font's bullet ("\x7f") as the list's dash
        if blocks and MARKER.match(blocks[-1][-1]):
            blocks[-1].append(logical)
        else:
            blocks.append([logical])
        return
    if LABELLED_LINE.match(logical):  # "Sets x reps: 3 x 15" is short and ends no sentence, yet heads nothing
        blocks.append([logical])
        return
    if not SENTENCE_END.search(logical) and len(logical.split()) <= 10 and logical[:1].isupper():
        blocks.append([f"## {logical}"])
        return
    if logical.endswith(":") and logical.isupper() and len(logical.split()) <= 12 and rest and MARKER.match(rest[0]):
        blocks.append([f"## {logical[:-1]}"])  # "STOP AND CONTACT US IF YOU NOTICE:" over its list
        return
    if logical.endswith("?") and len(logical.split()) <= 10 and logical[:1].isupper() and _heads(rest):
        blocks.append([f"## {logical}"])
        return
    blocks.append([logical])


def _heads(rest: list[str]) -> bool:
    """Whether what follows a question line reads as under it (a labelled line or a new sentence), so the
    question is a heading ("Pain and soreness - what is OK?")."""
    return bool(rest) and (bool(LABELLED_LINE.match(rest[0])) or rest[0][:1].isupper())
