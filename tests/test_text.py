"""The shared text toolkit: sentence ends, streamed sentences, normalising, content words, overlap, negation."""

from assistant.text import (
    answer_sentences,
    complete_sentences,
    is_negated,
    jaccard,
    listing,
    normalise,
    recall,
    spelled_out,
    split_sentences,
    tokens,
)


def test_a_word_ending_like_an_abbreviation_still_ends_a_sentence():
    text = "Hold the weight at your chest. Keep both arms. Rest. See No. 2 below. No. Then stand."
    assert split_sentences(text) == [
        "Hold the weight at your chest.",
        "Keep both arms.",
        "Rest.",
        "See No. 2 below.",
        "No.",
        "Then stand.",
    ]
    assert complete_sentences("Rest at your chest. Then") == (["Rest at your chest."], "Then")


def test_sentences_do_not_end_after_abbreviations_or_before_a_marker():
    text = "Dr. Minard likes bridges, e.g. with a band. Squat low [2]. Then stand."
    assert split_sentences(text) == ["Dr. Minard likes bridges, e.g. with a band.", "Squat low [2].", "Then stand."]
    assert len(split_sentences("Squat low. [2] Then stand.")) == 1  # answer_sentences moves such a marker


def test_answer_sentences_end_at_list_markers_and_line_breaks_and_keep_late_markers():
    text = "Try these:\n- Squats [1]\n2) Lunges\nStand on one leg. [3] Then hold."
    assert answer_sentences(text) == ["Try these:", "Squats [1]", "Lunges", "Stand on one leg [3].", "Then hold."]


def test_streamed_text_releases_a_sentence_only_once_the_next_has_begun():
    assert complete_sentences("Squat low.") == ([], "Squat low.")
    assert complete_sentences("Squat low. ") == ([], "Squat low. ")  # a marker may still follow
    pending = complete_sentences("Squat low. ")[1] + "[1] Then stand. A"
    assert complete_sentences(pending) == (["Squat low [1].", "Then stand."], "A")
    assert complete_sentences("Squat low [1]. Th") == (["Squat low [1]."], "Th")
    assert complete_sentences("Ask Dr. Minard. Then") == (["Ask Dr. Minard."], "Then")
    assert complete_sentences("One.\nTwo") == (["One."], "Two")


def test_normalise_makes_copies_of_one_quote_equal():
    assert normalise("Don’t  “strengthen”\n the\tHIP") == normalise('don\'t "strengthen" the hip')


def test_tokens_meet_across_word_forms_and_skip_stopwords():
    assert tokens("Squatting with the squats") == ["squat", "squat"]
    assert tokens("lunges") == tokens("lunging") == ["lung"]
    assert tokens("step-ups") == tokens("step up") == ["step", "up"]  # a short plural meets its singular
    assert tokens("bus") == ["bus"]
    assert tokens("hurts during planks") == ["hurt", "plank"]  # "during" is no subject a corpus lacks


def test_overlap_scores():
    a, b = {"squat", "lung", "bridge"}, {"squat", "lung"}
    assert jaccard(a, b) == 2 / 3 and recall(b, a) == 1.0 and recall(a, b) == 2 / 3
    assert jaccard(set(), set()) == 0 and recall(set(), a) == 0


def test_one_negation_list():
    for text in ("Don’t strengthen them", "do not", "never", "lengthen rather than strengthen", "isn't"):
        assert is_negated(text), text
    for text in ("Strengthen the glutes", "Nothing beats a squat", "knot"):
        assert not is_negated(text), text


def test_listing_joins_items_as_a_phrase():
    assert listing([]) == "" and listing(["a"]) == "a" and listing(["a", "b"], "or") == "a or b"
    assert listing(["a", "b", "c"]) == "a, b and c"


def test_texting_shorthand_is_read_as_the_words_it_stands_for():
    assert spelled_out("how do u do a bridge? r clamshells ok for ur hips") == (
        "how do you do a bridge? are clamshells ok for your hips"
    )
    assert spelled_out("a U-shaped band, or a u") == "a U-shaped band, or a you"  # only a word on its own
    # a weight asked in its units asks how heavy, which a source may answer in repetitions
    assert spelled_out("how many kg should a 60 yr old deadlift?") == "how heavy should a 60 year old deadlift?"
    assert spelled_out("wat about race season tho? ok n for a 10k") == (
        "what about race season though? ok and for a 10k"
    )
    # an apostrophe left out, and "vs" between two things asked about
    assert spelled_out("whats a b skip vs a skip, im 56") == "what is a b skip or a skip, I am 56"
    # an apostrophe left out is no word the corpus never uses: "The sources say little about “theres”"
    assert spelled_out("theres a sore spot, thats odd") == "there is a sore spot, that is odd"


def test_slips_are_one_letter_dropped_added_or_swapped_never_replaced():
    from assistant.text import slips

    near = slips("sholud")
    assert "should" in near and "shoud" in near and "sholuds" in near
    assert "racing" not in slips("pacing")  # a letter typed for another is not read as a slip
    assert slips("pace") == set()  # too short to tell a slip from another word


def test_a_heading_copied_without_its_opening_bracket_is_no_part_of_the_sentence():
    from assistant.text import answer_sentences

    text = "Single-leg calf raise on a step) Prescription: 3 sets of 12 per leg. [1] Rest (90 s) between sets. [1]"
    assert answer_sentences(text) == ["Prescription: 3 sets of 12 per leg [1].", "Rest (90 s) between sets [1]."]
