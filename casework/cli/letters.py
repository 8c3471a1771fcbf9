"""`casework letters` and `casework case letters`: the letters to the requester, from the terminal.

The services check the permission and write the access log (DESIGN §2.5); these commands only
print. A mailing date is a date (YYYY-MM-DD), not in the future.
"""

from datetime import date
from pathlib import Path

import typer

from casework.cli.common import context, fail, operator, settings
from casework.i18n import format_day, gettext
from casework.services import letters as service
from casework.services.errors import ServiceError

app = typer.Typer(help="Letters to the requesters: to mail, mailed.", no_args_is_help=True)


def _language() -> str:
    return settings().i18n.default_language


def _(message: str, **params: object) -> str:
    return gettext(message, _language(), **params)


def _run(command, options: dict[str, str] | None = None):
    """Run a service command; stop with status 2 and its message (naming the option) when it is
    refused."""
    try:
        return command()
    except ServiceError as exc:
        option = (options or {}).get(exc.field or "")
        message = exc.message(_language())
        fail(f"{option}: {message}" if option else message)


def _channel(letter) -> str:
    if letter.channel == "email":
        return _("emailed to %(address)s", address=letter.recipient)
    if letter.mailed_on:
        return _("mailed on %(day)s", day=format_day(letter.mailed_on, _language()))
    return _("to mail")


def case_letters(
    reference: str,
    save: Path = typer.Option(None, help="Write the PDF of each letter in this folder."),
) -> None:
    """List the letters sent to a case's requester (and save their PDF with --save)."""
    ctx = context()
    found = _run(
        lambda: service.for_case(ctx, actor=operator(ctx), interface="cli", reference=reference)
    )
    for letter in found.letters:
        typer.echo(
            f"{letter.id}\t{format_day(letter.letter_date, _language())}\t"
            f"{_(service.KIND_LABELS[letter.kind])}\t{_channel(letter)}\tsha256:{letter.sha256}"
        )
        if save is not None:
            full = _run(
                lambda letter=letter: service.get(
                    ctx,
                    actor=operator(ctx),
                    interface="cli",
                    reference=reference,
                    letter_id=letter.id,
                )
            )[1]
            save.mkdir(parents=True, exist_ok=True)
            (save / service.letter_file_name(full, found.case.reference)).write_bytes(full.pdf)
    if not found.letters:
        typer.echo(_("No letter was sent for this case."))


@app.command("to-mail")
def to_mail() -> None:
    """List the letters waiting to be printed and mailed, oldest first."""
    ctx = context()
    items = _run(lambda: service.to_mail(ctx, actor=operator(ctx), interface="cli"))
    for letter, case, has_address in items:
        warning = "" if has_address else "\t" + _("no postal address")
        typer.echo(
            f"{letter.id}\t{case.reference}\t{format_day(letter.letter_date, _language())}\t"
            f"{_(service.KIND_LABELS[letter.kind])}{warning}"
        )
    if not items:
        typer.echo(_("No letter is waiting to be mailed."))


@app.command("mark-mailed")
def mark_mailed(
    letter_id: int = typer.Argument(..., min=1, help="The letter's number."),
    on: str = typer.Option(..., "--on", help="The day it was mailed (YYYY-MM-DD)."),
) -> None:
    """Record that a letter was mailed on a given day."""
    try:
        day = date.fromisoformat(on)
    except ValueError:
        fail(_("--on: this date is not valid; write it as YYYY-MM-DD."))
    ctx = context()
    letter, case = _run(
        lambda: service.mark_mailed(
            ctx, actor=operator(ctx), interface="cli", letter_id=letter_id, on=day
        ),
        {"mailed_on": "--on", "letter_id": "LETTER_ID"},
    )
    typer.echo(f"{letter.id}\t{case.reference}\t{_channel(letter)}")
