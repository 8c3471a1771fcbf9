"""`casework retention`: the records officer's list, the final action, the certificate.

Loi sur les archives, art. 7; Loi sur l'accès, art. 73. The services check the permission and
apply the rules; these commands print what they return.
"""

import json
from datetime import date
from pathlib import Path

import typer

from casework.cli.common import context, fail, operator, say, settings
from casework.services import person, retention
from casework.services.errors import ServiceError

app = typer.Typer(
    help="The retention schedule: cases due, final action, certificate.", no_args_is_help=True
)


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(
            say(
                "%(option)s: write the date as YYYY-MM-DD (not “%(value)s”).",
                option=name,
                value=value,
            )
        )


def _language() -> str:
    return settings().i18n.default_language


@app.command("due")
def due(
    as_of: str = typer.Option(None, "--as-of", help="The day (YYYY-MM-DD); today by default."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
) -> None:
    """List the closed cases whose retention period has ended, by planned date."""
    ctx = context()
    try:
        items = retention.due(ctx, actor=operator(ctx), as_of=_day(as_of, "--as-of"))
    except ServiceError as exc:
        fail(exc.message(_language()))
    if as_json:
        rows = [
            {
                "reference": i.reference,
                "planned_on": i.planned_on.isoformat(),
                "action": i.action,
                "rule": i.rule,
                "kind": i.kind,
                "closed_on": i.closed_on.isoformat(),
            }
            for i in items
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for i in items:
        typer.echo(f"{i.reference}\t{i.planned_on}\t{i.action}\t{i.rule}")


@app.command("apply")
def apply(
    references: list[str] = typer.Argument(..., help="The cases: PLT-2026-00042 …"),
    confirm: bool = typer.Option(False, "--confirm", help="Required: it cannot be undone."),
) -> None:
    """Anonymize or destroy the named cases, as the schedule says."""
    ctx = context()
    try:
        done = retention.apply(ctx, actor=operator(ctx), references=references, confirm=confirm)
    except ServiceError as exc:
        fail(exc.message(_language()))
    for i in done:
        typer.echo(f"{i.reference}\t{i.action}\t{i.rule}")


@app.command("certificate")
def certificate(
    start: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD)."),
    end: str = typer.Option(..., "--to", help="Last day (YYYY-MM-DD)."),
    output: Path = typer.Option(None, "-o", "--output", help="Write the certificate to this file."),
    form: str = typer.Option("csv", "--format", help="csv, or pdf (to sign; needs -o)."),
) -> None:
    """Write the destruction certificate of a period as CSV or PDF."""
    if form not in ("csv", "pdf"):
        fail(say("--format: write csv or pdf (not “%(value)s”).", value=form))
    if form == "pdf" and output is None:
        fail(say("-o: name the PDF file to write."))
    ctx = context()
    first, last = _day(start, "--from"), _day(end, "--to")
    try:
        if form == "pdf":
            output.write_bytes(
                retention.certificate_pdf(
                    ctx, actor=operator(ctx), start=first, end=last, language=_language()
                )
            )
            return
        rows = retention.certificate_rows(ctx, actor=operator(ctx), start=first, end=last)
    except ServiceError as exc:
        fail(exc.message(_language()))
    text = retention.certificate_csv(rows)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        typer.echo(text.lstrip("\ufeff"), nl=False)


@app.command("person-export")
def person_export(
    name: str = typer.Option(None, "--name", help="The person's name, as recorded."),
    email: str = typer.Option(None, "--email", help="The person's email address."),
    phone: str = typer.Option(None, "--phone", help="The person's telephone number."),
    only: list[str] = typer.Option(None, "--case", help="Only this case (repeatable)."),
    output: Path = typer.Option(..., "-o", "--output", help="The ZIP file to write."),
) -> None:
    """Export what casework holds about a person (Loi sur l'accès, art. 83): every case found by
    name, email or telephone, or only the --case ones; print the references exported."""
    ctx = context()
    try:
        done = person.export(
            ctx,
            actor=operator(ctx),
            criteria=person.Criteria(name=name, email=email, phone=phone),
            references=only or None,
            interface="cli",
        )
    except ServiceError as exc:
        fail(exc.message(_language()))
    output.write_bytes(done.content)
    for reference in done.references:
        typer.echo(reference)
