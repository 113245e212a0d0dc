"""Reading source files: .md, .txt, .html, .pdf, .docx, .odt, .epub, .srt and .vtt into plain text plus metadata.

Metadata comes from a front-matter block at the top of a .md/.txt file (or an e-mail's header: its subject is
the title), or from a sidecar file
`NAME.EXT.meta.json` beside any document (the sidecar wins where both name a field). Text files keep their
exact characters, so a passage's span points into the file itself; HTML, PDF and Word spans point into the
extracted text. An HTML page's chrome (menus, sidebars, footers) is skipped, and its <title> loses the site's
name where the page confirms it. A word processor's HTML export (Google Docs, Word) loses its collaborators'
comments and its footnote markers, and its bold-paragraph headings and tables are read as such. Anything that
cannot be read raises `Unreadable` with a one-line reason.

Leaves out: OCR of scanned PDFs, character-set guessing (text must be UTF-8), and HTML layout beyond
headings, paragraphs, list items and tables (a cell spanning rows is one row's).
"""

import hashlib
import json
import re
import stat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from assistant import docx_text, epub_text, odt_text, subtitles, zipped
from assistant.pdf_pages import text_of
from assistant.text import bare, markdown_table

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx", ".odt", ".epub", ".srt", ".vtt")
SIDECAR_SUFFIX = ".meta.json"
MAX_FILE_BYTES = 20 * 1024 * 1024
METADATA_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,40}")
# An e-mail's header: "Name: value" lines (a folded line continues with a space) up to a blank line.
MAIL_HEADER = re.compile(r"\A(?:[A-Za-z][A-Za-z0-9-]{0,40}:[^\n]*\n(?:[ \t][^\n]*\n)*){2,40}\s*?\n")


class Unreadable(Exception):
    """The file cannot become a document; the message is the one-line reason shown to the user."""


@dataclass(frozen=True)
class LoadedText:
    text: str
    content_start: int  # where the content begins (after any front matter)
    metadata: dict[str, str]
    fingerprint: str  # hash of the file's bytes and its sidecar's: equal fingerprints mean nothing changed
    posters: frozenset[str] = frozenset()  # headings that name a forum post's author (a saved thread's markup)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def load(path: Path) -> LoadedText:
    """Read one supported file; raise Unreadable with the reason when it can't be used."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise Unreadable(
            f"unsupported file type '{suffix or path.name}' (Stride reads {', '.join(SUPPORTED_SUFFIXES)})"
        )
    data = _read_bytes(path)
    sidecar_bytes, sidecar = _read_sidecar(path)
    posters: frozenset[str] = frozenset()
    if suffix == ".pdf":
        text, start, metadata = _pdf_text(data)
    elif suffix in (".docx", ".odt", ".epub"):
        text, start, metadata = _package_text(data, suffix)
    else:
        decoded = _decode(data)
        if suffix in (".html", ".htm"):
            text, start, metadata, posters = _html_text(decoded)
        elif suffix in (".srt", ".vtt"):
            text, start, metadata = _subtitle_text(decoded)
        else:
            metadata, start = parse_front_matter(decoded)
            if not start:
                metadata, start = parse_mail_header(decoded)
            text = decoded
    if not text[start:].strip():
        raise Unreadable("no text in it (empty file, or a PDF with no text layer)")
    fingerprint = hashlib.sha256(data + b"\0" + sidecar_bytes).hexdigest()
    return LoadedText(text, start, {**metadata, **sidecar}, fingerprint, posters)


def parse_front_matter(text: str) -> tuple[dict[str, str], int]:
    """`---` / `key: value` lines / `---` at the very top; returns the metadata and where content starts."""
    if not text.startswith("---\n") and not text.startswith("---\r\n"):
        return {}, 0
    metadata: dict[str, str] = {}
    position = text.index("\n") + 1
    line_number = 1
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end == -1 else end
        line = text[position:end].rstrip("\r")
        line_number += 1
        position = end + 1
        if line.strip() == "---":
            return metadata, min(position, len(text))
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep or not METADATA_KEY.fullmatch(key.strip()):
            raise Unreadable(f"front matter line {line_number} is not 'key: value': {line.strip()[:60]!r}")
        metadata[key.strip().lower()] = value.strip().strip("\"'")
    raise Unreadable("front matter starts with '---' but has no closing '---' line")


def parse_mail_header(text: str) -> tuple[dict[str, str], int]:
    """An e-mail saved as text: its header lines ("From: ...", "Subject: ...", up to the first blank line) at the
    very top, naming at least a sender and a subject. The subject is the document's title, the sender its
    author, the date its date; the rest (recipients, reply and unsubscribe addresses, content type) is dropped
    with the header. ({}, 0) when the text opens otherwise."""
    head = MAIL_HEADER.match(text)
    if not head:
        return {}, 0
    fields: dict[str, str] = {}
    for line in head[0].splitlines():
        key, _, value = line.partition(":")
        if key.strip() and not line[:1].isspace():
            fields.setdefault(key.strip().lower(), value.strip())
    if not {"from", "subject"} <= fields.keys():
        return {}, 0
    sender = re.sub(r"\s*<[^>]*>", "", fields["from"]).strip().strip("\"'")
    metadata = {"title": fields["subject"], "author": sender or fields["from"], "date": fields.get("date", "")}
    return {key: value for key, value in metadata.items() if value}, head.end()


def _read_bytes(path: Path) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # reading a named pipe would wait forever for a writer
            raise Unreadable("not a regular file (a pipe, socket or device)")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable(
                f"too large ({size // (1024 * 1024)} MiB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MiB)"
            )
        data = path.read_bytes()
    except PermissionError:
        raise Unreadable("permission denied") from None
    except OSError as error:
        raise Unreadable(f"cannot be read ({error.strerror or error})") from None
    if not data.strip():
        raise Unreadable("empty file")
    return data


def _decode(data: bytes) -> str:
    if b"\0" in data[:8192]:
        raise Unreadable("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(f"not UTF-8 text (bad byte at offset {error.start}); save it as UTF-8") from None


def _read_sidecar(path: Path) -> tuple[bytes, dict[str, str]]:
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return b"", {}
    raw = _read_bytes(sidecar)
    try:
        fields = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Unreadable(f"metadata file {sidecar.name} is not valid JSON ({error})") from None
    if not isinstance(fields, dict):
        raise Unreadable(f"metadata file {sidecar.name} must hold a JSON object of fields")
    metadata: dict[str, str] = {}
    for key, value in fields.items():
        if not METADATA_KEY.fullmatch(str(key)) or isinstance(value, dict | list):
            raise Unreadable(f"metadata file {sidecar.name}: field {key!r} must be a simple name with a text value")
        metadata[str(key).lower()] = str(value)
    return raw, metadata


def _pdf_text(data: bytes) -> tuple[str, int, dict[str, str]]:
    import io

    import pypdf  # imported here: only PDF users pay for it

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable("encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata or {}).get("/Title") or ""
    except Unreadable:
        raise
    except Exception as error:  # pypdf raises many types for damaged files
        raise Unreadable(f"not a readable PDF ({type(error).__name__})") from None
    return text_of(pages), 0, ({"title": str(title).strip()} if str(title).strip() else {})


PACKAGE_KINDS = {".docx": "Word document", ".odt": "OpenDocument text", ".epub": "e-book"}


def _package_text(data: bytes, suffix: str) -> tuple[str, int, dict[str, str]]:
    """A zip of XML parts: a Word or OpenDocument file's body, or an e-book's pages read as saved web pages."""
    try:
        if suffix == ".epub":
            pages = [_html_text(page) for page in epub_text.pages_of(data)]
            return (
                "\n\n".join(text[start:].strip() for text, start, _, _ in pages) + "\n",
                0,
                epub_text.metadata_of(data),
            )
        reader = docx_text if suffix == ".docx" else odt_text
        return reader.text_of(data), 0, reader.metadata_of(data)
    except zipped.BadPackage as error:
        raise Unreadable(f"not a readable {PACKAGE_KINDS[suffix]}: {error}") from None


def _subtitle_text(decoded: str) -> tuple[str, int, dict[str, str]]:
    try:
        return subtitles.text_of(decoded), 0, {}
    except subtitles.NoCaptions as error:
        raise Unreadable(str(error)) from None


@dataclass
class _Table:
    """An HTML table being read: its rows of cell texts so far, and where in the written parts its rows begin."""

    start: int | None = None  # index in the parts of its first row: what comes before (a caption) stays
    rows: list[list[str]] = field(default_factory=list)
    row: list[str] | None = None  # the open row's cells
    cell: tuple[int, int] | None = None  # the open cell: the index in the parts where its text starts, its colspan
    nested: bool = False  # holds another table: a page's layout, whose cells are whole blocks, not values


class _HtmlToText(HTMLParser):
    """Headings, paragraphs and list items become blocks separated by blank lines; page chrome is skipped.

    Inside skipped chrome nothing is written, not even a list item's bullet: a menu's links would otherwise
    leave a run of empty bullets behind.

    A word processor's export (Google Docs' "Download as HTML", Word's "Save as web page") is read for what its
    markup means: a footnote's or comment's reference marker writes nothing, the collaborators' comments go, a
    paragraph wholly in bold is a heading, and a table of two or more rows and columns is a Markdown table.
    """

    SKIPPED = frozenset(
        {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "iframe", "button"}
    )
    BLOCKS = frozenset({"p", "div", "section", "article", "br", "blockquote", "pre", "ul", "ol", "main"})
    TABLE_PARTS = frozenset({"table", "tr", "td", "th"})
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
    HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
    SITE_NAME_META = frozenset({"og:site_name", "application-name"})
    # Readers' comments under a post (class or id "comments", "comment-list", "disqus_thread", "respond"): what
    # a reader wrote is not the document's advice, and a commenter's name and date became a passage's section.
    COMMENTS = re.compile(r"(?:^|[\s_-])(?:comments?|comment-?list|commentlist|disqus\w*|respond)(?:$|[\s_-])", re.I)
    CONTAINERS = frozenset({"section", "div", "ol", "ul", "span", "p"})
    # Page chrome inside the article, named by its class or id: a breadcrumb trail had become a passage's
    # section ("Home » Strength » Race season") and a cookie banner's button a sentence ("Manage settings").
    # A forum thread's too: a poster's rank and counts, a post's date, buttons and signature, the thread's
    # statistics, a login prompt, page links and adverts ("Joined: Jun 2021 · Messages: 212" had been a passage).
    CHROME = re.compile(
        r"(?:^|[\s_-])(?:breadcrumbs?|cookie\w*|consent|share\w*|social\w*|newsletter\w*|related\w*"
        r"|signatures?|user-?(?:title|stats|info|details|meta|rank|extras)|(?:post|message|entry)-?(?:date|meta|actions"
        r"|footer|tools|controls|stats)|thread-?(?:meta|stats|tools)|page-?nav\w*|pagination|login\w*|sign-?in"
        r"|ad-?(?:slot|label|banner|unit|wrapper|container|inline|sidebar|leaderboard)|advert\w*|sponsored"
        r"|quote-?(?:author|attribution)|similar-?threads?|(?:article-?|page-?)?feedback|helpful\w*|ratings?)(?:$|[\s_-])",
        re.I,
    )
    # A forum post's author: written as a heading, so each post is a section named by who wrote it and an answer
    # quoting a post says whose it is ("tapeitup_tom", not "14 Mar 2024 at 22:15").
    POSTER = re.compile(r"(?:^|\s)(?:username|user-name|poster-?name|message-?author-?name)(?:$|\s)", re.I)
    # An in-page link to a word processor's footnote, endnote or comment, or back from one to where it is marked
    # (Google Docs: "#ftnt1", "#cmnt1", "#ftnt_ref1", "#cmnt_ref1"; Word: "#_ftn1", "#_ednref1", "#_msocom_1"; an
    # e-book's or a Markdown converter's: "#fn1", "#fnref1", "#fn:1"):
    # its "[1]" or "[a]" had been glued to the sentence it marks ("easy days stay easy.[a]").
    NOTE_LINK = re.compile(r"#(?:cmnt|ftnt|_ftn|_edn|_msocom|fnref|fn[-_:]?\d|footnote-?ref)", re.I)
    # The same marked by its meaning (an e-book's or a careful page's): a note's mark and its link back to it, and
    # the <aside> that holds the note, which is text, not a sidebar.
    NOTE_MARK = re.compile(r"\b(?:doc-noteref|noteref|doc-backlink|backlink)\b", re.I)
    NOTE = re.compile(r"\b(?:doc-footnote|doc-endnote|footnote|endnote|rearnote)\b", re.I)
    # A comment's link back to where it was made: Google Docs writes all the comments last, each opening with one.
    COMMENT_BACKLINK = re.compile(r"#cmnt_ref", re.I)
    # Word's comments: each one's text (class "msocomtxt") and the list of them all (style "mso-element:comment-list").
    WORD_COMMENT = re.compile(r"(?:^|\s)msocomtxt(?:$|\s)|mso-element:\s*comment", re.I)
    # A bold paragraph this short, not ending as a sentence or a lead-in does, is a word processor's heading.
    HEADING_WORDS = 12
    NO_HEADINGS_INSIDE = frozenset({"li", "td", "th", "summary", "blockquote", *HEADINGS})
    # "font-weight: 700" in a style or a <style> rule, not Word's "mso-bidi-font-weight" (bold in right-to-left text).
    FONT_WEIGHT = re.compile(r"(?:^|[;{\s])font-weight\s*:\s*([\w-]+)", re.I)
    CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
    CLASS_SELECTOR = re.compile(r"[\w-]*\.([\w-]+)")  # ".c8", "p.MsoTitle"
    MAX_COLSPAN = 50  # a bogus colspan="1000" adds no thousand empty columns

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.main_headings: list[str] = []  # the <h1>s: the page's own name for itself
        self.site_name = ""
        self._skip_depth = 0
        self._in_title = False
        self._heading: list[str] | None = None
        self._cut: list = []  # [tag, depth] of an open comments or chrome section: its tags of that name are counted
        self._poster: list = []  # [tag, depth] of an open poster's name, written as a heading
        self.posters: list[str] = []  # the posters' names, so the cleaner knows those headings for posts
        self._comments_begun = False  # a word processor's comments, written after the document: nothing more is text
        self._notes = 0  # open <aside>s that are footnotes, read as text
        self._in_style = False
        self._class_weights: dict[str, tuple[int, bool]] = {}  # class -> (its rule's order in the page, bold)
        self._rules_read = 0
        self._open: list[tuple[str, bool | None]] = []  # open elements, each with the boldness it sets (None: none)
        self._paragraph: list | None = None  # [index of its opening in the parts, any text not bold] of an open <p>
        self._tables: list[_Table] = []

    def handle_starttag(self, tag, attrs):
        if self._comments_begun:
            return
        if self._cut:
            self._cut[1] += tag == self._cut[0]
            return
        named = dict(attrs)
        names = f"{named.get('class') or ''} {named.get('id') or ''}"
        if tag in self.CONTAINERS and (self.COMMENTS.search(names) or self.CHROME.search(names)):
            self._cut = [tag, 1]
            return
        if self.WORD_COMMENT.search(f"{named.get('class') or ''} {named.get('style') or ''}"):
            self._cut = [tag, 1]
            return
        semantic = f"{named.get('role') or ''} {named.get('epub:type') or ''}"
        if tag == "a" and self.NOTE_MARK.search(semantic):
            self._cut = ["a", 1]  # a footnote's mark, or its link back to the mark: "1" glued to a sentence
            return
        if tag == "aside" and self.NOTE.search(semantic):
            self._notes += 1
            tag = "div"  # a footnote's text is the document's, wherever the page puts it
        if tag == "a" and self.NOTE_LINK.match(named.get("href") or ""):
            if self.COMMENT_BACKLINK.match(named["href"]):
                self._comments_begun = True  # a collaborator's comment is not the document's text, nor what follows
            else:
                self._cut = ["a", 1]  # the marker writes nothing; a footnote's own text stays
            return
        if self.POSTER.search(names) and not self._skip_depth:
            self.parts.append("\n\n### ")
            self._poster = [tag, 1]
            self.posters.append("")
            return
        if self._poster:
            self._poster[1] += tag == self._poster[0]
        if tag not in self.VOID:
            self._open.append((tag, self._boldness(tag, named)))
        if tag == "meta":
            self._read_meta(named)
        elif tag in self.SKIPPED:
            self._skip_depth += 1
            self._in_style = tag == "style"
        elif tag == "title":
            self._in_title = True
        elif self._skip_depth:
            return
        elif tag in self.HEADINGS:
            # Marked as Markdown marks it, so cleaning knows it for a heading whatever its form: "What about
            # calf raises every day?" had been read as a sentence of the section before.
            self.parts.append(f"\n\n{'#' * int(tag[1])} ")
            if tag == "h1":
                self._heading = []
        elif tag == "summary":  # an FAQ's question, folded over its answer (<details><summary>)
            self.parts.append("\n\n### ")
        elif tag == "blockquote":
            self.parts.append("\n\n> ")  # marked as Markdown marks a quotation (a forum reply quoting a post)
        elif tag in self.TABLE_PARTS:
            self._open_table_part(tag, named)
        elif tag == "p":
            self._end_paragraph()  # an unclosed <p> ends where the next one begins
            self.parts.append("\n\n")
            headed = self._poster or any(name in self.NO_HEADINGS_INSIDE for name, _ in self._open)
            self._paragraph = None if headed else [len(self.parts) - 1, False]
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n• ")

    def handle_endtag(self, tag):
        if self._comments_begun:
            return
        if self._cut:
            self._cut[1] -= tag == self._cut[0]
            if not self._cut[1]:
                self._cut = []
            return
        if self._poster:
            self._poster[1] -= tag == self._poster[0]
            if not self._poster[1]:
                self._poster = []
                self.parts.append("\n\n")
                return
        if tag == "aside" and self._notes:
            self._notes -= 1
            tag = "div"
        self._close_element(tag)
        if tag in self.SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
            self._in_style = False
        elif tag == "title":
            self._in_title = False
        elif self._skip_depth:
            return
        elif tag in self.TABLE_PARTS:
            self._close_table_part(tag)
            self.parts.append("\n\n")
        elif tag in self.HEADINGS or tag in self.BLOCKS or tag == "summary":
            if tag == "p":
                self._end_paragraph()
            self.parts.append("\n\n")
            if tag == "h1" and self._heading is not None:
                self.main_headings.append(" ".join("".join(self._heading).split()))
                self._heading = None

    def handle_data(self, data):
        if self._cut or self._comments_begun:
            return
        if self._in_title:
            self.title += data
        elif self._in_style:
            self._read_style(data)
        elif not self._skip_depth:
            self.parts.append(re.sub(r"\s+", " ", data))
            if self._poster:
                self.posters[-1] += data
            if self._heading is not None:
                self._heading.append(data)
            if self._paragraph and data.strip() and not self._bold():
                self._paragraph[1] = True

    def _read_style(self, css: str) -> None:
        """Which classes the page's <style> makes bold or not bold: a word processor marks its headings so."""
        for rule in self.CSS_RULE.finditer(re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
            weight = self._weight(rule[2])
            for selector in rule[1].split(","):
                named = self.CLASS_SELECTOR.fullmatch(selector.strip())
                if named and weight is not None:
                    self._class_weights[named[1]] = (self._rules_read, weight)
                    self._rules_read += 1

    def _weight(self, declarations: str) -> bool | None:
        """Whether CSS declarations make text bold, not bold, or leave its weight alone (None); the last one wins."""
        values = self.FONT_WEIGHT.findall(declarations)
        if not values:
            return None
        value = values[-1].lower()
        if value.isdigit() or value in ("bold", "bolder", "normal", "lighter"):
            return value in ("bold", "bolder") or (value.isdigit() and 600 <= int(value) <= 900)
        return None  # "inherit" and the like

    def _boldness(self, tag: str, attrs: dict) -> bool | None:
        """What an element does to its text's weight: its own style first, then its classes' <style> rules (the
        later rule winning), then what <b> and <strong> mean; None where it sets none."""
        inline = self._weight(attrs.get("style") or "")
        if inline is not None:
            return inline
        declared = sorted(
            self._class_weights[name] for name in (attrs.get("class") or "").split() if name in self._class_weights
        )
        if declared:
            return declared[-1][1]
        return True if tag in ("b", "strong") else None

    def _bold(self) -> bool:
        return next((bold for _, bold in reversed(self._open) if bold is not None), False)

    def _close_element(self, tag: str) -> None:
        """Close the innermost open element of this name, and any left unclosed inside it."""
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def _end_paragraph(self) -> None:
        """A paragraph wholly in bold, short, and not ending as a sentence or a lead-in does, is a heading: word
        processors write their headings so, and their sections had run together under the one before."""
        if self._paragraph is None:
            return
        index, plain = self._paragraph
        self._paragraph = None
        text = "".join(self.parts[index + 1 :]).strip()
        if plain or not text or "\n" in text or len(text.split()) > self.HEADING_WORDS:
            return
        if not text.endswith((".", ":", ";")):
            self.parts[index] = "\n\n### "

    def _open_table_part(self, tag: str, attrs: dict) -> None:
        """Note where a table's rows and cells begin; their text is written as any other's meanwhile, so a
        layout table (one column or one row) stays the paragraphs it holds."""
        if tag == "table":
            for table in self._tables:
                table.nested = True
            self._tables.append(_Table())
        elif self._tables:
            table = self._tables[-1]
            if tag == "tr":
                self._end_row(table)  # an unclosed row or cell ends where the next one begins
            else:
                self._end_cell(table)
            if table.start is None:
                table.start = len(self.parts)
            if table.row is None:
                table.row = []
        self.parts.append("\n\n")
        if tag in ("td", "th") and self._tables:
            columns = int(span) if (span := attrs.get("colspan") or "").isdigit() else 1
            self._tables[-1].cell = (len(self.parts), min(max(columns, 1), self.MAX_COLSPAN))

    def _close_table_part(self, tag: str) -> None:
        """Close a cell or row; a table of two or more rows and columns, holding no other table, is rewritten as
        a Markdown table in place of the paragraphs its cells had been written as."""
        if not self._tables:
            return
        table = self._tables[-1]
        if tag in ("td", "th"):
            self._end_cell(table)
        elif tag == "tr":
            self._end_row(table)
        else:
            self._end_row(table)
            self._tables.pop()
            if not table.nested and len(table.rows) >= 2 and max(map(len, table.rows)) >= 2:
                self.parts[table.start :] = ["\n\n", markdown_table(table.rows)]

    def _end_cell(self, table: _Table) -> None:
        """The open cell's text as one line: a Markdown table's row is one line, its cells parted by "|"."""
        if table.cell is None:
            return
        start, span = table.cell
        table.cell = None
        text = " ".join("".join(self.parts[start:]).split()).replace("|", "/")
        table.row = [*(table.row or []), text, *[""] * (span - 1)]  # a spanning cell keeps the columns after it in line

    def _end_row(self, table: _Table) -> None:
        self._end_cell(table)
        if table.row and any(table.row):
            table.rows.append(table.row)
        table.row = None

    def _read_meta(self, attrs: dict) -> None:
        if (attrs.get("property") or attrs.get("name") or "").lower() in self.SITE_NAME_META:
            self.site_name = self.site_name or (attrs.get("content") or "").strip()


# Where a <title> joins the page's own title to the site's name: "Hill Repeats | Some Running Blog".
TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|·|::|»)\s+")


def _html_text(html: str) -> tuple[str, int, dict[str, str], frozenset[str]]:
    parser = _HtmlToText()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    title = _without_site_name(" ".join(parser.title.split()), parser.main_headings, parser.site_name)
    posters = frozenset(" ".join(name.split()) for name in parser.posters) - {""}
    return text, 0, ({"title": title} if title else {}), posters


def _without_site_name(title: str, main_headings: list[str], site_name: str) -> str:
    """The <title> without the site's name at its end or start, which every citation would otherwise repeat.

    The name is cut only when the page confirms the split: what is left is the page's <h1>, or the part cut
    is the site name the page declares (og:site_name). A title whose last part belongs to it ("Hill Drills -
    Week 2" on a page whose <h1> says the same) stays whole.
    """
    separators = list(TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    first, last = separators[0], separators[-1]
    known = {bare(heading) for heading in main_headings} - {""}
    for kept, cut in ((title[: last.start()], title[last.end() :]), (title[first.end() :], title[: first.start()])):
        if bare(kept) in known or (site_name and bare(cut) == bare(site_name)):
            return kept.strip()
    return title
