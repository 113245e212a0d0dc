"""A PDF's printed lines put back into headings, paragraphs and lists (pdf_pages.text_of), on page texts as
pypdf returns them: one printed line per line, the running header and footer on every page."""

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
