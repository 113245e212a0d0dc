"""Loading, splitting and discovery: structure-aware chunks with stable ids; bad files skipped with a reason."""

import os

import pytest

from assistant.errors import InputError
from assistant.ingest import MAX_CHUNK_WORDS, Candidate, discover, load_document
from assistant.loaders import Unreadable
from assistant.loaders import load as read_file
from tests.conftest import CORPUS, SEEDS


def load(path, source=None):
    return load_document(Candidate(path, source or path.name, explicit=True))


def test_seed_metadata_and_titles():
    documents = {d.source: d for d in map(load, sorted(CORPUS.glob("*.txt")))}
    assert documents["learn2run-strength-training-glutes.txt"].title == "Strength Training for Runners: Glutes"
    assert documents["learn2run-strength-training-glutes.txt"].metadata["author"] == "Dr. Matt Minard"
    assert documents["top-5-favorite-glute-exercises.txt"].title == "Top 5 Favorite Glute Exercises for Runners"
    assert documents["glute-training-basics.txt"].title == "Glute Training Basics"
    for document in documents.values():
        assert "url" not in document.metadata and "date" not in document.metadata  # none is known


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_corpus_keeps_the_seed_text_verbatim():
    pairs = {
        "000_bf1f62fd895834b3.txt": "learn2run-strength-training-glutes.txt",
        "001_0cdb5ab5137d922c.txt": "top-5-favorite-glute-exercises.txt",
        "003_6708c5a874311bbf.txt": "glute-training-basics.txt",
    }
    for seed, name in pairs.items():
        corpus_text = (CORPUS / name).read_text(encoding="utf-8")
        body = corpus_text.split("\n---\n", 1)[1]
        assert body == (SEEDS / seed).read_text(encoding="utf-8")


def test_sections_follow_the_headings_in_plain_text():
    sections = {c.section for path in CORPUS.glob("*.txt") for c in load(path).chunks}
    assert {"Hip extensors", "Hip flexors", "Muscle functions", "Fitness bands"} <= sections
    assert {"Glute Push-off", "Hip Hinge", "Gluteus Medius", "What Happens Without Them"} <= sections


def test_chunks_fit_the_embedding_model_and_point_at_their_source_text():
    for path in CORPUS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        for chunk in load(path).chunks:
            assert len(chunk.text.split()) <= MAX_CHUNK_WORDS * 3 // 2
            first_words = chunk.text.lstrip("- ").split()[:4]
            assert " ".join(first_words) in " ".join(text[chunk.start : chunk.end].replace("•", "").split())


def test_a_long_paragraph_is_split_at_sentence_ends():
    chunks = load(CORPUS / "glute-training-basics.txt").chunks
    assert len(chunks) >= 2
    for chunk in chunks:
        assert chunk.text.rstrip().endswith((".", "?", "!", "”"))


def test_a_scrape_gap_starts_a_new_chunk():
    # Two blank lines mark the squat and lunge paragraphs whose headings the scrape lost.
    chunks = load(CORPUS / "top-5-favorite-glute-exercises.txt").chunks
    squat = next(c for c in chunks if "all-time favorite glute exercises" in c.text)
    assert "Similar to the squat" not in squat.text
    assert squat.text.startswith("This is one of my all-time favorite")


def test_ids_are_stable_and_change_only_with_the_text(tmp_path):
    first = [c.id for c in load(CORPUS / "glute-training-basics.txt").chunks]
    again = [c.id for c in load(CORPUS / "glute-training-basics.txt").chunks]
    assert first == again and len(set(first)) == len(first)
    edited = tmp_path / "glute-training-basics.txt"
    original = (CORPUS / "glute-training-basics.txt").read_text(encoding="utf-8")
    edited.write_text(original.replace("Learn how to activate the glutes", "Learn to switch on the glutes"))
    changed = [c.id for c in load(edited).chunks]
    assert changed[:2] == first[:2] and changed[2] != first[2]


def test_markdown_html_and_pdf_are_read(tmp_path):
    (tmp_path / "notes.md").write_text(
        "---\ntitle: My notes\nauthor: Coach K\n---\n# Hip hinge\n\nHinge from the hips.\n"
    )
    html = (
        "<html><head><title>Band walks</title><script>var x=1;</script></head><body><nav>Home | Blog</nav>"
        "<h2>Monster walks</h2><p>Put the band around your ankles and step sideways.</p>"
        "<footer>Subscribe now</footer></body></html>"
    )
    (tmp_path / "walks.html").write_text(html)
    (tmp_path / "carry.pdf").write_bytes(make_pdf("Farmer carries load one side."))
    md, page, pdf = load(tmp_path / "notes.md"), load(tmp_path / "walks.html"), load(tmp_path / "carry.pdf")
    assert (md.title, md.metadata["author"], md.chunks[0].section) == ("My notes", "Coach K", "Hip hinge")
    assert page.title == "Band walks" and page.chunks[0].section == "Monster walks"
    assert "step sideways" in page.chunks[0].text and "var x" not in page.chunks[0].text
    assert "Subscribe" not in page.chunks[0].text and "Home" not in page.chunks[0].text
    assert "Farmer carries load one side." in pdf.chunks[0].text


def test_a_sidecar_sets_metadata(tmp_path):
    (tmp_path / "walks.txt").write_text("Step sideways with a band around the ankles, twenty steps each way.\n")
    (tmp_path / "walks.txt.meta.json").write_text('{"title": "Band walks", "author": "Coach K"}')
    document = load(tmp_path / "walks.txt")
    assert (document.title, document.metadata["author"]) == ("Band walks", "Coach K")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"\n\n   \n", "empty file"),
        ("binary.txt", b"\x00\x01\x02binary\x00", "binary file"),
        ("latin1.txt", "Caf\xe9 squats".encode("latin-1"), "not UTF-8"),
        ("bad-front.md", b"---\ntitle My notes\n---\nText.\n", "front matter line 2"),
        ("open-front.md", b"---\ntitle: x\nauthor: y\n", "no closing"),
        ("scanned.pdf", None, "no text"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
        ("only-residue.txt", b"Back To Blog\n\nContact Us\n", "nothing left"),
    ],
)
def test_unusable_files_raise_a_one_line_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(make_pdf("") if content is None else content)
    with pytest.raises(Unreadable) as caught:
        load(path)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_malformed_sidecar_is_a_reason_not_a_crash(tmp_path):
    (tmp_path / "a.txt").write_text("Squat with your weight on your heels, every session.\n")
    (tmp_path / "a.txt.meta.json").write_text("{not json")
    with pytest.raises(Unreadable, match="not valid JSON"):
        load(tmp_path / "a.txt")


def test_discover_skips_unsupported_hidden_readme_and_loops(tmp_path):
    (tmp_path / "a.txt").write_text("Hip hinge.\n")
    (tmp_path / "README.md").write_text("How to add documents.\n")
    (tmp_path / "a.txt.meta.json").write_text("{}")
    (tmp_path / "slides.pptx").write_bytes(b"PK")
    (tmp_path / ".hidden.txt").write_text("secret")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.md").write_text("Lunge.\n")
    os.symlink(tmp_path, sub / "loop")  # a folder that contains itself
    candidates, skipped = discover([tmp_path], tmp_path)
    assert sorted(c.source for c in candidates) == ["a.txt", "sub/b.md"]
    assert [(s.source, s.reason) for s in skipped] == [("slides.pptx", "unsupported file type .pptx")]


def test_discover_rejects_a_missing_path(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        discover([tmp_path / "nope"], tmp_path)


def make_pdf(text: str) -> bytes:
    """A minimal one-page PDF with `text` in Helvetica (no text layer at all when text is empty)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_html_chrome_leaves_no_empty_bullets_and_the_title_loses_a_confirmed_site_name(tmp_path):
    html = (
        "<html><head><title>Cadence Basics | Some Running Blog</title></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/shop'>Shop</a></li></ul></nav>"
        "<h1>Cadence Basics</h1><p>Count your steps for one minute on an easy run.</p>"
        "<aside><h3>More</h3><ul><li><a href='/a'>Another page</a></li></ul></aside></body></html>"
    )
    (tmp_path / "cadence.html").write_text(html)
    page = load(tmp_path / "cadence.html")
    assert page.title == "Cadence Basics"
    assert [chunk.text for chunk in page.chunks] == ["Count your steps for one minute on an easy run."]


def test_readers_comments_under_a_post_are_not_the_documents_text(tmp_path):
    html = (
        "<html><head><title>Hill Drills</title></head><body><h1>Hill Drills</h1>"
        "<p>Run up a short hill ten times, walking down between.</p>"
        "<section class='comments'><h3>2 comments</h3>"
        "<div class='comment'><p class='comment-author'>Pat on May 1</p><p>I do twenty reps, it works!</p>"
        "<p><a href='#'>Reply</a></p></div><div class='comment'><p>Great post.</p></div></section>"
        "<p>Keep the effort steady up the hill.</p></body></html>"
    )
    (tmp_path / "hills.html").write_text(html)
    texts = " ".join(chunk.text for chunk in load(tmp_path / "hills.html").chunks)
    assert "twenty reps" not in texts and "Pat on May 1" not in texts and "Reply" not in texts
    assert "ten times" in texts and "Keep the effort steady" in texts  # the post's text after them stays


def test_an_html_heading_is_a_section_whatever_its_form_and_chrome_in_the_article_goes(tmp_path):
    html = (
        "<html><head><title>Lifting in season</title></head><body><article>"
        "<div class='cookie-notice'><p>We use cookies. <a href='/c'>Manage settings</a></p></div>"
        "<div class='breadcrumbs'><a href='/'>Home</a> &raquo; Strength</div>"
        "<h2>What about calf raises every day?</h2><p>Twice a week is enough for the calves.</p>"
        "<div class='share-bar'>Share: <a href='#'>Share on Facebook</a></div>"
        "<h2>Race week</h2><p>Stop heavy lifting ten days before a marathon.</p></article></body></html>"
    )
    (tmp_path / "season.html").write_text(html)
    chunks = load(tmp_path / "season.html").chunks
    assert [(c.section, c.text) for c in chunks] == [
        ("What about calf raises every day?", "Twice a week is enough for the calves."),
        ("Race week", "Stop heavy lifting ten days before a marathon."),
    ]


@pytest.mark.parametrize(
    ("title", "page", "expected"),
    [
        # The site's name first, confirmed by the name the page declares.
        (
            "Some Running Blog – Cadence Basics",
            '<meta property="og:site_name" content="Some Running Blog"><h2>Count</h2>',
            "Cadence Basics",
        ),
        # Nothing confirms the split: the last part belongs to the title.
        ("Hill Drills - Week 2", "<h1>Hill Drills - Week 2</h1>", "Hill Drills - Week 2"),
        ("Hill Drills - Week 2", "<h2>Hill Drills</h2>", "Hill Drills - Week 2"),
    ],
)
def test_a_title_keeps_its_parts_unless_the_page_confirms_a_site_name(tmp_path, title, page, expected):
    (tmp_path / "page.html").write_text(
        f"<html><head><title>{title}</title>{page}</head><body><p>Run the hill twice, then jog home.</p></body></html>"
    )
    assert load(tmp_path / "page.html").title == expected


def test_a_forum_thread_is_its_posts_each_under_its_posters_name(tmp_path):
    html = (
        "<html><head><title>Ankles keep rolling</title></head><body><h1>Ankles keep rolling</h1>"
        "<div class='thread-meta'>Started by ann, 14 Mar 2024. Replies: 2 · Views: 3,412</div>"
        "<article class='post'><div class='post-author'><a class='username' href='#'>tom</a>"
        "<span class='user-title'>Veteran</span>"
        "<span class='user-stats'>Joined: Feb 2013 · Messages: 4,087</span></div>"
        "<div class='post-date'>14 Mar 2024 at 22:15 · #2</div>"
        "<p>Just tape your ankles before every run and skip the strength stuff entirely.</p>"
        "<div class='signature'>Sent from my iPhone</div>"
        "<div class='post-actions'><a>Quote</a> <a>Like (3)</a> <a>Report</a></div></article>"
        "<div class='ad-slot ad-inline'><span class='ad-label'>Sponsored</span> Entry insurance, quotes in 60 s</div>"
        "<article class='post'><div class='post-author'><a class='username' href='#'>physio_dan</a></div>"
        "<blockquote class='quote'><div class='quote-author'>tom said:</div>Just tape your ankles before every run"
        " ... skip the strength stuff entirely.</blockquote>"
        "<p>I disagree: tape does not replace balance and strength work for rolling ankles.</p></article>"
        "<div class='login-prompt'>You must log in or register to reply here.</div></body></html>"
    )
    (tmp_path / "thread.html").write_text(html)
    page = load(tmp_path / "thread.html")
    assert [(chunk.section, chunk.text) for chunk in page.chunks] == [
        ("tom", "Just tape your ankles before every run and skip the strength stuff entirely."),
        ("physio_dan", "I disagree: tape does not replace balance and strength work for rolling ankles."),
    ]
    assert {chunk.voice for chunk in page.chunks} == {"post"}  # a poster's words, not the page's own advice


def test_an_faq_accordions_questions_are_headings_and_its_feedback_widget_leaves_nothing(tmp_path):
    """Each <details> question is a "###" heading over its answer; the "Was this helpful?" box goes whole."""
    html = (
        "<html><head><title>Running in pregnancy</title></head><body><h1>Running in pregnancy</h1>"
        "<details><summary>Can I run while pregnant?</summary><p>Most people can keep running at an easy effort.</p>"
        "</details><details><summary>When should I stop?</summary><p>Stop and call the clinic if you feel dizzy.</p>"
        "</details><div class='article-feedback'><p>Was this article helpful?</p>"
        "<button>Yes</button><button>No</button><p>12 out of 15 found this helpful</p></div></body></html>"
    )
    (tmp_path / "faq.html").write_text(html)
    text = read_file(tmp_path / "faq.html").text
    assert "### Can I run while pregnant?\n\nMost people can keep running" in text
    assert "### When should I stop?\n\nStop and call" in text
    assert "helpful" not in text and "Yes" not in text and "No" not in text.split()
    assert [(chunk.section, chunk.text) for chunk in load(tmp_path / "faq.html").chunks] == [
        ("Can I run while pregnant?", "Most people can keep running at an easy effort."),
        ("When should I stop?", "Stop and call the clinic if you feel dizzy."),
    ]


def test_a_word_processors_footnote_and_comment_markers_write_nothing(tmp_path):
    """In-page links to a footnote, endnote or comment leave no "[1]" or "[a]" glued to the sentence they mark;
    the footnote's own text stays, without its back-link marker."""
    html = (
        "<html><body><p>Hold each calf stretch for thirty seconds.<sup><a href='#cmnt4' id='cmnt_ref4'>[d]</a></sup>"
        " Breathe out as you lean.<sup><a href='#ftnt2' id='ftnt_ref2'>[2]</a></sup></p>"
        "<p class=MsoNormal>Ice the shin after a long run.<a style='mso-footnote-id:ftn1' href='#_ftn1'"
        " name='_ftnref1'><span class=MsoFootnoteReference>[1]</span></a> Rest a day if it aches."
        "<span class=MsoCommentReference><a class=msocomanchor href='#_msocom_1'>[JR1]</a></span>"
        "<a href='#_edn1' name='_ednref1'><span class=MsoEndnoteReference>[i]</span></a></p>"
        "<hr><div><p><a href='#ftnt_ref2' id='ftnt2'>[2]</a> Longer holds did not help in our group.</p></div>"
        "</body></html>"
    )
    (tmp_path / "stretch.html").write_text(html)
    assert read_file(tmp_path / "stretch.html").text == (
        "Hold each calf stretch for thirty seconds. Breathe out as you lean.\n\n"
        "Ice the shin after a long run. Rest a day if it aches.\n\n"
        "Longer holds did not help in our group.\n"
    )


GOOGLE_DOCS_COMMENTS = (
    "<p>Warm up with ten minutes of easy jogging.<sup><a href='#cmnt1' id='cmnt_ref1'>[a]</a></sup></p>"
    "<div><p><a href='#cmnt_ref1' id='cmnt1'>[a]</a><span>Dana K.: shall we say fifteen minutes?</span></p>"
    "<p><span>Assigned to Lee</span></p></div>"
    "<div><p><a href='#cmnt_ref2' id='cmnt2'>[b]</a><span>Lee: fine as it is</span></p></div>"
)
WORD_COMMENT_LIST = (
    "<div class=WordSection1><p class=MsoNormal>Warm up with ten minutes of easy jogging.</p></div>"
    "<div style='mso-element:comment-list'><hr class=msocomoff><div style='mso-element:comment'>"
    "<div class=msocomtxt id=_com_1><p class=MsoCommentText>Dana K.: shall we say fifteen minutes?</p></div></div>"
    "</div>"
)
WORD_COMMENT_TEXT = (
    "<p class=MsoNormal>Warm up with ten minutes of easy jogging.</p>"
    "<div class=msocomtxt id=_com_1><p class=MsoCommentText>Dana K.: shall we say fifteen minutes?</p></div>"
)


@pytest.mark.parametrize("body", [GOOGLE_DOCS_COMMENTS, WORD_COMMENT_LIST, WORD_COMMENT_TEXT])
def test_collaborators_comments_in_a_word_processors_export_are_not_the_documents_text(tmp_path, body):
    (tmp_path / "warmup.html").write_text(f"<html><body>{body}</body></html>")
    assert read_file(tmp_path / "warmup.html").text == "Warm up with ten minutes of easy jogging.\n"


def test_a_paragraph_wholly_in_bold_is_a_heading_when_short_and_not_a_sentence(tmp_path):
    """Bold by a <style> class, an inline style or <b>/<strong>, as Google Docs and Word write their headings; a
    bold phrase in a paragraph, a bold sentence or lead-in, and Word's right-to-left "mso-bidi-font-weight" are
    no heading."""
    html = (
        "<html><head><style>.k1{font-weight:400}.k5,p.Lead{color:#222;font-weight:700}</style></head><body>"
        "<p class='k3 k9'><span class='k5'>Easy days first</span></p>"
        "<p><span class='k1'>Most runs should feel relaxed. </span><span class='k1' style='font-weight:bold'>Most"
        "</span><span class='k1'> of them.</span></p>"
        "<p><span style='font-size:14pt;font-weight:700'>Hill session</span></p>"
        "<p><span class='k1'>Six hard efforts up a gentle slope.</span></p>"
        "<p class=MsoNormal><strong>How often should I race?</strong></p><p>Once a month at most.</p>"
        "<p><b>Never run through a sharp pain.</b></p>"
        "<p class='Lead'>Before you start:</p>"
        "<p><b>Ease off</b> on the downhills</p>"
        "<p class=MsoNormal><b style='mso-bidi-font-weight:normal'><span class='k1'>Cool down walk</span></b></p>"
        "<p><span style='mso-bidi-font-weight:bold'>Strides after easy runs</span></p>"
        "</body></html>"
    )
    (tmp_path / "plan.html").write_text(html)
    assert read_file(tmp_path / "plan.html").text == (
        "### Easy days first\n\nMost runs should feel relaxed. Most of them.\n\n### Hill session\n\n"
        "Six hard efforts up a gentle slope.\n\n### How often should I race?\n\nOnce a month at most.\n\n"
        "Never run through a sharp pain.\n\nBefore you start:\n\nEase off on the downhills\n\n"
        "Cool down walk\n\nStrides after easy runs\n"
    )


def test_an_html_table_is_a_markdown_table_and_a_layout_table_stays_paragraphs(tmp_path):
    """A table of two or more rows and columns is written as Markdown, the first row its header (<th> cells or
    a word processor's bold first row), so each cell is named by its column; one column or one row is layout."""
    html = (
        "<html><body><p>How far each group runs:</p>"
        "<table><tr><th>Group</th><th>Runs | week</th><th>Longest run</th></tr>"
        "<tr><td><p>Starters</p></td><td>3</td><td>  8\n  km </td></tr><tr><td>Club</td><td>5</td><td>18 km</td></tr>"
        "</table>"
        "<table><tbody><tr><td><p class=MsoNormal><b>Day</b></p></td><td><p class=MsoNormal><b>Session</b></p></td>"
        "<td><p class=MsoNormal><b>Note</b></p></td></tr><tr><td colspan=2><p>Rest day</p></td><td>Walk</td></tr>"
        "<tr><td><p>Tue</p></td><td><p>Hills</p></td><td><p>Short</p></td></tr></tbody></table>"
        "<table><tr><td><p>A single column holds this.</p><p>And this.</p></td></tr><tr><td>Its second row.</td></tr>"
        "</table><table><tr><td>Left side.</td><td>Right side.</td></tr></table></body></html>"
    )
    (tmp_path / "groups.html").write_text(html)
    assert read_file(tmp_path / "groups.html").text == (
        "How far each group runs:\n\n"
        "| Group | Runs / week | Longest run |\n|---|---|---|\n| Starters | 3 | 8 km |\n| Club | 5 | 18 km |\n\n"
        "| Day | Session | Note |\n|---|---|---|\n| Rest day |  | Walk |\n| Tue | Hills | Short |\n\n"
        "A single column holds this.\n\nAnd this.\n\nIts second row.\n\nLeft side.\n\nRight side.\n"
    )
    texts = [chunk.text for chunk in load(tmp_path / "groups.html").chunks]
    rows = "\n".join(texts)
    assert "Group: Starters; Runs / week: 3; Longest run: 8 km." in rows
    assert "Day: Tue; Session: Hills; Note: Short." in rows


def test_a_title_taken_from_a_spaced_out_running_header_has_single_spaces(tmp_path):
    (tmp_path / "sheet.txt").write_text("Clinic Name              Knee Programme (rev. 2)\n\nDo these daily.\n")
    [candidate], _ = discover([tmp_path], tmp_path)
    assert load_document(candidate).title == "Clinic Name Knee Programme (rev. 2)"


def test_a_section_knows_the_heading_it_sits_under_when_the_source_marks_depths(tmp_path):
    (tmp_path / "plan.md").write_text(
        "# Spring plan\n\nTwo sessions a week.\n\n## Session A\n\n### Goblet squat\n\nSit between your heels.\n\n"
        "### Swing\n\nHinge, do not squat.\n\n**Make it easier**\n\nDeadlift instead.\n\n## Cautions\n\n"
        "Stop if it is sharp.\n"
    )
    [candidate], _ = discover([tmp_path], tmp_path)
    chunks = load_document(candidate).chunks
    assert [(c.parent, c.section) for c in chunks] == [
        ("", ""),  # under the document's title
        ("Session A", "Goblet squat"),
        ("Session A", "Swing"),
        ("Swing", "Make it easier"),  # a heading of unmarked depth sits under the last marked one
        ("", "Cautions"),
    ]


def test_a_forum_thread_saved_as_text_is_titled_by_its_thread_not_the_forums_trail(tmp_path):
    (tmp_path / "thread.txt").write_text(
        "Run Forums > Training > Strength\nThread: Are hill sprints worth it?\n\nrunner_ann\nJoined: May 2020\n\n"
        "I do them twice a week and they help.\n"
    )
    [candidate], _ = discover([tmp_path], tmp_path)
    document = load_document(candidate)
    assert document.title == "Are hill sprints worth it?"
    assert [(c.section, c.text) for c in document.chunks] == [("runner_ann", "I do them twice a week and they help.")]


def test_an_email_saved_as_text_is_titled_by_its_subject_and_its_header_is_no_text(tmp_path):
    from assistant.loaders import load

    path = tmp_path / "newsletter.txt"
    path.write_text(
        "From: Dave Whitcombe <dave@coach.example>\nTo: Sue <sue@mail.example>\n"
        "Subject: Notes #47 - Strength for the over-50s\nDate: Sun, 7 Apr 2024 18:32:05 +0100\n"
        "List-Unsubscribe: <https://coach.example/unsubscribe>\n\nLift twice a week.\n",
        encoding="utf-8",
    )
    loaded = load(path)
    assert loaded.metadata["title"] == "Notes #47 - Strength for the over-50s"
    assert loaded.metadata["author"] == "Dave Whitcombe"
    assert loaded.text[loaded.content_start :] == "Lift twice a week.\n"
    # labelled lines at the top of a handout are no mail header
    handout = tmp_path / "handout.txt"
    handout.write_text("Dose: 3 sets of 8\nEasier: both legs\n\nLift twice a week.\n", encoding="utf-8")
    assert load(handout).content_start == 0 and "title" not in load(handout).metadata
