"""A PDF's printed lines put back into headings, paragraphs and lists (pdf_pages.text_of), on page texts as
pypdf returns them: one printed line per line, the running header and footer on every page."""

import textwrap

from assistant.clean import clean
from assistant.pdf_pages import text_of

HEADER = "Hillside Physio Clinic   Ph 01234 567 890"
FOOTER = "© 2024 Hillside Physio. For patient use only."


def page(number: int, of: int, body: str) -> str:
    return f"{HEADER}\n{body.strip()}\nPage {number} of {of}\n{FOOTER}"


PAGES = [
    page(
        1,
        2,
        """
Calf Strength for Hill Runners
Patient: ____________________   Date: ___/___/_____
Long climbs load the calves and the Achilles for hours, and most runners never train them past the point
of a few bodyweight raises. This handout gives you two exercises to build them, eccen-
tric work first.
1. Bent-knee calf raise
1. Stand on a step with the balls of your feet on the edge and your knees slightly bent.
2. Rise onto your toes, then lower slowly for three seconds until your heels are just
below the step.
3. Repeat on one leg once both legs feel easy.
Sets & reps: 3 sets of 15. Start with both legs and only add weight once the full set
""",
    ),
    page(
        2,
        2,
        """
feels easy.
Make it harder: hold a dumbbell in the hand on the working side.
Caution: stop if the Achilles is painful the next morning.
2. Seated calf raise
1. Sit with a weight across your knees.
2. Rise onto your toes and lower slowly.
Use a long-lever position if the seated version is too easy.
""",
    ),
]


def test_running_header_footer_and_page_numbers_go_and_the_title_leads():
    text = text_of(PAGES)
    assert HEADER not in text and FOOTER not in text and "Page 1 of 2" not in text
    assert text.startswith("## Calf Strength for Hill Runners\n")


def test_a_word_broken_at_a_line_end_is_mended_unless_the_document_writes_it_with_its_hyphen():
    text = text_of(PAGES)
    assert "eccentric work first." in text
    assert "long-lever" in text  # written with its hyphen inside a line: kept
    assert text_of(["Use the long-\nlever bridge. The long-lever bridge is easy."]).startswith("Use the long-lever")


def test_numbered_exercise_headings_are_told_from_their_numbered_steps():
    text = text_of(PAGES)
    assert "## Bent-knee calf raise\n\n1. Stand on a step" in text
    assert "## Seated calf raise" in text
    # a step wrapped over two printed lines is one item
    assert (
        "2. Rise onto your toes, then lower slowly for three seconds until your heels are just below the step." in text
    )


def test_a_sentence_carried_over_a_page_break_is_one_and_labelled_lines_stand_apart():
    text = text_of(PAGES)
    assert "only add weight once the full set feels easy." in text
    assert "\n\nMake it harder: hold a dumbbell" in text and "\n\nCaution: stop if" in text


def test_a_form_to_fill_in_is_no_text():
    text = text_of(PAGES)
    assert "Patient" not in text and "___" not in text
    log_page = page(2, 2, "Weekly log\nWeek Session Soreness Comments\n1\n2\n3\nNotes\n______________")
    log = text_of([PAGES[0].replace("full set", "full set feels easy."), log_page])
    assert "Week Session" not in log and "\n1\n" not in log and "## Weekly log" in log


def test_the_cleaner_reads_the_pages_as_headings_lists_and_paragraphs():
    blocks = clean(text_of(PAGES)).blocks
    kinds = [(block.kind, block.text[:24]) for block in blocks]
    assert ("heading", "Bent-knee calf raise") in kinds
    steps = next(block for block in blocks if block.kind == "list")
    assert steps.text.count("\n") == 2 and steps.text.startswith("- Stand on a step")


# A slide deck: each slide opens on its title; the text layer prints each bullet's glyph on a line of its own
# ("\x7f" from a symbol font at the top level, "-" below), and the footer recurs on every slide.
SLIDES = [
    "Knee Care for Hill Runners\n\x7f\nWhy knees ache after long descents\n\x7f\n"
    "Load rises faster than the tendon adapts\nRidgeview Physio | Slide 1",
    "Bridge Progressions\n\x7f\nGlute bridge\n-\nLie on your back with feet flat\n-\n"
    "Lift the hips until the body is straight\n\x7f\nRest two minutes between sets\nRidgeview Physio | Slide 2",
    "Step-Downs\n\x7f\nLateral step-down\n-\nStand sideways on a low step\n-\n"
    "Lower the free heel to touch the floor\n\x7f\nKeep the knee over the second toe\nRidgeview Physio | Slide 3",
]


def test_a_slide_deck_is_read_slide_by_slide_with_titles_exercise_names_and_bullets():
    """Each slide's title is a "##" heading, a short bullet over sub-bullets a "###" one, bullets are items."""
    text = text_of(SLIDES)
    assert "Ridgeview Physio" not in text and "Slide" not in text
    assert [line for line in text.splitlines() if line.startswith("#")] == [
        "## Knee Care for Hill Runners",
        "## Bridge Progressions",
        "### Glute bridge",
        "## Step-Downs",
        "### Lateral step-down",
    ]
    assert "## Knee Care for Hill Runners\n\n- Why knees ache after long descents\n" in text
    assert "### Glute bridge\n\n- Lie on your back with feet flat\n- Lift the hips until the body is straight\n" in text
    assert "- Keep the knee over the second toe" in text


def test_a_bullet_glyph_on_every_slides_top_is_no_running_header():
    """The lone glyph lines recur at each slide's edge but stay, so the text after each is a list item."""
    items = [line for line in text_of(SLIDES).splitlines() if line.startswith("- ")]
    assert "- Why knees ache after long descents" in items
    assert "- Load rises faster than the tendon adapts" in items
    assert "- Stand sideways on a low step" in items
    assert "\x7f" not in text_of(SLIDES)


def fill(text: str) -> str:
    return "\n".join(textwrap.wrap(text, 82))


def handout_text(first: int, last: int) -> str:
    """Long paragraph text for a page: about 28 words a day of the block."""
    return " ".join(
        f"On day {day} of the block, hold each slow calf raise for {day + 2} seconds at the bottom, then rise on"
        " both feet and lower on one."
        for day in range(first, last)
    )


def test_pages_of_long_paragraphs_are_no_slides():
    """A handout whose pages open mid-sentence (on a capitalised word) keeps its sentences across the breaks."""
    pages = [
        "Achilles Care After Long Runs\n" + fill(handout_text(1, 9) + " Slow loading changes the load reaching the"),
        "Achilles tendon through the calf and the soleus on every single\n"
        + fill("stride of a run. " + handout_text(9, 17) + " Most runners notice that the"),
        "Achilles feels less stiff on the stairs within a fortnight, and\n"
        + fill("mornings get easier. " + handout_text(17, 25)),
    ]
    assert all(len(page.split()) > 200 for page in pages)
    text = text_of(pages)
    assert [line for line in text.splitlines() if line.startswith("#")] == ["## Achilles Care After Long Runs"]
    assert "the load reaching the Achilles tendon through the calf and the soleus on every single stride" in text
    assert "notice that the Achilles feels less stiff on the stairs within a fortnight, and mornings" in text


def test_a_handouts_numbered_names_in_capitals_head_their_text_and_glyph_bullets_are_a_list():
    # pypdf gives a symbol font's bullet as "\x7f"; a numbered name in capitals is an exercise's heading even
    # when the next item is numbered 2 (no steps numbered from 1 under it)
    body = """
1. HEEL RAISES ON A STEP (DOUBLE LEG TO SINGLE LEG)
Stand with the balls of both feet on the edge of the bottom stair, holding the banister.
Sets/Reps: 3 sets of 15, rest 1 minute between sets.
2. FORWARD STEP-DOWN
Stand on a 15 cm step. Slowly lower the heel of the other foot to touch the floor.
STOP AND CONTACT US IF YOU NOTICE:
\x7f New swelling, heat or redness in the calf.
\x7f Dizziness or chest pain during exercise.
"""
    text = text_of([page(1, 1, body)])
    assert "## HEEL RAISES ON A STEP (DOUBLE LEG TO SINGLE LEG)\n\nStand with" in text
    assert "## FORWARD STEP-DOWN\n\nStand on a 15 cm step." in text
    assert "## STOP AND CONTACT US IF YOU NOTICE\n\n- New swelling" in text
    assert "\n- Dizziness or chest pain during exercise." in text and "\x7f" not in text
    # a numbered step in sentence case still continues onto its next printed line
    steps = text_of([page(1, 1, "1. Lie on your back with your knees bent and\nyour feet flat on the floor.\n")])
    assert "1. Lie on your back with your knees bent and your feet flat on the floor." in steps


# Two paragraphs of a page's full printed lines, so that a short line reads as short beside them.
PROSE = """Hill sprints teach the legs to push hard against the slope without the pounding of
a fast descent, and most runners can fit a short set into an easy week with no fuss.
Keep the effort high but the number of repeats low until the calves stop aching."""


def test_a_page_number_under_a_running_header_of_several_lines_goes():
    """Three header lines recur at each page's top and go; the page number under them, the page's new top
    line, goes too."""
    header = "Riverbank Track Club\nCoach Sam Ortega  |  Hill Sprint Notes\nriverbank.example  |  Notes v2  |  Members"
    later = "Walk down between repeats: the descent is the recovery, and a\njog down adds pounding for no gain."
    pages = [f"{header}\nPage 1 of 2\nHill Sprint Notes\n{PROSE}", f"{header}\nPage 2 of 2\n{later}"]
    text = text_of(pages)
    assert "Page 1 of 2" not in text and "Page 2 of 2" not in text and "Riverbank" not in text
    assert text.startswith("## Hill Sprint Notes\n")


def test_a_numbered_name_in_ordinary_case_heads_the_paragraph_printed_under_it():
    body = f"""{PROSE}
1. Ankle hops
Keep the knees nearly straight and let the ankles do the work, landing softly on
the forefoot each time. Stop when the rhythm falls apart or the landings get loud.
2. Lateral shuffles (low and wide)
Stay low with the hips back and push off the outside foot on every single step,
keeping the chest up and the feet apart. Cover ten metres each way, then rest.
"""
    text = text_of([body])
    assert "## Ankle hops\n\nKeep the knees nearly straight" in text
    assert "## Lateral shuffles (low and wide)\n\nStay low with the hips back" in text
    # short numbered steps followed by the next step stay a list; a step that wraps in lower case is one item
    steps = text_of([f"{PROSE}\n1. Jog easily\n2. Stride out hard up the\nslope\n3. Walk back down\n"])
    assert "\n\n1. Jog easily\n2. Stride out hard up the slope\n3. Walk back down\n" in steps
    assert "##" not in steps
    # the last short step, then a paragraph: the step ends there but heads nothing (it continues the list)
    after = text_of([f"{PROSE}\n1. Jog easily\n2. Walk back down\n{PROSE}"])
    assert "1. Jog easily\n2. Walk back down\n\nHill sprints teach" in after and "## Walk" not in after


def test_labelled_lines_are_no_headings_and_each_stands_on_its_own():
    body = f"""{PROSE}
Ankle hops
Keep the knees nearly straight and let the ankles do the work, landing softly on
the forefoot each time. Stop when the rhythm falls apart or the landings get loud.
Sets: 3 x 12
Rest: 45 seconds
Lateral shuffles
Stay low with the hips back and push off the outside foot on every single step.
Reps and sets: 2 x 10 metres each way along the painted line
Rest: jog slowly back to the start
"""
    text = text_of([body])
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["## Ankle hops", "## Lateral shuffles"]
    assert "\n\nSets: 3 x 12\n\nRest: 45 seconds\n\n## Lateral shuffles" in text
    # a labelled line too long to end its paragraph by its length still ends at the next labelled line
    assert "\n\nReps and sets: 2 x 10 metres each way along the painted line\n\nRest: jog slowly back" in text
