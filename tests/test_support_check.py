"""The support check's parts, on sentences written for the purpose (none from a seed document).

Unit tests use a bag-of-words stand-in for the embeddings, so each check is seen on its own: a word the source
does not have, a number it does not give, a list it never made, names in swapped order, an opposite word, a
negation that differs; and the paraphrases and verdicts that must still pass.
"""

import re
import types
import zlib

import numpy as np
import pytest

from assistant.calibration import thresholds_for
from assistant.cite import Claim, Passage, SupportChecker, _pairs, content_words, find_disagreement, stance


class WordVectors:
    """Embeds a text as its normalised bag of content words: cosine = word overlap, the same for any model."""

    model_id = "all-MiniLM-L6-v2/onnx-int8"

    def embed_documents(self, texts):
        return [self._vector(t) for t in texts]

    def _vector(self, text):
        vector = np.zeros(512)
        for word in content_words(text) or re.findall(r"\w+", text.lower()):
            vector[zlib.crc32(word.encode()) % 512] += 1
        return vector / (np.linalg.norm(vector) or 1)


SOURCE = Passage(
    1,
    "notes.md",
    "Notes",
    "Calf raise",
    "Rise onto the balls of both feet, then lower slowly over three seconds. "
    "The calf raise works the soleus and the gastrocnemius. "
    "The soleus lies under the gastrocnemius.",
    1.0,
)


def shown(sentence: str, question: str = "", passage: Passage = SOURCE) -> bool:
    return SupportChecker(WordVectors()).check([sentence], [passage], question=question)[0].supported


@pytest.mark.parametrize(
    "sentence",
    [
        "The calf raise works the soleus and the gastrocnemius.",  # verbatim
        "Lower slowly over three seconds after you rise onto the balls of both feet.",  # reordered clauses
        "It works the soleus and the gastrocnemius.",  # the section names what "it" is
        "Lower slowly over 3 seconds.",  # a digit for the number word
    ],
)
def test_what_the_source_says_passes(sentence):
    assert shown(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Lower slowly over five seconds.",  # a number the source does not give
        "The calf raise works the soleus, the gastrocnemius and the tibialis anterior.",  # an added name
        "The calf raise works the soleus and prevents Achilles tendon injuries in runners.",  # an added claim
        "The gastrocnemius lies under the soleus.",  # names swapped
        "Lower quickly over three seconds.",  # the opposite word
        "The calf raise does not work the soleus.",  # a negation the source does not make
    ],
)
def test_what_the_source_does_not_say_is_removed(sentence):
    assert not shown(sentence)


def test_a_verdict_restates_the_question_and_takes_the_source_stance():
    passage = Passage(1, "n.md", "N", "Stretching", "Static stretching before a run is not recommended.", 1.0)
    question = "Should I do static stretching before a run?"
    assert shown("No, static stretching before a run is not recommended.", question, passage)
    assert not shown("Yes, static stretching before a run is recommended.", question, passage)


def test_a_list_must_come_from_one_source_sentence():
    claim = Claim.of("The hinge trains the hamstrings and the calves.")
    assert not claim.lists_within("The hinge trains the hamstrings. The raise trains the calves.")
    assert claim.lists_within("The hinge trains the hamstrings and the calves.")


def test_one_word_grafted_from_the_next_sentence_is_not_support():
    claim = Claim.of("The step-down strengthens the quadriceps.")
    unit = "The step-down strengthens the hamstrings. The quadriceps tire first in a race."
    assert claim.grafted(unit, set(), least=2)
    assert not Claim.of("The step-down strengthens the hamstrings.").grafted(unit, set(), least=2)


def test_swapped_names_break_the_order_of_the_words():
    unit = "It works the calves. This one sits under the gastrocnemius."
    assert Claim.of("The gastrocnemius sits under the soleus.").order_kept(unit, "Soleus") < 0.5
    assert Claim.of("The soleus sits under the gastrocnemius.").order_kept(unit, "Soleus") == 1.0


def test_a_comparison_is_not_a_denial():
    passage = Passage(1, "n.md", "N", "Soleus", "Although not as big as the gastrocnemius, it bears most load.", 1.0)
    assert shown("The soleus bears most load.", passage=passage)


def test_a_name_swapped_for_its_sibling_is_not_support():
    unit = "Although not as long as the tibialis anterior, it still steadies the arch."
    names = _pairs(f"Tibialis posterior. {unit}")  # the evidence knows both names
    swapped = Claim.of("Although not as long as the tibialis posterior, it still steadies the arch.")
    assert swapped.renamed(unit, names)
    assert not Claim.of(unit).renamed(unit, names)
    assert not swapped.renamed(unit, _pairs(unit))  # "tibialis posterior" is no name the evidence uses


def test_terms_paired_otherwise_than_the_source_pairs_them_are_not_support():
    unit = "A rep has two phases: rising or concentric work; lowering or eccentric work."
    assert Claim.of("Rising is the eccentric work and lowering is the concentric work.").repaired(unit)
    assert not Claim.of("Rising is the concentric work and lowering is the eccentric work.").repaired(unit)


def test_a_sentence_may_echo_the_question_but_a_verdict_must_find_its_words_in_the_passages():
    question = "What is the proper starting technique for a calf raise?"
    steps = "rise onto the balls of both feet, then lower slowly over three seconds."
    assert shown(f"The proper starting technique for a calf raise: {steps}", question)
    assert not shown(f"Yes, the proper starting technique for a calf raise: {steps}", question)


def test_every_bar_belongs_to_the_embedding_model():
    bars = thresholds_for("all-MiniLM-L6-v2/onnx-int8")
    assert bars.calibrated and 0 < bars.whole_cosine < bars.support_cosine < bars.paraphrase_cosine <= 1
    assert SupportChecker(WordVectors()).thresholds == bars


@pytest.mark.parametrize(
    ("sentence", "side"),
    [
        ("Yes, new lifters should do goblet squats.", "for"),
        ("No, new lifters should not do goblet squats.", "against"),
        ("You shouldn't bother with them before a race.", "against"),
        ("I recommend them twice a week.", "for"),
        ("Nobody likes the first week.", ""),  # "No" only as a word of its own opening the sentence
        ("Yesterday was a rest day.", ""),
    ],
)
def test_a_plain_yes_or_no_and_should_not_take_a_stance(sentence, side):
    assert stance(sentence) == side


def test_two_documents_answering_yes_and_no_under_their_headings_differ():
    no = Passage(
        1,
        "faq.md",
        "FAQ",
        "Should new lifters do goblet squats?",
        "",
        0.8,
        ["No, new lifters should not do goblet squats."],
    )
    yes = Passage(2, "guide.md", "Guide", "Goblet squat", "", 0.7, ["Yes, new lifters should do goblet squats."])
    asked = {"goblet", "squat"}
    scope = types.SimpleNamespace(same_subject=lambda a, b: bool(a & b))
    found = find_disagreement([no, yes], asked, scope)
    assert found is not None and found.against[0] == 1 and found.for_[0] == 2
