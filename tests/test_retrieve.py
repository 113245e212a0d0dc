"""Hybrid retrieval: vocabulary, question checks, fusion and near-duplicate collapse; then on the real corpus."""

import pytest

from assistant.errors import InputError
from assistant.index import StoredChunk
from assistant.knowledge import load_knowledge
from assistant.retrieve import Hit, _collapse_duplicates, expand_query, validate_question
from assistant.text import tokens
from tests.conftest import CORPUS


def test_stems_meet_across_word_forms():
    assert tokens("squats squatting squat") == ["squat"] * 3
    assert tokens("lunges lunging lunge") == ["lung"] * 3
    assert tokens("Don’t strengthen the glutes") == tokens("dont strengthen glute")


def test_runner_words_expand_to_the_corpus_words():
    vocabulary = load_knowledge(CORPUS).vocabulary  # the corpus author's groups, from corpus/stride.toml
    assert "gluteus medius" in expand_query("how do I train my glute med?", vocabulary)
    assert "hip flexors" in expand_query("the front of my hip hurts", vocabulary)
    assert "hip extensors" in expand_query("my hammies are tight", vocabulary)
    assert expand_query("what is a farmer carry?", vocabulary).startswith("what is a farmer carry?")
    assert expand_query("how do I train my glute med?", []) == "how do I train my glute med?"


@pytest.mark.parametrize("question", ["", "   \n\t ", "\x00\x01"])
def test_empty_questions_are_refused(question):
    with pytest.raises(InputError, match="empty"):
        validate_question(question)


def test_a_100_kb_question_is_refused_in_one_line():
    with pytest.raises(InputError, match="too long") as caught:
        validate_question("hip " * 25_000)
    assert "\n" not in str(caught.value)


def test_control_characters_are_removed():
    assert validate_question("hip\x00 flexors\x1b?") == "hip  flexors ?"


def fake_hit(id_, text, score):
    return Hit(StoredChunk(id_, "doc.txt", "T", "S", text, 0, 1, 0), score, 1, 1, 0.5)


def test_near_duplicates_collapse_to_the_better_ranked():
    hits = [
        fake_hit("a", "Stand on one leg and hold a dumbbell in the opposite hand.", 0.9),
        fake_hit("b", "Stand on one leg and hold a dumbbell in the opposite hand!", 0.8),
        fake_hit("c", "Lengthen the hip flexors instead of strengthening them.", 0.7),
    ]
    assert [h.chunk.id for h in _collapse_duplicates(hits, 5)] == ["a", "c"]
    assert [h.chunk.id for h in _collapse_duplicates(hits, 1)] == ["a"]


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "source", "phrase"),
    [
        ("Should I strengthen my hip flexors?", "learn2run-strength-training-glutes.txt", "lengthening, not"),
        ("How do I make single-leg stands harder?", "learn2run-strength-training-glutes.txt", "hold a dumbbell"),
        ("how do I do the glute push off", "top-5-favorite-glute-exercises.txt", "staggered stance"),
        ("what should I learn before squats and lunges?", "glute-training-basics.txt", "move from the hips"),
        ("are clamshells worth it for runners?", "learn2run-strength-training-glutes.txt", "Clamshells are often"),
    ],
)
def test_the_right_passage_comes_first_or_close(seed_stride, question, source, phrase):
    hits = seed_stride.retriever.search(question, k=3)
    assert any(h.chunk.source == source and phrase in h.chunk.text for h in hits), [h.chunk.text[:60] for h in hits]


@pytest.mark.integration
def test_hits_carry_fused_score_and_each_retrievers_rank(seed_stride):
    hits = seed_stride.retriever.search("glute bridge with a dumbbell", k=5)
    assert len(hits) == 5 and len({h.chunk.id for h in hits}) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].dense_rank is not None and hits[0].bm25_rank is not None
    assert all(-1.0 <= h.dense_similarity <= 1.0 for h in hits if h.dense_similarity is not None)
    dense_only = seed_stride.retriever.search("glute bridge with a dumbbell", k=5, mode="dense")
    assert all(h.bm25_rank is None for h in dense_only)


@pytest.mark.integration
def test_no_residue_is_retrievable(seed_stride):
    for question in ["who are the sponsors?", "subscribe to the newsletter", "view this post on instagram"]:
        for hit in seed_stride.retriever.search(question, k=10):
            text = hit.chunk.text.lower()
            assert "sponsor" not in text and "subscribe" not in text and "instagram" not in text
