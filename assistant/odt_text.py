"""A LibreOffice or OpenDocument text file (.odt) as the headings, paragraphs, lists and tables the rest of
ingest reads.

An .odt is a zip of XML parts. Only the body (`content.xml`'s office:text) becomes text: the page header and
footer live in `styles.xml` and are not read. In the body, the collaborators' comments (office:annotation), the
footnotes and endnotes, a tracked change's deleted text (kept apart in text:tracked-changes), a generated table
of contents or index, frames (images, text boxes) and the sequence and form declarations write nothing; an
inserted change reads as accepted. A soft page break writes nothing.

`text_of` returns plain text in the shape the cleaner reads from a Markdown file: blocks separated by blank
lines, a heading as "## Heading" (a text:h by its outline level, a paragraph styled "Title" or "Subtitle" as the
top level, or a short paragraph wholly in bold that does not end as a sentence does), a list's items as "1. " or
"• " lines (deeper levels indented), a table of two or more rows and columns as a Markdown table.
`metadata_of` reads the title and author from `meta.xml`.

Leaves out: a list that continues another's numbering (each list counts from 1), bold given to a paragraph's
spans rather than its style, and the older binary formats (.sxw, .doc).
"""

from xml.etree import ElementTree

from assistant import zipped
from assistant.text import markdown_blocks, table_text

OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"
BOLD_HEADING_WORDS = 12  # as a Word document's bold paragraph: longer, it is a bold sentence
# Inside a paragraph: what is not its running text.
SKIPPED = frozenset(
    {
        f"{OFFICE}annotation",
        f"{TEXT}note",
        f"{TEXT}tracked-changes",
        "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}frame",
        f"{TEXT}bookmark-ref",
    }
)
# In the body: blocks that are not the document's text (a generated contents table or index repeats headings).
SKIPPED_BLOCKS = frozenset(
    {
        f"{TEXT}tracked-changes",
        f"{TEXT}sequence-decls",
        f"{TEXT}variable-decls",
        f"{TEXT}user-field-decls",
        f"{OFFICE}forms",
        f"{TEXT}table-of-content",
        f"{TEXT}alphabetical-index",
        f"{TEXT}illustration-index",
        f"{TEXT}table-index",
        f"{TEXT}object-index",
        f"{TEXT}user-index",
        f"{TEXT}bibliography",
    }
)


def text_of(data: bytes) -> str:
    """The body's text as blocks; raise zipped.BadPackage when the file is not a readable .odt."""
    with zipped.opened(data, "not a zip archive (an .odt is one; save it from your word processor as .odt)") as odt:
        content = zipped.xml(odt, "content.xml")
        common = zipped.xml(odt, "styles.xml", required=False)
    body = content.find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        raise zipped.BadPackage("no text body (a spreadsheet or presentation is not read)")
    return markdown_blocks(_Writer(_Styles(common, content)).blocks(body))


def metadata_of(data: bytes) -> dict[str, str]:
    """The title and author the document's properties give ({} when it gives none)."""
    with zipped.opened(data) as odt:
        meta = zipped.xml(odt, "meta.xml", required=False)
    if meta is None:
        return {}
    found = {
        "title": meta.findtext(f"{OFFICE}meta/{DC}title") or "",
        "author": meta.findtext(f"{OFFICE}meta/{META}initial-creator")
        or meta.findtext(f"{OFFICE}meta/{DC}creator")
        or "",
    }
    return {key: " ".join(value.split()) for key, value in found.items() if value.strip()}


class _Styles:
    """What a paragraph style means here (a title, bold text) and whether a list style numbers its items.

    A style inherits what it does not set from its parent ("P3" based on "Text body"); the document's own
    styles (styles.xml) and the automatic ones written beside the body (content.xml) are looked up together.
    """

    def __init__(self, *roots: ElementTree.Element | None) -> None:
        self._paragraph: dict[str, ElementTree.Element] = {}
        self._lists: dict[str, ElementTree.Element] = {}
        for root in roots:
            for style in [] if root is None else root.iter(f"{STYLE}style"):
                if style.get(f"{STYLE}family") == "paragraph":
                    self._paragraph[style.get(f"{STYLE}name") or ""] = style
            for style in [] if root is None else root.iter(f"{TEXT}list-style"):
                self._lists[style.get(f"{STYLE}name") or ""] = style

    def title(self, name: str | None) -> bool:
        """A title or subtitle: the document's name, over all its headings."""
        return any(
            (style.get(f"{STYLE}display-name") or style.get(f"{STYLE}name") or "").lower() in ("title", "subtitle")
            for style in self._chain(name)
        )

    def bold(self, name: str | None) -> bool:
        for style in self._chain(name):
            weight = style.find(f"{STYLE}text-properties")
            if weight is not None and weight.get(f"{FO}font-weight"):
                return weight.get(f"{FO}font-weight") in ("bold", "600", "700", "800", "900")
        return False

    def ordered(self, name: str | None, level: int) -> bool:
        style = self._lists.get(name or "")
        if style is None:
            return False
        for definition in style:
            if definition.get(f"{TEXT}level") == str(level + 1):
                return definition.tag == f"{TEXT}list-level-style-number" and bool(definition.get(f"{STYLE}num-format"))
        return False

    def _chain(self, name: str | None):
        seen = set()
        while name and name in self._paragraph and name not in seen:
            seen.add(name)
            yield self._paragraph[name]
            name = self._paragraph[name].get(f"{STYLE}parent-style-name")


class _Writer:
    """The body's blocks in order, each a heading, paragraph, list item or table as the cleaner reads them."""

    def __init__(self, styles: _Styles) -> None:
        self.styles = styles

    def blocks(self, container: ElementTree.Element) -> list[str]:
        written: list[str] = []
        for child in container:
            if child.tag in SKIPPED_BLOCKS:
                continue
            if child.tag == f"{TEXT}h":
                text = _flat(child)
                level = child.get(f"{TEXT}outline-level") or "1"
                written.append(f"{'#' * (min(int(level), 5) + 1 if level.isdigit() else 2)} {text}" if text else "")
            elif child.tag == f"{TEXT}p":
                written.append(self._paragraph(child))
            elif child.tag == f"{TEXT}list":
                written.extend(self._list(child, 0, child.get(f"{TEXT}style-name")))
            elif child.tag == f"{TABLE}table":
                written.append(self._table(child))
            elif child.tag == f"{TEXT}section":
                written.extend(self.blocks(child))
        return written

    def _paragraph(self, paragraph: ElementTree.Element) -> str:
        text = _flat(paragraph)
        style = paragraph.get(f"{TEXT}style-name")
        if text and self.styles.title(style):
            return f"# {text}"
        short = len(text.split()) <= BOLD_HEADING_WORDS and not text.endswith((".", ":", ";"))
        if text and short and self.styles.bold(style):
            return f"### {text}"
        return text

    def _list(self, items: ElementTree.Element, depth: int, style: str | None) -> list[str]:
        written, number = [], 0
        style = items.get(f"{TEXT}style-name") or style  # a nested list takes its outer list's style
        for item in items:
            if item.tag not in (f"{TEXT}list-item", f"{TEXT}list-header"):
                continue
            number += 1
            marker = f"{number}." if self.styles.ordered(style, depth) else "•"
            first = True
            for child in item:
                if child.tag == f"{TEXT}list":
                    written.extend(self._list(child, depth + 1, style))
                elif child.tag in (f"{TEXT}p", f"{TEXT}h") and (text := _flat(child)):
                    # an item's further paragraphs continue it, indented as a Markdown list's do
                    written.append(f"{'  ' * depth}{marker} {text}" if first else f"{'  ' * (depth + 1)}{text}")
                    first = False
        return written

    def _table(self, table: ElementTree.Element) -> str:
        rows = []
        for row in table.iter(f"{TABLE}table-row"):
            cells = []
            for cell in row:
                if cell.tag == f"{TABLE}table-cell":
                    cells.append(" ".join(_flat(p) for p in cell.iter() if p.tag in (f"{TEXT}p", f"{TEXT}h")).strip())
                elif cell.tag == f"{TABLE}covered-table-cell":  # the place of a cell another spans
                    cells.append("")
            cells = [cell.replace("|", "/") for cell in cells]
            rows.append(cells)
        return table_text(rows)


def _flat(element: ElementTree.Element) -> str:
    return " ".join(_text(element).split())


def _text(element: ElementTree.Element) -> str:
    """A paragraph's shown text: its spans' and links' text, spaces (text:s) and tabs as spaces, a line break
    as a space; comments, notes and frames write nothing."""
    parts = [element.text or ""]
    for child in element:
        if child.tag in SKIPPED:
            pass
        elif child.tag == f"{TEXT}s":
            count = child.get(f"{TEXT}c") or "1"
            parts.append(" " * min(int(count), 8) if count.isdigit() else " ")
        elif child.tag in (f"{TEXT}tab", f"{TEXT}line-break"):
            parts.append(" ")
        elif child.tag not in (f"{TEXT}p", f"{TEXT}list"):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
