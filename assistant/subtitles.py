"""A video's subtitle file (SubRip .srt, WebVTT .vtt) into paragraphs of text.

A subtitle file is a list of cues: a number or name, a time range, and a line or two of what is said. What a
reader wants is what is said, so the cues' numbers, names and times go, and so do a WebVTT file's header, its
NOTE, STYLE and REGION blocks, each cue's position settings and the markup inside its text (voice, class and
italic tags, karaoke times, a SubRip file's {\\an8} codes). A speaker named in a voice tag ("<v Coach Dan>")
opens a turn, "Coach Dan: ...", as a typed-up transcript writes it, so the cleaner reads a conversation as one.
A pause of PARAGRAPH_PAUSE or more, a cue that is only a sound ("[Music]") and a change of speaker start a new
paragraph. A rolling caption's line repeated from the cue before it (an automatic caption's two-line roll) is
read once.

Automatic captions carry no punctuation, and without it a whole video is one sentence, quoted whole. When most
of a file's pauses come after no sentence's end, each pause is taken for one: the words up to it become a
sentence with a capital and a full stop, and a lone "i" is written "I". Nothing else is changed: a mis-heard word
stays mis-heard.

Leaves out: unpunctuated captions with no pauses between cues (nothing says where a sentence ends without a
model to punctuate them, so they stay one run), chapters (a subtitle file has none), styling and positions, a
file of several languages (its cues are read in order, all of them), and SubStation (.ass) files.
"""

import html
import itertools
import re
from dataclasses import dataclass

from assistant.text import join_lines

# "00:00:04,600 --> 00:00:08,380" (SubRip) or "00:04.600 --> 00:08.380 align:start" (WebVTT: hours optional)
TIMES = re.compile(r"\s*((?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})\b.*")
VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
TAG = re.compile(r"</?[a-z][^>]*>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}>", re.IGNORECASE)
SUBRIP_CODE = re.compile(r"\{\\[^}]*\}")
SOUND = re.compile(r"\s*[\[(♪][^\])]*[\])♪]?\s*")  # "[Music]", "(applause)", "♪ ♪": a sound, nothing said
VTT_BLOCK = re.compile(r"(?:NOTE|STYLE|REGION)(?:\s|$)")
PARAGRAPH_PAUSE = 1.5  # seconds of silence between cues that end a paragraph
SENTENCE_PAUSE = 0.25  # seconds of silence that end a sentence, in captions without punctuation
UNPUNCTUATED = 0.5  # the share of a file's pauses coming after no sentence's end that marks it unpunctuated


class NoCaptions(Exception):
    """The file holds no subtitle cue; the message says what was found instead."""


@dataclass
class _Cue:
    start: float
    end: float
    speaker: str
    text: str  # what is said, its markup gone; "" for a sound alone


def text_of(text: str) -> str:
    """The paragraphs a subtitle file's cues say, separated by blank lines."""
    cues = _cues(text)
    if not cues:
        raise NoCaptions("no subtitle cues in it (a time line such as '00:00:01,000 --> 00:00:04,000' over text)")
    unpunctuated = _unpunctuated(cues)
    paragraphs: list[tuple[str, list[str]]] = []  # (speaker, sentences or pieces)
    piece: list[str] = []
    previous: _Cue | None = None
    for cue in cues:
        pause = cue.start - previous.end if previous else 0.0
        new_paragraph = (
            previous is None
            or not cue.text
            or not previous.text
            or pause >= PARAGRAPH_PAUSE
            or bool(cue.speaker and paragraphs and cue.speaker != paragraphs[-1][0])
        )
        if (new_paragraph or (unpunctuated and pause >= SENTENCE_PAUSE)) and piece:
            paragraphs[-1][1].append(join_lines(piece))
            piece = []
        if new_paragraph and cue.text:
            paragraphs.append((cue.speaker, []))
        if cue.text:
            piece.append(cue.text)
        previous = cue
    if piece:
        paragraphs[-1][1].append(join_lines(piece))
    return "\n\n".join(_paragraph(speaker, pieces, unpunctuated) for speaker, pieces in paragraphs if pieces) + "\n"


def _paragraph(speaker: str, pieces: list[str], unpunctuated: bool) -> str:
    if unpunctuated:
        pieces = [_as_sentence(piece) for piece in pieces]
    return f"{speaker}: " * bool(speaker) + " ".join(pieces)


def _as_sentence(words: str) -> str:
    words = re.sub(r"\bi(?=\b(?:'|’|\s|$))", "I", words)
    words = words[:1].upper() + words[1:]
    return words if words.endswith((".", "!", "?", "…")) else words.rstrip(",;:") + "."


def _unpunctuated(cues: list[_Cue]) -> bool:
    """Whether most pauses between spoken cues come after no sentence's end (an automatic caption file)."""
    paused = [a for a, b in itertools.pairwise(cues) if a.text and b.text and b.start - a.end >= SENTENCE_PAUSE]
    unended = sum(not cue.text.rstrip("\"'”’)").endswith((".", "!", "?", "…")) for cue in paused)
    return bool(paused) and unended > UNPUNCTUATED * len(paused)


def _cues(text: str) -> list[_Cue]:
    """Each cue's times, speaker and text, in the file's order; a line repeated from the cue before goes."""
    cues: list[_Cue] = []
    last_line = ""
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")):
        lines = [line for line in block.split("\n") if line.strip()]
        at = next((n for n, line in enumerate(lines) if TIMES.fullmatch(line)), None)
        if at is None or (lines and VTT_BLOCK.match(lines[0])):
            continue  # a header, a NOTE, STYLE or REGION block, or a stray line: no cue
        times = TIMES.fullmatch(lines[at])
        said, speaker = [], ""  # a voice tag names the speaker of its own cue only
        for line in lines[at + 1 :]:
            if voice := VOICE.search(line):
                speaker = " ".join(voice[1].split())
            line = " ".join(html.unescape(TAG.sub("", SUBRIP_CODE.sub("", line))).split())
            if line and line != last_line:
                said.append(line)
                last_line = line
        words = join_lines(said)
        cues.append(_Cue(_seconds(times[1]), _seconds(times[2]), speaker, "" if SOUND.fullmatch(words) else words))
    return cues


def _seconds(time: str) -> float:
    whole, _, fraction = time.replace(",", ".").partition(".")
    seconds = 0
    for part in whole.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds + float(f"0.{fraction or 0}")
