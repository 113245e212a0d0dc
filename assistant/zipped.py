"""A document that is a zip of XML parts (Word's .docx, LibreOffice's .odt, an e-book's .epub): opened, and its
parts read, within limits.

A damaged or hostile archive is refused with a short reason rather than read into memory: a part that inflates
past MAX_PART_BYTES is not read.

Leaves out: encrypted archives and any part that is not XML or plain bytes asked for by name.
"""

import io
import zipfile
from xml.etree import ElementTree

MAX_PART_BYTES = 64 * 1024 * 1024


class BadPackage(Exception):
    """The bytes are no readable package of parts; the message says why, in a few words."""


def opened(data: bytes, not_a_zip: str = "not a zip archive") -> zipfile.ZipFile:
    """The archive; `not_a_zip` is the reason given when the bytes are no zip at all."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BadPackage(not_a_zip) from None


def part(package: zipfile.ZipFile, name: str, required: bool = True) -> bytes | None:
    """A part's bytes by its name in the archive (None when absent and not required)."""
    try:
        info = package.getinfo(name)
    except KeyError:
        if required:
            raise BadPackage(f"no {name} in it") from None
        return None
    if info.file_size > MAX_PART_BYTES:
        raise BadPackage(f"{name} inflates to {info.file_size // (1024 * 1024)} MiB")
    try:
        return package.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
        raise BadPackage(f"{name} is damaged ({type(error).__name__})") from None


def xml(package: zipfile.ZipFile, name: str, required: bool = True) -> ElementTree.Element | None:
    """A part parsed as XML (None when absent and not required)."""
    data = part(package, name, required)
    if data is None:
        return None
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise BadPackage(f"{name} is damaged ({type(error).__name__})") from None
