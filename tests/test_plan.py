"""Answer plans: question kinds and the evidence each kind gathers, on small invented passages.

The scorer is word overlap with the question, so what is chosen can be read off the text; the real scorer
(embeddings) is exercised by the answer integration tests and the eval.
"""

import pytest

from assistant.calibration import MINILM
from assistant.cite import Passage, stance
from assistant.plan import from_cards, gives_number, heading_label, kind_of, make_plan
from assistant.text import recall, tokens


def overlap_scorer(question: str):
    asked = set(tokens(question))
    return lambda sentence, section="": recall(asked, set(tokens(f"{section} {sentence}")))


def passage(number: int, text: str, section: str = "", source: str = "doc.txt") -> Passage:
    return Passage(number, source, "Doc", section, text, 1.0)


def planned(question: str, passages: list[Passage], asked: frozenset[str] = frozenset()):
    """The plan for the question with the word-overlap scorer and MiniLM's thresholds."""
    return make_plan(question, passages, overlap_scorer(question), MINILM, asked)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Should I do calf raises before a race?", "verdict"),
        ("Is skipping rope worth it for runners?", "verdict"),
        ("What exercises help my calves?", "list"),
        ("Which drills are good for ankle stiffness?", "list"),
        ("How do I do a single-leg calf raise?", "procedure"),
        ("Walk me through the toe yoga drill.", "procedure"),
        ("How many sets of calf raises should I do?", "quantity"),
        ("How often should I train my feet?", "quantity"),
        ("Where do I start with foot strength?", "progression"),
        ("I'm new to strength work, what matters?", "progression"),
        ("Why do calves matter for running uphill?", "reason"),
        ("why do coaches say heavy low reps instead of lots of light reps?", "reason"),  # not a number asked
        ("When I hop, my arch collapses and I feel wobbly.", "troubleshooting"),
        ("What is the soleus?", "fact"),
        # What is told before the asking sentence does not decide the kind; a number, a beginner or a symptom does.
        ("No step at home. How can I do heel drops?", "procedure"),
        ("My coach likes hopping. Which drills are good for ankle stiffness?", "list"),
        ("I heard 3 sets of calf raises a day. Can you confirm that?", "quantity"),
        ("I'm new to running. Should I lift?", "progression"),
        ("Heel drops feel easy now. How do I make them harder?", "variation"),
        ("Which muscles lift the heel? how do I strengthen them?", "list"),  # typed without a capital
        ("my feet feel weak on long runs, any exercises to strengthen them", "list"),
        ("how do i progress the balance stuff once its easy", "variation"),
        ("side planks are getting easy, whats next", "variation"),
        ("What's the order to progress the hopping stuff?", "progression"),
        ("core exercises i can do with a band?", "list"),  # the noun alone asks for a list
        ("had my baby 3 weeks ago. where do i even start with core stuff??", "progression"),
        ("what if i cant hold it on my toes yet", "variation"),  # the easier version
        ("bridges are too hard for me, anything else?", "variation"),
        # a load or a share of one's maximum asked for without "how"
        ("im 60kg female what dumbbell weight for split squats", "quantity"),
        ("what % of my 1rm should goblet squats be", "quantity"),
    ],
)
def test_kinds(question, kind):
    assert kind_of(question) == kind


def test_a_quantity_the_sources_never_give_is_said_plainly_then_what_they_do_say():
    passages = [passage(1, "Calf raises build the soleus and gastrocnemius. Keep the knee soft on the way down.")]
    question = "How many sets of calf raises should I do?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM)
    assert plan.missing.startswith("The sources do not give a number of sets")
    assert plan.points and all("sets" not in p.text for p in plan.points)


def test_a_share_of_a_maximum_the_sources_never_give_is_said_plainly_however_many_sets_they_give():
    passages = [passage(1, "Goblet squat: 3 sets of 8 at RPE 7. Hold the bell at your chest.", "Goblet squat")]
    question = "what % of my 1rm should goblet squats be"
    assert planned(question, passages).missing.startswith("The sources do not give a percentage of your one-rep")
    assert not planned("what percentage of my max for squats?", [passage(1, "Squat at 70% of your max.")]).missing
    # minutes as runners type them
    assert gives_number("how many mins should the warm-up be?", "Warm up for 10 mins first.")
    assert not gives_number("how many mins should the warm-up be?", "Do 3 sets of 8.")


def test_a_quantity_the_sources_give_is_the_answer():
    passages = [
        passage(1, "Calf raises build the soleus. Do three sets of fifteen calf raises on a step."),
        passage(2, "Calf raises can be done anywhere."),
    ]
    question = "How many sets of calf raises should I do?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM)
    assert not plan.missing
    assert plan.points[0].text == "Do three sets of fifteen calf raises on a step."


def test_a_quantity_given_in_a_plan_apart_from_the_exercise_passage_is_found_there():
    # The passage describing the exercise is retrieved far better; the numbers sit in a weekly plan that reads
    # as less relevant, but names the exercise, so its number is the answer.
    describing = passage(1, "Heel drops build the calves. Lower the heels slowly. Keep the knees soft.", "Heel drops")
    weekly = Passage(2, "plan.txt", "Plan", "Week 2", "Heel drops: 3 sets of 12, slowly. Rest a day between.", 0.8)
    question = "How many sets of heel drops should I do?"
    plan = make_plan(question, [describing, weekly], overlap_scorer(question), MINILM)
    assert not plan.missing
    assert [p.text for p in plan.points] == ["Heel drops: 3 sets of 12, slowly."]


def test_a_quantity_is_not_taken_from_a_plan_for_another_exercise_that_shares_only_a_common_word():
    # "each" is in the question and in the other exercise's numbers; what the question names is toe curls.
    describing = passage(1, "Toe curls train the small foot muscles. Curl the toes, then spread them.", "Toe curls")
    weekly = Passage(2, "plan.txt", "Plan", "Week 2", "Calf raises: 3 sets of 12 on each leg. Rest a day between.", 0.8)
    question = "How many reps of toe curls should I do each time?"
    plan = planned(question, [describing, weekly], frozenset(tokens("toe curls")))
    assert plan.missing
    assert all("3 sets" not in p.text for p in plan.points)


def test_a_runner_in_pain_is_given_what_the_sources_say_of_pain_not_how_to_train():
    passages = [
        passage(1, "Hold the wall sit, knees over ankles. Make it harder by lifting one foot.", "Wall sit"),
        passage(2, "A knee that swells or locks is not normal: stop and see a physiotherapist.", "Knee warning"),
    ]
    question = "My knee is swollen and locks, can I keep doing wall sits?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, hurts=True)
    assert [p.passage for p in plan.points] == [2]
    # without the pain, the exercise's passage answers
    assert 1 in {p.passage for p in make_plan(question, passages, overlap_scorer(question), MINILM).points}


@pytest.mark.parametrize(
    "warning",
    [
        "Stop any exercise that gives you a sharp pain in the shin.",
        "A sudden pain in the shin needs assessment by a doctor before you hop again.",
        "After a stress fracture, do not start hopping until you have been cleared.",
    ],
)
def test_a_source_warning_in_other_words_is_a_caution(warning):
    passages = [
        passage(1, "Hop on one foot for 20 seconds. Make it harder by hopping sideways.", "Hops"),
        passage(2, f"Shin splints come from doing too much too soon. {warning}", "Shins"),
    ]
    question = "My shin hurts when I hop, can I keep hopping?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, hurts=True)
    assert [p.text for p in plan.points] == [warning]  # the warning alone, not how to hop


def test_a_pain_question_gets_the_caution_about_where_it_hurts_not_another_body_parts():
    """ "cannot walk four steps" in an ankle's red flags shares a word with "step-downs"; the kneecap warning
    under another heading is the one that speaks to a sharp pain at the kneecap."""
    passages = [
        passage(1, "Stand on a step and lower the free heel slowly.", "1. Lateral step-down"),
        passage(2, "Some soreness is normal. If you feel sharp pain at the kneecap, stop and see a physio.", "Sore"),
        passage(
            3,
            "- Sharp pain when you put weight through the foot or walk down steps.\n- Your ankle gives way.",
            "When to see us",
        ),
    ]
    question = "sharp pain at my kneecap when I do the step-downs, push through it?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, hurts=True)
    texts = [p.text for p in plan.points]
    assert "If you feel sharp pain at the kneecap, stop and see a physio." in texts
    assert not any("foot" in t or "ankle" in t for t in texts)


def test_soreness_of_some_muscles_is_not_answered_by_what_a_source_says_of_others():
    calves = passage(1, "Sore calves in the first two weeks after step sessions are normal.", "Soreness")
    general = passage(2, "Muscle soreness for a day or three is expected.", "Cautions")
    question = "quads sore in the first two weeks after step sessions, normal?"
    texts = [p.text for p in planned(question, [calves, general]).points]
    assert texts == ["Muscle soreness for a day or three is expected."]


def test_soreness_with_pain_gets_what_the_sources_say_of_soreness_beside_their_cautions():
    passages = [
        passage(1, "Hop on one foot for 20 seconds. Land softly on the ball of the foot.", "Hops"),
        passage(2, "Soreness for a day or two after new hops is expected.", "Soreness"),
        passage(3, "Sharp pain in the calf is not normal: see a physio.", "Pain"),
    ]
    question = "My calves are sore two days after hops, did I hurt myself?"
    texts = [p.text for p in make_plan(question, passages, overlap_scorer(question), MINILM, hurts=True).points]
    assert "Soreness for a day or two after new hops is expected." in texts
    assert not any("Land" in t for t in texts)  # nor how to hop


def test_a_runner_in_pain_is_not_offered_the_harder_version():
    passages = [passage(1, "Hold the wall sit with your back flat. Make it harder by lifting one foot.", "Wall sit")]
    question = "My knee aches in a wall sit, what should I change?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, hurts=True)
    assert plan.points and all("harder" not in p.text for p in plan.points)
    assert any("harder" in p.text for p in make_plan(question, passages, overlap_scorer(question), MINILM).points)


def test_training_soreness_is_answered_from_what_the_sources_say_of_soreness_not_how_to_do_the_exercise():
    passages = [
        passage(1, "Box jumps: jump onto the box, land softly. Step down from the box after each jump.", "Box jumps"),
        passage(2, "Expect to be sore for two days after any new exercise; that fades as you repeat it.", "Training"),
    ]
    question = "Is it normal to be sore after box jumps?"
    assert [p.passage for p in make_plan(question, passages, overlap_scorer(question), MINILM).points] == [2]


def test_a_sentence_answering_the_one_before_it_is_not_shown_without_it():
    text = (
        "Box jumps train the calves for landing. "
        "Every landing loads the calves with several times your body weight. "
        "Yet most runners never train the calves for landing."
    )
    question = "Why should runners train the calves for landing?"
    points = [
        p.text for p in make_plan(question, [passage(1, text, "Box jumps")], overlap_scorer(question), MINILM).points
    ]
    yet = "Yet most runners never train the calves for landing."
    # "Yet ..." matches the question best, but alone it reads as the reason; it comes only after what it answers
    assert points[points.index(yet) - 1].startswith("Every landing") and points.index(yet) > 0


def test_a_procedure_keeps_the_steps_of_one_passage_in_order():
    steps = "Stand on a step with your heels off. Rise onto your toes. Lower your heels slowly below the step."
    passages = [
        passage(1, f"The heel drop trains the calf. {steps}", "Heel drop"),
        passage(2, "Heel drops are hard at first and the calf may feel tired.", "Heel drop tips"),
    ]
    question = "How do I do the heel drop?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM)
    assert plan.layout == "steps"
    texts = [p.text for p in plan.points]
    assert {p.passage for p in plan.points} == {1}
    assert texts == sorted(texts, key=passages[0].sentences.index)
    assert "Rise onto your toes." in texts


def test_a_procedure_comes_from_the_passage_retrieval_ranked_first_of_those_answering():
    passages = [
        # This passage's first sentence matches the question as well as the other's, but retrieval, reading
        # the whole passage, ranked it lower.
        Passage(1, "doc.txt", "Doc", "Warm-up", "The heel drop warm-up matters. Jog first.", 0.6),
        Passage(2, "doc.txt", "Doc", "Heel drop", "The heel drop trains the calf. Rise onto your toes.", 0.8),
    ]
    question = "How do I do the heel drop?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM)
    assert {p.passage for p in plan.points} == {2}


def test_a_harder_or_easier_question_gets_the_variation_and_what_follows_not_the_steps_from_the_start():
    text = "Stand on a step. Rise onto your toes. To make it harder, do it on one leg. Then hold a heavy dumbbell."
    plan = planned("How do I make the heel drop harder?", [passage(1, text, "Heel drop")])
    assert [p.text for p in plan.points] == ["To make it harder, do it on one leg.", "Then hold a heavy dumbbell."]


def test_a_passage_under_a_heading_the_question_names_answers_before_one_that_mentions_it():
    passages = [
        passage(1, "The soleus and the gastrocnemius are both calf muscles of the lower leg.", "Lower leg anatomy"),
        passage(2, "It bends the knee and points the foot.", "Gastrocnemius"),
    ]
    assert planned("What does the gastrocnemius do?", passages).points[0].passage == 2


def test_an_easier_question_gets_the_easier_version_not_the_harder():
    text = "Rise onto your toes. To make heel raises harder, do them on one leg. To make it easier, hold a rail."
    plan = planned("How do I make heel raises easier?", [passage(1, text, "Calf work")])
    assert plan.points[0].text == "To make it easier, hold a rail."


def test_a_one_sentence_prose_answer_is_continued_by_the_sentence_after_it():
    passages = [passage(1, "You do not need a rack for calf raises. A step and a wall are enough. Jog after.")]
    plan = planned("Do I need a rack for calf raises?", passages)
    assert [p.text for p in plan.points][:2] == [
        "You do not need a rack for calf raises.",
        "A step and a wall are enough.",
    ]


def test_a_list_takes_one_item_from_each_close_passage():
    passages = [
        passage(1, "Calf raises are a good exercise for the calves. They are simple.", "Calf raises"),
        passage(2, "Skipping is a good exercise for the calves and feet.", "Skipping"),
        passage(3, "Heel drops are a good exercise for the calves too.", "Heel drops"),
    ]
    question = "What exercises are good for the calves?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM)
    assert plan.layout == "list"
    assert sorted(p.passage for p in plan.points) == [1, 2, 3]


def test_a_verdict_leads_with_the_stance_on_what_was_asked():
    passages = [
        passage(1, "Stretching the calves is fine. Stretching the plantar fascia is not recommended before runs."),
    ]
    question = "Should I stretch my plantar fascia before runs?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, frozenset(tokens("plantar fascia")))
    assert plan.points[0].lead == "No: "
    assert "not recommended" in plan.points[0].text


def test_a_sentence_telling_of_experience_is_no_stance_against():
    """ "If you have never done plyometrics, start with ..." had given "are pogos worth it?" a "No:"."""
    passages = [passage(1, "If you have never done pogos, spend two weeks on them before bounding.", "Beginners")]
    question = "are pogos worth it for marathon training?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, frozenset(tokens("pogos")))
    assert plan.points and all(point.lead == "" for point in plan.points)
    assert stance("Never do pogos on tired legs.") == "against"


@pytest.mark.parametrize(
    ("sentence", "side"),
    [
        ("Keep lifting through your build.", "for"),
        ("Do not drop plyometrics completely in the taper.", "for"),
        ("Drop plyometrics completely for the last 10 days before a marathon.", "against"),
        ("Stop the eccentric work about two weeks before a goal race.", "against"),
        ("Keep your hips level.", ""),  # how to do it, not whether
        ("Stop if you feel sharp pain.", ""),
    ],
)
def test_going_on_or_stopping_is_a_stance(sentence, side):
    """A notes page's "Drop plyometrics completely for the last 10 days" and a season plan's "Do not drop
    plyometrics completely in the taper" are two sides, which "do I keep doing plyos in taper week?" shows."""
    assert stance(sentence) == side


def test_a_stance_that_opens_with_its_own_no_gets_no_second_one():
    passages = [passage(1, "No, but start lifting light, one session a week. Stop heavy lifting ten days out.")]
    question = "Should I drop lifting weeks out from my marathon?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, frozenset(tokens("lifting")))
    assert plan.points[0].text.startswith("No, but") and plan.points[0].lead == ""


def test_a_stance_that_says_they_comes_after_the_sentence_saying_who_and_without_yes_or_no():
    text = (
        "Warm up well. The calf muscles are often neglected. They are very helpful for running and should be trained."
    )
    question = "Should I train the calf muscles for running?"
    plan = make_plan(
        question, [passage(1, text, "Calves")], overlap_scorer(question), MINILM, frozenset(tokens("Calves"))
    )
    assert [p.text for p in plan.points][:2] == [
        "The calf muscles are often neglected.",
        "They are very helpful for running and should be trained.",
    ]
    assert all(p.lead == "" for p in plan.points)


def test_a_negative_question_gets_the_stance_first_but_no_yes_or_no():
    passages = [passage(1, "Stretching the plantar fascia is not recommended before runs.")]
    question = "Should I skip stretching my plantar fascia before runs?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, frozenset(tokens("plantar fascia")))
    assert plan.points[0].lead == ""


def test_no_stance_on_what_was_asked_means_no_verdict_lead():
    passages = [passage(1, "Avoid arching your back. Hopping builds spring in the feet.")]
    question = "Should I do hopping drills?"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, frozenset(tokens("hopping")))
    assert all(p.lead == "" for p in plan.points)


CARD_TEXT = "Heel drops: stand on a step. Lower your heels slowly, calves tight. Skipping: hop lightly on your feet."


def _value(quote: str) -> dict:
    start = CARD_TEXT.index(quote)
    span = {"source": "doc.txt", "start": start, "end": start + len(quote), "quote": quote}
    return {"text": quote, "span": span, "how": "quote"}


def _library(equipment: tuple[str, ...] = ()):
    from assistant.cards import LIST_FIELDS, Library

    empty = {name: [] for name in LIST_FIELDS}
    drops = {**empty, "steps": [_value("stand on a step."), _value("Lower your heels slowly, calves tight.")]}
    drops["muscles"] = [_value("calves")]
    drops["equipment"] = [_value(name) for name in equipment]
    skip = {**empty, "steps": [_value("hop lightly on your feet.")]}
    fragments = [
        {"name": _value("Heel drops"), "fields": drops, "passage": "p1", "mentions": "", "heading": True},
        {"name": _value("Skipping"), "fields": skip, "passage": "p1", "mentions": "", "heading": True},
    ]
    steps = [
        {"number": n, "text": quote, "span": _value(quote)["span"]}
        for n, quote in enumerate(["stand on a step.", "hop lightly on your feet."], 1)
    ]
    entry = {"source": "doc.txt", "section": "", "title": "Doc", "start": 0, "end": len(CARD_TEXT), "text": CARD_TEXT}
    passages = {"p1": {**entry, "fragments": fragments, "progression": steps}}
    return Library({"muscles": [["calves", "calf"]], "equipment": [], "passages": passages})


def _quoting(text: str):
    """A card value for a quote of `text` (a one-passage document, doc.txt), as cards.json stores it."""

    def value(quote: str) -> dict:
        start = text.index(quote)
        return {
            "text": quote,
            "span": {"source": "doc.txt", "start": start, "end": start + len(quote), "quote": quote},
            "how": "quote",
        }

    return value


def test_an_exercise_named_by_its_last_words_with_one_step_is_answered_by_what_its_card_says():
    from assistant.cards import LIST_FIELDS, Library

    text = "To challenge them, try a single leg step up. Hold a weight in the opposite hand to make it harder."
    said = [text[: text.index(".") + 1], text[text.index(".") + 2 :]]
    value = _quoting(text)
    fields = {**{name: [] for name in LIST_FIELDS}, "about": [value(said[0])], "harder": [value(said[1])]}
    fragment = {
        "name": value("single leg step up"),
        "fields": fields,
        "passage": "p1",
        "mentions": "",
        "heading": False,
    }
    entry = {"source": "doc.txt", "section": "", "title": "Doc", "start": 0, "end": len(text), "text": text}
    passages = {"p1": {**entry, "fragments": [fragment], "progression": []}}
    library = Library({"passages": passages})
    assert [card.name for card in library.named("How do I do step-ups?")] == ["single leg step up"]
    plan, _ = from_cards("procedure", "How do I do step-ups?", lambda: library, frozenset(), 1)
    assert [p.text for p in plan.points] == said
    # Equipment the question names that the card's own sentence names the same way ("a weight") is the card's,
    # even when the author files it under another name; equipment the card never mentions is not.
    library = Library({"equipment": [["dumbbell", "weight"], ["band"]], "passages": passages})
    question = "How do I do step-ups, and where do I hold the weight?"
    plan, _ = from_cards("procedure", question, lambda: library, frozenset(), 1)
    assert [p.text for p in plan.points] == said
    assert from_cards("procedure", "How do I do step-ups with a band?", lambda: library, frozenset(), 1) is None


def test_a_list_of_exercises_comes_from_the_cards_each_cited_to_its_passage():
    plan, passages = from_cards("list", "What exercises can I do?", _library, frozenset(), 4)
    assert plan.layout == "list"
    assert [(p.title, p.text) for p in plan.points] == [
        ("Heel drops", "stand on a step."),
        ("Skipping", "hop lightly on your feet."),
    ]
    # both from one passage: cited once, with the sentences quoted from it
    assert [p.number for p in passages] == [4] and passages[0].sentences == [p.text for p in plan.points]


def test_a_named_muscle_filters_the_cards_and_one_card_is_enough():
    plan, _ = from_cards("list", "What exercises work my calves?", _library, frozenset(tokens("calves")), 1)
    assert [p.title for p in plan.points] == ["Heel drops"]


def test_a_cards_list_item_is_not_a_step_leaning_on_the_one_before():
    from assistant.cards import LIST_FIELDS, Library

    text = "Then press your hands down on your hips. A wall sit can be made harder by holding a weight."
    said = [text[: text.index(".") + 1], text[text.index(".") + 2 :]]
    value = _quoting(text)
    fields = {**{name: [] for name in LIST_FIELDS}, "steps": [value(said[0])], "harder": [value(said[1])]}
    other = {**{name: [] for name in LIST_FIELDS}, "steps": [value(said[0])]}
    fragments = [
        {"name": value("wall sit"), "fields": fields, "passage": "p1", "mentions": "", "heading": False},
        {
            "name": {**value("hips"), "text": "hip press"},
            "fields": other,
            "passage": "p1",
            "mentions": "",
            "heading": False,
        },
    ]
    entry = {"source": "doc.txt", "section": "", "title": "Doc", "start": 0, "end": len(text), "text": text}
    library = Library({"passages": {"p1": {**entry, "fragments": fragments, "progression": []}}})
    plan, _ = from_cards("list", "What exercises can I do?", lambda: library, frozenset(), 1)
    assert (next(p.text for p in plan.points if p.title == "wall sit")) == said[1]  # it names the exercise


def test_a_list_asked_without_equipment_leaves_out_the_cards_that_need_some():
    question = "What exercises can I do with no equipment?"
    plan, _ = from_cards("list", question, lambda: _library(("step",)), frozenset(), 1)
    assert [p.title for p in plan.points] == ["Skipping"]
    plan, _ = from_cards("list", "What exercises can I do?", lambda: _library(("step",)), frozenset(), 1)
    assert [p.title for p in plan.points] == ["Heel drops", "Skipping"]


def test_a_follow_up_asking_how_to_strengthen_them_is_answered_from_the_cards():
    question = "Which muscles lift the heel? how do i strengthen them?"  # a follow-up joined to its question
    assert from_cards(kind_of(question), question, _library, frozenset(), 1) is not None


def test_which_muscles_is_not_a_question_for_the_exercise_cards():
    assert from_cards("list", "Which muscles lift the heel?", _library, frozenset(), 1) is None
    assert from_cards("list", "What exercises can I do?", None, frozenset(), 1) is None


def test_where_to_start_is_the_corpus_order_from_the_cards():
    plan, _ = from_cards("progression", "Where do I start?", _library, frozenset(), 1)
    assert plan.layout == "steps" and [p.text for p in plan.points] == ["stand on a step.", "hop lightly on your feet."]


def test_how_to_do_an_exercise_is_its_cards_steps_in_order_citing_their_passage_once():
    plan, passages = from_cards("procedure", "How do I do heel drops?", _library, frozenset(), 3)
    assert plan.layout == "steps"
    assert [p.text for p in plan.points] == ["stand on a step.", "Lower your heels slowly, calves tight."]
    assert {p.passage for p in plan.points} == {3} and [p.number for p in passages] == [3]
    assert from_cards("procedure", "How do I do skipping?", _library, frozenset(), 1) is None  # one step: passages


def test_a_list_from_the_cards_shows_what_the_question_asks_about_first():
    prefers_skipping = lambda text, name="": 1.0 if name == "Skipping" else 0.0  # noqa: E731
    plan, _ = from_cards("list", "What exercises can I do?", _library, frozenset(), 1, prefers_skipping)
    assert [p.title for p in plan.points] == ["Skipping", "Heel drops"]


def test_a_harder_version_the_card_lacks_is_said_plainly_before_what_the_card_says():
    question = "How do I make heel drops harder?"
    assert kind_of(question) == "variation"
    plan, _ = from_cards(kind_of(question), question, _library, frozenset(), 1)
    assert plan.missing == "The sources do not say how to make the Heel drops harder; this is what they say of it."
    assert [p.text for p in plan.points] == ["stand on a step.", "Lower your heels slowly, calves tight."]
    assert from_cards("procedure", "How do I make lunges harder?", _library, frozenset(), 1) is None  # no card


def test_a_sentence_about_they_comes_only_with_the_sentence_saying_who_they_are():
    text = (
        "Heel drops build the calves of runners. The soleus is often overlooked. "
        "They need strengthening for steep hills."
    )
    question = "Should runners strengthen the calves for hills?"
    plan = make_plan(question, [passage(1, text)], overlap_scorer(question), MINILM)
    texts = [p.text for p in plan.points]
    assert "Heel drops build the calves of runners." in texts
    assert "They need strengthening for steep hills." not in texts  # its "they" (the soleus) was not chosen


def test_the_cards_are_read_only_for_a_question_they_can_answer():
    def unread():
        raise AssertionError("the cards were read for a question they cannot answer")

    assert from_cards("fact", "What is the soleus?", unread, frozenset(), 1) is None
    assert from_cards("list", "Which muscles lift the heel?", unread, frozenset(), 1) is None
    assert from_cards("list", "What exercises can I do?", lambda: None, frozenset(), 1) is None  # none built yet


def test_a_progression_told_over_several_sentences_is_read_on_from_where_it_starts():
    text = (
        "New to hopping? Start with ankle bounces on two feet for a week. "
        "Once those feel springy, add single-leg hops. "
        "When the hops are quiet, move on to bounding. "
        "Is hopping safe for older runners?"
    )
    question = "I'm new to plyometrics, where do I start?"
    plan = make_plan(question, [passage(1, text, "Getting going")], overlap_scorer(question), MINILM)
    assert [p.text for p in plan.points] == [
        "Start with ankle bounces on two feet for a week.",
        "Once those feel springy, add single-leg hops.",
        "When the hops are quiet, move on to bounding.",
    ]  # and not the question after them, which begins another topic


def test_a_bare_how_many_asks_for_sets_or_reps_first():
    assert gives_number("and how many?", "Dose: 3 sets of 15-20.")
    assert not gives_number("and how many?", "Bend your knees to about 30-45 degrees.")
    assert not gives_number("and how many?", "It takes 6 to 8 times body weight.")
    text = "Slide down the wall until your knees bend to 90 degrees. Do 3 sets of 10 on each side."
    question = "how do I do a wall sit and how many?"
    plan = make_plan(
        question, [passage(1, text, "Wall sit")], overlap_scorer(question), MINILM, frozenset(tokens("wall sit"))
    )
    assert plan.kind == "quantity" and [p.text for p in plan.points] == ["Do 3 sets of 10 on each side."]


def test_a_bare_reply_answers_only_a_yes_or_no_question():
    faq = passage(1, "No, not to start. A step and a wall are enough for the first weeks.", "Do I need weights?")
    question = "total beginner here, where do I start with weights?"
    plan = make_plan(question, [faq], overlap_scorer(question), MINILM, frozenset(tokens("weights")))
    assert plan.kind == "progression" and "No, not to start." not in [p.text for p in plan.points]
    question = "Do I need weights to start?"
    plan = make_plan(question, [faq], overlap_scorer(question), MINILM, frozenset(tokens("weights")))
    assert plan.points[0].text == "No, not to start."


def test_a_passage_setting_out_the_order_is_read_from_its_first_step():
    guide = passage(
        2,
        "Go slowly. Weeks 1-2: two-leg raises. Weeks 3-4: one-leg raises. Weeks 5-6: add a backpack. "
        "After that: keep making it heavier.",
        "Where to start",
    )
    faq = passage(1, "Once you can do one-leg raises easily, it is time to start adding load.", "Do I need weights?")
    question = "total beginner, where do I start with raises?"
    plan = make_plan(question, [faq, guide], overlap_scorer(question), MINILM, frozenset(tokens("raises")))
    assert [p.text for p in plan.points][:2] == ["Weeks 1-2: two-leg raises.", "Weeks 3-4: one-leg raises."]


def test_what_a_follow_up_adds_is_answered_first():
    race = passage(1, "For a marathon, stop heavy lifting ten days out. For a 10K, five to seven days out is enough.")
    question = "ok and for a 10k?"
    scorer = overlap_scorer("when should I stop lifting before my marathon? ok and for a 10k?")
    plain = make_plan(question, [race], scorer, MINILM, kind="fact")
    stressed = make_plan(question, [race], scorer, MINILM, kind="fact", stressed=frozenset(tokens("10k")))
    assert any("10K" in p.text for p in stressed.points)
    assert max(p.score for p in stressed.points if "10K" in p.text) > max(
        (p.score for p in plain.points if "10K" in p.text), default=0.0
    )


def test_a_cards_steps_are_numbered_and_its_dose_and_cues_follow_them():
    from assistant.cards import LIST_FIELDS, Library

    text = "You need a band. Loop the band round a post. Step into the loop. Sets/reps: 5 x 45 seconds. Cues: sit back."
    said = [s if s.endswith(".") else s + "." for s in text.split(". ")]
    value = _quoting(text)
    fields = {**{name: [] for name in LIST_FIELDS}, "steps": [value(said[1]), value(said[2])]}
    fields["about"] = [value(said[0]), value(said[3])]
    fields["cues"] = [value(said[4])]
    fields["equipment"] = [{**value(said[0]), "text": "band"}]  # a named value's span is its sentence
    fragment = {"name": value("band"), "fields": fields, "passage": "p1", "mentions": "", "heading": False}
    fragment["name"] = {**fragment["name"], "text": "Spanish squat"}
    entry = {"source": "doc.txt", "section": "", "title": "Doc", "start": 0, "end": len(text), "text": text}
    library = Library({"passages": {"p1": {**entry, "fragments": [fragment], "progression": []}}})
    plan, _ = from_cards("procedure", "How do I do a Spanish squat?", lambda: library, frozenset(), 1)
    assert plan.layout == "steps"
    assert [(p.text, p.aside) for p in plan.points] == [
        (said[0], True),  # what it needs, before the steps
        (said[1], False),
        (said[2], False),
        (said[3], True),  # its dose and cues after them
        (said[4], True),
    ]


def test_sets_by_reps_give_a_number_of_sets():
    assert gives_number("and how many sets?", "Sets/reps: 5 x 45 second holds")
    assert gives_number("how many reps?", "3x10 each leg")
    assert not gives_number("how many reps?", "Stand 30 cm from the wall.")
    assert gives_number("how long before my race should I stop lifting?", "Stop about 10 days before your race.")
    assert gives_number("how heavy is heavy?", "A weight you could lift about 5 or 6 times with good form.")
    assert not gives_number("how heavy is heavy?", "Lift it three times a week.")


def test_numbers_written_in_words_and_sessions_a_week_answer_a_quantity():
    # a talk's transcript writes its numbers in words, often as a range
    assert gives_number("hip flexor stretch after the run how long", "Thirty to sixty seconds each side, two rounds.")
    assert gives_number("how many reps", "The goal is twenty-five single leg calf raises on each side.") is False
    assert gives_number("how many sets", "Three sets of six to eight on each leg.")
    # how often: sessions a week with words between, "twice", "each week"
    for sentence in (
        "Start with two short sessions a week.",
        "Twice a week is plenty.",
        "Two sessions of twenty-five to thirty-five minutes each week is the sweet spot.",
    ):
        assert gives_number("how many times a week should i lift", sentence)
    assert not gives_number("how many times a week should i lift", "One session is enough in a recovery week.")


@pytest.mark.parametrize(
    "question",
    [
        "what does 2 reps in reserve mean",
        "what do 3 sets of RPE 7 mean?",
        "define tempo reps",
        "what does RIR stand for",
    ],
)
def test_a_question_asking_what_a_term_means_is_a_fact_question_whatever_numbers_it_names(question):
    assert kind_of(question) == "fact"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("list quad exercises i can do with just a resistance band", "list"),
        ("wat's a terminal knee extension and how do u do it", "procedure"),
        ("best exercises for my quads?", "list"),
    ],
)
def test_more_ways_to_ask_for_a_list_or_the_steps(question, kind):
    assert kind_of(question) == kind


def test_a_one_word_reply_stays_only_with_a_question_asking_the_same_way():
    from assistant.plan import fitted_reply

    unit = "No. It is fine and safe to start lifting at 60 if you build up gradually."
    assert fitted_reply(unit, "Isn't it too late for me?", "is it safe to start lifting at 60?") == unit[4:]
    assert fitted_reply(unit, "Isn't it too late for me?", "why lift heavy?") == unit[4:]
    assert fitted_reply(unit, "Isn't it too late for me?", "isn't it too late to start at 60?") == unit
    assert fitted_reply(unit, "Do I need a gym?", "do i need a gym for this?") == unit


def test_a_list_for_a_subject_some_card_names_keeps_those_cards():
    from assistant.cards import LIST_FIELDS, Library

    text = "Single-leg balance: stand on one foot. Tandem stance: stand heel to toe. Split squat: drop the knee."
    value = _quoting(text)
    fragments = []
    for name, sentence, section in (
        ("Single-leg balance", "Single-leg balance: stand on one foot.", "Balance"),
        ("Tandem stance", "Tandem stance: stand heel to toe.", "Balance"),
        ("Split squat", "Split squat: drop the knee.", "Strength"),
    ):
        fields = {**{n: [] for n in LIST_FIELDS}, "steps": [value(sentence)]}
        fragments.append({"name": value(name), "fields": fields, "passage": section, "mentions": "", "heading": False})
    passages = {}
    for section in ("Balance", "Strength"):
        entry = {"source": "doc.txt", "section": section, "title": "Doc", "start": 0, "end": len(text), "text": text}
        passages[section] = {**entry, "fragments": [f for f in fragments if f["passage"] == section], "progression": []}
    library = Library({"passages": passages})
    asked = frozenset(tokens("balance squat"))
    plan, _ = from_cards("list", "what balance exercises should I do?", lambda: library, asked, 1)
    assert sorted(p.title for p in plan.points) == ["Single-leg balance", "Tandem stance"]
    plan, _ = from_cards("list", "what exercises should I do?", lambda: library, asked, 1)
    assert len(plan.points) == 3
    assert from_cards("list", "what should I do for recovery?", lambda: library, asked, 1) is None


def test_a_harder_version_leaves_out_the_easier_one_after_it():
    guide = passage(1, "Stand on a step. Progress by: a higher step. Regress by: a lower step.", "Step-downs")
    question = "step downs are easy now, how do i make them harder?"
    plan = make_plan(question, [guide], overlap_scorer(question), MINILM, frozenset(tokens("step")))
    assert [p.text for p in plan.points] == ["Progress by: a higher step."]


def test_pain_questions_get_the_sources_pain_rule_and_an_easier_version_when_asked():
    guide = passage(
        1,
        "Pain during an exercise of up to 3/10 is acceptable. It is one of the best exercises for a painful knee. "
        "Regress by: staying higher up the wall. Stop and get the knee assessed by a clinician if it swells.",
        "Wall sit",
    )
    question = "my knee hurts 2/10 during wall sits, is there an easier version?"
    plan = make_plan(question, [guide], overlap_scorer(question), MINILM, frozenset(tokens("wall sit")), hurts=True)
    texts = [p.text for p in plan.points]
    assert "Pain during an exercise of up to 3/10 is acceptable." in texts
    assert "Regress by: staying higher up the wall." in texts
    assert "It is one of the best exercises for a painful knee." not in texts


def test_an_exercise_asked_with_equipment_it_is_not_done_with_says_so_then_lists_those_done_with_it():
    from assistant.cards import LIST_FIELDS, Library

    text = (
        "Split squat: stand in a long stride. Drop the back knee. Band walk: loop a band round your knees. Step wide."
    )
    value = _quoting(text)
    empty = {name: [] for name in LIST_FIELDS}
    squat = {**empty, "steps": [value("stand in a long stride."), value("Drop the back knee.")]}
    walk = {
        **empty,
        "steps": [value("loop a band round your knees."), value("Step wide.")],
        "equipment": [value("band")],
    }
    fragments = [
        {"name": value("Split squat"), "fields": squat, "passage": "p1", "mentions": "", "heading": True},
        {"name": value("Band walk"), "fields": walk, "passage": "p1", "mentions": "", "heading": True},
    ]
    entry = {"source": "doc.txt", "section": "", "title": "Doc", "start": 0, "end": len(text), "text": text}
    library = Library(
        {"equipment": [["band"]], "passages": {"p1": {**entry, "fragments": fragments, "progression": []}}}
    )
    question = "how do i do split squats what about with a band?"
    plan, _ = from_cards("procedure", question, lambda: library, frozenset(), 1)
    assert plan.missing == "The sources give no version of the Split squat with a band; they do these with a band:"
    assert [(p.title, p.text) for p in plan.points] == [("Band walk", "loop a band round your knees.")]


def test_a_question_naming_a_week_gets_that_weeks_rows_from_any_passage_not_the_other_weeks():
    stages = passage(
        1, "Isometrics first. Weeks 1-2. Slow strength next. Weeks 3-4. Single-leg work. Week 5.", "Where to begin"
    )
    table = passage(
        2,
        "Week: 1-2; Focus: Isometrics; Sessions per week: 3. Week: 3-4; Focus: Slow strength; Sessions per week: 2-3.",
        "Six-week plan",
    )
    plan = planned("what do i do in week 3?", [stages, table])
    texts = [p.text for p in plan.points]
    assert "Week: 3-4; Focus: Slow strength; Sessions per week: 2-3." in texts  # "per week: 3" is no week 3
    assert not any("1-2" in text or "Week 5" in text for text in texts)


def test_a_quantity_shows_every_row_of_a_plan_between_the_rows_it_shows():
    nordics = passage(
        1,
        "Sets & reps: Weeks 1-2: 2 sets of 3. Weeks 3-6: 2 sets of 5. From week 7: 3 sets of 5-6 reps. Rest.",
        "Nordics",
    )
    plan = planned("how many sets and reps for nordics", [nordics], frozenset(tokens("nordics")))
    texts = [p.text for p in plan.points]
    assert texts[:3] == [
        "Sets & reps: Weeks 1-2: 2 sets of 3.",
        "Weeks 3-6: 2 sets of 5.",
        "From week 7: 3 sets of 5-6 reps.",
    ]


def test_a_count_of_something_no_number_is_given_for_says_so_and_quotes_where_it_is_named():
    plan_rows = passage(1, "Week: 1-2; Example session: Wall sit 5 x 30 s, Spanish squat 5 x 45 s.", "Six-week plan")
    gym = passage(2, "Keep it simple. Squats, split squats, deadlifts, calf raises, and some core work.", "In the gym")
    plan = planned("how many calf raises should i do?", [plan_rows, gym])
    assert plan.missing and plan.points[0].text.startswith("Squats, split squats")


def test_pain_in_a_named_exercise_gets_its_own_cautions_not_anothers():
    deadlift = passage(1, "Caution: if your lower back aches, reduce the range and keep the weight close.", "Deadlift")
    mistakes = passage(
        2, "Arching your lower back in the dead bug. If your lower back hurts while you do it, this is why.", "Mistakes"
    )
    steps = passage(3, "Lie on your back with your arms up. Press your lower back into the floor.", "Dead bug")
    question = "lower back aches doing dead bugs, am i doing it wrong"
    asked = frozenset(tokens("lower back dead bug"))
    plan = make_plan(question, [deadlift, mistakes, steps], overlap_scorer(question), MINILM, asked, hurts=True)
    texts = [p.text for p in plan.points]
    assert "If your lower back hurts while you do it, this is why." in texts
    assert not any("reduce the range" in text for text in texts)


def test_an_easier_version_is_found_below_a_passage_that_only_names_the_exercise():
    podcast = passage(
        1, "Not meaningfully. You built that strength with Nordics over months.", "Do you lose Nordics strength?"
    )
    handout = passage(2, "Kneel upright. Make it easier: loop a band around your chest for assistance.", "Nordics")
    handout.score = 0.8
    question = "nordics are way too hard, easier version?"
    plan = planned(question, [podcast, handout], frozenset(tokens("nordics")))
    assert plan.points[0].text == "Make it easier: loop a band around your chest for assistance."


def test_a_runners_slang_for_soreness_gets_what_the_sources_say_of_soreness():
    caution = passage(
        1, "Caution: do not do Nordics in the 48 hours before a long run. Kneel and lean slowly.", "Nordics"
    )
    sore = passage(2, "Muscle soreness for 24-72 hours after Nordics is normal and expected.", "Pain and soreness")
    question = "did nordics for the 1st time 2 days ago and my hamstrings are destroyed lol normal??"
    plan = planned(question, [caution, sore], frozenset(tokens("nordics")))
    assert [p.text for p in plan.points] == ["Muscle soreness for 24-72 hours after Nordics is normal and expected."]


def listed(number: int, items: list[str], section: str) -> Passage:
    """A passage that is a list in its source, every item kept (as the answer stage passes one asked for)."""
    return Passage(number, "doc.txt", "Doc", section, " ".join(items), 1.0, items, listed=True)


def test_a_list_asked_for_by_its_headings_words_is_given_whole_and_in_order():
    items = [
        "Leaking when you cough or jump.",
        "A heavy, dragging feeling low in the pelvis.",
        "Pain around the scar that does not settle.",
        "Doming along the middle of the tummy.",
    ]
    question = "what are the warning signs to see a pelvic physio?"
    plan = planned(question, [listed(1, items, "Warning signs to see a pelvic physio"), passage(2, "See a physio.")])
    assert plan.layout == "list" and [p.text for p in plan.points] == items
    # its opening question says what the items are for, before them, said not listed
    asking = "Have you noticed any of these since the birth?"
    plan = planned(question, [listed(1, [asking, *items], "Warning signs to see a pelvic physio")])
    assert [(p.text, p.aside) for p in plan.points] == [(asking, True)] + [(item, False) for item in items]
    # the same words as prose, not a list in its source, are not given whole
    prose = Passage(1, "doc.txt", "Doc", "Warning signs to see a pelvic physio", " ".join(items), 1.0, items)
    assert [p.text for p in planned(question, [prose]).points] != items
    # nor is a list under a heading the question names only in part ("Hip Muscle Anatomy" for the outer hip)
    anatomy = listed(
        1,
        ["The hip flexors sit in front.", "Gluteus medius sits outside.", "The adductors inside."],
        "Hip Muscle Anatomy",
    )
    assert planned("Which muscles sit on the outer side of the hip?", [anatomy]).layout != "list"


def test_a_source_answering_the_runners_pain_question_under_that_question_answers_first():
    faq = passage(
        1,
        "It is common but it is not normal. Please do not wear a pad and keep running. Book a physio assessment.",
        section="I leak a little when I run. Is that normal?",
    )
    caution = passage(2, "Stop if you feel pain and see a physio.", section="Safety")
    plan = make_plan(
        "i leak when i run, is that normal?", [faq, caution], overlap_scorer("leak run normal"), MINILM, hurts=True
    )
    assert {p.passage for p in plan.points} == {1}
    # an exercise's heading is no question it answers: a pain question about it still gets cautions first
    steps = passage(1, "Lie on your back. Lift one leg. Stop if your back hurts.", section="Dead Bug")
    plan = make_plan(
        "my back hurts doing dead bugs", [steps], overlap_scorer("back hurts dead bugs"), MINILM, hurts=True
    )
    assert [p.text for p in plan.points] == ["Stop if your back hurts."]


def test_how_far_is_answered_by_the_exercise_asked_about_not_a_walk_elsewhere():
    carry = passage(1, "Hold a dumbbell in one hand. Walk 20 metres, then swap hands.", section="Farmer carry")
    walk = passage(2, "Walk for 10 minutes, then jog for 1 minute.", section="Walk-run")
    question = "how do i do a farmer carry? how far should i walk?"
    plan = planned(question, [walk, carry], asked=frozenset(tokens("farmer carry walk")))
    assert [p.text for p in plan.points] == ["Walk 20 metres, then swap hands."]


def test_how_to_do_an_exercise_the_passage_never_names_says_so_before_the_closest():
    calf = passage(
        1, "Stand on one leg on a step. Rise onto your toes. Lower slowly below the step.", "Single-leg calf raise"
    )
    plan = planned("how do you do a single leg RDL?", [calf])
    assert plan.missing == "The sources do not say how to do a single leg RDL; this is the closest they come."
    assert plan.layout == "prose" and len(plan.points) <= 2
    assert planned("how do I do a single-leg calf raise?", [calf]).layout == "steps"
    wall = passage(1, "Slide down the wall until your knees bend. Hold for 30 seconds. Stand up.", "Wall sit")
    assert planned("how do i do the wall sit one", [wall]).layout == "steps"  # "one" names nothing


def test_an_easier_version_the_named_cards_lacks_is_said_plainly_whatever_the_wording():
    found = from_cards("variation", "is there an easier way to do heel drops?", lambda: _library(), frozenset(), 2)
    plan, _ = found
    assert plan.missing.lower().startswith("the sources do not say how to make the heel drops easier")


def _two_sources_library():
    """One exercise described in two documents: a.md gives two steps, b.md three."""
    from assistant.cards import LIST_FIELDS, Library

    texts = {"a.md": "Lie down. Lift the hips.", "b.md": "Lie on your back. Squeeze. Lift the hips slowly."}

    def value(source, quote):
        start = texts[source].index(quote)
        span = {"source": source, "start": start, "end": start + len(quote), "quote": quote}
        return {"text": quote, "span": span, "how": "quote"}

    passages = {}
    for source, steps in (
        ("a.md", ["Lie down.", "Lift the hips."]),
        ("b.md", ["Lie on your back.", "Squeeze.", "Lift the hips slowly."]),
    ):
        fields = {name: [] for name in LIST_FIELDS} | {"steps": [value(source, step) for step in steps]}
        fragment = {"name": value(source, steps[0])["span"] | {}, "fields": fields, "passage": source}
        fragment["name"] = {"text": "Bridge", "span": value(source, steps[0])["span"], "how": "heading"}
        fragment |= {"mentions": "", "heading": True}
        entry = {"source": source, "section": "Bridge", "title": source, "start": 0, "end": len(texts[source])}
        passages[source] = {**entry, "text": texts[source], "fragments": [fragment], "progression": []}
    return Library({"muscles": [], "equipment": [], "passages": passages})


def test_a_procedure_numbers_one_sources_steps_the_fullest():
    plan, _ = from_cards("procedure", "how do I do a bridge?", _two_sources_library, frozenset(), 1)
    assert [p.text for p in plan.points if not p.aside] == ["Lie on your back.", "Squeeze.", "Lift the hips slowly."]


def test_each_item_under_a_warning_heading_is_a_caution_but_an_exercise_heading_saying_when_is_not():
    passages = [
        passage(1, "Totally normal, that's DOMS, it will be worst around day two.", "Sore the next day?"),
        passage(2, "New swelling, heat or redness in the calf.", "Stop and contact us if you notice"),
        passage(3, "Small quick bounces on the balls of your feet.", "Pogo hops (only when cleared by your physio)"),
    ]
    question = "calf is swollen and red the day after my session, is that just doms"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, hurts=True)
    assert plan.points[0].text == "New swelling, heat or redness in the calf."
    assert all(p.passage != 3 for p in plan.points)


def test_a_heading_is_named_by_its_label_and_whats_in_asks_for_its_list():
    from assistant.plan import asks_for_list, names_section

    assert names_section("whats in phase 1 of dave's plan", "Phase 1 - Foundation (weeks 1-4)")
    assert not names_section("whats in phase 2 of the plan", "Phase 1 - Foundation (weeks 1-4)")
    assert asks_for_list("whats in phase 1?", kind_of("whats in phase 1?"))


def test_a_caution_naming_the_exercise_in_another_form_of_its_word_is_its_own():
    passages = [
        passage(
            1,
            "Do not start this exercise until you can do 3 x 15 heel raises with pain no higher than 3/10.",
            "Pogo hops",
        ),
        passage(
            2,
            "With knee arthritis, mild achiness during hopping that settles within an hour is usually okay, "
            "but stop hopping and see a physio if the joint swells.",
            "Plyos with arthritis",
        ),
    ]
    question = "knees ache when i do pogo hops, i have mild arthritis"
    plan = make_plan(question, passages, overlap_scorer(question), MINILM, frozenset(tokens("pogo hops")), hurts=True)
    assert 2 in {point.passage for point in plan.points}  # not only the caution under the exercise's heading


def test_how_much_of_a_thing_no_number_measures_is_said_to_be_missing():
    passages = [
        passage(1, "Heavy loads improved bone density in trials. Work up to sets of 3-6 reps.", "Why bone needs load"),
    ]
    question = "how much bone density will i gain in a year of lifting heavy"
    plan = planned(question, passages, frozenset(tokens("bone density heavy")))
    assert plan.missing and "3-6 reps" not in " ".join(p.text for p in plan.points)
    rest = [passage(2, "Rest 90 seconds after each one.", "Split squat")]
    assert not planned("how much rest do i take?", rest, frozenset(tokens("rest"))).missing


def test_a_question_weighing_two_options_hears_from_a_second_document():
    """A guide says strength goes after intervals, a podcast guest says on easy days: "same day as intervals or
    an easy day?" shows both, where a prose answer stays with the passage that answers best."""
    guide = passage(1, "Do strength after your interval session, on the same day.", "Rules", "guide.md")
    guide.score = 0.72
    guest = passage(2, "I put strength on easy days, the morning run easy and lifting after.", "Week", "show.txt")
    guest.score = 0.63
    question = "should strength go on the same day as intervals or on an easy day?"
    cited = {p.passage for p in planned(question, [guide, guest]).points}
    assert cited == {1, 2}
    alone = planned("should strength go on the same day as intervals?", [guide, guest])
    assert {p.passage for p in alone.points} == {1}
    # the options typed after the asking sentence, without a question mark of their own
    trailing = planned("where should strength go? same day as intervals or an easy day", [guide, guest])
    assert {p.passage for p in trailing.points} == {1, 2}


def test_a_phase_the_question_names_by_its_heading_label_answers_first():
    """ "sets and reps for squats in base phase?" is answered from "Base phase (weeks 1-4, off-season)", not from
    the build phase's "Squat ... 3-4 sets of 4-6 reps", whose words match the question more."""
    base = passage(1, "Lift twice a week: back squat 3 x 8-10; step-ups 2 x 10.", "Base phase (weeks 1-4, off-season)")
    build = passage(2, "Squat and deadlift move to 3-4 sets of 4-6 reps with long rests.", "Build phase (weeks 5-8)")
    plan = planned("sets and reps for squats in base phase?", [build, base])
    assert plan.points[0].passage == 1
    assert heading_label("Phase 1 - Foundation (weeks 1-4)") == set(tokens("phase 1"))
    assert heading_label("") == set()


def test_how_many_of_an_exercise_whose_passage_gives_no_number_says_so_not_another_exercises_number():
    nordic = passage(1, "Kneel upright. Lean back slowly and return using your quads.", "3. Reverse Nordic")
    plan_text = passage(2, "Increase the load on split squats until 8-12 reps feel hard.", "A 6-week progression")
    plan = planned(
        "how many sets and reps for reverse nordics?", [nordic, plan_text], frozenset(tokens("reverse nordic"))
    )
    assert plan.missing.startswith("The sources do not give a number")
    assert all("8-12" not in p.text for p in plan.points)


def test_a_follow_ups_own_subject_picks_its_numbers():
    """ "sets and reps for squats in base phase? and in peak?": the peak rows, not the base phase's numbers."""
    base = passage(1, "Sets and reps for squats in the base phase: 3 x 8-10, twice a week.", "Base phase")
    peak = passage(2, "Week 9 is peak: 1 session.", "Overview")
    described = passage(3, "Race-specific workouts come first now.", "Peak phase (weeks 9-10)")
    question = "and in peak?"
    plan = make_plan(
        question,
        [base, peak, described],
        overlap_scorer("sets and reps for squats in base phase? and in peak?"),
        MINILM,
        frozenset(tokens("squat base phase peak")),
        kind="quantity",
        stressed=frozenset(tokens("peak")),
        named=frozenset(tokens("squat base phase peak")),
    )
    assert [p.passage for p in plan.points] == [2]
