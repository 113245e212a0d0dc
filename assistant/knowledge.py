"""What a corpus author tells Stride about their documents: `stride.toml` in the corpus folder.

Stride's code keeps only generic rules; whatever is particular to one corpus lives in this file, which the
author edits (corpus/README.md documents it):
- `about`: what the documents cover, in a few words, named when a question is declined;
- `examples`: questions for the chat page's example buttons;
- `vocabulary`: groups of phrases that name the same thing (runners' words and the documents' words), so a
  question naming one is searched with all of them;
- `[residue]`: scrape residue of the particular sites the documents came from, as whole-line patterns and as
  phrases that mark a sentence selling rather than informing;
- `[exercises]`: the words exercise cards (`cards`) look for: `muscles` and `equipment`, each a list of
  groups, a group being a name followed by the phrases the documents use for it (a plain string is a group
  of one), so "glute max" in a passage is listed as the muscle the author names "gluteus maximus". Without
  the table, the generic anatomy and gym words of `exercise_words.toml` (a file beside this module) are used.
The generic names gyms and physios give one exercise (`synonyms.toml`: "heel raise" and "calf raise") are kept
beside the vocabulary where the corpus uses one of them (`generic_vocabulary`, read by `scope.profile`).
Every key is optional, and so is the file. It is read when the corpus is indexed (`stride ingest`), and
what answering needs of it is stored with the index, so a question is answered with the knowledge of the
corpus that was indexed, wherever the command runs.

Leaves out: writing the file (the author does), and learning any of it from the documents (the index's
scope, `scope`, does what can be derived).
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import InputError

FILENAME = "stride.toml"
# Generic muscles and equipment for exercise cards, used when the author lists none (a data file, not code).
GENERIC_EXERCISE_WORDS = Path(__file__).with_name("exercise_words.toml")
# Generic names of one exercise ("heel raise", "calf raise"), kept with the index where the corpus uses one.
GENERIC_SYNONYMS = Path(__file__).with_name("synonyms.toml")


@dataclass(frozen=True)
class Knowledge:
    about: str = ""
    examples: tuple[str, ...] = ()
    vocabulary: tuple[tuple[str, ...], ...] = ()
    residue_lines: tuple[re.Pattern[str], ...] = ()
    residue_sentences: tuple[re.Pattern[str], ...] = ()
    muscles: tuple[tuple[str, ...], ...] = ()
    equipment: tuple[tuple[str, ...], ...] = ()
    path: Path | None = field(default=None, compare=False)

    def for_index(self) -> dict:
        """The parts answering needs, as plain data to store with the index."""
        return {"about": self.about, "examples": list(self.examples), "vocabulary": [list(g) for g in self.vocabulary]}


def generic_vocabulary() -> list[tuple[str, ...]]:
    """The generic groups of names for one exercise (`synonyms.toml`), lower case; the index's scope keeps
    those whose phrases the corpus uses (`scope.profile`)."""
    data = tomllib.loads(GENERIC_SYNONYMS.read_text(encoding="utf-8"))
    return [tuple(phrase.lower() for phrase in group) for group in data.get("groups", [])]


def load_knowledge(corpus_dir: Path) -> Knowledge:
    """The corpus folder's `stride.toml`, or empty knowledge when there is none. A malformed file is an
    InputError naming the file and what is wrong, so `stride ingest` stops before changing the index."""
    path = Path(corpus_dir) / FILENAME
    if not path.is_file():
        return parse_knowledge({})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}; fix it or remove it (see corpus/README.md)") from error
    return parse_knowledge(data, path)


def parse_knowledge(data: dict, path: Path | None = None) -> Knowledge:
    where = str(path or FILENAME)
    residue = data.get("residue", {})
    if not isinstance(residue, dict):
        raise InputError(f"{where}: [residue] must be a table with 'lines' and 'sentences' lists")
    exercises = data.get("exercises", {})
    if not isinstance(exercises, dict):
        raise InputError(f"{where}: [exercises] must be a table with 'muscles' and 'equipment' lists")
    if not exercises:  # the author named no muscles or equipment: cards look for the generic ones
        exercises = tomllib.loads(GENERIC_EXERCISE_WORDS.read_text(encoding="utf-8"))
    return Knowledge(
        about=_string(data.get("about", ""), where, "about"),
        examples=tuple(_strings(data.get("examples", []), where, "examples")),
        vocabulary=tuple(_vocabulary(data.get("vocabulary", []), where)),
        residue_lines=tuple(_patterns(residue.get("lines", []), where, "residue.lines")),
        residue_sentences=tuple(_patterns(residue.get("sentences", []), where, "residue.sentences")),
        muscles=tuple(_named_groups(exercises.get("muscles", []), where, "exercises.muscles")),
        equipment=tuple(_named_groups(exercises.get("equipment", []), where, "exercises.equipment")),
        path=path,
    )


def _string(value, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: '{key}' must be a string")
    return " ".join(value.split())


def _strings(value, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise InputError(f"{where}: '{key}' must be a list of non-empty strings")
    return [" ".join(item.split()) for item in value]


def _vocabulary(value, where: str) -> list[tuple[str, ...]]:
    if not isinstance(value, list):
        raise InputError(f"{where}: 'vocabulary' must be a list of lists of phrases")
    groups = []
    for number, group in enumerate(value, 1):
        phrases = _strings(group, where, f"vocabulary group {number}")
        if len(phrases) < 2:
            raise InputError(f"{where}: vocabulary group {number} needs at least two phrases that mean the same")
        groups.append(tuple(phrase.lower() for phrase in phrases))
    return groups


def _named_groups(value, where: str, key: str) -> list[tuple[str, ...]]:
    """[name, phrase, ...] groups (a plain string is a group of one), lower-cased."""
    if not isinstance(value, list):
        raise InputError(f"{where}: '{key}' must be a list of names or of [name, phrase, ...] lists")
    groups = []
    for number, group in enumerate(value, 1):
        group = [group] if isinstance(group, str) else group
        groups.append(tuple(p.lower() for p in _strings(group, where, f"{key} entry {number}")))
    return groups


def _patterns(value, where: str, key: str) -> list[re.Pattern[str]]:
    patterns = []
    for text in _strings(value, where, key):
        try:
            patterns.append(re.compile(text, re.IGNORECASE))
        except re.error as error:
            message = f"{where}: '{key}' has a pattern that is not a regular expression: {text!r} ({error})"
            raise InputError(message) from error
    return patterns
