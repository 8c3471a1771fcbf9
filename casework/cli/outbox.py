"""`casework outbox`: see the messages waiting, sent and failed; put a failed one back in line.

Runs as the account of `casework --as`: a requester's email address shows only to whom may see
that case's requester, and each case whose address is printed is in its access log (DESIGN §2.5).
"""

import json

import typer

from casework.cli.common import context, fail, operator, settings
from casework.i18n import gettext
from casework.models import MessageStatus
from casework.services import outbox as service
from casework.services.errors import ServiceError

app = typer.Typer(help="The outbox of emails and in-app notifications.", no_args_is_help=True)


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
    tz = ctx.tz
    hidden = gettext("(the requester: hidden)", ctx.settings.i18n.default_language)
    for v in views:
        m = v.message
        to = hidden if v.recipient_hidden else m.recipient or f"user {m.user_id}"
        when = (m.sent_at or m.next_attempt_at).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        line = (
            f"{m.id}\t{m.status}\t{m.attempts} attempt(s)\t{m.channel}\t{to}\t{m.kind}\t"
            f"{when}\t{m.subject or '(written when it is sent)'}"
        )
        typer.echo(line)
        if m.last_error and m.status != MessageStatus.SENT:
            typer.echo(f"\terror: {m.last_error}")
    counts = service.counts(ctx)
    typer.echo("(" + ", ".join(f"{counts[s.value]} {s.value}" for s in MessageStatus) + " in all)")


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
            typer.echo(f"{message.id}\talready sent: nothing to retry")
        else:
            to = f" to {message.recipient}" if message.recipient else ""
            typer.echo(f"{message.id}\tpending: it goes out at the next delivery pass{to}")
