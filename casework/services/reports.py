"""The supervisor's dashboard: overdue and at-risk cases, workload, ageing, weekly figures.

DESIGN §1: the supervisor "reviews overdue and at-risk cases, workload, and the service-standard
figures". DESIGN §2.6: "the share of written requests acknowledged within 10 business days. An
on-time rate counts cases still open and already late in its denominator." The figures are
computed by `workflows.service_standards` from what `casework.repositories.reports` reads; nothing
here shows a requester.

Whether each deadline was met, met late, is still owed or no longer applies is the case clock's
(`workflows.case_clock`), stored with the case when it changes: the rates count its outcomes
(`ack_outcome`, `answer_outcome` judged against `answer_counted_on`, the date missed after a late
extension; the first answer of a reopened case keeps its place).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from casework.context import AppContext
from casework.db import read_session
from casework.repositories import reports as repo
from casework.repositories.cases import CaseFilters
from casework.services import cases as case_service
from casework.services.cases import CaseView
from casework.services.door import CASEWORK
from workflows import service_standards as standards
from workflows.case_clock import Outcome
from workflows.service_standards import AgeingBucket, Commitment, Rate, WeekCount

LIST_LIMIT = 500


@dataclass(frozen=True)
class AgedCase:
    reference: str
    kind: str
    status: str
    subject: str
    received_on: date
    age: int  # business days open
    assignee_id: int | None


@dataclass(frozen=True)
class WeekFigures:
    week: date  # its Monday
    opened: int
    answered: int
    acknowledgment: Rate
    answer: Rate


@dataclass(frozen=True)
class Dashboard:
    today: date
    at_risk_until: date
    overdue: list[CaseView]
    at_risk: list[CaseView]
    workload: list[repo.WorkloadRow]
    ageing: list[AgeingBucket]
    weeks: list[WeekFigures]
    acknowledgment_rate: Rate
    answer_rate: Rate


def at_risk_until(ctx: AppContext, today: date) -> date:
    """Return the last day of the at-risk window that starts today."""
    return ctx.calendar.add_business_days(today, ctx.settings.deadlines.at_risk_within)


def overdue_cases(ctx: AppContext, *, today: date) -> list[CaseView]:
    """Return the cases whose running deadline has passed, the most overdue first."""
    views, _ = case_service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(overdue_on=today),
        limit=LIST_LIMIT,
        by_due=True,
    )
    return views


def at_risk_cases(ctx: AppContext, *, today: date) -> list[CaseView]:
    """Return the cases whose running deadline falls within the at-risk window."""
    window = (today, at_risk_until(ctx, today))
    views, _ = case_service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(at_risk_until=window),
        limit=LIST_LIMIT,
        by_due=True,
    )
    return views


def _local(moment: datetime | None, ctx: AppContext) -> date | None:
    return moment.astimezone(ctx.tz).date() if moment is not None else None


def commitments(
    ctx: AppContext, rows: list[repo.DeadlineRow]
) -> tuple[list[Commitment], list[Commitment]]:
    """Turn deadline rows into the acknowledgment and answer commitments of the rates, as the
    case clock (workflows.case_clock) judged them: its stored outcome says on time, late, not
    applicable (left out) or still owed; the dates only place them (and feed the medians)."""
    acknowledgments, answers = [], []
    for row in rows:
        if row.ack_due_on is not None and row.ack_outcome != Outcome.NOT_APPLICABLE:
            met_on = row.ack_met_on or _local(row.left_received_at, ctx)
            acknowledgments.append(_judged(row.ack_due_on, row.ack_outcome, met_on))
        if row.answer_outcome != Outcome.NOT_APPLICABLE:
            due_on = row.answer_counted_on or row.answer_due_on
            answers.append(_judged(due_on, row.answer_outcome, _local(row.answered_at, ctx)))
    return acknowledgments, answers


def _judged(due_on: date, outcome: str | None, met_on: date | None) -> Commitment:
    """A commitment that the rates count as the clock's outcome says."""
    if outcome == Outcome.ON_TIME:
        return Commitment(due_on, met_on=min(met_on or due_on, due_on))
    if outcome == Outcome.LATE:
        late = date.fromordinal(due_on.toordinal() + 1)
        return Commitment(due_on, met_on=max(met_on or late, late))
    return Commitment(due_on, running=True)


def workload(ctx: AppContext) -> list[repo.WorkloadRow]:
    """Count the open cases of each assignee, overdue and at risk, nobody's first, then the
    busiest."""
    today = ctx.today()
    with read_session(ctx.engine) as session:
        rows = repo.workload(session, today=today, at_risk_until=at_risk_until(ctx, today))
    return sorted(rows, key=lambda r: (r.assignee_id is not None, -r.open))


def _ageing(ctx: AppContext, session, today: date) -> list[AgeingBucket]:
    edges = standards.ageing_edges(ctx.calendar, today)
    moments = {age: datetime.combine(day, time(), ctx.tz) for age, day in edges.items()}
    total, at_least = repo.open_cases_received_before(session, moments)
    return standards.ageing_from_counts(total, at_least)


def aged_cases(ctx: AppContext) -> Iterator[AgedCase]:
    """Yield every open case with its age in business days, oldest first, read as it goes."""
    today = ctx.today()
    calendar = ctx.calendar
    with read_session(ctx.engine) as session:
        for row in repo.open_cases(session):
            received_on = row.received_at.astimezone(ctx.tz).date()
            yield AgedCase(
                reference=row.reference,
                kind=row.kind,
                status=row.status,
                subject=row.subject,
                received_on=received_on,
                age=standards.age_in_business_days(calendar, received_on, today),
                assignee_id=row.assignee_id,
            )


def weekly(ctx: AppContext, *, weeks: int = 12) -> tuple[list[WeekFigures], Rate, Rate]:
    """Return the figures of each of the last weeks, and the on-time rates over them."""
    today = ctx.today()
    mondays = standards.weeks_ending(today, weeks)
    start = datetime.combine(mondays[0], time(), ctx.tz)
    with read_session(ctx.engine) as session:
        received = repo.received_since(session, start)
        answered = repo.answered_since(session, start)
        deadline_rows = repo.deadlines_due_since(session, mondays[0])
    opened = standards.weekly_counts((_local(m, ctx) for m in received), mondays)
    answered_counts = standards.weekly_counts((_local(m, ctx) for m in answered), mondays)
    acknowledgments, answers = commitments(ctx, deadline_rows)
    ack_weeks = standards.rates_by_week(acknowledgments, mondays, today=today)
    answer_weeks = standards.rates_by_week(answers, mondays, today=today)
    figures = [
        WeekFigures(
            week=monday,
            opened=o.count,
            answered=a.count,
            acknowledgment=ack_rate,
            answer=answer_rate,
        )
        for monday, o, a, (_, ack_rate), (_, answer_rate) in zip(
            mondays, opened, answered_counts, ack_weeks, answer_weeks, strict=True
        )
    ]
    return (
        figures,
        standards.on_time_rate((c for c in acknowledgments if c.due_on >= mondays[0]), today=today),
        standards.on_time_rate((c for c in answers if c.due_on >= mondays[0]), today=today),
    )


def service_standards(
    ctx: AppContext, *, actor, first: date, last: date
) -> dict[str, standards.StandardFigures]:
    """The acknowledgments and answers falling due from `first` to `last` as of today, as the
    case clock judged them: on time, late, open and late, not applicable (DESIGN §2.6: "An
    on-time rate counts cases still open and already late in its denominator")."""
    from casework.security import policy
    from casework.services.accountability_report import check_period

    policy.check(actor, "reports.read")
    check_period(first, last)
    today = ctx.today()
    with read_session(ctx.engine) as session:
        counts = repo.deadline_outcomes(session, start=first, end=last)
    return {name: standards.standard_figures(rows, today=today) for name, rows in counts.items()}


def dashboard(ctx: AppContext, *, weeks: int = 12) -> Dashboard:
    """Gather everything the supervisor's dashboard shows, as of today."""
    today = ctx.today()
    with read_session(ctx.engine) as session:
        ageing = _ageing(ctx, session, today)
    figures, acknowledgment_rate, answer_rate = weekly(ctx, weeks=weeks)
    return Dashboard(
        today=today,
        at_risk_until=at_risk_until(ctx, today),
        overdue=overdue_cases(ctx, today=today),
        at_risk=at_risk_cases(ctx, today=today),
        workload=workload(ctx),
        ageing=ageing,
        weeks=figures,
        acknowledgment_rate=acknowledgment_rate,
        answer_rate=answer_rate,
    )


__all__ = ["AgedCase", "Dashboard", "WeekCount", "WeekFigures", "dashboard"]
