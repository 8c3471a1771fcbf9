"""Deliver the outbox: emails (SMTP, or .eml files) and the in-app inbox.

DESIGN §2.4: "Messages go out only in office hours on business days (08:30 to 12:00 and 13:30 to
16:30 by default); what comes due at night waits for the morning." "A failed delivery is retried
with back-off and stays visible; nothing is lost when the mail server is down."

- Office hours are the periods of `calendar.office_hours`, on the business days of the calendar,
  in the configured time zone (America/Toronto). An empty list of periods means any time of a
  business day.
- One message failing never holds back the others: each is claimed, sent and recorded on its own,
  and an error of one (a malformed address, a refused recipient, even a bug) is recorded on that
  message alone.
- When the mail server cannot be reached, the first email says so and every other email of the
  pass is kept pending with the same error, without waiting for the server again; the in-app
  messages are delivered all the same.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from casework.context import AppContext
from casework.db import read_session, unit_of_work
from casework.models import MessageChannel, MessageStatus
from notifications import outbox
from notifications.channels import DeliveryFailed, EmailTransport, inapp
from notifications.channels.emails import build_email, checked_address
from notifications.render import render

log = logging.getLogger("casework.delivery")

BATCH_SIZE = 20


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    requeued: int = 0
    outside_office_hours: bool = False
    errors: list[str] = field(default_factory=list)


def in_office_hours(ctx: AppContext, moment: datetime) -> bool:
    """Tell whether messages may go out at `moment`: a business day, within office hours."""
    local = moment.astimezone(ctx.tz)
    if not ctx.calendar.is_business_day(local.date()):
        return False
    periods = ctx.settings.calendar.office_hours
    now = local.time().replace(tzinfo=None)
    return not periods or any(period.start <= now < period.end for period in periods)


def next_opening(ctx: AppContext, moment: datetime) -> datetime:
    """Return the first time at or after `moment` when messages may go out."""
    if in_office_hours(ctx, moment):
        return moment
    local = moment.astimezone(ctx.tz)
    periods = ctx.settings.calendar.office_hours
    day = local.date()
    for _ in range(60):
        if ctx.calendar.is_business_day(day):
            starts = [p.start for p in periods] or [datetime.min.time()]
            for start in starts:
                opening = datetime.combine(day, start, ctx.tz)
                if opening > local:
                    return opening
        day += timedelta(days=1)
    raise ValueError("no office hours in the next 60 days: check calendar.office_hours")


def email_transport(ctx: AppContext) -> EmailTransport:
    """Return the SMTP transport when a server is configured, else the .eml folder."""
    if ctx.settings.smtp.host:
        from notifications.channels.smtp import SmtpTransport

        return SmtpTransport(ctx.settings.smtp)
    from notifications.channels.files import FileTransport

    return FileTransport(ctx.settings.data_dir / "mail")


def _rendered(message) -> dict[str, str | None] | None:
    """Render a message enqueued with its context only (reminders): return the columns to keep,
    so that a retry sends the same words; None for a message rendered when it was enqueued."""
    if message.text_body is not None:
        return None
    rendered = render(message.kind, message.language, **message.context)
    return {
        "subject": rendered.subject,
        "text_body": rendered.text,
        "html_body": rendered.html if message.channel == MessageChannel.EMAIL else None,
    }


def _subject_and_text(message, content: dict | None) -> tuple[str, str]:
    if content is not None:
        return content["subject"], content["text_body"]
    return message.subject or "", message.text_body


def _letter_pdf(ctx: AppContext, letter_id: int | None) -> tuple[str, bytes] | None:
    """Return the file name and the bytes of the letter an email carries, as they were kept."""
    if letter_id is None:
        return None
    from casework.models import Case, Letter

    with read_session(ctx.engine) as session:
        letter = session.get(Letter, letter_id)
        case = session.get(Case, letter.case_id) if letter else None
        if letter is None or case is None:
            raise DeliveryFailed(f"letter {letter_id} is missing", permanent=True)
        from casework.services.letters import letter_file_name

        return letter_file_name(letter, case.reference), letter.pdf


class _LostClaim(Exception):
    """The message was taken back from this worker (its lease ran out) before it was recorded."""


@dataclass
class _Pass:
    ctx: AppContext
    worker: str
    report: DeliveryReport
    transport: EmailTransport | None = None
    mail_down: str | None = None

    def deliver(self, message) -> None:
        content = None
        try:
            content = _rendered(message)
            if message.channel == MessageChannel.INAPP:
                self._inapp(message, content)
            else:
                self._email(message, content)
        except DeliveryFailed as failure:
            if failure.server_down:
                self.mail_down = failure.reason
            self._failed(message, failure.reason, permanent=failure.permanent, content=content)
        except _LostClaim:
            log.warning(
                "message %s: taken back by another process before it was recorded", message.id
            )
        except Exception as exc:  # a bug must not hold back the other messages
            log.exception("message %s: unexpected error", message.id)
            self._failed(message, f"unexpected error: {exc.__class__.__name__}: {exc}")

    def _inapp(self, message, content: dict | None) -> None:
        now = self.ctx.now()
        subject, text = _subject_and_text(message, content)
        with unit_of_work(self.ctx.engine) as session:
            inapp.deliver(session, message, title=subject, body=text, now=now)
            if not outbox.mark_sent(
                session, message_id=message.id, worker=self.worker, now=now, content=content
            ):
                raise _LostClaim
        self.report.sent += 1

    def _email(self, message, content: dict | None) -> None:
        if self.mail_down is not None:
            raise DeliveryFailed(self.mail_down)
        settings = self.ctx.settings.smtp
        recipient = checked_address(message.recipient)
        now = self.ctx.now()
        subject, text = _subject_and_text(message, content)
        email = build_email(
            outbox_id=message.id,
            created_at=message.created_at,
            sent_at=now.astimezone(self.ctx.tz),
            from_address=settings.from_address,
            reply_to=settings.reply_to,
            recipient=recipient,
            recipient_name=None,
            language=message.language,
            subject=subject,
            text=text,
            html=content["html_body"] if content else message.html_body,
            readable=not settings.host,
            attachment=_letter_pdf(self.ctx, message.letter_id),
        )
        if self.transport is None:
            self.transport = email_transport(self.ctx)
        created = message.created_at.astimezone(self.ctx.tz)
        name = f"{created:%Y%m%d-%H%M%S}-{message.id:06d}-{message.kind}"
        self.transport.send(
            email, sender=parseaddr(settings.from_address)[1], recipient=recipient, name=name
        )
        with unit_of_work(self.ctx.engine) as session:
            if not outbox.mark_sent(
                session, message_id=message.id, worker=self.worker, now=now, content=content
            ):
                raise _LostClaim
        self.report.sent += 1

    def _failed(
        self, message, reason: str, *, permanent: bool = False, content: dict | None = None
    ) -> None:
        with unit_of_work(self.ctx.engine) as session:
            status = outbox.mark_failed(
                session,
                message_id=message.id,
                worker=self.worker,
                attempts=message.attempts,
                now=self.ctx.now(),
                error=reason,
                permanent=permanent,
                content=content,
            )
        if status == MessageStatus.FAILED:
            self.report.failed += 1
            log.error("message %s (%s) failed for good: %s", message.id, message.kind, reason)
        else:
            self.report.retrying += 1
            log.warning("message %s (%s) will be retried: %s", message.id, message.kind, reason)
        self.report.errors.append(f"{message.id}: {reason}")


def deliver_pending(
    ctx: AppContext, *, worker: str, batch_size: int = BATCH_SIZE
) -> DeliveryReport:
    """Deliver every message whose attempt has come, if messages may go out now."""
    report = DeliveryReport()
    started = ctx.now()
    if not in_office_hours(ctx, started):
        report.outside_office_hours = True
        return report
    with unit_of_work(ctx.engine) as session:
        report.requeued = outbox.requeue_stale(session, now=started)
    if report.requeued:
        log.warning("%s interrupted message(s) put back in line", report.requeued)
    run = _Pass(ctx=ctx, worker=worker, report=report)
    try:
        while True:
            # Only what was due when the pass started: a message retried later waits for its turn.
            with unit_of_work(ctx.engine) as session:
                batch = outbox.claim(
                    session, worker=worker, now=started, limit=batch_size, claimed_at=ctx.now()
                )
            if not batch:
                break
            for message in batch:
                run.deliver(message)
    finally:
        if run.transport is not None:
            run.transport.close()
    return report
