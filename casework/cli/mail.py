"""`casework mail`: read the mailbox, take one message from a pipe or a file, see the quarantine."""

import sys
import time
from pathlib import Path

import typer

from casework.cli.common import context, fail, operator, say, say_count, settings

app = typer.Typer(help="Incoming email.", no_args_is_help=True)


def _describe(result) -> str:
    if result.duplicate:
        return f"{result.key}\talready processed"
    if result.reference:
        return f"{result.key}\t{result.outcome.value}\t{result.reference}"
    return f"{result.key}\t{result.outcome.value}\t{result.reason or ''}".rstrip()


@app.command("fetch")
def fetch(
    once: bool = typer.Option(False, "--once", help="Read the mailbox once, then stop."),
) -> None:
    """Read the configured IMAP mailbox (every mail.fetch_every_minutes, or once)."""
    from casework import mailbox

    ctx = context()
    if not settings().mail.imap_host:
        fail(say("mail.imap_host is not set: there is no mailbox to read (docs/operations.md)."))
    while True:
        try:
            report = mailbox.fetch(ctx)
        except mailbox.MailboxError as exc:
            if once:
                fail(str(exc), code=1)
            typer.echo(f"casework: {exc}", err=True)
        else:
            typer.echo(_said(report))
            for reference in report.new_cases:
                typer.echo(f"  {reference}")
        if once:
            return
        try:
            time.sleep(settings().mail.fetch_every_minutes * 60)
        except KeyboardInterrupt:
            return


@app.command("import")
def import_(
    source: str = typer.Argument("-", help="A message file (.eml), or - for standard input."),
) -> None:
    """Take one message, from a mail server's pipe or a file."""
    from casework.services import intake

    if source == "-":
        raw = sys.stdin.buffer.read()
    else:
        path = Path(source)
        if not path.is_file():
            fail(say("%(file)s: no such file.", file=source))
        raw = path.read_bytes()
    if not raw.strip():
        fail(say("The message is empty."))
    ctx = context()
    typer.echo(_describe(intake.receive(ctx, raw=raw)))


@app.command("quarantine")
def quarantine() -> None:
    """List the messages that could not be read, newest first."""
    from casework.i18n import format_moment, format_size, gettext
    from casework.services import intake

    ctx = context()
    language = settings().i18n.default_language
    for row in intake.quarantined(ctx, actor=operator(ctx)):
        moment = format_moment(row.created_at, ctx.tz, language)
        size = format_size(row.raw_size or 0, language)
        reason = gettext(row.reason, language) if row.reason else ""
        typer.echo(f"{row.id}\t{moment}\t{size}\t{row.message_key}\t{reason}")


def _said(report) -> str:
    """Say in one line what a fetch did, in the language the command line speaks."""
    return ", ".join(
        (
            say_count("%(n)s message read", "%(n)s messages read", report.read),
            say_count("%(n)s new case", "%(n)s new cases", len(report.new_cases)),
            say_count(
                "%(n)s reply added to its case",
                "%(n)s replies added to their case",
                len(report.correspondence),
            ),
            say_count("%(n)s ignored", "%(n)s ignored", report.ignored),
            say_count("%(n)s kept in quarantine", "%(n)s kept in quarantine", report.quarantined),
            say_count(
                "%(n)s already processed", "%(n)s already processed", report.already_processed
            ),
        )
    )
