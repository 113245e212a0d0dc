"""An e-book (.epub): the pages a reader reads as its text, in reading order, and its title and author.

An .epub is a zip: `META-INF/container.xml` names the package file, whose spine lists the book's XHTML pages in
reading order. A page that is not the book's text is left out: one the spine marks non-linear, the navigation
page (its contents list repeats the headings), and a cover, title page, copyright page, contents, index or
colophon, as the page marks itself (epub:type on its body or first section, EPUB 3) or the package's guide names
it (EPUB 2). Each page's XHTML is returned whole, for the HTML reader to read as any saved page. The title and
author come from the package's metadata (dc:title, dc:creator).

Leaves out: books protected by DRM (their pages are encrypted and read as damaged), fixed-layout comics and
picture books (no text), pages in formats other than XHTML (an SVG page), and the order of a book whose spine
names the same page twice (read once).
"""

import posixpath
import re
from urllib.parse import unquote
from xml.etree import ElementTree

from assistant import zipped

CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})
# What a page (EPUB 3's epub:type) or the guide (EPUB 2's reference type) calls a page that is not the text.
NOT_TEXT = frozenset(
    {
        "cover",
        "titlepage",
        "title-page",
        "halftitlepage",
        "copyright-page",
        "copyright",
        "toc",
        "landmarks",
        "loi",
        "lot",
        "index",
        "colophon",
        "imprint",
        "other.ms-coverimage-standard",
    }
)
# epub:type on the page's <body> and on the elements that open it (a <section> wrapping the page).
PAGE_TYPE = re.compile(r"<(?:body|section|div)\b[^>]*\bepub:type\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
OPENING = 2  # the body and the first element inside it name what the page is


def pages_of(data: bytes) -> list[str]:
    """The XHTML of each page of the book's text, in reading order; raise zipped.BadPackage when unreadable."""
    with zipped.opened(data, "not a zip archive (an .epub is one)") as book:
        package_path, package = _package(book)
        folder = posixpath.dirname(package_path)
        manifest = {item.get("id"): item for item in package.iterfind(f"{OPF}manifest/{OPF}item") if item.get("id")}
        guide = {
            _joined(folder, reference.get("href", "")): (reference.get("type") or "").lower()
            for reference in package.iterfind(f"{OPF}guide/{OPF}reference")
        }
        pages, seen = [], set()
        for reference in package.iterfind(f"{OPF}spine/{OPF}itemref"):
            item = manifest.get(reference.get("idref"))
            if (
                item is None
                or reference.get("linear", "yes") == "no"
                or "nav" in (item.get("properties") or "").split()
            ):
                continue
            if (item.get("media-type") or "") not in XHTML_TYPES:
                continue
            path = _joined(folder, item.get("href", ""))
            if path in seen or guide.get(path) in NOT_TEXT:
                continue
            seen.add(path)
            page = (zipped.part(book, path) or b"").decode("utf-8", errors="replace")
            if not _names_itself_other(page):
                pages.append(page)
    if not pages:
        raise zipped.BadPackage("no pages of text in its spine")
    return pages


def metadata_of(data: bytes) -> dict[str, str]:
    """The book's title and first author from its package's metadata ({} when it gives none)."""
    with zipped.opened(data) as book:
        _, package = _package(book)
    found = {
        "title": package.findtext(f"{OPF}metadata/{DC}title") or "",
        "author": package.findtext(f"{OPF}metadata/{DC}creator") or "",
    }
    return {key: " ".join(value.split()) for key, value in found.items() if value.strip()}


def _package(book) -> tuple[str, ElementTree.Element]:
    container = zipped.xml(book, "META-INF/container.xml")
    rootfile = container.find(f"{CONTAINER}rootfiles/{CONTAINER}rootfile")
    if rootfile is None or not rootfile.get("full-path"):
        raise zipped.BadPackage("its container names no package file")
    path = rootfile.get("full-path")
    return path, zipped.xml(book, path)


def _joined(folder: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(folder, unquote(href.split("#")[0])))


def _names_itself_other(page: str) -> bool:
    """Whether the page's body, or what opens it, calls the page a cover, copyright page, contents ..."""
    body = page.lower().find("<body")
    types = [found.lower().split() for found in PAGE_TYPE.findall(page[body:])[:OPENING]] if body >= 0 else []
    return any(kind in NOT_TEXT for kinds in types for kind in kinds)
