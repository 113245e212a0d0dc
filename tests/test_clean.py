"""Scrape-residue removal, tested against each seed document: what goes, and that no guidance goes with it."""

import re

import pytest

from assistant.clean import SiteResidue, clean
from assistant.ingest import Candidate, load_document
from assistant.knowledge import load_knowledge
from assistant.text import split_sentences
from tests.conftest import CORPUS

RESIDUE = [
    "View this post on Instagram",
    "A post shared by",
    "Back To Blog",
    "Still have questions",
    "Contact Us",
    "Subscribe to get the latest news",
    "Unsubscribe at any time",
    "ConvertKit",
    "Join the Team",
    "Title Sponsors",
    "Freeman Health System",
    "Northwest Arkansas Naturals",
    "chick-fil-a",
    "WalMart",
    "Click the button below",
    "free copy",
    "free ebook",
    "online membership",
    "follow Dr. Minard on Instagram",
    "Need a visual",
    "Check out the exercises discussed here",
    "If you prefer to watch this episode",
    "Pinterest",
    "[03:44]",
    "3 years ago",
    "People in a gym doing step up exercises",
    "Find | Dr. Matt Minard",
]

# Guidance that answers quote: every one must survive cleaning, in some chunk of its document.
GUIDANCE = {
    "learn2run-strength-training-glutes.txt": [
        "Don’t strengthen your hip flexors",
        "Ideally you want to sit with your hips higher than your knees",
        "lifting or concentric activation",
        "holding or isometric action",
        "lowering or eccentric action",
        "Clamshells are often recommended to strengthen the queen hip muscles",
        "A better approach to strengthening these hip abductors is to train while standing.",
        "To challenge the muscles, hold a dumbbell in your opposite hand while standing on one leg.",
        "Another way to challenge the muscle is a Farmer’s Carry.",
        "the further the band is from the hip, the more challenging the exercise",
        "the hamstring muscles are often overlooked",
        "you can do a single leg step up which strengthens the gluteus medius",
        "A glute bridge can be made more challenging",
        "Dr. Minard does not recommend strengthening exercises.",
        "the best exercise for the front muscles of the hip is lengthening, not strengthening.",
    ],
    "top-5-favorite-glute-exercises.txt": [
        "It is the largest of the 3 gluteal muscles.",
        "Weakness in this muscle will tend to cause excessive rotation in the hip",
        "including knee, hip, ankle and back pain",
        "you need to try to keep more of you weight on your heels",
        "Incorporating the forward and side lunge is a good idea",
        "Stand with a staggered stance.",
        "Loop the theraband just above the knee and march it up and down.",
        "Slowly hinge towards the floor, letting the band pull you.",
        "Balance is more important than you may think",
        "clamshells and bridges, which I think are fine for just strengthening",
    ],
    "glute-training-basics.txt": [
        "Learn how to move from the hips",
        "Learn how to activate the glutes",
        "Learn how to properly lunge and squat",
        "you can’t always start with the advanced exercises such as the squat and the lunge",
    ],
}


KNOWLEDGE = load_knowledge(CORPUS)  # corpus/stride.toml: the seed sites' own residue rules
SITE = SiteResidue(KNOWLEDGE.residue_lines, KNOWLEDGE.residue_sentences)


def chunks_of(name):
    return load_document(Candidate(CORPUS / name, name, explicit=True), SITE).chunks


@pytest.mark.parametrize("name", sorted(GUIDANCE))
def test_no_residue_reaches_a_chunk(name):
    text = "\n".join(chunk.text for chunk in chunks_of(name))
    leaked = [residue for residue in RESIDUE if residue.lower() in text.lower()]
    assert leaked == []


@pytest.mark.parametrize("name", sorted(GUIDANCE))
def test_every_guidance_sentence_is_kept(name):
    text = " ".join(" ".join(chunk.text.split()) for chunk in chunks_of(name))
    missing = [sentence for sentence in GUIDANCE[name] if sentence not in text]
    assert missing == []


def test_each_seed_reports_what_each_rule_dropped():
    dropped = {}
    for name in GUIDANCE:
        document = load_document(Candidate(CORPUS / name, name, explicit=True), SITE)
        dropped[name] = {d.rule for d in document.dropped}
    assert {"instagram embed", "episode timestamp", "call to action", "image caption", "navigation"} <= dropped[
        "learn2run-strength-training-glutes.txt"
    ]
    assert {"sign-up box", "call to action"} <= dropped["top-5-favorite-glute-exercises.txt"]
    assert {"sponsor list", "navigation", "relative date", "call to action"} <= dropped["glute-training-basics.txt"]


def test_site_residue_comes_from_the_corpus_file_not_the_code():
    name = "learn2run-strength-training-glutes.txt"
    generic = load_document(Candidate(CORPUS / name, name, explicit=True))
    text = " ".join(chunk.text for chunk in generic.chunks)
    assert "Check out the exercises discussed here" in text  # the generic rules alone leave this site's residue
    assert "site residue" in {
        d.rule for d in load_document(Candidate(CORPUS / name, name, explicit=True), SITE).dropped
    }


def test_generic_rules_keep_real_headings_and_advice_that_look_like_residue():
    text = (
        "People who sit all day\n\nStand up every hour and squeeze your glutes.\n\n"
        "Race day\n\nSign up for a local 5K six weeks out so the training has a goal.\n\n"
        "People in a gym doing step up exercises\n\n"
        "Sign up for our newsletter to get the free ebook. Subscribe today.\n"
    )
    result = clean(text)
    kept = [(b.kind, b.text) for b in result.blocks]
    assert ("heading", "People who sit all day") in kept
    assert ("paragraph", "Sign up for a local 5K six weeks out so the training has a goal.") in kept
    assert {d.rule for d in result.dropped} == {"image caption", "call to action"}
    assert all("newsletter" not in block_text for _, block_text in kept)


def test_a_call_to_action_sentence_goes_but_its_paragraph_stays():
    text = (
        "Balance matters for runners. If so, check out my post on balance and grab the free ebook. "
        "Train it twice a week.\n"
    )
    blocks = clean(text).blocks
    assert [b.text for b in blocks] == ["Balance matters for runners. Train it twice a week."]


def test_a_paragraph_that_is_mostly_selling_goes_whole():
    text = "This is a brief look. My course goes further. Click the button below to get your free copy.\n"
    result = clean(text, site=SiteResidue(sentences=(re.compile("my course", re.IGNORECASE),)))
    assert result.blocks == []
    assert result.dropped[0].rule == "call to action"


def test_sponsor_list_ends_at_the_next_real_paragraph():
    text = "Title Sponsors\n\n  • Acme Bank\n  • Joe's Gym\n\nHip strength\n\nStand on one leg for 30 seconds.\n"
    blocks = clean(text).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Hip strength"),
        ("paragraph", "Stand on one leg for 30 seconds."),
    ]


def test_headings_lists_and_spans():
    text = "Hip extensors\n\nThe hamstrings help.\nThey extend the hip.\n\n  • one\n    – attribution\n  • two\n"
    blocks = clean(text).blocks
    assert [b.kind for b in blocks] == ["heading", "paragraph", "list"]
    assert blocks[1].text == "The hamstrings help. They extend the hip."
    assert blocks[2].text == "- one – attribution\n- two"
    for block in blocks:
        assert block.text.lstrip("- ").split()[0] in text[block.start : block.end]


def test_sentences_do_not_split_after_doctor():
    assert split_sentences("Dr. Matt Minard is a PT. He runs.") == ["Dr. Matt Minard is a PT.", "He runs."]


# --- residue any scraped page carries, and the look-alikes that are real text ------------------------------

LONG_TITLE = "Seven Ways to Make Your Easy Runs Feel Easy Again This Winter"

# (text, the blocks kept, what was dropped by which rule): the look-alikes of each residue are in its text.
GENERIC_RESIDUE = [
    pytest.param(
        "This website uses cookies for analytics. By staying on this site you accept our cookie policy.\n"
        "Accept all cookies\nManage preferences\n\n"
        "We use cookies to tailor your experience. Tempo runs should feel comfortably hard.\n\n"
        "Fuel\n\nSome runners like oat cookies an hour before a long run; in my experience they sit well.\n",
        [
            ("paragraph", "Tempo runs should feel comfortably hard."),
            ("heading", "Fuel"),
            ("paragraph", "Some runners like oat cookies an hour before a long run; in my experience they sit well."),
        ],
        {
            ("cookie banner", "This website uses cookies for analytics."),
            ("cookie banner", "By staying on this site you accept our cookie policy."),
            ("cookie banner", "Accept all cookies"),
            ("cookie banner", "Manage preferences"),
            ("cookie banner", "We use cookies to tailor your experience."),
        },
        id="a cookie banner goes sentence by sentence; cookies as food stay",
    ),
    pytest.param(
        "Share this post: Facebook | X | LinkedIn | Copy link\n\n"
        "Easy days\n\nKeep easy runs easy. Share this with your coach so the plan fits your week.\n\n"
        "Facebook Pinterest Email\n\nShare this article\n\n"
        "Share: Share on Facebook | Share on Twitter | Pin it | Email\n\n"
        "Enjoyed this? Share on Facebook | Share on Twitter\n",
        [
            ("heading", "Easy days"),
            ("paragraph", "Keep easy runs easy. Share this with your coach so the plan fits your week."),
        ],
        {
            ("share bar", "Share this post: Facebook | X | LinkedIn | Copy link"),
            ("share bar", "Facebook Pinterest Email"),
            ("share bar", "Share this article"),
            ("share bar", "Share: Share on Facebook | Share on Twitter | Pin it | Email"),
            ("share bar", "Enjoyed this? Share on Facebook | Share on Twitter"),
        },
        id="a share bar goes; sharing advice stays",
    ),
    pytest.param(
        "Hill sprints\n\nSprint up a steep hill for eight seconds, then walk down.\n\n"
        "ADVERTISEMENT\n\n"
        "Download our free race-day checklist! Sign up for the Pacebook newsletter and get 20% off.\n\n"
        "Shop now\n\n"
        "Walk back down slowly so each sprint starts fresh.\n\n"
        "- Advertisement -\n\nRest two full minutes between sprints.\n\n"
        "The word advertisement in a sentence is not a label.\n",
        [
            ("heading", "Hill sprints"),
            ("paragraph", "Sprint up a steep hill for eight seconds, then walk down."),
            ("paragraph", "Walk back down slowly so each sprint starts fresh."),
            ("paragraph", "Rest two full minutes between sprints."),
            ("paragraph", "The word advertisement in a sentence is not a label."),
        ],
        {
            ("advertisement", "ADVERTISEMENT"),
            (
                "advertisement",
                "Download our free race-day checklist! Sign up for the Pacebook newsletter and get 20% off.",
            ),
            ("advertisement", "Shop now"),
            ("advertisement", "- Advertisement -"),
        },
        id="an advertisement's label takes the selling text under it and no more",
    ),
    pytest.param(
        "Related exercises\n\nThe step-down and the split squat load the same muscles.\n\n"
        "  • Step-down from a low box\n  • Split squat with a pause\n\n"
        "Tags: hills, tempo, recovery\n\n"
        "Related posts\n\n  • Ten Long-Run Mistakes\n  • How to Pick a Spring Race\n\n"
        "You may also like\n\n- Five Drills for Better Form\n",
        [
            ("heading", "Related exercises"),
            ("paragraph", "The step-down and the split squat load the same muscles."),
            ("list", "- Step-down from a low box\n- Split squat with a pause"),
        ],
        {
            ("tag list", "Tags: hills, tempo, recovery"),
            ("related posts", "Related posts"),
            ("related posts", "- Ten Long-Run Mistakes\n- How to Pick a Spring Race"),
            ("related posts", "You may also like"),
            ("related posts", "- Five Drills for Better Form"),
        },
        id="a related-posts list and a tag line go; related exercises stay",
    ),
    pytest.param(
        "•\n•\n\nDrills\n\n- High knees\n-  \n- Butt kicks\n",
        [("heading", "Drills"), ("list", "- High knees\n- Butt kicks")],
        {("empty list item", "-")},
        id="empty list items go, and a list of nothing but them",
    ),
    pytest.param(
        "**Easier:** hold the wall with *one* hand. __Harder:__ close your eyes.\n\n"
        "**Warm-up**\n\n"
        "* Skip for 3 * 10 seconds, then rest\n* Save the log as run_log_v2\n",
        [
            ("paragraph", "Easier: hold the wall with one hand. Harder: close your eyes."),
            ("heading", "Warm-up"),
            ("list", "- Skip for 3 * 10 seconds, then rest\n- Save the log as run_log_v2"),
        ],
        set(),
        id="markdown emphasis marks go, a bold line is no bullet, a lone star stays",
    ),
    pytest.param(
        f"{LONG_TITLE}\n\nBy A. Writer | Training | 5 min read\n\nSlow down until you can talk in full sentences.\n\n"
        "By B. Writer · 7 min read · 23 comments\n\nHome » Training » Easy runs\n\n"
        "*By Maya Okafor, MSc, Physiotherapist*\n\nBy April most runners have stopped.\n",
        [
            ("paragraph", "Slow down until you can talk in full sentences."),
            ("paragraph", "By April most runners have stopped."),
        ],
        {
            ("title repeat", LONG_TITLE),
            ("byline", "By A. Writer | Training | 5 min read"),
            ("byline", "By B. Writer · 7 min read · 23 comments"),
            ("breadcrumbs", "Home » Training » Easy runs"),
            ("byline", "*By Maya Okafor, MSc, Physiotherapist*"),
        },
        id="a reading-time byline and a title too long for a heading go",
    ),
]


@pytest.mark.parametrize(("text", "kept", "dropped"), GENERIC_RESIDUE)
def test_generic_residue_goes_and_its_look_alikes_stay(text, kept, dropped):
    result = clean(text, title=LONG_TITLE)
    assert [(b.kind, b.text) for b in result.blocks] == kept
    assert {(d.rule, d.text) for d in result.dropped} == dropped


def test_each_empty_list_item_is_reported():
    dropped = clean("•\n•\n\n- High knees\n-  \n").dropped
    assert [d.rule for d in dropped] == ["empty list item"] * 3


def test_a_sentence_given_as_the_title_is_kept_as_text():
    text = "Run easy most days.\n\nAdd strides twice a week.\n"
    assert [b.text for b in clean(text, title="Run easy most days.").blocks] == [
        "Run easy most days.",
        "Add strides twice a week.",
    ]


def test_a_question_line_heads_its_answer_and_the_answers_mark_goes():
    text = (
        "Welcome to the show.\n\n"
        "Q: I have no box. What jumps can I do at home?\n\n"
        "A: Plenty. Squat jumps and skips.\n\n"
        "Q: How do I skip?\n"
        "A: March on the spot.\n"
        "Add a hop.\n\n"
        "Answering emails takes time."
    )
    blocks = clean(text).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Welcome to the show."),
        ("heading", "I have no box. What jumps can I do at home?"),
        ("paragraph", "Plenty. Squat jumps and skips."),
        ("heading", "How do I skip?"),
        ("paragraph", "March on the spot. Add a hop."),
        ("paragraph", "Answering emails takes time."),  # no "A:" mark: text like any other
    ]
    for block in blocks:  # spans start past the marks, at the words kept
        assert text[block.start :].startswith(block.text.split()[0])


def test_a_shows_sign_off_is_no_answer():
    advice = "Rest a day between sessions. Jump on grass. Stop when your landings get loud."
    result = clean(f"{advice} That's all we have time for today.")
    assert [b.text for b in result.blocks] == [advice]
    assert {d.rule for d in result.dropped} == {"call to action"}


def test_a_transcripts_questions_head_the_answers_and_its_labels_go():
    text = (
        "HOST: Welcome back. This episode is brought to you by a drinks brand with a long story to tell, so use code"
        " RUN for money off your first order today. Okay. Why should runners care about feet?\n\n"
        "GUEST: [laughs] Your feet take every landing.\n\n"
        "HOST: I tried toe splay and my arch cramped.\n\n"
        "GUEST: That is common in the first week.\n\n"
        "[outro music]\n\n"
        "Dose: three sets of ten.\n"
    )
    result = clean(text)
    assert [(b.kind, b.text) for b in result.blocks] == [
        ("heading", "Why should runners care about feet?"),
        ("paragraph", "Your feet take every landing."),
        ("heading", "I tried toe splay and my arch cramped."),
        ("paragraph", "That is common in the first week."),
        ("paragraph", "Dose: three sets of ten."),  # a label in running text, not a speaker
    ]
    assert {d.rule for d in result.dropped} == {"interviewer", "stage direction"}


def test_labelled_lines_without_an_asker_are_no_transcript():
    text = "Harder: hold a weight.\n\nEasier: use both legs.\n\nHarder: go slower.\n\nEasier: hold a wall.\n"
    assert [b.text for b in clean(text).blocks] == [
        "Harder: hold a weight.",
        "Easier: use both legs.",
        "Harder: go slower.",
        "Easier: hold a wall.",
    ]


def test_a_newsletters_header_greeting_sign_off_and_footer_go():
    text = (
        "Subject: Strength training - the when and the how\n"
        "From: Coach Marco <marco@club.example>\n"
        "To: Club members\n\n"
        "Hi team,\n\n"
        "Lift on the same day as your hard run.\n\n"
        "Happy running, Marco\n\n"
        "P.S. Kit orders close on the 30th.\n\n"
        "--------------------------------------------------\n"
        "You are receiving this email because you are a member. Don't want these emails anymore? "
        "Unsubscribe here: https://club.example/unsubscribe"
    )
    result = clean(text)
    assert [b.text for b in result.blocks] == ["Lift on the same day as your hard run."]
    assert {d.rule for d in result.dropped} >= {"email header", "greeting", "sign-off", "postscript", "separator"}


def test_a_lead_in_line_and_the_dashed_list_under_it_are_kept_apart():
    text = "How I'd do it:\n– run first, lift second\n– keep easy days easy\n\nA quote\n– [Dr. Someone]"
    blocks = clean(text).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "How I'd do it:"),
        ("list", "- run first, lift second\n- keep easy days easy"),
        ("paragraph", "A quote – [Dr. Someone]"),  # one dash line attributes: no list
    ]


def test_a_markdown_table_is_a_list_of_rows_named_by_their_columns():
    text = "| Week | Focus | Sessions |\n|------|:-----:|---|\n| 1-2 | Isometrics | 3 |\n| 3-4 | Slow strength | 2-3 |"
    (block,) = clean(text).blocks
    assert block.kind == "list"
    assert (
        block.text == "- Week: 1-2; Focus: Isometrics; Sessions: 3.\n- Week: 3-4; Focus: Slow strength; Sessions: 2-3."
    )
    assert (block.start, block.end) == (0, len(text))


def test_labelled_lines_are_no_headings_and_dated_notes_about_the_document_go():
    text = (
        "*Handout from Claire Dunmore, MCSP. Updated March 2024. Feel free to print, please don't edit.*\n\n"
        "## Wall sit\n\nSlide down the wall.\n\nSets/reps: 5 x 30 second holds\n\nProgress by: sliding lower."
    )
    blocks = clean(text).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Wall sit"),
        ("paragraph", "Slide down the wall."),
        ("paragraph", "Sets/reps: 5 x 30 second holds"),
        ("paragraph", "Progress by: sliding lower."),
    ]


def test_later_answer_marks_of_one_answer_go_too():
    text = "Q: Do I need a gym?\nA: No, not to start.\nA: Heavy lifting needs weights, though."
    blocks = clean(text).blocks
    assert [b.text for b in blocks] == ["Do I need a gym?", "No, not to start. Heavy lifting needs weights, though."]


def test_a_transcripts_timestamped_turns_are_kept_and_its_chapter_list_goes():
    text = (
        "Chapters:\n\n• [12:05] Warming up the hips.\n\n"
        "[00:00:31] GUEST: So I think about it in phases, and in the base phase I want people lifting twice a week.\n\n"
        "[00:02:42] HOST: And people are OK with that?\n\n"
        "[00:02:45] GUEST: Some people freak out a bit, but one session a week is plenty in a peak block.\n"
    )
    result = clean(text)
    kept = " ".join(block.text for block in result.blocks)
    assert "lifting twice a week" in kept and "one session a week is plenty" in kept  # a whole transcript had gone
    assert "[00:" not in kept and "Warming up" not in kept
    turn = next(block for block in result.blocks if "freak out" in block.text)
    assert text[turn.start : turn.end].startswith("GUEST: Some people")  # the span starts after the timestamp


def test_a_quotation_of_an_earlier_post_goes_but_a_handouts_repeated_line_stays():
    text = (
        "## tom\n\nJust tape your ankles before every run and skip the strength stuff. "
        "Ligaments never get stronger.\n\n"
        "## dan\n\n> Just tape your ankles before every run ... Ligaments never get stronger.\n\n"
        "I disagree: tape does not replace balance and strength work.\n\n"
        "## Bridge\n\nMake it harder: do it on one leg.\n\n## Curl\n\nMake it harder: do it on one leg.\n"
    )
    result = clean(text)
    texts = [block.text for block in result.blocks]
    assert texts.count("Make it harder: do it on one leg.") == 2
    assert sum("Just tape your ankles" in t for t in texts) == 1
    assert [d.rule for d in result.dropped] == ["repeated quote"]


def test_a_blog_posts_images_reading_time_affiliate_note_related_posts_and_closed_comments_go():
    text = (
        "![Runner on a ridge](img/hero.jpg)\n\n"
        "Posted in Strength · 6 min read · This post contains affiliate links. If you buy through them I may earn"
        " a small commission.\n\n## Dead bug\n\nLie on your back with your arms up.\n\n"
        "Share this post: [Twitter](https://t.co) · [Facebook](https://fb.com) · [Email](mailto:x)\n\n"
        "Related posts: [Hill reps](/a) · [Downhill drills](/b)\n\nComments (14) are closed for this post.\n"
    )
    result = clean(text)
    assert [(b.kind, b.text) for b in result.blocks] == [
        ("heading", "Dead bug"),
        ("paragraph", "Lie on your back with your arms up."),
    ]


def test_a_handouts_disclaimer_and_booking_lines_go():
    text = (
        "Stop if it hurts.\n\nThis handout is general information and does not replace an individual assessment. "
        "Bookings: clinic.example.com or call reception. 14 Gully Road, Belgrave VIC 3160.\n"
    )
    assert [b.text for b in clean(text).blocks] == ["Stop if it hurts."]


# --- a plain-text handout: page furniture, word-processor bullets, exercise names, tables ------------------

CLINIC_HEADER = "Harbourside Sports Physio   Core Programme for Trail Runners"
CLINIC_FOOTER = "22 Quay Lane, Portwick   Open Mon-Fri 8am-6pm"


def handout_page(number: int, body: str) -> str:
    return f"{CLINIC_HEADER}\n\n{body}\n\n{CLINIC_FOOTER}\nReviewed by the clinic team    Page {number} of 3\n"


def test_a_handouts_running_header_footer_and_page_numbers_go_but_a_repeated_body_line_stays():
    """Lines recurring next to every page break go as page furniture; a line repeated mid-page stays."""
    pages = [
        handout_page(
            1,
            "Work through these twice a week.\n\nDead bug\n\nLie on your back with your arms and knees up.\n"
            "Lower one arm and the opposite leg slowly.\nDose: 3 sets of 8 each side.\n\n"
            "Keep the low back pressed down.\n\nBird dog\n\nKneel on all fours.\n"
            "Reach one arm and the opposite leg long.\nDose: 3 sets of 8 each side.\n\n"
            "Stop if your back aches.\n\nMove on when this feels easy.\n\nBreathe out as you reach.",
        ),
        handout_page(2, "Side plank\n\nLie on your side on one elbow.\nLift the hips in a straight line."),
        handout_page(3, "Hold for 20 seconds."),
    ]
    result = clean("\f".join(pages))
    kept = " ".join(block.text for block in result.blocks)
    assert "Harbourside" not in kept and "Quay Lane" not in kept and "Page" not in kept
    assert kept.count("Dose: 3 sets of 8 each side.") == 2
    assert "Lift the hips in a straight line." in kept and "Hold for 20 seconds." in kept
    furniture = [d.text for d in result.dropped if d.rule == "page furniture"]
    assert furniture.count(CLINIC_HEADER) == 3 and furniture.count(CLINIC_FOOTER) == 3
    assert "Reviewed by the clinic team    Page 2 of 3" in furniture
    assert {d.rule for d in result.dropped} == {"page furniture"}


def test_a_text_without_page_breaks_has_no_page_furniture():
    """Without a form feed or page number, a line repeated at the text's start and end is no running header."""
    text = "Hold for 20 seconds.\n\nBreathe out.\n\nHold for 20 seconds.\n"
    result = clean(text)
    assert [b.text for b in result.blocks] == ["Hold for 20 seconds.", "Breathe out.", "Hold for 20 seconds."]
    assert result.dropped == []


def test_a_word_processors_o_bullets_are_list_items():
    """Lines opening with a lower-case "o" and spaces are a list; a word starting with "o" is not a bullet."""
    text = "Warm-up drills\n\no   Ankle circles\no   Heel walks\no   Side shuffles\n\nOnce a week, add hops.\n"
    assert [(b.kind, b.text) for b in clean(text).blocks] == [
        ("heading", "Warm-up drills"),
        ("list", "- Ankle circles\n- Heel walks\n- Side shuffles"),
        ("paragraph", "Once a week, add hops."),
    ]


def test_a_numbered_name_over_indented_lines_is_a_heading_but_a_plain_numbered_list_stays_a_list():
    """A numbered short name ("1) BIRD DOG") over its tab-indented description and steps heads them, unnumbered."""
    exercise = (
        "1) BIRD DOG\n\tKneel on all fours with a neutral back.\n\t- Reach one arm forward.\n\t- Push one leg back.\n"
    )
    blocks = clean(f"{exercise}\n1. Squats\n2. Lunges\n3. Planks\n").blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "BIRD DOG"),
        ("paragraph", "Kneel on all fours with a neutral back."),
        ("list", "- Reach one arm forward.\n- Push one leg back."),
        ("list", "- Squats\n- Lunges\n- Planks"),
    ]
    assert exercise[blocks[0].start : blocks[0].end] == "BIRD DOG"


def test_a_paragraph_and_the_list_under_it_in_one_block_are_split():
    """A sentence, then "- " items with no blank line between: a paragraph block and a list block."""
    text = "Lie on your back with knees bent.\n- Press your low back down.\n- Breathe out slowly.\n"
    assert [(b.kind, b.text) for b in clean(text).blocks] == [
        ("paragraph", "Lie on your back with knees bent."),
        ("list", "- Press your low back down.\n- Breathe out slowly."),
    ]


def test_labelled_lines_after_a_list_end_it():
    """The "Dose:" and "Easier:" lines right under a list are not its last item, and each is a line of its own."""
    text = "- Step up onto the box.\n- Lower slowly.\nDose: 3 sets of 10.\nEasier: use a lower box.\n"
    assert [(b.kind, b.text) for b in clean(text).blocks] == [
        ("list", "- Step up onto the box.\n- Lower slowly."),
        ("paragraph", "Dose: 3 sets of 10."),
        ("paragraph", "Easier: use a lower box."),
    ]


def test_a_table_laid_out_with_spaces_is_a_list_of_rows_named_by_their_columns():
    """One item per row, each cell named by its column; a row with a blank first cell continues the one above."""
    text = (
        "WEEK     MON        WED\n"
        "1-2      Hops x20   Skips x30\n"
        "         easy pace  on grass\n"
        "3-4      Bounds x10 Hops x30\n"
    )
    (block,) = clean(text).blocks
    assert block.kind == "list"
    assert block.text == (
        "- WEEK: 1-2; MON: Hops x20 - easy pace; WED: Skips x30 - on grass.\n"
        "- WEEK: 3-4; MON: Bounds x10; WED: Hops x30."
    )


def test_feedback_widgets_separators_page_footers_and_link_lines_go_but_a_weight_stays():
    """A help page's residue lines go, each under its rule; a labelled line with a decimal number stays."""
    text = (
        "Calf raise\n\nWas this article helpful?\n\n142 out of 156 found this helpful\n\nRise slowly.\n\n---\n\n"
        "Weight: 2.5 kg dumbbell.\n\n"
        "*Last updated: 3 June 2024* · [Edit this page on GitHub](https://example.com/edit)\n\n"
        "Instagram: @someclinic\n\nBook a check: example.co.uk/book\n\n- [Our other notes](https://example.com)\n"
    )
    result = clean(text)
    assert [(b.kind, b.text) for b in result.blocks] == [
        ("heading", "Calf raise"),
        ("paragraph", "Rise slowly."),
        ("paragraph", "Weight: 2.5 kg dumbbell."),
    ]
    assert {(d.rule, d.text) for d in result.dropped} == {
        ("feedback widget", "Was this article helpful?"),
        ("feedback widget", "142 out of 156 found this helpful"),
        ("separator", "---"),
        ("page footer", "*Last updated: 3 June 2024* · [Edit this page on GitHub](https://example.com/edit)"),
        ("link line", "Instagram: @someclinic"),
        ("link line", "Book a check: example.co.uk/book"),
        ("link line", "- [Our other notes](https://example.com)"),
    }


def test_a_references_section_goes_until_the_next_heading():
    """The blocks under "References" go with it; the section after the next heading is kept."""
    text = (
        "## Hip hinge\n\nPush the hips back.\n\n## References\n\n"
        "1. Marsh T. Hinge study. J Run Sci. 2021.\n2. Ode P. Hips. 2019.\n\n"
        "Further reading on hip strength in older runners.\n\n## Next steps\n\nAdd load slowly.\n"
    )
    result = clean(text)
    assert [(b.kind, b.text) for b in result.blocks] == [
        ("heading", "Hip hinge"),
        ("paragraph", "Push the hips back."),
        ("heading", "Next steps"),
        ("paragraph", "Add load slowly."),
    ]
    assert {d.rule for d in result.dropped} == {"references"}
    assert len(result.dropped) == 3


def _texts(text: str) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in clean(text).blocks]


def test_an_emails_closing_signature_footer_and_quoted_message_go():
    text = (
        "Hi all,\n\nCalf raises are the best thing for a grumpy Achilles. Do 3 sets of 15.\n\n"
        "Keep moving,\nDave\n\nDave Whitcombe\nHarriers Coaching | Level 3 Coach\n\nSent from my iPhone\n\n"
        "--\nYou're receiving this because you signed up.\nHarriers Coaching, 14 Mill Lane, Hebden Bridge, HX7 8AD\n\n"
        "> On 31 Mar 2024, at 09:14, Sue <sue@mail.example> wrote:\n>\n> Any chance of one on weights?\n"
    )
    assert _texts(text) == [("paragraph", "Calf raises are the best thing for a grumpy Achilles. Do 3 sets of 15.")]
    # a name under a closing is the only signature: a later paragraph opening with the name stays
    later = "Cheers,\nTom\n\nHills are strength work.\n\nTom's point about hills is right.\n"
    assert [text for _, text in _texts(later)] == ["Hills are strength work.", "Tom's point about hills is right."]


def test_a_reply_quoted_after_on_wrote_goes_with_the_rest_of_the_email():
    text = "Lift twice a week.\n\nOn Sun, 7 Apr 2024, Sue <sue@mail.example> wrote:\n> Should I lift?\n"
    assert _texts(text) == [("paragraph", "Lift twice a week.")]


def test_a_reply_written_under_the_message_it_quotes_stays():
    text = (
        "Most replies were sensible. One was not:\n\n"
        "On Sun, 16 Feb 2025 at 21:12, Kim <kim@mail.example> wrote:\n> I ran through my calf pain for weeks.\n>\n"
        "> > On Thu, 6 Feb 2025, The Letter wrote:\n> > Tell us how you handle niggles.\n\n"
        "Please nobody take this as a plan.\n\nA calf that is swollen and hot needs a doctor.\n"
    )
    assert [text for _, text in _texts(text)] == [
        "Most replies were sensible. One was not:",
        "Please nobody take this as a plan.",
        "A calf that is swollen and hot needs a doctor.",
    ]
    assert {d.rule for d in clean(text).dropped} == {"quoted message"}


def test_a_text_emails_underlined_headings_links_to_itself_and_wrapped_compounds():
    text = (
        "View this email in your browser <https://letter.example/37>\n\n[image: The Letter - for runners]\n\n"
        "STRETCHING BEFORE YOU RUN: WE'VE CHANGED OUR MINDS\n==================================\n\n"
        "Work towards 25 single-\nleg calf raises, not a well-\n20 or so.\n\nREADER Q&A\n----------\n\n"
        "- Hop on grass: twenty single-\n  leg hops on the spot.\n- Rest a minute.\n\n"
        "Forwarded this email? Subscribe here <https://letter.example/join>\n"
    )
    result = clean(text)
    assert [(b.kind, b.text, b.level) for b in result.blocks] == [
        ("heading", "STRETCHING BEFORE YOU RUN: WE'VE CHANGED OUR MINDS", 1),
        ("paragraph", "Work towards 25 single-leg calf raises, not a well- 20 or so.", 0),
        ("heading", "READER Q&A", 2),
        ("list", "- Hop on grass: twenty single-leg hops on the spot.\n- Rest a minute.", 0),
    ]
    assert [d.rule for d in result.dropped].count("email chrome") == 3
    # a sentence over a rule is no heading
    assert _texts("Lift twice a week.\n-----\n") == [("paragraph", "Lift twice a week.")]


def test_a_newsletters_closing_lines_and_postal_address_go():
    text = (
        "Keep holds short before intervals.\n\n"
        "That's it for this month. Next issue: hills, and why your glutes matter.\n\n"
        "The Long Letter, Masters Running CIC\n14 Quarry Lane, Sheffield S11 8XX, United Kingdom\n\n"
        "Meet at 14 Quarry Lane for the hill session.\n"
    )
    result = clean(text)
    assert [b.text for b in result.blocks] == [
        "Keep holds short before intervals.",
        "Meet at 14 Quarry Lane for the hill session.",
    ]
    assert [d.rule for d in result.dropped].count("postal address") == 2


def test_a_books_other_titles_a_videos_comment_prompt_and_a_contact_line_go():
    text = (
        "## Step-up\n\nStep up and lower slowly.\n\n"
        "Let me know in the comments how you got on. Rest a minute. Then go again.\n\n"
        "Questions: coaches@club.example · Sandra and Mike\n\n## Also by Margaret Okafor\n\n- Hill Strong (2021)\n"
    )
    assert _texts(text) == [
        ("heading", "Step-up"),
        ("paragraph", "Step up and lower slowly."),
        ("paragraph", "Rest a minute. Then go again."),
    ]


def test_plain_text_headings_set_off_by_marks_and_a_heading_line_over_its_list():
    text = (
        "** THE 3-PHASE PLAN **\n\nPhase 1 - Foundation (weeks 1-4)\n  - Split squat: 2 x 12 each leg\n"
        "  - Step-down: 2 x 10 each leg\n"
    )
    assert _texts(text) == [
        ("heading", "THE 3-PHASE PLAN"),
        ("heading", "Phase 1 - Foundation (weeks 1-4)"),
        ("list", "- Split squat: 2 x 12 each leg\n- Step-down: 2 x 10 each leg"),
    ]
    # a sentence over a list is no heading (the block is split where it turns, as before)
    assert _texts("Do these twice a week.\n- Squat\n- Lunge\n")[0] == ("paragraph", "Do these twice a week.")


def test_a_sponsor_read_goes_but_a_kettlebell_in_the_advice_stays():
    text = (
        "## Sponsor\n\nQuick break, this video is sponsored by IronPeak kettlebells. One handle, dial it from 4 to 18 "
        "kilos. Link is in the description, code RAY15 gets you fifteen percent off.\n\n"
        "Exercise four: suitcase carry. One heavy kettlebell in one hand, walk, don't lean.\n\n"
        "Also, the research trials were sponsored by a university and used heavy loads. Lift heavy.\n"
    )
    kept = [text for _, text in _texts(text)]
    assert kept[0] == "Exercise four: suitcase carry. One heavy kettlebell in one hand, walk, don't lean."
    # a study's sponsor is no sponsor read
    assert kept[1] == "Also, the research trials were sponsored by a university and used heavy loads. Lift heavy."


def test_a_monologues_one_speaker_label_goes_and_its_words_stay():
    turns = [
        "So why does it matter more after fifty? Three things: muscle, bone and balance, all of them going.",
        "My philosophy: I want most of you lifting moderately heavy, sets of five to eight, clean form.",
        "Sore the next day after your first couple of sessions? Totally normal, it will be worst on day two.",
    ]
    text = "Auto-generated captions, lightly edited. Timestamps are approximate.\n\n" + "\n\n".join(
        f"[0{n}:15] **Coach:** {turn}" for n, turn in enumerate(turns)
    )
    assert [text for _, text in _texts(text)] == turns
    # a handout's own label, however often it opens a block, stays
    tips = "\n\n".join(f"Tip: keep the knee over the toes and the hips level on rep {n} of the set." for n in range(3))
    assert all(text.startswith("Tip: ") for _, text in _texts(tips))


def texts(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in clean(text, **kwargs).blocks]


def test_a_forum_thread_saved_as_text_is_its_posts_each_under_its_poster():
    """A poster's name over their details heads the post; the signature after "--" ends at the rule between posts
    (it had swallowed every later post), and the buttons, counts and quoted attribution go."""
    text = (
        "Thread: Hill sprints or not?\nPage 1 of 1 | 2 replies | 310 views\n\n----------\nrunner_ann\n"
        "Joined: May 2020 | Posts: 88\nPosted: 2 Feb 2024, 09:10\n\nAre hill sprints worth it for a 10k?\n\n"
        "--\nPB 10k 41:02 | parkrun addict\n\n[Quote]  [Reply]   Like (3)\n\n----------\nCoachBen\n"
        "Joined: Jan 2015 | Posts: 2,001\nPosted: 2 Feb 2024, 11:40\n\n> Originally posted by runner_ann\n"
        "> Are hill sprints worth it for a 10k?\n\nYes, ten seconds uphill at full effort, twice a week.\n\n"
        "--\nCoaching since 2010\n"
    )
    blocks = clean(text).blocks
    assert [b.voice for b in blocks if b.kind == "heading"] == ["post", "post"]
    assert texts(text) == [
        ("heading", "runner_ann"),
        ("paragraph", "Are hill sprints worth it for a 10k?"),
        ("heading", "CoachBen"),
        ("paragraph", "Yes, ten seconds uphill at full effort, twice a week."),
    ]


def test_readers_comments_under_a_post_go_with_the_comment_form():
    text = (
        "## Why easy runs matter\n\nMost of your running should be easy.\n\n## 2 Comments\n\n"
        "**Dan** · 4 March 2024 at 07:12\n\nJust run hard every day, no need for easy runs.\n\n"
        "### Leave a Reply\n\nComment * | Name * | Email * | Website\n\n"
        "[ ] Save my name, email, and website in this browser for the next time I comment.\n\n"
        "© 2024 Some Running Site. All rights reserved. | Privacy Policy\n"
    )
    assert texts(text) == [("heading", "Why easy runs matter"), ("paragraph", "Most of your running should be easy.")]


def test_a_block_written_without_blank_lines_splits_at_headings_and_labelled_fields():
    """ "### Stage 1" over its list heads it instead of becoming part of the text, and a card's "**Muscles:**",
    "**Equipment:**" and "**How to:**" lines stay apart (their label had been taken for a speaker's and cut)."""
    text = (
        "## Where to start\n### Stage 1\n- Wall sit: 2 x 20 seconds\n- Bridge: 2 x 10\n\n"
        "### Side lunge\n\n**Muscles:** Adductors, glutes\n**Equipment:** None\n**How to:**\n1. Step wide.\n"
        "2. Sit into one hip.\n\n**Muscles:** Calves\n\n**Muscles:** Hamstrings\n"
    )
    assert texts(text)[:7] == [
        ("heading", "Where to start"),
        ("heading", "Stage 1"),
        ("list", "- Wall sit: 2 x 20 seconds\n- Bridge: 2 x 10"),
        ("heading", "Side lunge"),
        ("paragraph", "Muscles: Adductors, glutes"),
        ("paragraph", "Equipment: None"),
        ("paragraph", "How to:"),
    ]


def test_a_notes_app_export_loses_its_properties_callout_signs_and_task_list():
    text = (
        "Created: March 3, 2024 8:14 PM\nStatus: Draft\nOwner: Jo\n\n> 💡 Economy is the cost of a pace.\n\n"
        "- ▸ Why does it matter?\n\n    A stiffer spring wastes less energy.\n\n<aside>\n⚠️ Tendons adapt slowly.\n"
        "</aside>\n\n## To do\n\n- [ ] buy a box\n- [x] film landings\n\n## Taper\n\nDrop jumps in race week.\n"
    )
    assert texts(text) == [
        ("paragraph", "Economy is the cost of a pace."),
        ("heading", "Why does it matter?"),
        ("paragraph", "A stiffer spring wastes less energy."),
        ("paragraph", "Tendons adapt slowly."),
        ("heading", "Taper"),
        ("paragraph", "Drop jumps in race week."),
    ]


def test_a_transcripts_header_and_a_timestamp_over_a_turn_are_no_text():
    """A timestamp alone over "HOST: ..." had made the turn a byline ("Host: ...") and dropped the question."""
    text = (
        "RUN SHOW - Episode 9\nTranscript excerpt (auto-generated, lightly edited). Full episode at run.show/9\n"
        "Speakers: HOST = Sam; GUEST = Jo\n\n[01:10]\nHOST: How often should we lift?\n\n"
        "GUEST: Twice a week is plenty for most runners.\n\n[02:30]\nHOST: And how heavy?\n\n"
        "GUEST: Heavy enough that the last rep is hard.\n"
    )
    assert texts(text, title="RUN SHOW - Episode 9") == [
        ("heading", "How often should we lift?"),
        ("paragraph", "Twice a week is plenty for most runners."),
        ("heading", "And how heavy?"),
        ("paragraph", "Heavy enough that the last rep is hard."),
    ]


def test_a_sites_menu_sign_up_box_and_author_box_go():
    text = (
        "Home | Training | Races | Gear | Shop | About\n\n## Hills\n\nRun hills once a week.\n\n"
        "> **Get stronger — free!**\n> Join 14,000+ runners and get our tips straight to your inbox.\n"
        "> *No spam, ever.*\n\n> **About the author**\n> **Maya** is a coach who bakes bread.\n"
    )
    assert texts(text) == [("heading", "Hills"), ("paragraph", "Run hills once a week.")]


def test_an_obsidian_note_keeps_its_links_words_and_callout_titles_and_loses_its_markup():
    text = (
        "Sources: [[Kettlebell plan|the club plan]] and [[Core video]].\n#strength #half-marathon\n\n"
        "## Calves\n\nThe Achilles likes slow loading. #calves Do 3 x 15 (see [[Plan#Week 2|week 2]]).\n\n"
        "![[calf-raise.png]]\n\n"
        "- [x] Double-leg on a step: 3 x 15\n- [ ] Single-leg on a step: 3 x 12\n\n"
        "> [!warning] Achilles red flags\n> A sudden pop means see a physio the same day.\n\n"
        "> [!note]\n> Beginners keep the club rule.\n\n"
        "```dataview\nTABLE date, tags\nFROM #strength\n```\n\n"
        "## Related\n\n- [[Taper checklist]]\n- [[Race-day cramps]]\n\n"
        "## Inbox\n\n- [ ] buy two more bells\n"
    )
    assert texts(text) == [
        ("paragraph", "Sources: the club plan and Core video."),
        ("heading", "Calves"),
        ("paragraph", "The Achilles likes slow loading. Do 3 x 15 (see week 2)."),
        ("list", "- Double-leg on a step: 3 x 15\n- Single-leg on a step: 3 x 12"),
        ("heading", "Achilles red flags"),
        ("paragraph", "A sudden pop means see a physio the same day."),
        ("paragraph", "Beginners keep the club rule."),
        ("heading", "Related"),
    ]
    # the callout's title points at its words in the note
    [heading] = [b for b in clean(text).blocks if b.text == "Achilles red flags"]
    assert text[heading.start : heading.end] == "Achilles red flags"


def test_a_videos_captions_are_read_as_its_chapters_without_their_times():
    """A transcript copied from a video's page: a bare time over each unpunctuated caption line. It had been one
    paragraph, timestamps and all, that a closing "like and subscribe" dropped whole."""
    captions = [
        ("0:00", "hey everyone welcome back to the channel"),
        ("0:04", "today its core for runners"),
        ("0:09", "first one the dead bug lie on your back"),
        ("0:13", "arms straight up to the ceiling"),
        ("0:17", "three sets of eight on each side"),
        ("0:21", "next the side plank elbow under your shoulder"),
        ("0:25", "and a straight line from head to heels"),
        ("0:30", "build up to about forty five seconds"),
        ("0:34", "if this was helpful hit like and subscribe"),
        ("0:38", "see you in the next one"),
    ]
    text = (
        "Core for Runners\nRunStrong Physio · 48,213 views · 2 months ago\n\n"
        "Chapters\n0:00 Intro\n0:09 Dead bug\n0:21 Side plank\n0:34 Outro\n\nTranscript\n"
        + "".join(f"{time}\n{line}\n" for time, line in captions)
    )
    found = clean(text, title="Core for Runners")
    blocks = [(b.kind, b.text) for b in found.blocks]
    assert blocks[blocks.index(("heading", "Dead bug")) :] == [
        ("heading", "Dead bug"),
        (
            "paragraph",
            "first one the dead bug lie on your back arms straight up to the ceiling three sets of eight on each side",
        ),
        ("heading", "Side plank"),
        (
            "paragraph",
            "next the side plank elbow under your shoulder and a straight line from head to heels build "
            "up to about forty five seconds",
        ),
        ("heading", "Outro"),
    ]
    assert not any(re.search(r"\d:\d\d", b.text) for b in found.blocks)
    assert {d.rule for d in found.dropped} >= {"chapter list", "video stats"}
    # a handout's few times ("Rest: 0:30" lines, or a time alone) are no caption layout
    assert clean("Plank\n0:30\nRest\n0:30\nSide plank\n").blocks[0].text.startswith("Plank")
