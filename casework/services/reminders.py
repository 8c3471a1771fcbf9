"""Deadline reminders, overdue alerts, the supervisors' digest, and deadlines recomputed when the
calendar changes.

DESIGN §2.4: "Before a deadline (configurable thresholds, in business days, e.g. 3 and 1), on its
day, and while overdue (e.g. every 5 business days), the assignee, or the complaints officers
when nobody is assigned, get a reminder; supervisors get overdue alerts and a daily digest." "A
reminder is sent exactly once per case, deadline and threshold, even when several scheduler
processes run or one crashes halfway." DESIGN §2.3: "When the calendar changes, open deadlines
are recomputed and every change is recorded as an event."

How the sweep decides, for a deadline due on D, seen on day T (all counts in business days, as
`BusinessCalendar.business_days_between(T, D)` gives them: the business days after T up to D):

    left = business days from T to D     stage              message
    left > largest threshold              none
    0 < left <= threshold t (smallest)    before-t           reminder ("in 3 business days")
    left = 0 (T is D, or the last         due                reminder ("today")
      business day before a D that is
      not one)
    late = -left > 0                      overdue-k, with    overdue alert (assignee or
                                          k = 1, 1+N, 1+2N   officers, and the supervisors)
                                          (the first business day after the deadline, then every
                                          N = overdue_every business days)

A stage is enqueued under the key (case, deadline, due date, stage) and each message under that
key plus its channel and recipient, with INSERT ... ON CONFLICT DO NOTHING: exactly once, however
many sweeps see it. A sweep sends the current stage only: after an outage it catches up with the
stage each deadline has reached, not with every stage it missed.

What a sweep reads, so that it costs what is due and not the size of the table: the deadlines
whose stage began since the previous sweep (one range of due dates per stage, read through the
indexes on each deadline), and the cases changed since the previous sweep (a new case, an
extension, a recomputation: their stage may have begun before they existed). The first sweep
ever reads every running deadline up to the largest threshold.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import islice

from sqlalchemy import Row
from sqlmodel import Session

from casework.config import ReminderSettings
from casework.context import Actor, AppContext
from casework.db import unit_of_work
from casework.i18n import gettext, normalize_language
from casework.repositories import claims
from casework.repositories import reminders as repo
from casework.repositories.reminders import Recipient, Window
from casework.services import clock, notices
from casework.services.notices import Staff, delay_text
from notifications import outbox
from notifications.outbox import NewMessage
from notifications.render import render
from workflows.calendar import BusinessCalendar
from workflows.case_clock import DEADLINE_LABELS, DeadlineName, running_deadlines
from workflows.deadlines import DayUnit

log = logging.getLogger("casework.reminders")

SWEEP_EVERY = timedelta(minutes=15)
# Cases changed this long before the previous sweep began are looked at again: a command that
# began before that sweep may have committed after it read the table.
CHANGE_MARGIN = timedelta(minutes=15)
CHUNK = 500
DIGEST_ROWS = 100
KEEP_CLAIMS = timedelta(days=30)
# Open cases recomputed together after a change of calendar.
RECOMPUTE_BATCH = 500


# -- stages and windows (pure: the calendar and the rules, no database) --------------------


@dataclass(frozen=True, slots=True)
class Stage:
    """Where a deadline stands for reminders on a given day."""

    key: str  # before-3, before-1, due, overdue-1, overdue-6...
    kind: str  # the template: reminder or overdue_alert
    business_days: int  # left before the deadline (0 on its day), or late after it


def stage_on(
    calendar: BusinessCalendar, rules: ReminderSettings, *, due_on: date, today: date
) -> Stage | None:
    """Return the reminder stage of a deadline due on `due_on`, as of `today`."""
    left = calendar.business_days_between(today, due_on)
    if left > 0:
        reached = [t for t in rules.thresholds if t >= left]
        return Stage(f"before-{min(reached)}", "reminder", left) if reached else None
    if left == 0:
        return Stage("due", "reminder", 0) if rules.on_due_day else None
    late = -left
    every = rules.overdue_every
    return Stage(f"overdue-{1 + every * ((late - 1) // every)}", "overdue_alert", late)


def due_windows(
    calendar: BusinessCalendar,
    rules: ReminderSettings,
    *,
    since: date | None,
    today: date,
    earliest: date | None,
) -> list[Window]:
    """Return the ranges of due dates whose reminder stage began after day `since` and by
    `today` (every running deadline up to the largest threshold when there is no `since`).

    A stage changes only when a business day passes, so the days are taken as their business
    day (a Saturday counts as the Friday before). For a stage that begins `t` business days
    before the deadline (t = 0 on its day), the deadlines whose stage began after business day
    L and by business day B are those due from the (t+1)-th business day after L up to, not
    including, the (t+1)-th after B; for overdue-k they are due from the (k-1)-th business day
    before L up to, not including, the (k-1)-th before B."""
    top = max(rules.thresholds, default=0)
    latest = calendar.roll_backward(today)
    if since is None:
        return [(None, calendar.add_business_days(latest, top + 1))]
    last = calendar.roll_backward(since)
    if last >= latest:
        return []
    windows: list[Window] = []
    for t in (*rules.thresholds, 0):
        windows.append(
            (calendar.add_business_days(last, t + 1), calendar.add_business_days(latest, t + 1))
        )
    k = 1
    while earliest is not None:
        try:
            end = calendar.subtract_business_days(latest, k - 1)
            start = calendar.subtract_business_days(last, k - 1)
        except ValueError:  # before the calendar's first year: nothing is due that early
            break
        if end <= earliest:
            break
        windows.append((start, end))
        k += rules.overdue_every
    return merge_windows(windows)


def merge_windows(windows: Iterable[Window]) -> list[Window]:
    """Merge overlapping or touching ranges of dates."""
    ordered = sorted(windows, key=lambda w: (w[0] is not None, w[0] or date.min))
    merged: list[Window] = []
    for start, end in ordered:
        if start is not None and end <= start:
            continue
        if merged and (start is None or start <= merged[-1][1]):
            previous_start, previous_end = merged[-1]
            merged[-1] = (previous_start, max(previous_end, end))
        else:
            merged.append((start, end))
    return merged


# -- the sweep ------------------------------------------------------------------------------


@dataclass
class SweepReport:
    slot: str
    claimed: bool
    cases: int = 0  # cases looked at
    reminders: int = 0  # (case, deadline, stage) found due
    enqueued: int = 0  # messages added to the outbox


def slot_of(moment: datetime, every: timedelta = SWEEP_EVERY) -> str:
    """Return the time slot of a periodic run (UTC, so that a change of hour has no effect)."""
    seconds = int(every.total_seconds())
    stamp = int(moment.timestamp()) // seconds * seconds
    return datetime.fromtimestamp(stamp, tz=UTC).strftime("%Y-%m-%dT%H:%MZ")


@dataclass
class _Plan:
    row: Row
    deadline: DeadlineName
    due_on: date
    stage: Stage
    recipient: Recipient
    why: str

    @property
    def key(self) -> str:
        return (
            f"reminder:{self.row.id}:{self.deadline.value}:{self.due_on.isoformat()}:"
            f"{self.stage.key}"
        )


def sweep(ctx: AppContext, *, worker: str) -> SweepReport:
    """Find the reminders and overdue alerts due now and enqueue each once (one unit of work,
    with the claim of its time slot)."""
    now = ctx.now()
    slot = slot_of(now)
    with unit_of_work(ctx.engine) as session:
        previous = claims.last_finished(session, job="sweep")
        if not claims.claim(session, job="sweep", slot=slot, worker=worker, now=now):
            return SweepReport(slot=slot, claimed=False)
        report = SweepReport(slot=slot, claimed=True)
        _sweep(ctx, session, report, now=now, previous_at=previous.claimed_at if previous else None)
        claims.finish(session, job="sweep", slot=slot, now=ctx.now())
    return report


def _candidates(
    ctx: AppContext, session: Session, *, today: date, previous_at: datetime | None
) -> dict[int, Row]:
    rules = ctx.settings.reminders
    since = previous_at.astimezone(ctx.tz).date() if previous_at else None
    found: dict[int, Row] = {}
    for deadline in DeadlineName:
        earliest = repo.earliest_due(session, deadline)
        if earliest is None:
            continue
        windows = due_windows(ctx.calendar, rules, since=since, today=today, earliest=earliest)
        for row in repo.due_in(session, deadline=deadline, windows=windows):
            found[row.id] = row
    if previous_at is not None:
        for row in repo.changed_since(session, since=previous_at - CHANGE_MARGIN):
            found[row.id] = row
    return found


def _plans(ctx: AppContext, staff: Staff, rows: Sequence[Row], today: date) -> list[_Plan]:
    calendar = ctx.calendar
    rules = ctx.settings.reminders
    plans = []
    for row in rows:
        running = running_deadlines(
            status=row.status,
            ack_due_on=row.ack_due_on,
            answer_due_on=row.answer_due_on,
            protecteur_reply_due_on=row.protecteur_reply_due_on,
            ack_outcome=row.ack_outcome,
            answer_met_on=row.answer_met_on,
        )
        for deadline in running:
            try:
                stage = stage_on(calendar, rules, due_on=deadline.due_on, today=today)
            except ValueError as exc:  # a date the calendar does not cover
                log.warning(
                    "case %s: %s deadline not checked: %s", row.reference, deadline.name, exc
                )
                continue
            if stage is None:
                continue
            if stage.kind == "overdue_alert":
                recipients = staff.for_overdue(row.assignee_id)
            else:
                recipients = staff.for_case(row.assignee_id)
            if not recipients:
                log.error("case %s: nobody to remind (no active staff)", row.reference)
            plans += [
                _Plan(row, deadline.name, deadline.due_on, stage, recipient, why)
                for recipient, why in recipients
            ]
    return plans


def _message_keys(plan: _Plan) -> list[str]:
    return [
        f"{plan.key}:{channel.value}:{plan.recipient.user_id}"
        for channel in notices.channels_of(plan.recipient)
    ]


def _reminder_messages(ctx: AppContext, staff: Staff, plan: _Plan) -> list[NewMessage]:
    language = normalize_language(plan.recipient.language)
    stage = plan.stage
    context = {
        "user_name": plan.recipient.name,
        "why": plan.why,
        "case": notices.case_facts(ctx.settings, plan.row, language),
        "status_label": notices.status_label(plan.row.status, language),
        "assignee_name": staff.name_of(plan.row.assignee_id),
        "deadline_label": gettext(notices.DEADLINE_IN_SENTENCE[plan.deadline], language),
        "due_on": plan.due_on.isoformat(),
    }
    if stage.kind == "overdue_alert":
        context["late"] = delay_text(stage.business_days, DayUnit.BUSINESS, language)
    else:
        context["stage"] = "due" if stage.key == "due" else "before"
        context["remaining"] = delay_text(stage.business_days, DayUnit.BUSINESS, language)
    # Kept as facts (JSON) and rendered at delivery: a sweep may enqueue tens of thousands.
    return notices.staff_messages(
        plan.recipient,
        context=context,
        kind=stage.kind,
        case_id=plan.row.id,
        link=context["case"]["link"],
        key=plan.key,
    )


def _sweep(
    ctx: AppContext,
    session: Session,
    report: SweepReport,
    *,
    now: datetime,
    previous_at: datetime | None,
) -> None:
    today = ctx.today()
    candidates = _candidates(ctx, session, today=today, previous_at=previous_at)
    report.cases = len(candidates)
    if not candidates:
        return
    staff = Staff.load(session)
    # In case order, chunk by chunk: the same order in every process (no deadlock between two
    # sweeps inserting the same keys) and a bounded memory whatever is due.
    ordered = [candidates[i] for i in sorted(candidates)]
    for start in range(0, len(ordered), CHUNK):
        plans = _plans(ctx, staff, ordered[start : start + CHUNK], today)
        report.reminders += len({plan.key for plan in plans})
        existing = outbox.existing_keys(
            session, [key for plan in plans for key in _message_keys(plan)]
        )
        messages: list[NewMessage] = []
        for plan in plans:
            if all(key in existing for key in _message_keys(plan)):
                continue
            messages += [
                message
                for message in _reminder_messages(ctx, staff, plan)
                if message.dedup_key not in existing
            ]
        report.enqueued += outbox.enqueue_many(session, messages=messages, now=now)


# -- the supervisors' digest ----------------------------------------------------------------


@dataclass
class DigestReport:
    day: date
    claimed: bool
    overdue: int = 0
    at_risk: int = 0
    enqueued: int = 0
    skipped: str | None = None


def _digest_rows(ctx: AppContext, staff: Staff, rows: Sequence[Row], today: date, language: str):
    items = []
    for row in rows:
        due_on = row.next_due_on
        if due_on < today:
            days = max(1, ctx.calendar.business_days_between(due_on, today))
        else:
            days = ctx.calendar.business_days_between(today, due_on)
        items.append(
            {
                "reference": row.reference,
                "link": notices.case_link(ctx.settings, row.reference),
                "subject": row.subject,
                "deadline": gettext(DEADLINE_LABELS[DeadlineName(row.next_deadline)], language),
                "due_on": due_on,
                "delay": delay_text(days, DayUnit.BUSINESS, language),
                "assignee_name": staff.name_of(row.assignee_id),
            }
        )
    return items


def send_digest(ctx: AppContext, *, worker: str) -> DigestReport:
    """Enqueue the daily digest of overdue and at-risk cases for each supervisor, once per
    business day."""
    now = ctx.now()
    today = ctx.today()
    if not ctx.calendar.is_business_day(today):
        return DigestReport(day=today, claimed=False, skipped="not a business day")
    within = ctx.settings.deadlines.at_risk_within
    until = ctx.calendar.add_business_days(today, within)
    yesterday = today - timedelta(days=1)
    with unit_of_work(ctx.engine) as session:
        if not claims.claim(session, job="digest", slot=today.isoformat(), worker=worker, now=now):
            return DigestReport(day=today, claimed=False)
        report = DigestReport(day=today, claimed=True)
        report.overdue = repo.count_due_between(session, start=None, end=yesterday)
        report.at_risk = repo.count_due_between(session, start=today, end=until)
        overdue = repo.due_between(session, start=None, end=yesterday, limit=DIGEST_ROWS)
        at_risk = repo.due_between(session, start=today, end=until, limit=DIGEST_ROWS)
        staff = Staff.load(session)
        list_link = f"{ctx.settings.server.base_url.rstrip('/')}/cases?overdue=true"
        messages: list[NewMessage] = []
        for supervisor in staff.with_role("supervisor"):
            language = normalize_language(supervisor.language)
            rendered = render(
                "digest",
                language,
                user_name=supervisor.name,
                day=today,
                overdue=_digest_rows(ctx, staff, overdue, today, language),
                at_risk=_digest_rows(ctx, staff, at_risk, today, language),
                overdue_total=report.overdue,
                at_risk_total=report.at_risk,
                at_risk_within=delay_text(within, DayUnit.BUSINESS, language),
                list_link=list_link,
            )
            messages += notices.staff_messages(
                supervisor,
                rendered=rendered,
                kind="digest",
                case_id=None,
                link=list_link,
                key=f"digest:{today.isoformat()}",
            )
        report.enqueued = outbox.enqueue_many(session, messages=messages, now=now)
        claims.finish(session, job="digest", slot=today.isoformat(), now=ctx.now())
    return report


# -- calendar changes -----------------------------------------------------------------------


@dataclass
class RecomputeReport:
    version: str
    applied: bool
    cases: int = 0
    moved: int = 0
    changes: list[dict] = field(default_factory=list)


def apply_calendar_change(ctx: AppContext, *, worker: str) -> RecomputeReport:
    """When the calendar differs from the one last applied, recompute the running deadlines of
    the open cases computed with another calendar, recording each date that moves as an event
    (one unit of work, claimed once per change of calendar)."""
    from casework.services.calendar import refresh
    from casework.services.cases import recompute_deadlines

    version = refresh(ctx, force=True).version
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        last = claims.last_finished(session, job="calendar")
        if last is not None and last.slot.partition(":")[2] == version:
            return RecomputeReport(version=version, applied=False)
        # The n-th change gets slot "n:version": two processes seeing the same change claim the
        # same slot, and a calendar that comes back later is applied again.
        slot = f"{claims.count(session, job='calendar') + 1}:{version}"
        if not claims.claim(session, job="calendar", slot=slot, worker=worker, now=now):
            return RecomputeReport(version=version, applied=False)
        report = RecomputeReport(version=version, applied=True)
        actor = Actor.system()
        cases = repo.with_other_calendar(session, version=version)
        # A batch of cases at a time: their trails read at once, alike cases' clocks shared.
        while batch := list(islice(cases, RECOMPUTE_BATCH)):
            trails = clock.histories(ctx, session, [case.id for case in batch])
            clocks = clock.Clocks(ctx, calendar=ctx.calendar, today=ctx.today())
            for case in batch:
                report.cases += 1
                changes = recompute_deadlines(
                    ctx,
                    session,
                    case,
                    actor=actor,
                    now=now,
                    history=trails.get(case.id, ()),
                    clocks=clocks,
                )
                if changes:
                    report.moved += 1
                    report.changes += [{"reference": case.reference, **c} for c in changes]
        claims.finish(session, job="calendar", slot=slot, now=ctx.now())
    if report.moved:
        log.info(
            "calendar %s applied: %s of %s open cases had a deadline moved",
            version,
            report.moved,
            report.cases,
        )
    return report


def prune_claims(ctx: AppContext) -> int:
    """Delete the claims of periodic runs older than KEEP_CLAIMS (keeping the last of each)."""
    before = ctx.now() - KEEP_CLAIMS
    with unit_of_work(ctx.engine) as session:
        return sum(claims.prune(session, job=job, before=before) for job in ("sweep", "digest"))
