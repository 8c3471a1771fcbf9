"""The scheduler process (`casework scheduler`): reminders, delivery, digest, recomputation.

DESIGN §3: "The scheduler is its own process (`casework scheduler`), never started inside each
web worker. Each periodic run claims its slot in the database, so two scheduler processes never
do the same work twice." DESIGN §5: "use [APScheduler] 3.x [...] run one scheduler process with
an in-memory job store, make each run claim its slot with `INSERT ... ON CONFLICT DO NOTHING`,
and make the work itself idempotent. Default `misfire_grace_time` is 1 s and late runs are
dropped with only a warning: set it in minutes."

Jobs, in the configured time zone (America/Toronto):

    calendar  at start, then hourly   recompute open deadlines when the calendar changed
    sweep     at start, then every 15 min   enqueue the reminders and overdue alerts now due
    deliver   every minute            deliver the outbox (office hours, business days only)
    digest    08:30 Monday to Friday  the supervisors' digest (business days only; also at a
                                      start after 08:30 on a business day, once per day)
    survey    every 15 min            the satisfaction survey's invitations and reminders due
                                      (office hours; each invitation's row is its claim)
    prune     03:00 daily             forget run claims older than 30 days
    retention 02:00 daily             apply the retention schedule to the cases due, when
                                      `retention.automatic` is on (Loi sur les archives, art. 7)
    mail      every mail.fetch_every_minutes (5 by default), when mail.imap_host is set:
                                      read the mailbox (casework.mailbox); each message is
                                      processed once whoever reads it, so it needs no claim

The jobs are thin adapters over the services (casework.services.reminders and .outbox); each
claims its slot in the database (delivery claims each message instead), so running two
scheduler processes, on one machine or several with PostgreSQL, does each piece of work once.
"""

import logging
import os
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from casework.context import AppContext
from casework.services import citizen_survey, reminders, retention
from casework.services import outbox as outbox_service
from casework.services.calendar import refresh
from notifications.delivery import DeliveryReport

log = logging.getLogger("casework.scheduler")

DIGEST_AT = time(8, 30)
MISFIRE_GRACE_SECONDS = 10 * 60


def worker_name() -> str:
    """Name this process in claims and logs: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class OnceReport:
    calendar: reminders.RecomputeReport
    sweep: reminders.SweepReport
    digest: reminders.DigestReport | None
    delivery: DeliveryReport
    survey: citizen_survey.InvitationReport | None = None


def run_once(ctx: AppContext, *, worker: str, digest: bool = False) -> OnceReport:
    """Apply a calendar change, run one sweep (and the digest when asked), then one delivery
    pass: what cron runs every few minutes instead of the long-running process."""
    refresh(ctx)
    calendar = reminders.apply_calendar_change(ctx, worker=worker)
    sweep = reminders.sweep(ctx, worker=worker)
    digest_report = reminders.send_digest(ctx, worker=worker) if digest else None
    survey = citizen_survey.invite_due(ctx, worker=worker)
    delivery = outbox_service.deliver(ctx, worker=worker)
    return OnceReport(
        calendar=calendar, sweep=sweep, digest=digest_report, delivery=delivery, survey=survey
    )


def _logged(ctx: AppContext, name: str, job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            refresh(ctx)  # another process may have changed the closures
            result = job()
        except Exception:
            # Logged, and the next run tries again: one failed run does not stop the scheduler.
            log.exception("%s failed", name)
            return
        log.debug("%s: %s", name, result)

    run.__name__ = name
    return run


def build(ctx: AppContext, *, worker: str):
    """Build the scheduler (not started) with its jobs and an in-memory job store."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    tz = ctx.tz
    scheduler = BlockingScheduler(
        timezone=tz,
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=3)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
    )

    def jobs(name: str, fn: Callable[[], object], trigger) -> None:
        job = _logged(ctx, name, fn)
        scheduler.add_job(job, trigger, id=name, name=name, replace_existing=True)

    jobs(
        "calendar",
        lambda: reminders.apply_calendar_change(ctx, worker=worker),
        IntervalTrigger(hours=1, timezone=tz),
    )
    jobs(
        "sweep",
        lambda: _log_sweep(reminders.sweep(ctx, worker=worker)),
        CronTrigger(minute="*/15", timezone=tz),
    )
    jobs(
        "deliver",
        lambda: _log_delivery(outbox_service.deliver(ctx, worker=worker)),
        CronTrigger(minute="*", timezone=tz),
    )
    jobs(
        "digest",
        lambda: _log_digest(reminders.send_digest(ctx, worker=worker)),
        CronTrigger(
            day_of_week="mon-fri", hour=DIGEST_AT.hour, minute=DIGEST_AT.minute, timezone=tz
        ),
    )
    jobs(
        "survey",
        lambda: _log_survey(citizen_survey.invite_due(ctx, worker=worker)),
        CronTrigger(minute="*/15", timezone=tz),
    )
    jobs("prune", lambda: reminders.prune_claims(ctx), CronTrigger(hour=3, minute=0, timezone=tz))
    jobs(
        "retention",
        lambda: retention.apply_due(ctx, worker=worker),
        CronTrigger(hour=2, minute=0, timezone=tz),
    )
    if ctx.settings.mail.imap_host:
        from casework import mailbox

        jobs(
            "mail",
            lambda: mailbox.fetch(ctx),
            IntervalTrigger(minutes=ctx.settings.mail.fetch_every_minutes, timezone=tz),
        )
    return scheduler


def _log_survey(report: citizen_survey.InvitationReport) -> citizen_survey.InvitationReport:
    if report.invited or report.reminded:
        log.info("survey: %s invitation(s), %s reminder(s)", report.invited, report.reminded)
    return report


def _log_sweep(report: reminders.SweepReport) -> reminders.SweepReport:
    if report.enqueued:
        log.info(
            "sweep %s: %s reminder(s) due, %s message(s) enqueued",
            report.slot,
            report.reminders,
            report.enqueued,
        )
    return report


def _log_delivery(report: DeliveryReport) -> DeliveryReport:
    if report.sent or report.retrying or report.failed:
        log.info(
            "delivery: %s sent, %s to retry, %s failed", report.sent, report.retrying, report.failed
        )
    return report


def _log_digest(report: reminders.DigestReport) -> reminders.DigestReport:
    if report.enqueued:
        log.info(
            "digest of %s: %s overdue, %s at risk, %s message(s) enqueued",
            report.day,
            report.overdue,
            report.at_risk,
            report.enqueued,
        )
    return report


def run_forever(ctx: AppContext, *, worker: str) -> None:
    """Catch up at start (calendar, sweep, a digest not yet sent today), then run the jobs until
    SIGTERM or Ctrl+C; a job in progress finishes first, the catch-up included."""
    scheduler = build(ctx, worker=worker)
    stopping = False

    def stop(signum, _frame) -> None:
        nonlocal stopping
        log.info("signal %s: stopping once the running jobs finish", signum)
        stopping = True
        if scheduler.running:
            scheduler.shutdown(wait=True)

    # Before the catch-up, so that a stop asked meanwhile waits for it instead of killing it.
    signal.signal(signal.SIGTERM, stop)
    log.info("scheduler %s started (time zone %s)", worker, ctx.tz.key)
    _logged(ctx, "calendar", lambda: reminders.apply_calendar_change(ctx, worker=worker))()
    _logged(ctx, "sweep", lambda: _log_sweep(reminders.sweep(ctx, worker=worker)))()
    # Started after 08:30 and before the end of the office day: today's digest, if not sent yet.
    local = ctx.now().astimezone(ctx.tz).time()
    closing = max((period.end for period in ctx.settings.calendar.office_hours), default=time.max)
    if not stopping and DIGEST_AT <= local < closing:
        _logged(ctx, "digest", lambda: _log_digest(reminders.send_digest(ctx, worker=worker)))()
    if not stopping:
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=True)
    log.info("scheduler %s stopped", worker)
