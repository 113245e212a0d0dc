"""A Word document (.docx) as the headings, paragraphs, lists and tables the rest of ingest reads.

A .docx is a zip of XML parts. Only the body (`word/document.xml`) becomes text: the page header and footer
("Riverside Run Club · Page 2"), the collaborators' comments and the footnotes are parts of their own, so none
of them reaches a passage, and a comment's or footnote's mark in the body writes nothing. Tracked changes read
as if accepted (insertions kept, deletions dropped); a field shows its result, never its code ("PAGE").

`text_of` returns plain text in the shape the cleaner reads from a Markdown file: blocks separated by blank
lines, a heading as "## Heading" (a paragraph styled "Title" or "Heading N", by the style's name or outline
level, or a short paragraph wholly in bold that does not end as a sentence does, as word processors' users
write headings), a numbered or bulleted paragraph as a list item ("1. ", "• "; a numbered list counts from 1,
a deeper level indented), a table of two or more rows and columns as a Markdown table, whose header row the
cleaner names each cell by. A table of contents (Word's generated one) goes: its lines repeat the headings.
`metadata_of` reads the title and author from the document's properties.

Leaves out: text in text boxes and shapes (usually a pull quote or a caption), embedded objects, the older
binary .doc format, and list numbering that restarts or starts elsewhere than 1 by the document's own rules.
"""

import re
from xml.etree import ElementTree

from assistant import zipped
from assistant.text import markdown_blocks, table_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"
BOLD_HEADING_WORDS = 12  # as an HTML export's bold paragraph: longer, it is a bold sentence
# Elements whose text is not the body's running text: a text box's paragraphs, the fallback copy of a drawing
# (its text would come twice), a deleted run and a field's code.
SKIPPED = frozenset(
    {
        f"{W}txbxContent",
        f"{W}delText",
        f"{W}instrText",
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    }
)


NOT_A_ZIP = "not a zip archive (a .docx is one; an old binary .doc is not read: save it as .docx)"


def text_of(data: bytes) -> str:
    """The body's text as blocks; raise zipped.BadPackage when the file is not a readable .docx."""
    with zipped.opened(data, NOT_A_ZIP) as package:
        body = zipped.xml(package, "word/document.xml")
        styles = _Styles(zipped.xml(package, "word/styles.xml", required=False))
        lists = _Numbering(zipped.xml(package, "word/numbering.xml", required=False))
    found = body.find(f"{W}body")
    if found is None:
        raise zipped.BadPackage("no document body")
    return markdown_blocks(_Writer(styles, lists).blocks(found))


def metadata_of(data: bytes) -> dict[str, str]:
    """The title and author the document's properties give ({} when it gives none)."""
    with zipped.opened(data, NOT_A_ZIP) as package:
        core = zipped.xml(package, "docProps/core.xml", required=False)
    if core is None:
        return {}
    found = {"title": core.findtext(f"{DC}title") or "", "author": core.findtext(f"{DC}creator") or ""}
    return {key: " ".join(value.split()) for key, value in found.items() if value.strip()}


def _val(element: ElementTree.Element | None, name: str = "val") -> str | None:
    return None if element is None else element.get(f"{W}{name}")


def _on(element: ElementTree.Element | None) -> bool:
    """A toggle property such as <w:b/>: on unless its value says off."""
    return element is not None and _val(element) not in ("0", "false", "off")


class _Styles:
    """What each paragraph style means here: a heading's level, a list it numbers, whether its text is bold.

    A style inherits what it does not set from the style it is based on ("My Heading" based on "heading 2").
    """

    def __init__(self, root: ElementTree.Element | None) -> None:
        self._styles = {}
        for style in [] if root is None else root.iter(f"{W}style"):
            self._styles[_val(style, "styleId") or ""] = style

    def level(self, style_id: str | None) -> int:
        """1 for a title, 2-6 for "heading 1" to "heading 5" (and deeper ones at 6), 0 for any other style."""
        for style in self._chain(style_id):
            name = (_val(style.find(f"{W}name")) or "").lower()
            if name == "title":
                return 1
            heading = re.fullmatch(r"heading (\d)", name)
            outline = _val(style.find(f"{W}pPr/{W}outlineLvl"))
            if heading or (outline or "").isdigit():
                return min(int(heading[1]) if heading else int(outline) + 1, 5) + 1
        return 0

    def numbered(self, style_id: str | None) -> ElementTree.Element | None:
        """The numbering a list style gives its paragraphs ("List Number", "List Bullet")."""
        for style in self._chain(style_id):
            numbering = style.find(f"{W}pPr/{W}numPr")
            if numbering is not None:
                return numbering
        return None

    def bold(self, style_id: str | None) -> bool:
        for style in self._chain(style_id):
            weight = style.find(f"{W}rPr/{W}b")
            if weight is not None:
                return _on(weight)
        return False

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            yield self._styles[style_id]
            style_id = _val(self._styles[style_id].find(f"{W}basedOn"))


class _Numbering:
    """Which lists are bulleted and which numbered, level by level."""

    def __init__(self, root: ElementTree.Element | None) -> None:
        abstract = {}
        self._formats: dict[str, dict[str, str]] = {}
        if root is None:
            return
        for definition in root.iter(f"{W}abstractNum"):
            abstract[_val(definition, "abstractNumId")] = {
                _val(level, "ilvl"): _val(level.find(f"{W}numFmt")) or "" for level in definition.iter(f"{W}lvl")
            }
        for instance in root.iter(f"{W}num"):
            self._formats[_val(instance, "numId")] = abstract.get(_val(instance.find(f"{W}abstractNumId")), {})

    def ordered(self, list_id: str, level: str) -> bool:
        return self._formats.get(list_id, {}).get(level, "bullet") not in ("bullet", "none", "")


class _Writer:
    """The body's blocks in order, each a heading, paragraph, list item or table as the cleaner reads them."""

    def __init__(self, styles: _Styles, lists: _Numbering) -> None:
        self.styles = styles
        self.lists = lists
        self.counts: dict[tuple[str, int], int] = {}  # a numbered list's items so far, per list and level

    def blocks(self, container: ElementTree.Element) -> list[str]:
        written = []
        for child in container:
            if child.tag == f"{W}p":
                written.append(self._paragraph(child))
            elif child.tag == f"{W}tbl":
                written.append(self._table(child))
            elif child.tag == f"{W}sdt" and not self._contents_table(child):
                content = child.find(f"{W}sdtContent")
                written.extend(self.blocks(content) if content is not None else [])
        return written

    def _contents_table(self, control: ElementTree.Element) -> bool:
        gallery = _val(control.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")) or ""
        return "table of contents" in gallery.lower()

    def _paragraph(self, paragraph: ElementTree.Element) -> str:
        text = _text(paragraph).strip()
        if not text:
            return ""
        style = _val(paragraph.find(f"{W}pPr/{W}pStyle"))
        level = self.styles.level(style)
        if level:
            return f"{'#' * level} {' '.join(text.split())}"
        numbering = paragraph.find(f"{W}pPr/{W}numPr")
        numbering = numbering if numbering is not None else self.styles.numbered(style)
        if numbering is not None and _val(numbering.find(f"{W}numId")) not in (None, "0"):
            return self._item(numbering, text)
        self.counts.clear()  # a paragraph between two lists ends the first one's count
        short = len(text.split()) <= BOLD_HEADING_WORDS and not text.endswith((".", ":", ";"))
        if short and self._bold(paragraph, style):
            return f"### {' '.join(text.split())}"
        return text

    def _item(self, numbering: ElementTree.Element, text: str) -> str:
        list_id = _val(numbering.find(f"{W}numId")) or ""
        written_level = _val(numbering.find(f"{W}ilvl")) or "0"
        depth = min(int(written_level), 8) if written_level.isdigit() else 0
        for key in [key for key in self.counts if key[0] == list_id and key[1] > depth]:
            del self.counts[key]  # a deeper level counts afresh under each item above it
        self.counts[list_id, depth] = self.counts.get((list_id, depth), 0) + 1
        marker = f"{self.counts[list_id, depth]}." if self.lists.ordered(list_id, str(depth)) else "•"
        return f"{'  ' * depth}{marker} {' '.join(text.split())}"

    def _bold(self, paragraph: ElementTree.Element, style: str | None) -> bool:
        """Every run with text in bold, by its own formatting or else its paragraph style's."""
        runs = [run for run in paragraph.iter(f"{W}r") if (run.findtext(f"{W}t") or "").strip()]
        default = self.styles.bold(style)
        return bool(runs) and all(
            _on(weight) if (weight := run.find(f"{W}rPr/{W}b")) is not None else default for run in runs
        )

    def _table(self, table: ElementTree.Element) -> str:
        rows = []
        for row in table.findall(f"{W}tr"):
            cells = []
            for cell in row.findall(f"{W}tc"):
                text = " ".join(" ".join(_text(p).split()) for p in cell.iter(f"{W}p")).strip()
                span = _val(cell.find(f"{W}tcPr/{W}gridSpan")) or "1"
                cells.extend([text.replace("|", "/"), *[""] * (min(int(span), 50) - 1 if span.isdigit() else 0)])
            rows.append(cells)
        return table_text(rows)


def _text(element: ElementTree.Element) -> str:
    """A paragraph's shown text: its runs' text, a tab as a space, a line break as a new line."""
    parts = []
    for child in element:
        if child.tag in SKIPPED:
            continue
        if child.tag == f"{W}t":
            parts.append(child.text or "")
        elif child.tag in (f"{W}tab", f"{W}ptab"):
            parts.append(" ")
        elif child.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif child.tag != f"{W}p":  # a nested paragraph is a text box's or a cell's, read on its own
            parts.append(_text(child))
    return "".join(parts)
