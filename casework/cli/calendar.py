"""`casework calendar`: closure days, due dates and their explanation, from the terminal.

The output of `closures` and `due` is a contract (scripts and acceptance checks read it): one
line per closure `YYYY-MM-DD<TAB>French name`, one due date `YYYY-MM-DD` per receipt.
"""

import json
from datetime import date, datetime
from pathlib import Path

import typer
from sqlalchemy.engine import make_url

from casework.cli.common import context, engine, fail, say, settings
from casework.context import AppContext, build_calendar
from casework.explain import sentence
from casework.schemas import as_montreal
from casework.services.calendar import refresh
from workflows.deadlines import DayUnit, Delay, explain_due

app = typer.Typer(help="The business calendar and the deadline calculator.", no_args_is_help=True)


def parse_received(value: str) -> datetime:
    """Read a receipt: an ISO date, a datetime with an offset, or a naive Montreal datetime."""
    text = value.strip()
    try:
        parsed: date | datetime = (
            date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        )
    except ValueError:
        fail(
            f"invalid receipt {value!r}: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM "
            "(Montreal time) or YYYY-MM-DDTHH:MM±HH:MM"
        )
    return as_montreal(parsed)


def _calendar():
    """The calendar of the configuration, with the closures decided in the pages when there is a
    database to read them from (a SQLite file that does not exist yet is not created for this)."""
    current = settings()
    url = make_url(current.database.url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return build_calendar(current)
    return refresh(AppContext(settings=current, engine=engine()))


@app.command("closures")
def closures(
    year: int = typer.Argument(..., help="The year, e.g. 2026."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON objects."),
) -> None:
    """List the closure days of a year: `YYYY-MM-DD<TAB>name`, in date order."""
    calendar = _calendar()
    if not calendar.first_year <= year < calendar.last_year:
        last = calendar.last_year - 1
        fail(
            say(
                "Invalid year %(year)s: the calendar covers %(first)s to %(last)s.",
                year=year,
                first=calendar.first_year,
                last=last,
            )
        )
    days = calendar.closures(year)
    if as_json:
        typer.echo(json.dumps([c.as_dict() for c in days], ensure_ascii=False, indent=2))
        return
    for closure in days:
        typer.echo(f"{closure.day.isoformat()}\t{closure.name_fr}")


def _explain(received: str, days: int, calendar_days: bool):
    calendar = _calendar()
    received_at = parse_received(received)
    unit = DayUnit.CALENDAR if calendar_days else DayUnit.BUSINESS
    try:
        return explain_due(
            calendar, received_at=received_at, delay=Delay(days, unit), tz=settings().calendar.zone
        )
    except ValueError as exc:
        fail(say("Invalid moment of receipt “%(value)s”: %(reason)s", value=received, reason=exc))


@app.command("due")
def due(
    received: list[str] = typer.Argument(..., help="Receipts (date or datetime), one or more."),
    days: int = typer.Option(None, "--days", min=0, max=365, help="Delay (default: 10)."),
    calendar_days: bool = typer.Option(False, "--calendar-days", help="Count calendar days."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON objects."),
) -> None:
    """Print the due date of each receipt, one `YYYY-MM-DD` per line, in the order given."""
    days = settings().deadlines.complaint.acknowledgment.days if days is None else days
    explanations = [_explain(value, days, calendar_days) for value in received]
    if as_json:
        rows = [
            {"received": value, **e.as_dict()}
            for value, e in zip(received, explanations, strict=True)
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for explanation in explanations:
        typer.echo(explanation.due_on.isoformat())


@app.command("explain")
def explain(
    received: str = typer.Argument(..., help="The receipt (date or datetime)."),
    days: int = typer.Option(None, "--days", min=0, max=365, help="Delay (default: 10)."),
    calendar_days: bool = typer.Option(False, "--calendar-days", help="Count calendar days."),
    lang: str = typer.Option("fr", "--lang", help="fr or en."),
) -> None:
    """Explain how the due date of a receipt is computed, in a sentence."""
    if lang not in ("fr", "en"):
        fail(say("Invalid language “%(value)s”: choose fr or en.", value=lang))
    days = settings().deadlines.complaint.acknowledgment.days if days is None else days
    typer.echo(sentence(_explain(received, days, calendar_days), lang))


closure_app = typer.Typer(
    help="Add or remove a closure day (administrators).", no_args_is_help=True
)
app.add_typer(closure_app, name="closure")


def _closure_change(day: str, action: str, name_fr: str = "", name_en: str = "") -> None:
    from casework.cli.common import operator
    from casework.services import closures as service
    from casework.services.errors import ServiceError

    try:
        parsed = date.fromisoformat(day.strip())
    except ValueError:
        fail(say("Invalid date “%(value)s”: write it as YYYY-MM-DD.", value=day))
    ctx = context()
    language = ctx.settings.i18n.default_language
    try:
        result = service.apply_closure_change(
            ctx,
            actor=operator(ctx),
            day=parsed,
            action=action,
            name_fr=name_fr,
            name_en=name_en,
        )
    except ServiceError as exc:
        fail(exc.message(language))
    typer.echo(f"{result.change.day.isoformat()}\t{action}\t{result.calendar_version}")
    for move in result.moves:
        before = move.before.isoformat() if move.before else "—"
        after = move.after.isoformat() if move.after else "—"
        typer.echo(f"{move.reference}\t{move.deadline}\t{before}\t{after}")


@closure_app.command("add")
def closure_add(
    day: str = typer.Argument(..., help="The closure day, YYYY-MM-DD."),
    name_fr: str = typer.Option(..., "--name-fr", help="Its French name."),
    name_en: str = typer.Option(..., "--name-en", help="Its English name."),
) -> None:
    """Add a closure day; print each open deadline it moves (reference, deadline, from, to)."""
    _closure_change(day, "add", name_fr, name_en)


@closure_app.command("remove")
def closure_remove(day: str = typer.Argument(..., help="The closure day, YYYY-MM-DD.")) -> None:
    """Remove a closure day; print each open deadline it moves (reference, deadline, from, to)."""
    _closure_change(day, "remove")
