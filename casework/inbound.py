"""Read an incoming email message: who sent it, to whom, what it says, what it carries, when the
office's server received it, and whether a person wrote it.

Issue 14: "received at the time the body's server received it (`INTERNALDATE` or the topmost
`Received` header, never the sender's `Date`)"; "Auto-replies, bounces and mailing lists
(`Auto-Submitted`, `Precedence: bulk`, `mailer-daemon`, `List-Id`) are not made into cases";
"Charsets seen in Quebec mail (UTF-8, ISO-8859-1, Windows-1252, quoted-printable and base64
bodies, encoded French subjects) come out right"; "the HTML part turned into safe text when there
is no text part".

Text declared ISO-8859-1 (or US-ASCII) is read as Windows-1252, its superset, as browsers do: mail
programs on Windows label text that way while using its curly quotes and dashes (’ « » –), which
ISO-8859-1 would turn into invisible control characters. No I/O and no clock here: the caller
gives the bytes and, when the mailbox knows it, the INTERNALDATE.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.header import decode_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

from casework.i18n import N_

MAX_KEY = 255
# Charsets whose bytes 0x80–0x9F are really Windows-1252 in practice.
_AS_WINDOWS_1252 = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"}
_MACHINE_SENDERS = ("mailer-daemon", "postmaster", "noreply-dmarc-support")
_BULK = {"bulk", "list", "junk", "auto_reply"}


class Unreadable(Exception):
    """The message cannot be read as an email: it goes to quarantine with this reason (a gettext
    id, said in the reader's language)."""


@dataclass
class Attachment:
    filename: str
    data: bytes


@dataclass
class Inbound:
    """What casework needs of one email message."""

    key: str
    sender_name: str
    sender_address: str
    recipients: list[str]
    subject: str
    text: str
    received_at: datetime | None
    in_reply_to: list[str]
    attachments: list[Attachment] = field(default_factory=list)
    language: str = "fr"
    # Why it is no person's message (an auto-reply, a bounce, a list), or None.
    automatic: str | None = None


_HEADER_END = re.compile(rb"\r?\n\r?\n")


def message_key(raw: bytes) -> str:
    """Return the identity of a raw message: its Message-ID, or the SHA-256 of its bytes."""
    end = _HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw
    try:
        value = message_from_bytes(head, policy=policy.compat32).get("Message-ID")
    except Exception:  # a message too broken for headers has its bytes' hash
        value = None
    value = " ".join(str(value or "").split())
    if value:
        return value[:MAX_KEY]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse(raw: bytes, *, internaldate: datetime | None = None, key: str | None = None) -> Inbound:
    """Read a raw message; raise Unreadable when it has no sender or no readable content."""
    if not raw.strip():
        raise Unreadable(N_("The message is empty."))
    try:
        message = read_tree(raw)
        headers = {name.lower() for name in message}
    except Exception as exc:
        raise Unreadable(N_("The message is not in the format of an email.")) from exc
    if not headers & {"from", "sender"}:
        raise Unreadable(N_("The message has no sender (no From header)."))
    name, address = _sender(message)
    if not address or "@" not in address:
        raise Unreadable(N_("The sender's address cannot be read."))
    try:
        text = _text_of(message)
        attachments = list(_attachments(message))
        subject = _header_text(message, "subject")
    except Unreadable:
        raise
    except Exception as exc:
        raise Unreadable(N_("The content of the message cannot be read.")) from exc
    return Inbound(
        key=key or message_key(raw),
        sender_name=name,
        sender_address=address,
        recipients=_recipients(message),
        subject=" ".join(subject.split()),
        text=text,
        received_at=internaldate or _topmost_received(message),
        in_reply_to=_message_ids(message),
        attachments=attachments,
        language=_language(message),
        automatic=_automatic(message, address),
    )


# The compat32 policy keeps headers as text (decoded here), which costs a fraction of the default
# policy's header objects; the message class still finds body and parts.
_HEADERS = BytesParser(_class=EmailMessage, policy=policy.compat32)
_BODY_START = re.compile(rb"\n(\r?\n)")
_LONE_CR = re.compile(rb"\r(?!\n)")
# Parts whose body is itself a message, or headers in blocks: left to the standard parser.
_NOT_SPLIT = ("message/", "multipart/digest")


def read_tree(raw: bytes) -> EmailMessage:
    """Return the tree of a message's parts, the same as the standard library's parser builds.

    The standard parser reads every line of the message in Python, base64 lines of attachments
    included: two 80 KB attachments are some 1,500 lines and most of the time of an intake. A
    message of the usual shape (multipart parts, each with its headers and a body, lines ending
    in CRLF or LF) is cut at its boundaries with byte searches instead; only headers go through
    the standard parser, and each body becomes its part's payload as the standard parser would
    have left it. Anything else (a missing boundary, a header block with a stray line, a message
    attached, lone CR line endings) is read by the standard parser itself.
    """
    if not _LONE_CR.search(raw):
        tree = _split(raw)
        if tree is not None:
            return tree
    return message_from_bytes(raw, _class=EmailMessage, policy=policy.compat32)


def _split(raw: bytes) -> EmailMessage | None:
    """Build one part (and its subparts) from its bytes, or None when it is not of the usual
    shape (the caller then uses the standard parser on the whole message)."""
    if raw.startswith((b"\r\n", b"\n")):
        head, body = b"", raw[2 if raw.startswith(b"\r") else 1 :]
    elif found := _BODY_START.search(raw):
        head, body = raw[: found.start() + 1], raw[found.end() :]
    else:
        head, body = raw, b""
    part = _HEADERS.parsebytes(head, headersonly=True)
    if part.defects or part.get_payload() or part.get_content_type().startswith(_NOT_SPLIT):
        return None
    if part.get_content_maintype() != "multipart":
        part.set_payload(body.decode("ascii", "surrogateescape"))
        return part
    boundary = part.get_boundary()
    try:
        separator = b"--" + boundary.encode("ascii", "surrogateescape")
    except (AttributeError, UnicodeEncodeError):  # no boundary, or one that is not ASCII
        return None
    children: list[EmailMessage] = []
    start = None
    for begin, end, closing in _boundary_lines(body, separator):
        if start is None:
            preamble = _without_eol(body[:begin])
            part.preamble = preamble.decode("ascii", "surrogateescape") if begin else None
        else:
            segment = _without_eol(body[start:begin])
            if not segment:
                return None  # two boundaries in a row: the standard parser merges them
            child = _split(segment)
            if child is None:
                return None
            children.append(child)
        start = end
        if closing:  # what follows the closing boundary is the epilogue
            part.set_payload(children)
            part.epilogue = body[start:].decode("ascii", "surrogateescape")
            return part
    return None  # no closing boundary


def _boundary_lines(body: bytes, separator: bytes):
    """Yield where each boundary line starts and ends, and whether it is the closing one: the
    separator at the start of a line, `--` when closing, blanks, then the end of the line."""
    at = 0
    while (at := body.find(separator, at)) >= 0:
        begin, at = at, at + len(separator)
        if begin and body[begin - 1 : begin] != b"\n":
            continue
        closing = body.startswith(b"--", at)
        end = at + 2 if closing else at
        while body[end : end + 1] in (b" ", b"\t"):
            end += 1
        if body.startswith(b"\r\n", end):
            end += 2
        elif body.startswith(b"\n", end):
            end += 1
        elif end != len(body):
            continue
        yield begin, end, closing


def _without_eol(data: bytes) -> bytes:
    """Remove the line ending that belongs to the boundary after it (RFC 2046 §5.1.1)."""
    if data.endswith(b"\r\n"):
        return data[:-2]
    return data[:-1] if data.endswith(b"\n") else data


def _raw_header(message: EmailMessage, name: str) -> str | None:
    for header, value in message.raw_items():
        if header.lower() == name:
            return value
    return None


def _bytes_as_text(data: bytes, charset: str | None) -> str:
    charset = (charset or "utf-8").lower()
    if charset in _AS_WINDOWS_1252 or charset == "unknown-8bit":
        charset = "utf-8" if charset == "unknown-8bit" else "cp1252"
    for candidate in (charset, "utf-8", "cp1252"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", "replace")


def decode_words(value: str) -> str:
    """Decode a header's encoded words (RFC 2047) and any raw 8-bit text, in their charsets."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        # Unencoded 8-bit text: its bytes in UTF-8, or else Windows-1252.
        value = _bytes_as_text(value.encode("ascii", "surrogateescape"), "unknown-8bit")
    if "=?" not in value:
        return value
    try:
        parts = decode_header(value)
    except Exception:  # a malformed encoded word stays as it was written
        return value
    return "".join(
        chunk if isinstance(chunk, str) else _bytes_as_text(chunk, charset)
        for chunk, charset in parts
    )


def _header_text(message: EmailMessage, name: str) -> str:
    value = _raw_header(message, name)
    if value is None:
        return ""
    text = decode_words(" ".join(value.split()))
    return "".join(ch for ch in text if ch.isprintable() or ch == " ")


def _sender(message: EmailMessage) -> tuple[str, str]:
    raw = _raw_header(message, "from") or _raw_header(message, "sender") or ""
    name, address = parseaddr(" ".join(raw.split()))
    if not address and raw:
        name, address = parseaddr(decode_words(raw))
    name = "".join(ch for ch in decode_words(name) if ch.isprintable())
    return " ".join(name.split()), address.strip().lower()


def _recipients(message: EmailMessage) -> list[str]:
    names = ("delivered-to", "x-original-to", "to", "cc")
    values = [_header_text(message, name) for name in names if message.get(name)]
    return [address.lower() for _, address in getaddresses(values) if address]


def _message_ids(message: EmailMessage) -> list[str]:
    ids = []
    for name in ("in-reply-to", "references"):
        ids.extend(re.findall(r"<[^<>\s]+>", _header_text(message, name)))
    return ids


def _language(message: EmailMessage) -> str:
    declared = _header_text(message, "content-language").lower()
    return "en" if declared.startswith("en") else "fr"


def _automatic(message: EmailMessage, address: str) -> str | None:
    """Say why a message was sent by a machine rather than a person, or None."""
    auto = _header_text(message, "auto-submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = _header_text(message, "precedence").lower()
    if precedence in _BULK:
        return f"Precedence: {precedence}"
    if message.get("list-id") or message.get("list-unsubscribe"):
        return "mailing list (List-Id)"
    if message.get("x-autoreply") or message.get("x-autorespond"):
        return "auto-reply (X-Autoreply)"
    if address.split("@", 1)[0] in _MACHINE_SENDERS:
        return f"sent by {address.split('@', 1)[0]}"
    if message.get_content_type() == "multipart/report":
        return "delivery report (multipart/report)"
    return None


def _topmost_received(message: EmailMessage) -> datetime | None:
    received = message.get_all("received") or []
    if not received:
        return None
    stamp = str(received[0]).rpartition(";")[2].strip()
    try:
        moment = parsedate_to_datetime(stamp)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def decode(part: EmailMessage) -> str:
    """Return the text of a part in its charset (ISO-8859-1 read as Windows-1252)."""
    return _bytes_as_text(part.get_payload(decode=True) or b"", part.get_content_charset())


def _text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        if message.get_content_maintype() == "multipart":
            return ""
        if message.get_content_maintype() != "text":
            return ""
        body = message
    text = decode(body)
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    return _tidy(text)


def _tidy(text: str) -> str:
    # No-break spaces (before « : », inside « ») become plain spaces: kept as spaces, not lost.
    text = text.replace("\xa0", " ").replace("\u202f", " ")
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = "\n".join(lines)
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _attachments(message: EmailMessage):
    for index, part in enumerate(message.iter_attachments(), start=1):
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) else inner
            subject = _header_text(inner, "subject") if hasattr(inner, "get") else ""
            name = f"{_safe_name(subject) or 'message'}.eml"
            yield Attachment(filename=name, data=inner.as_bytes(policy=policy.SMTP))
            continue
        name = decode_words(part.get_filename() or "") or f"piece-jointe-{index}"
        data = part.get_payload(decode=True)
        if data is None:
            continue
        yield Attachment(filename=name, data=data)


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w .,'()-]+", "", text, flags=re.UNICODE).strip()[:80]


_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
_HIDDEN = {"script", "style", "head", "title", "template"}


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append("\t")

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(" ".join(data.split()) if data.strip() else (" " if data else ""))


def html_to_text(html: str) -> str:
    """Turn HTML into plain text: the words and line breaks, no markup, script or style."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
