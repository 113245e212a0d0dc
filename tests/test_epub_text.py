"""E-books (.epub): the pages of the text in reading order, read as saved web pages; the cover, copyright,
contents and other books' pages are not text, and a footnote is, without its marks."""

import io
import zipfile

import pytest

from assistant import epub_text
from assistant.ingest import discover, load_document
from assistant.loaders import Unreadable, load

CONTAINER = """<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""
OPF = """<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Strong Legs</dc:title>
<dc:creator>Margaret Okafor</dc:creator></metadata>
<manifest>
<item id="nav" href="Text/nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="cover" href="Text/cover.xhtml" media-type="application/xhtml+xml"/>
<item id="rights" href="Text/rights.xhtml" media-type="application/xhtml+xml"/>
<item id="ch2" href="Text/ch%202.xhtml" media-type="application/xhtml+xml"/>
<item id="ch1" href="Text/ch1.xhtml" media-type="application/xhtml+xml"/>
<item id="ad" href="Text/ad.xhtml" media-type="application/xhtml+xml"/>
<item id="img" href="Images/c.png" media-type="image/png"/>
</manifest>
<spine><itemref idref="cover"/><itemref idref="nav"/><itemref idref="rights"/><itemref idref="ch1"/>
<itemref idref="ch2"/><itemref idref="ad" linear="no"/><itemref idref="img"/></spine>
<guide><reference type="copyright-page" href="Text/rights.xhtml"/></guide>
</package>"""


def page(body: str, body_type: str = "bodymatter") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml" '
        f'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Page</title></head>'
        f'<body epub:type="{body_type}">{body}</body></html>'
    )


PAGES = {
    "OEBPS/Text/nav.xhtml": page('<nav epub:type="toc"><ol><li><a href="ch1.xhtml">Lift</a></li></ol></nav>'),
    "OEBPS/Text/cover.xhtml": page('<section epub:type="cover"><h1>Strong Legs</h1></section>', "frontmatter"),
    "OEBPS/Text/rights.xhtml": page("<p>All rights reserved. No part of this publication may be copied.</p>"),
    "OEBPS/Text/ch1.xhtml": page(
        '<section epub:type="chapter"><h1>Chapter 1 Why lift</h1><p>Lift twice a week, with two reps in reserve.'
        '<a epub:type="noteref" href="#fn1"><sup>1</sup></a> Keep it heavy.</p>'
        '<span epub:type="pagebreak" title="58"></span>'
        '<aside epub:type="footnote" id="fn1"><p><a href="#fnref1">1.</a> Reps in reserve: how many more you '
        "could have done.</p></aside></section>"
    ),
    "OEBPS/Text/ch 2.xhtml": page("<h1>Chapter 2 The session</h1><h2>Step-up</h2><p>Step up and lower slowly.</p>"),
    "OEBPS/Text/ad.xhtml": page("<h1>Also by Margaret Okafor</h1><p>Hill Strong (2021)</p>", "backmatter"),
}


def epub(pages: dict[str, str] | None = None, opf: str = OPF) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", "application/epub+zip")
        package.writestr("META-INF/container.xml", CONTAINER)
        package.writestr("OEBPS/content.opf", opf)
        for name, xhtml in (PAGES if pages is None else pages).items():
            package.writestr(name, xhtml)
    return buffer.getvalue()


def test_the_text_pages_are_read_in_the_spines_order_and_the_others_left_out():
    pages = epub_text.pages_of(epub())
    assert len(pages) == 2
    assert "Chapter 1 Why lift" in pages[0] and "Chapter 2 The session" in pages[1]
    assert epub_text.metadata_of(epub()) == {"title": "Strong Legs", "author": "Margaret Okafor"}


def test_an_epub_in_the_corpus_is_read_with_its_footnote_and_without_marks(tmp_path):
    (tmp_path / "book.epub").write_bytes(epub())
    candidates, skipped = discover([tmp_path], tmp_path)
    assert skipped == []
    document = load_document(candidates[0])
    assert document.title == "Strong Legs"
    text = " ".join(chunk.text for chunk in document.chunks)
    assert "Lift twice a week, with two reps in reserve. Keep it heavy." in text
    assert "Reps in reserve: how many more you could have done." in text
    assert "1." not in text and "58" not in text
    for other in ("rights reserved", "Also by", "Hill Strong"):
        assert other not in text
    assert "Step up and lower slowly." in text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not a zip", "not a zip archive"),
        (epub({}, OPF.replace("<itemref", "<x")), "no pages of text"),
        (epub(opf="<package"), "content.opf is damaged"),
    ],
)
def test_a_file_that_is_no_readable_book_is_refused_in_one_line(tmp_path, data, reason):
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    with pytest.raises(Unreadable, match=reason) as refused:
        load(path)
    assert "\n" not in str(refused.value) and "e-book" in str(refused.value)
