"""What a file is, read from its content, never from its name.

The issue's list of accepted documents: PDF, images, OpenDocument and Office documents, plain
text, and email messages (`.eml`). A file is recognized by its first bytes (its signature) or, for
the formats that are ZIP archives (OpenDocument, Office Open XML), by the archive's members; text
is text when it decodes and holds no control characters. Anything else (an executable, an HTML
page, a plain archive) is refused.
"""

import re
import zipfile
from pathlib import Path

from casework.i18n import N_

PDF = "application/pdf"
TEXT = "text/plain"
EMAIL = "message/rfc822"
REFUSED = N_(
    "%(name)s is not a kind of file casework accepts: send a PDF, an image (JPEG, PNG, GIF, "
    "TIFF, WebP), an OpenDocument or Office document, plain text or an email message (.eml)."
)

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"{\\rtf", "application/rtf"),
    # The compound file of Word 97–2003, Excel 97–2003 and PowerPoint 97–2003.
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/vnd.ms-office"),
)
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_HEADER = re.compile(rb"^[!-9;-~]+:", re.ASCII)
_MARKUP = re.compile(rb"^\s*<(!doctype|html|\?xml|svg|script)", re.IGNORECASE)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
SAMPLE = 64 * 1024

EXTENSIONS = {
    PDF: ".pdf",
    TEXT: ".txt",
    EMAIL: ".eml",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/tiff": ".tif",
    "image/webp": ".webp",
    "application/rtf": ".rtf",
}


def detect(path: Path) -> str | None:
    """Return the media type of an accepted file, or None when its kind is not accepted."""
    with open(path, "rb") as file:
        head = file.read(SAMPLE)
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _archive(path)
    return _text(head)


def _archive(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared.startswith("application/vnd.oasis.opendocument."):
                    return declared
                return None
            if "[Content_Types].xml" in names:
                for prefix, media_type in _OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return media_type
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _text(head: bytes) -> str | None:
    if not head or _CONTROL.search(head) or _MARKUP.match(head):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sample cut in the middle of a character is still UTF-8; otherwise, Windows-1252.
        if exc.start < len(head) - 3 and not _cp1252(head):
            return None
    return EMAIL if _looks_like_email(head) else TEXT


def _cp1252(head: bytes) -> bool:
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _looks_like_email(head: bytes) -> bool:
    """Tell whether text starts with an email's header block (From and a Date or Received)."""
    names = set()
    for line in head.split(b"\n"):
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return b"from" in names and bool(names & {b"date", b"received", b"message-id"})
