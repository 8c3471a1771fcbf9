"""`casework outbox`: see the messages waiting, sent and failed; put a failed one back in line.

Runs as the account of `casework --as`: a requester's email address shows only to whom may see
that case's requester, and each case whose address is printed is in its access log (DESIGN §2.5).
"""

import json

import typer

from casework.cli.common import context, fail, language, operator, say, say_count, settings
from casework.i18n import N_, format_moment
from casework.models import MessageChannel, MessageStatus
from casework.services import outbox as service
from casework.services.errors import ServiceError

# A message's status and channel in words.
STATUS_LABELS = {
    MessageStatus.PENDING: N_("pending"),
    MessageStatus.SENDING: N_("sending"),
    MessageStatus.SENT: N_("sent"),
    MessageStatus.FAILED: N_("failed"),
}
CHANNEL_LABELS = {
    MessageChannel.EMAIL: N_("email"),
    MessageChannel.INAPP: N_("in-app"),
}

app = typer.Typer(help="The outbox of emails and in-app notifications.", no_args_is_help=True)


def _count(status: MessageStatus, n: int) -> str:
    """Say how many messages have a status (`3 sent`, `3 envoyés`)."""
    if status is MessageStatus.PENDING:
        return say_count("%(n)s pending", "%(n)s pending", n)
    if status is MessageStatus.SENDING:
        return say_count("%(n)s being sent", "%(n)s being sent", n)
    if status is MessageStatus.SENT:
        return say_count("%(n)s sent", "%(n)s sent", n)
    return say_count("%(n)s failed", "%(n)s failed", n)


@app.command("list")
def list_(
    failed: bool = typer.Option(False, "--failed", help="Only the messages that failed."),
    status: MessageStatus = typer.Option(None, help="Only the messages of this status."),
    limit: int = typer.Option(50, min=1, max=10000),
    as_json: bool = typer.Option(False, "--json", help="Print JSON objects."),
) -> None:
    """List the outbox messages, newest first, with their attempts and last error."""
    ctx = context()
    actor = operator(ctx)
    if failed:
        status = MessageStatus.FAILED
    views = service.list_for(ctx, actor=actor, interface="cli", status=status, limit=limit)
    if as_json:
        rows = [
            {
                **json.loads(
                    v.message.model_dump_json(exclude={"text_body", "html_body", "context"})
                ),
                "recipient_hidden": v.recipient_hidden,
            }
            for v in views
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    hidden = say("(the requester: hidden)")
    for v in views:
        m = v.message
        to = hidden if v.recipient_hidden else m.recipient or say("account #%(id)s", id=m.user_id)
        when = format_moment(m.sent_at or m.next_attempt_at, ctx.tz, language())
        subject = m.subject or say("(written when it is sent)")
        typer.echo(
            "\t".join(
                [
                    str(m.id),
                    say(STATUS_LABELS[m.status]),
                    say_count("%(n)s attempt", "%(n)s attempts", m.attempts),
                    say(CHANNEL_LABELS[m.channel]),
                    to,
                    m.kind,
                    when,
                    subject,
                ]
            )
        )
        if m.last_error and m.status != MessageStatus.SENT:
            typer.echo("\t" + say("Error: %(error)s", error=m.last_error))
    counts = service.counts(ctx)
    total = ", ".join(_count(s, counts[s.value]) for s in MessageStatus)
    typer.echo(say("(%(counts)s in all)", counts=total))


@app.command("retry")
def retry(ids: list[int] = typer.Argument(..., help="The ids of the messages to retry.")) -> None:
    """Put failed messages back in line for an attempt at the next delivery pass."""
    ctx = context()
    actor = operator(ctx)
    for message_id in ids:
        try:
            message = service.retry(
                ctx, actor=actor, interface="cli", message_id=message_id
            ).message
        except ServiceError as exc:
            fail(exc.message(settings().i18n.default_language))
        if message.status == MessageStatus.SENT:
            said = say("already sent: nothing to retry")
        elif message.recipient:
            said = say(
                "pending: it goes out at the next delivery pass to %(recipient)s",
                recipient=message.recipient,
            )
        else:
            said = say("pending: it goes out at the next delivery pass")
        typer.echo(f"{message.id}\t{said}")
