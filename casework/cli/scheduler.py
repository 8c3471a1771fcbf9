"""`casework scheduler`: the process that sends deadline reminders, delivers the outbox and sends
the supervisors' digest; `--once` runs one pass and exits (for cron and for tests)."""

from datetime import datetime

import typer

from casework.cli.common import context, fail, settings
from casework.context import AppContext, FixedClock


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"invalid --now {value!r}: expected YYYY-MM-DDTHH:MM±HH:MM")
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
        fail("--now and --digest go with --once")
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
            f"calendar {calendar.version}: applied, {calendar.moved} of {calendar.cases} "
            "open case(s) had a deadline moved"
        )
    sweep = report.sweep
    if sweep.claimed:
        typer.echo(
            f"sweep {sweep.slot}: {sweep.cases} case(s) examined, {sweep.reminders} reminder(s) "
            f"due, {sweep.enqueued} message(s) enqueued"
        )
    else:
        typer.echo(f"sweep {sweep.slot}: already done by another run")
    if report.digest is not None:
        digest = report.digest
        if digest.skipped:
            typer.echo(f"digest {digest.day}: skipped ({digest.skipped})")
        elif not digest.claimed:
            typer.echo(f"digest {digest.day}: already sent")
        else:
            typer.echo(
                f"digest {digest.day}: {digest.overdue} overdue, {digest.at_risk} at risk, "
                f"{digest.enqueued} message(s) enqueued"
            )
    delivery = report.delivery
    if delivery.outside_office_hours:
        opening = next_opening(ctx, ctx.now()).astimezone(ctx.tz)
        typer.echo(f"delivery: outside office hours; messages wait until {opening:%Y-%m-%d %H:%M}")
    else:
        typer.echo(
            f"delivery: {delivery.sent} sent, {delivery.retrying} to retry, "
            f"{delivery.failed} failed"
        )
