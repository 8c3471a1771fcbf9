"""`casework reports` and `casework survey`: the declaration's results, the annual management
report, and the import of a survey's results, over the services."""

import json
from datetime import date
from pathlib import Path

import typer

from casework.cli.common import context, fail, operator, say, say_count, settings
from casework.services.errors import ServiceError

app = typer.Typer(help="The declaration's results and the annual management report.")
survey_app = typer.Typer(help="The satisfaction survey's answers.", no_args_is_help=True)
FORMATS = ("json", "xlsx", "pdf")


def _language() -> str:
    return settings().i18n.default_language


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(
            say(
                "%(option)s: write the date as YYYY-MM-DD (not “%(value)s”).",
                option=option,
                value=value,
            )
        )


def _run(command):
    try:
        return command()
    except ServiceError as exc:
        fail(exc.message(_language()))


@app.command("service-declaration")
def service_declaration(
    first: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD)."),
    last: str = typer.Option(..., "--to", help="Last day, included (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Print the service declaration's results over a period."""
    from casework.annual_report import percent
    from casework.i18n import gettext
    from casework.services import accountability_report as service
    from workflows.accountability import STATUS_LABELS

    ctx = context()
    language = _language()
    period = _run(
        lambda: service.declaration(
            ctx, actor=operator(ctx), first=_day(first, "--from"), last=_day(last, "--to")
        )
    )
    data = service.declaration_json(period, language)
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for c in data["commitments"]:
        typer.echo(
            f"{gettext(STATUS_LABELS[c['status']], language):<15}"
            f" {percent(c['rate'], language):>9} / {percent(c['target'], language, target=True):>8}"
            f"  ({c['answers']})  {c['wording']}"
        )


@app.command("service-standards")
def service_standards(
    first: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD)."),
    last: str = typer.Option(..., "--to", help="Last day, included (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Print the on-time acknowledgments and answers falling due in a period, as of today."""
    from casework.annual_report import percent
    from casework.i18n import gettext
    from casework.services import reports as service
    from workflows.case_clock import DEADLINE_LABELS

    ctx = context()
    language = _language()
    figures = _run(
        lambda: service.service_standards(
            ctx, actor=operator(ctx), first=_day(first, "--from"), last=_day(last, "--to")
        )
    )
    data = {name: item.as_dict() for name, item in figures.items()}
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for name, item in data.items():
        rate = None if item["rate"] is None else round(100 * item["rate"], 1)
        typer.echo(
            f"{gettext(DEADLINE_LABELS[name], language)}\t{percent(rate, language)}\t"
            f"{item['on_time']}\t{item['late']}\t{item['open_late']}\t{item['not_applicable']}"
        )


@app.command("annual")
def annual(
    fiscal_year: int = typer.Option(..., help="2026 is 1 April 2026 to 31 March 2027."),
    format: str = typer.Option("json", help="json, xlsx or pdf."),
    output: Path = typer.Option(None, "-o", "--output", help="The file to write."),
) -> None:
    """Produce the annual management report of a fiscal year."""
    from casework import annual_report
    from casework.services import accountability_report as service

    if format not in FORMATS:
        fail(say("--format: choose one of %(formats)s.", formats=", ".join(FORMATS)))
    if format != "json" and output is None:
        fail(say("-o: name the file to write the xlsx or pdf report to."))
    ctx = context()
    actor = operator(ctx)
    language = _language()
    period = _run(
        lambda: service.annual(ctx, actor=actor, fiscal_year=fiscal_year, trace=format == "xlsx")
    )
    data = service.annual_json(ctx, period, fiscal_year=fiscal_year, language=language)
    if format == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False)
        if output is None:
            typer.echo(text)
            return
        content = text.encode("utf-8")
    elif format == "xlsx":
        content = annual_report.xlsx(ctx.settings, data, period, language=language)
    else:
        content = annual_report.pdf(ctx.settings, data, language=language)
    output.write_bytes(content)
    typer.echo(
        say_count("%(file)s: %(n)s byte", "%(file)s: %(n)s bytes", len(content), file=output)
    )


@survey_app.command("import")
def import_survey(
    file: Path = typer.Argument(
        ...,
        help="CSV, UTF-8: respondent, answered_on, service, "
        "aspect, rating (4, 3, 2, 1 or na), optionally case_reference.",
    ),
) -> None:
    """Import a survey's results, one row per respondent and aspect (all rows or none)."""
    from casework.services import survey

    if not file.is_file():
        fail(say("%(file)s: no such file.", file=file))
    ctx = context()
    actor = operator(ctx)
    batch, count = _run(lambda: survey.import_csv(ctx, actor=actor, content=file.read_bytes()))
    typer.echo(
        say_count(
            "%(n)s answer imported (batch %(batch)s)",
            "%(n)s answers imported (batch %(batch)s)",
            count,
            batch=batch,
        )
    )
