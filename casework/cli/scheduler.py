"""`casework scheduler`: the process that sends deadline reminders, delivers the outbox and sends
the supervisors' digest; `--once` runs one pass and exits (for cron and for tests)."""

from datetime import datetime

import typer

from casework.cli.common import context, fail, language, say, say_count, settings
from casework.context import AppContext, FixedClock
from casework.i18n import format_moment


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(say("Invalid --now “%(value)s”: write it as YYYY-MM-DDTHH:MM±HH:MM.", value=value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings().calendar.zone)
    return moment


app = typer.Typer()


@app.command("scheduler")
def scheduler(
    once: bool = typer.Option(
        False, "--once", help="Run one sweep and one delivery pass, then exit (for cron)."
    ),
    digest: bool = typer.Option(
        False,
        "--digest",
        help="With --once: also send the supervisors' daily digest (once per business day).",
    ),
    now: str = typer.Option(
        None,
        "--now",
        help="With --once: act as if it were this time, e.g. 2026-12-21T09:00-05:00 "
        "(a time without offset is Montreal time). To replay a missed day or to test.",
    ),
) -> None:
    """Run the scheduler: deadline reminders, outbox delivery, the supervisors' digest.

    It also recomputes open deadlines when the calendar changed. Run one process (or several on
    PostgreSQL), never inside the web workers; or run `--once` from cron.
    """
    from casework import scheduler as jobs

    if (now or digest) and not once:
        fail(say("--now and --digest go with --once."))
    clock = FixedClock(_parse_now(now)) if now else None
    ctx = context(clock)
    worker = jobs.worker_name()
    if not once:
        jobs.run_forever(ctx, worker=worker)
        return
    report = jobs.run_once(ctx, worker=worker, digest=digest)
    _print_once(ctx, report)


def _print_once(ctx: AppContext, report) -> None:
    from notifications.delivery import next_opening

    calendar = report.calendar
    if calendar.applied:
        typer.echo(
            say_count(
                "calendar %(version)s: applied, %(moved)s of %(n)s open case had a deadline moved",
                "calendar %(version)s: applied, %(moved)s of %(n)s open cases had a deadline moved",
                calendar.cases,
                version=calendar.version,
                moved=calendar.moved,
            )
        )
    sweep = report.sweep
    if sweep.claimed:
        typer.echo(
            say(
                "sweep %(slot)s: %(cases)s, %(reminders)s, %(enqueued)s",
                slot=sweep.slot,
                cases=say_count("%(n)s case examined", "%(n)s cases examined", sweep.cases),
                reminders=say_count("%(n)s reminder due", "%(n)s reminders due", sweep.reminders),
                enqueued=_enqueued(sweep.enqueued),
            )
        )
    else:
        typer.echo(say("sweep %(slot)s: already done by another run", slot=sweep.slot))
    if report.digest is not None:
        digest = report.digest
        if digest.skipped:
            typer.echo(say("digest %(day)s: skipped (%(why)s)", day=digest.day, why=digest.skipped))
        elif not digest.claimed:
            typer.echo(say("digest %(day)s: already sent", day=digest.day))
        else:
            typer.echo(
                say(
                    "digest %(day)s: %(overdue)s overdue, %(at_risk)s at risk, %(enqueued)s",
                    day=digest.day,
                    overdue=digest.overdue,
                    at_risk=digest.at_risk,
                    enqueued=_enqueued(digest.enqueued),
                )
            )
    delivery = report.delivery
    if delivery.outside_office_hours:
        opening = next_opening(ctx, ctx.now())
        typer.echo(
            say(
                "delivery: outside office hours; messages wait until %(moment)s",
                moment=format_moment(opening, ctx.tz, language()),
            )
        )
    else:
        typer.echo(
            say(
                "delivery: %(sent)s sent, %(retrying)s to retry, %(failed)s failed",
                sent=delivery.sent,
                retrying=delivery.retrying,
                failed=delivery.failed,
            )
        )


def _enqueued(n: int) -> str:
    return say_count("%(n)s message enqueued", "%(n)s messages enqueued", n)
