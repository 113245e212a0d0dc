"""OpenDocument text (.odt): the body's headings, lists and tables as text, and nothing of the page furniture,
the comments or a tracked deletion.

The documents are written here as the XML parts LibreOffice saves (no office library is needed to read or test).
"""

import io
import zipfile

import pytest

from assistant import odt_text
from assistant.ingest import discover, load_document
from assistant.loaders import Unreadable, load

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)
AUTOMATIC = """<office:automatic-styles>
<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Text_20_body">
  <style:text-properties fo:font-weight="bold"/></style:style>
<text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-format="1"/>
  <text:list-level-style-bullet text:level="2" text:bullet-char="•"/></text:list-style>
<text:list-style style:name="L2"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/></text:list-style>
</office:automatic-styles>"""
STYLES = f"""<office:document-styles {NS}><office:styles>
<style:style style:name="Title" style:family="paragraph"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph"/>
</office:styles><office:master-styles><style:master-page style:name="Standard">
<style:header><text:p>Harbour Harriers · Page <text:page-number>1</text:page-number></text:p></style:header>
</style:master-page></office:master-styles></office:document-styles>"""
META = f"""<office:document-meta {NS}><office:meta><dc:title>Home strength plan</dc:title>
<meta:initial-creator>Sandra Pell</meta:initial-creator><dc:creator>Mike Ferris</dc:creator></office:meta>
</office:document-meta>"""


def odt(body: str) -> bytes:
    content = f"<office:document-content {NS}>{AUTOMATIC}<office:body><office:text>{body}</office:text></office:body>"
    parts = {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "content.xml": content + "</office:document-content>",
        "styles.xml": STYLES,
        "meta.xml": META,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, xml in parts.items():
            package.writestr(name, xml)
    return buffer.getvalue()


BODY = """
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>
  <text:p>Push through any pain in the first two weeks.</text:p></text:deletion></text:changed-region>
</text:tracked-changes>
<text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>
<text:table-of-content><text:index-body><text:p>Where to start ........ 1</text:p></text:index-body>
</text:table-of-content>
<text:p text:style-name="Title">Home strength plan</text:p>
<text:h text:outline-level="1">Where to start</text:h>
<text:list text:style-name="L1">
  <text:list-item><text:p>Check with your GP first.<office:annotation><dc:creator>Mike</dc:creator>
    <text:p>add osteoporosis here?</text:p></office:annotation></text:p></text:list-item>
  <text:list-item><text:p>Do the chair test.</text:p>
    <text:list><text:list-item><text:p>Arms folded.</text:p></text:list-item></text:list></text:list-item>
</text:list>
<text:h text:outline-level="2">Session 1</text:h>
<text:p text:style-name="P1">Goblet squat</text:p>
<text:p>Hold the<text:s text:c="2"/>bell at your chest<text:note text:note-class="footnote">
  <text:note-citation>1</text:note-citation><text:note-body><text:p>Or a dumbbell.</text:p></text:note-body>
  </text:note> and sit<text:soft-page-break/> down.<draw:frame><draw:text-box><text:p>Pull quote</text:p>
  </draw:text-box></draw:frame></text:p>
<text:list text:style-name="L2"><text:list-item><text:p>Band side steps</text:p></text:list-item></text:list>
<table:table><table:table-header-rows><table:table-row><table:table-cell><text:p>Week</text:p></table:table-cell>
  <table:table-cell><text:p>Sets</text:p></table:table-cell></table:table-row></table:table-header-rows>
  <table:table-row><table:table-cell><text:p>1</text:p></table:table-cell>
  <table:table-cell><text:p>2 x 10</text:p></table:table-cell></table:table-row></table:table>
"""


def test_headings_lists_and_tables_are_written_as_the_cleaner_reads_markdown():
    assert odt_text.text_of(odt(BODY)) == (
        "# Home strength plan\n\n## Where to start\n\n1. Check with your GP first.\n2. Do the chair test.\n"
        "  • Arms folded.\n\n### Session 1\n\n### Goblet squat\n\nHold the bell at your chest and sit down.\n\n"
        "• Band side steps\n\n| Week | Sets |\n|---|---|\n| 1 | 2 x 10 |\n"
    )


def test_comments_deletions_notes_frames_contents_and_the_page_header_are_no_text():
    text = odt_text.text_of(odt(BODY))
    for furniture in ("Push through", "osteoporosis", "Or a dumbbell", "Pull quote", "........", "Harbour", "Page"):
        assert furniture not in text
    assert odt_text.metadata_of(odt(BODY)) == {"title": "Home strength plan", "author": "Sandra Pell"}


def test_an_odt_in_the_corpus_is_read_with_its_title_and_sections(tmp_path):
    (tmp_path / "plan.odt").write_bytes(odt(BODY))
    candidates, skipped = discover([tmp_path], tmp_path)
    assert skipped == []
    document = load_document(candidates[0])
    assert document.title == "Home strength plan"
    sections = {chunk.section: chunk.text for chunk in document.chunks}
    assert sections["Where to start"] == "- Check with your GP first.\n- Do the chair test.\n- Arms folded."
    assert sections["Goblet squat"].startswith("Hold the bell at your chest and sit down.\n- Band side steps")


@pytest.mark.parametrize(
    ("parts", "reason"),
    [(None, "not a zip archive"), ({"styles.xml": STYLES}, "no content.xml"), ({"content.xml": "<x"}, "damaged")],
)
def test_a_file_that_is_no_odt_is_refused_in_one_line(tmp_path, parts, reason):
    path = tmp_path / "plan.odt"
    if parts is None:
        path.write_bytes(b"PK not really a zip")
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            for name, xml in parts.items():
                package.writestr(name, xml)
        path.write_bytes(buffer.getvalue())
    with pytest.raises(Unreadable, match=reason) as refused:
        load(path)
    assert "\n" not in str(refused.value) and "OpenDocument" in str(refused.value)
