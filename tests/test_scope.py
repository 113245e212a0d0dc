"""What Stride knows of a corpus: the author's knowledge file, the scope derived from the passages, the
generic refusals, and thresholds that belong to an embedding model. Pure functions: no model, no Chroma."""

import pytest

from assistant.calibration import MINILM, thresholds_for
from assistant.cli import cli
from assistant.errors import InputError
from assistant.index import StoredChunk
from assistant.knowledge import generic_vocabulary, load_knowledge, parse_knowledge
from assistant.policy import never_answers
from assistant.retrieve import expand_query
from assistant.scope import Scope, profile
from assistant.text import tokens
from tests.conftest import CORPUS


def chunk(source, title, section, text, ordinal=0):
    return StoredChunk(f"{source}:{ordinal}", source, title, section, text, 0, len(text), ordinal)


CHUNKS = [
    chunk("calf.md", "Calf Strength", "Calf raises", "Rise onto your toes and lower slowly.", 0),
    chunk("calf.md", "Calf Strength", "Bent-knee calf raises", "Bend the knee to work the soleus.", 1),
    chunk("feet.txt", "Strong Feet", "Toe yoga", "Lift the big toe while the others stay down.", 0),
    chunk("feet.txt", "Strong Feet", "Calf raises on a step", "Let the heel drop below the step.", 1),
]


def scope_of(chunks, knowledge=None):
    return Scope.of(
        profile(chunks, knowledge or {}), chunks, [tokens(f"{c.title} {c.section} {c.text}") for c in chunks]
    )


def test_the_seed_corpus_knowledge_file_is_valid_and_used():
    knowledge = load_knowledge(CORPUS)
    assert knowledge.about and knowledge.examples and len(knowledge.vocabulary) >= 10
    assert knowledge.residue_lines and knowledge.residue_sentences


def test_no_knowledge_file_is_empty_knowledge(tmp_path):
    assert load_knowledge(tmp_path).for_index() == {"about": "", "examples": [], "vocabulary": []}


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("about = [", "cannot read"),
        ("about = 3", "'about' must be a string"),
        ("examples = ['ok', '']", "'examples' must be a list of non-empty strings"),
        ("vocabulary = [['calf']]", "needs at least two phrases"),
        ("[residue]\nlines = ['(unclosed']", "not a regular expression"),
    ],
)
def test_a_malformed_knowledge_file_is_one_clear_error(tmp_path, text, complaint):
    (tmp_path / "stride.toml").write_text(text)
    with pytest.raises(InputError, match=r"stride\.toml") as raised:
        load_knowledge(tmp_path)
    assert complaint in str(raised.value)


def test_a_malformed_knowledge_file_stops_ingest_with_one_line_and_an_untouched_index(tmp_path):
    from click.testing import CliRunner

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ntitle: A\n---\nCalf raises\n\nRise onto your toes.\n")
    (corpus / "stride.toml").write_text("vocabulary = 'calf'")
    env = {"STRIDE_CORPUS_DIR": str(corpus), "STRIDE_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(cli, ["ingest"], env=env)
    assert result.exit_code == 1 and "vocabulary" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "data" / "index").exists()


def test_the_profile_names_titles_and_heading_topics_and_keeps_the_authors_words():
    stored = profile(CHUNKS, parse_knowledge({"about": "calf and foot strength", "examples": ["How?"]}).for_index())
    assert stored["titles"] == ["Calf Strength", "Strong Feet"]
    assert stored["topics"][0] == "calf"  # in both documents' headings
    assert stored["about"] == "calf and foot strength" and stored["examples"] == ["How?"]


def test_generic_names_for_an_exercise_are_kept_only_where_the_corpus_uses_one():
    generic = [("calf raise", "calf raises", "heel raise", "heel raises"), ("nordic curl", "nordic hamstring curl")]
    stored = profile(CHUNKS, {"vocabulary": [["toe yoga", "big toe lifts"]]}, generic)
    # the names a passage or heading uses in any form ("Calf raises" is a heading), then the others; no nordics
    assert stored["vocabulary"] == [["toe yoga", "big toe lifts"]]
    assert stored["synonyms"] == [[["calf raise", "calf raises"], ["heel raise", "heel raises"]]]
    scope = Scope.of(stored, CHUNKS, [tokens(f"{c.title} {c.section} {c.text}") for c in CHUNKS])
    assert scope.synonyms == [(("calf raise", "calf raises"), ("heel raise", "heel raises"))]
    assert "heel" in scope.listed and "nordic" not in scope.listed
    # a name the author's own group already has leaves that thing to the author's group
    assert profile(CHUNKS, {"vocabulary": [["calf raises", "raises"]]}, generic)["synonyms"] == []
    # the shipped groups are read as lower-case phrases, two or more to a group
    assert all(len(group) >= 2 and all(p == p.lower() for p in group) for group in generic_vocabulary())


def test_a_question_is_searched_with_the_corpus_name_for_an_exercise_only_when_it_uses_another():
    synonyms = [(("calf raises",), ("heel raise", "heel raises"))]
    assert expand_query("how do I do heel raises?", [], synonyms) == "how do I do heel raises? calf raises"
    assert expand_query("heel raises or calf raises?", [], synonyms) == "heel raises or calf raises?"
    assert expand_query("how do I do a split squat?", [], synonyms) == "how do I do a split squat?"


def test_a_vocabulary_phrase_matches_a_question_however_its_words_are_joined():
    vocabulary = [("rear-foot-elevated split squat", "bulgarian split squat")]
    expanded = expand_query("are Bulgarian split-squats ok? what about rear foot elevated split squat", vocabulary)
    assert expanded.endswith("rear-foot-elevated split squat bulgarian split squat")
    assert expand_query("how do I do a split squat?", vocabulary) == "how do I do a split squat?"


def test_a_decline_describes_the_corpus_it_was_given():
    assert (
        scope_of(CHUNKS).describe()
        == "mostly calf, raises, toe, step, bent-knee and yoga, in “Calf Strength” and “Strong Feet”"
    )
    # among words of one document's headings, those its passages are about come first
    letter = [
        chunk("letter.txt", "Issue 37", "We've altered our minds", "Stretch your calves before easy runs.", 0),
        chunk("letter.txt", "Issue 37", "Calves", "Strong calves last longer. Raise the heels slowly.", 1),
    ]
    assert scope_of(letter).describe().startswith("mostly calves, altered")
    authored = scope_of(CHUNKS, {"about": "calf and foot strength for runners"})
    assert authored.describe() == "calf and foot strength for runners, in “Calf Strength” and “Strong Feet”"
    many = scope_of([chunk(f"{n}.md", f"Doc {n}", "Calf raises", "Rise.") for n in range(300)])
    assert many.describe().endswith("“Doc 0”, “Doc 1”, “Doc 10” and 297 more documents")  # by file name
    assert Scope().describe() == "no documents yet (run `stride ingest`)"
    # "How much pain is OK?", "Balance, every day": counting and time words name no topic
    asked = [chunk("c.md", "C", heading, "Text.") for heading in ("How much pain is OK?", "Balance, every day")]
    assert scope_of(asked).describe() == "mostly balance and pain, in “C”"


def test_unknown_words_are_the_questions_words_no_passage_or_vocabulary_uses():
    scope = scope_of(CHUNKS, {"vocabulary": [["calves", "gastrocnemius", "calf"]]})
    assert scope.unknown_words("What pace for my marathon?") == (["pace", "marathon"], 2)
    question = "Do gastrocnemius raises need a step?"
    assert scope.unknown_words(question)[0] == ["gastrocnemius", "need"]  # no passage says "gastrocnemius"
    assert scope.unknown_words(question, vocabulary_known=True)[0] == ["need"]  # but the author listed it
    # Words that ask nothing of a corpus are never what it fails to mention.
    assert scope.unknown_words("ok and when am I ready for many raises?")[0] == ["ready"]


def test_subject_words_name_what_a_question_singles_out():
    scope = scope_of(CHUNKS, {"vocabulary": [["big toe", "hallux"]]})
    # "toe" is in half the passages: it says what the corpus is about, not what the question singles out.
    assert scope.subjects_in("Is toe yoga worth doing?") == {"yoga"}
    assert scope.subjects_in("How many sets should I do?") == set()  # no heading or vocabulary word
    assert not scope.same_subject({"day", "yoga"}, {"day"})  # a time is no subject two sources share
    assert scope.same_subject({"hallux"}, {"toe"})  # one vocabulary group
    assert not scope.same_subject({"yoga"}, {"soleu"})


@pytest.mark.parametrize(
    ("question", "what"),
    [
        ("Write me a haiku about hills", "writing poems, songs, stories or jokes"),
        ("Tell me a joke", "writing poems, songs, stories or jokes"),
        ("Write a Python function to convert miles", "writing code"),
        ("How much ibuprofen before a long run?", "medication"),
        ("I felt a snap and now my calf is swollen and tender", None),
        ("How do I do split squats?", None),
        ("Should I lift before my long run?", None),
        ("Can I do bridges in running shoes?", None),
        ("Give me a strength program for my glutes", None),
    ],
)
def test_generic_refusals_name_only_what_stride_never_does(question, what):
    assert never_answers(question) == what


def test_thresholds_belong_to_the_embedding_model():
    assert thresholds_for(MINILM.model) is MINILM and MINILM.calibrated and MINILM.calibration
    other = thresholds_for("ollama:nomic-embed-text")
    assert not other.calibrated and "none for ollama:nomic-embed-text" in other.calibration
    assert other.min_relevance == MINILM.min_relevance  # used, but marked as not calibrated for this model


def test_the_status_line_says_when_the_embedding_model_has_no_calibrated_thresholds():
    from types import SimpleNamespace

    from ui.app import _index_status

    index = SimpleNamespace(sources=lambda: [SimpleNamespace(chunks=3)])
    calibrated = SimpleNamespace(index=index, thresholds=MINILM)
    assert _index_status(calibrated) == ("1 documents, 3 passages indexed", True, 3)
    other = SimpleNamespace(index=index, thresholds=thresholds_for("ollama:nomic-embed-text"))
    text, ok, _ = _index_status(other)
    assert not ok and "none for ollama:nomic-embed-text" in text


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("Which running shoes are best for flat feet?", "shoes"),
        ("What pace should I run my next 10K at?", "pace"),
        ("How many gels should I take?", "gels"),
        ("What is the best way to deal with tight calves?", None),  # asks how: no thing to look for
        ("How do I do pogo hops?", None),
        ("and what about lunges?", None),  # a follow-up leans on the question before
    ],
)
def test_the_focus_of_a_what_or_which_question_is_its_head_noun(question, head):
    from assistant.answer import _focus_head

    found = _focus_head(question)
    assert (found[0] if found else None) == head


def test_a_word_in_one_passage_and_no_heading_is_only_mentioned_in_passing():
    scope = scope_of(CHUNKS)
    assert scope.in_passing("pace") and scope.in_passing(next(iter(tokens("soleus"))))
    assert not scope.in_passing("calf") and not scope.in_passing("yoga")  # in headings


def test_a_typing_slip_is_mended_to_the_one_word_it_is_near():
    scope = scope_of(
        [chunk("calf.md", "Calf Strength", "Lifting", "Lifting heavy builds bone. These and other exercises help.", 0)]
    )
    english = frozenset("should do these exercises when stop lifting other bother is weight ok a".split())
    assert scope.corrected("sholud i do these excercises?", english) == "should i do these exercises?"
    assert scope.corrected("when do i stop liftng", english) == "when do i stop lifting"
    # a word whose stem the corpus knows, a short word, "whats", a word near no known one and an English word
    # one slip from a corpus word ("bother" and "other") stay as typed
    typed = "is lifted weight ok, whats a pace, what about glucosamine, should i bother"
    assert scope.corrected(typed, english) == typed
    assert scope.corrected("sholud i?") == "sholud i?"  # no dictionary: nothing is mended


def test_a_compound_written_closed_is_the_corpus_hyphenated_one():
    scope = scope_of([chunk("p.md", "Plyos", "Warm-up", "Jog, then skip. The warm-up comes before the cool-down.", 0)])
    english = frozenset("what before plyos".split())
    assert scope.corrected("what warmup before plyos", english) == "what warm-up before plyos"
    assert scope.corrected("what about cooldown", english) == "what about cool-down"
    assert scope.corrected("what warmup", frozenset("what warmup".split())) == "what warmup"  # an English word
