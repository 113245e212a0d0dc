"""Word documents (.docx): the body's headings, lists and tables as text, and nothing of the page furniture.

The documents are written here as the XML parts Word saves (no Word library is needed to read or to test).
"""

import io
import zipfile

import pytest

from assistant import docx_text
from assistant.ingest import discover, load_document
from assistant.loaders import Unreadable, load

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
)
STYLES = f"""<w:styles {NS}>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
<w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="Exercise name"/><w:basedOn w:val="Heading2"/></w:style>
<w:style w:type="paragraph" w:styleId="Kop1"><w:name w:val="Kop 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListNumber"><w:name w:val="List Number"/>
  <w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>
</w:styles>"""
NUMBERING = f"""<w:numbering {NS}>
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""
CORE = """<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Spring half plan</dc:title>
 <dc:creator>Coach Ana Ruiz</dc:creator></cp:coreProperties>"""


def paragraph(text: str, style: str = "", bold: bool = False, numbered: str = "") -> str:
    properties = f'<w:pStyle w:val="{style}"/>' if style else ""
    if numbered:
        properties += f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{numbered}"/></w:numPr>'
    run = f'<w:r>{"<w:rPr><w:b/></w:rPr>" if bold else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'
    return f"<w:p><w:pPr>{properties}</w:pPr>{run}</w:p>"


def docx(body: str, extra: dict[str, str] | None = None) -> bytes:
    parts = {
        "word/document.xml": f"<w:document {NS}><w:body>{body}</w:body></w:document>",
        "word/styles.xml": STYLES,
        "word/numbering.xml": NUMBERING,
        "docProps/core.xml": CORE,
        "word/header1.xml": f"<w:hdr {NS}><w:p><w:r><w:t>Riverside Run Club page</w:t></w:r></w:p></w:hdr>",
        "word/comments.xml": f'<w:comments {NS}><w:comment w:id="0"><w:p><w:r><w:t>check with Sam</w:t></w:r>'
        "</w:p></w:comment></w:comments>",
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, xml in parts.items():
            package.writestr(name, xml)
    return buffer.getvalue()


def test_headings_lists_and_tables_are_written_as_the_cleaner_reads_markdown():
    body = (
        paragraph("Spring half strength plan", "Title")
        + paragraph("Two sessions a week keep your legs strong.")
        + paragraph("Goblet squat", "Heading1")
        + paragraph("Hold the kettlebell at your chest.", "ListNumber")
        + paragraph("Sit back until your thighs are level.", "ListNumber")
        + paragraph("Slow on the way down", numbered="1")
        + paragraph("Split squat", "Mine")
        + paragraph("Oefeningen", "Kop1")
        + paragraph("Pallof press", bold=True)
        + paragraph("Press the band straight out, hold for two breaths.", bold=True)
        + "<w:tbl><w:tr><w:tc>"
        + paragraph("Week")
        + "</w:tc><w:tc>"
        + paragraph("Session A")
        + "</w:tc></w:tr><w:tr><w:tc>"
        + paragraph("1")
        + "</w:tc><w:tc>"
        + paragraph("Squat 3x8")
        + "</w:tc></w:tr></w:tbl>"
    )
    text = docx_text.text_of(docx(body))
    assert text.split("\n\n") == [
        "# Spring half strength plan",
        "Two sessions a week keep your legs strong.",
        "## Goblet squat",
        "1. Hold the kettlebell at your chest.\n2. Sit back until your thighs are level.\n• Slow on the way down",
        "### Split squat",  # a style based on "heading 2" is one
        "## Oefeningen",  # a heading known by its outline level, whatever the style is called
        "### Pallof press",  # short and wholly bold
        "Press the band straight out, hold for two breaths.",  # bold, but a sentence
        "| Week | Session A |\n|---|---|\n| 1 | Squat 3x8 |\n",
    ]
    assert docx_text.metadata_of(docx(body)) == {"title": "Spring half plan", "author": "Coach Ana Ruiz"}


def test_comments_deletions_field_codes_text_boxes_and_a_contents_table_are_no_text():
    body = (
        '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr>'
        "<w:sdtContent>" + paragraph("Goblet squat ........ 2") + "</w:sdtContent></w:sdt>"
        '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t xml:space="preserve">Rest 90 seconds</w:t></w:r>'
        '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
        '<w:del w:id="1"><w:r><w:delText> or two minutes</w:delText></w:r></w:del>'
        '<w:ins w:id="2"><w:r><w:t xml:space="preserve"> between sets</w:t></w:r></w:ins>'
        '<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p>'
        '<w:p><w:r><w:t xml:space="preserve">Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
        '</w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:r><w:t xml:space="preserve">Keep the hips level.</w:t></w:r><w:r><w:drawing><w:txbxContent>'
        + paragraph("Pull quote: strong hips, fast miles")
        + "</w:txbxContent></w:drawing></w:r></w:p>"
    )
    text = docx_text.text_of(docx(body))
    assert text == "Rest 90 seconds between sets.\n\nPage 3\n\nKeep the hips level.\n"
    for furniture in ("Riverside", "check with Sam", "two minutes", "PAGE", "Pull quote", "........"):
        assert furniture not in text


def test_a_docx_in_the_corpus_is_read_with_its_title_and_sections(tmp_path):
    body = paragraph("Goblet squat", "Heading1") + paragraph("Hold the kettlebell at your chest and sit down.")
    (tmp_path / "plan.docx").write_bytes(docx(body))
    candidates, skipped = discover([tmp_path], tmp_path)
    assert skipped == []
    document = load_document(candidates[0])
    assert document.title == "Spring half plan"
    assert [(chunk.section, chunk.text) for chunk in document.chunks] == [
        ("Goblet squat", "Hold the kettlebell at your chest and sit down.")
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xd0\xcf\x11\xe0 an old binary .doc", "not a zip archive"),
        (b"", "empty file"),
    ],
)
def test_a_file_that_is_no_word_document_is_refused_in_one_line(tmp_path, data, reason):
    path = tmp_path / "plan.docx"
    path.write_bytes(data)
    with pytest.raises(Unreadable, match=reason) as refused:
        load(path)
    assert "\n" not in str(refused.value)


def test_a_zip_without_a_body_or_with_a_damaged_one_is_refused(tmp_path):
    for parts, reason in (({"word/styles.xml": STYLES}, "no word/document.xml"), ({}, "document.xml is damaged")):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            package.writestr("word/document.xml", "<w:document") if not parts else None
            for name, xml in parts.items():
                package.writestr(name, xml)
        path = tmp_path / "plan.docx"
        path.write_bytes(buffer.getvalue())
        with pytest.raises(Unreadable, match=reason):
            load(path)
