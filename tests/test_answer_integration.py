"""The real embedded model (SmolLM2-135M through llama.cpp) answering from the real corpus and index."""

import pytest

pytestmark = pytest.mark.integration

CASES = [
    ("Should I strengthen my hip flexors?", "learn2run-strength-training-glutes.txt", "lengthening"),
    ("How do I make single-leg stands harder?", "learn2run-strength-training-glutes.txt", "dumbbell"),
    ("How do I do the glute push-off?", "top-5-favorite-glute-exercises.txt", "staggered stance"),
    ("What should I learn before I start squats and lunges?", "glute-training-basics.txt", "move from the hips"),
    ("What are the three functions of muscles?", "learn2run-strength-training-glutes.txt", "lifting"),
]


@pytest.fixture
def real_answerer(embedded_answerer):
    return embedded_answerer


@pytest.mark.parametrize(("question", "source", "phrase"), CASES)
def test_answers_cite_the_right_document(real_answerer, question, source, phrase):
    result = real_answerer.ask(question)
    assert not result.refused and result.citations
    assert result.citations[0].source == source or any(c.source == source for c in result.citations)
    assert phrase in result.answer.lower(), (result.grounding, result.answer, result.removed)
    assert result.backend == "llama-cpp" and result.model.endswith(".gguf")


def test_off_topic_is_declined_by_the_real_pipeline(real_answerer):
    result = real_answerer.ask("What pace should I run my first marathon at?")
    assert result.refused and "can't answer" in result.answer


def test_answers_are_repeatable_at_temperature_zero(real_answerer):
    first = real_answerer.ask("Are bridges good for runners?")
    second = real_answerer.ask("Are bridges good for runners?")
    assert first.answer == second.answer and first.grounding == second.grounding


@pytest.mark.integration
def test_a_question_naming_an_exercise_card_is_answered_even_when_its_words_are_far(embedded_answerer):
    # "farmers carry" is far from every passage's vector, yet the corpus has its card: answered, not declined.
    result = embedded_answerer.ask("what is a farmers carry")
    assert not result.refused and "Farmer’s Carry" in result.answer
    assert embedded_answerer.ask("what is a kettlebell swing").refused  # no card, nothing close
