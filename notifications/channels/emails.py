"""Build the emails: proper headers, multipart plain text and HTML, French subjects encoded.

RFC 5322 headers (From, To, Reply-To, Subject, Date, and a Message-ID that stays the same when a
message is sent again, so that a mail client can recognise a copy), RFC 2047 encoding of
non-ASCII headers ("Accusé de réception" travels as `=?utf-8?q?Accus=C3=A9_de_r=C3=A9ception...`),
RFC 3834 `Auto-Submitted: auto-generated` so that vacation replies do not answer casework, and
`Content-Language`.

The message is built with the `email.mime` classes and `email.header.Header`: the newer
`EmailMessage` folds a long subject before an encoded word with a space too many, which mail
programs then show ("PLT-2026-00001  (n° ...").
"""

from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr

from email_validator import EmailNotValidError, validate_email

from notifications.channels import DeliveryFailed


def checked_address(address: str | None) -> str:
    """Return the normalized address, or fail the message for good when it is malformed."""
    if not address:
        raise DeliveryFailed("no recipient address", permanent=True)
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise DeliveryFailed(
            f"invalid recipient address {address!r}: {exc}", permanent=True
        ) from None


def sender_domain(from_address: str) -> str:
    """Return the domain of the From address (it names the Message-IDs)."""
    return parseaddr(from_address)[1].rpartition("@")[2] or "casework.invalid"


def message_id(*, outbox_id: int, created_at: datetime, from_address: str) -> str:
    """Return the Message-ID of an outbox message: the same at every attempt."""
    return f"<casework.{outbox_id}.{created_at:%Y%m%d%H%M%S}@{sender_domain(from_address)}>"


def _header(value: str) -> str | Header:
    # A header never spans lines of its own: what comes from the public cannot add headers.
    value = " ".join(value.split())
    return value if value.isascii() else Header(value, "utf-8", header_name="Subject")


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((" ".join(name.split()), address), charset="utf-8")


def _part(content: str, subtype: str, readable: bool) -> MIMEText:
    charset = Charset("utf-8")
    # Quoted-printable on the wire (7-bit safe); plain 8-bit text in files people read.
    charset.body_encoding = None if readable else QP
    return MIMEText(content, subtype, charset)


def build_email(
    *,
    outbox_id: int,
    created_at: datetime,
    sent_at: datetime,
    from_address: str,
    reply_to: str | None,
    recipient: str,
    recipient_name: str | None,
    language: str,
    subject: str,
    text: str,
    html: str | None,
    readable: bool = False,
    attachment: tuple[str, bytes] | None = None,
) -> Message:
    """Build one email; `readable` keeps the body in 8-bit text (for .eml files people read);
    `attachment` is a PDF (file name, bytes) sent with it."""
    if html:
        message: Message = MIMEMultipart("alternative")
        message.attach(_part(text, "plain", readable))
        message.attach(_part(html, "html", readable))
    else:
        message = _part(text, "plain", readable)
    if attachment is not None:
        name, content = attachment
        body = message
        message = MIMEMultipart("mixed")
        message.attach(body)
        pdf = MIMEApplication(content, "pdf")
        pdf.add_header("Content-Disposition", "attachment", filename=name)
        message.attach(pdf)
    message["From"] = _address(from_address)
    message["To"] = formataddr((" ".join((recipient_name or "").split()), recipient), "utf-8")
    if reply_to:
        message["Reply-To"] = _address(reply_to)
    message["Subject"] = _header(subject)
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id(
        outbox_id=outbox_id, created_at=created_at, from_address=from_address
    )
    message["Content-Language"] = language
    message["Auto-Submitted"] = "auto-generated"
    return message
