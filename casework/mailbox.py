"""The IMAP mailbox that `casework mail fetch` reads (standard library `imaplib`).

Issue 14: "reads a configured IMAP mailbox (TLS, folder, credentials from the environment [...]),
and the scheduler runs it every few minutes"; a message "is marked seen or moved to a configured
folder only after the case is committed."

The order is what makes a message processed once: read it without marking it (`BODY.PEEK[]`),
let the service commit what it makes of it (casework.services.intake, which knows each message
by its key), then mark it seen or move it. A process killed between the commit and the mark
leaves the message unseen; the next run reads it again and the service recognizes it. Messages
are taken in batches (`mail.batch_size`), one commit a batch: the same order, a batch at a time.
"""

import base64
import imaplib
import logging
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime

from casework.config import MailSettings
from casework.context import AppContext
from casework.services import intake

log = logging.getLogger("casework.mail")

_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


class MailboxError(Exception):
    """The mailbox cannot be read: not configured, unreachable, or refusing the login."""


@dataclass
class FetchReport:
    read: int = 0
    new_cases: list[str] = field(default_factory=list)
    correspondence: list[str] = field(default_factory=list)
    ignored: int = 0
    quarantined: int = 0
    already_processed: int = 0

    def summary(self) -> str:
        """Say in one line what the run did (for the log and the command line)."""
        return (
            f"{self.read} message(s) read: {len(self.new_cases)} new case(s), "
            f"{len(self.correspondence)} reply(ies) on their case, {self.ignored} ignored, "
            f"{self.quarantined} in quarantine, {self.already_processed} already processed"
        )


def folder_name(folder: str) -> str:
    """Return a folder's name as IMAP writes it: quoted, in modified UTF-7 (RFC 3501 §5.1.3),
    so that « Traités » is `"Trait&AOk-s"`."""
    out: list[str] = []
    pending: list[str] = []

    def shift() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in folder:
        if " " <= ch <= "~":
            shift()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    shift()
    name = "".join(out)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextmanager
def connect(settings: MailSettings) -> Iterator[imaplib.IMAP4]:
    """Open the configured mailbox, signed in, with its folder selected."""
    if not settings.imap_host:
        raise MailboxError("mail.imap_host is not set: no mailbox to read (docs/operations.md)")
    try:
        tls = ssl.create_default_context(cafile=settings.ca_file)
        if settings.security == "ssl":
            client = imaplib.IMAP4_SSL(
                settings.imap_host,
                settings.imap_port,
                ssl_context=tls,
                timeout=settings.timeout_seconds,
            )
        else:
            client = imaplib.IMAP4(
                settings.imap_host, settings.imap_port, timeout=settings.timeout_seconds
            )
            if settings.security == "starttls":
                client.starttls(ssl_context=tls)
        password = settings.password.get_secret_value() if settings.password else ""
        client.login(settings.username or "", password)
        status, _ = client.select(folder_name(settings.folder))
        if status != "OK":
            raise MailboxError(f"mail.folder: the mailbox has no folder {settings.folder!r}")
    except (OSError, ssl.SSLError, imaplib.IMAP4.error) as exc:
        where = f"{settings.imap_host}:{settings.imap_port}"
        raise MailboxError(f"cannot read {where}: {exc}") from None
    try:
        yield client
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"the mailbox stopped answering: {exc}") from None
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def _internaldate(response: bytes) -> datetime | None:
    found = _INTERNALDATE.search(response)
    if found is None:
        return None
    try:
        return datetime.strptime(found.group(1).decode("ascii"), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None


def _fetch_one(client: imaplib.IMAP4, uid: bytes) -> tuple[bytes, datetime | None] | None:
    status, data = client.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1], _internaldate(item[0])
    return None


def mark_done(client: imaplib.IMAP4, uid: bytes, settings: MailSettings) -> None:
    """Mark a processed message seen, or move it to the configured folder."""
    if settings.processed_folder:
        target = folder_name(settings.processed_folder)
        status, _ = client.uid("MOVE", uid, target)
        if status == "OK":
            return
        # A server without MOVE: copy, then delete the original.
        client.uid("COPY", uid, target)
        client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen \Deleted)")
        client.expunge()
        return
    client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)")


# A batch stops growing at this many bytes of messages, however few: it is held in memory.
BATCH_BYTES = 64 * 1024 * 1024


def fetch(ctx: AppContext) -> FetchReport:
    """Read every unseen message of the mailbox once, oldest first, in batches
    (`mail.batch_size` messages, or fewer past BATCH_BYTES): each batch is committed whole, then
    its messages marked."""
    settings = ctx.settings.mail
    report = FetchReport()
    with connect(settings) as client:
        status, data = client.uid("SEARCH", None, "UNSEEN")
        uids = data[0].split() if status == "OK" and data and data[0] else []
        batch: list[tuple[bytes, intake.Incoming]] = []
        size = 0
        for uid in uids:
            fetched = _fetch_one(client, uid)
            if fetched is None:
                continue  # expunged meanwhile, by another process that moved it
            raw, internaldate = fetched
            batch.append((uid, intake.Incoming(raw=raw, internaldate=internaldate)))
            size += len(raw)
            if len(batch) >= settings.batch_size or size >= BATCH_BYTES:
                _take(ctx, client, batch, report)
                batch, size = [], 0
        if batch:
            _take(ctx, client, batch, report)
    if report.read:
        log.info("mail fetch: %s", report.summary())
    return report


def _take(
    ctx: AppContext,
    client: imaplib.IMAP4,
    batch: list[tuple[bytes, intake.Incoming]],
    report: FetchReport,
) -> None:
    """Have a batch processed, then mark each of its messages."""
    results = intake.receive_batch(ctx, messages=[message for _, message in batch])
    for (uid, _), result in zip(batch, results, strict=True):
        _count(report, result)
        mark_done(client, uid, ctx.settings.mail)


def _count(report: FetchReport, result: intake.Received) -> None:
    report.read += 1
    if result.duplicate:
        report.already_processed += 1
    elif result.outcome == "new_case":
        report.new_cases.append(result.reference)
    elif result.outcome == "correspondence":
        report.correspondence.append(result.reference)
    elif result.outcome == "ignored":
        report.ignored += 1
    else:
        report.quarantined += 1
