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
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from casework.context import AppContext
from casework.db import read_session
from casework.models import Case
from casework.repositories import reports as repo
from casework.repositories.cases import CaseFilters
from workflows import service_standards as standards
from workflows.case_clock import Outcome
from workflows.service_standards import AgeingBucket, Commitment, Rate, WeekCount

LIST_LIMIT = 500


class AgedCase(NamedTuple):  # one per open case: a tuple, quick to make
    reference: str
    kind: str
    status: str
    subject: str
    received_on: date
    age: int  # business days open
    assignee_id: int | None


@dataclass(frozen=True)
class ListedView:
    """A case of the dashboard's lists as the case lists show it (`view.case`), without its
    requester: the dashboard shows none."""

    case: repo.ListedCase
    requester: None = None


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
    overdue: list[ListedView]
    at_risk: list[ListedView]
    workload: list[repo.WorkloadRow]
    ageing: list[AgeingBucket]
    weeks: list[WeekFigures]
    acknowledgment_rate: Rate
    answer_rate: Rate


def at_risk_until(ctx: AppContext, today: date) -> date:
    """Return the last day of the at-risk window that starts today."""
    return ctx.calendar.add_business_days(today, ctx.settings.deadlines.at_risk_within)


def overdue_cases(ctx: AppContext, *, today: date) -> list[ListedView]:
    """Return the cases whose running deadline has passed, the most overdue first."""
    with read_session(ctx.engine) as session:
        rows = repo.listed_by_due(session, CaseFilters(overdue_on=today), limit=LIST_LIMIT)
    return [ListedView(row) for row in rows]


def at_risk_cases(ctx: AppContext, *, today: date) -> list[ListedView]:
    """Return the cases whose running deadline falls within the at-risk window."""
    window = (today, at_risk_until(ctx, today))
    with read_session(ctx.engine) as session:
        rows = repo.listed_by_due(session, CaseFilters(at_risk_until=window), limit=LIST_LIMIT)
    return [ListedView(row) for row in rows]


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
        ack = acknowledgment_commitment(
            due_on=row.ack_due_on,
            outcome=row.ack_outcome,
            met_on=row.ack_met_on or _local(row.left_received_at, ctx),
        )
        if ack is not None:
            acknowledgments.append(ack)
        answer = answer_commitment(
            due_on=row.answer_due_on,
            counted_on=row.answer_counted_on,
            outcome=row.answer_outcome,
            answered_on=_local(row.answered_at, ctx),
        )
        if answer is not None:
            answers.append(answer)
    return acknowledgments, answers


def acknowledgment_commitment(
    *, due_on: date | None, outcome: str | None, met_on: date | None
) -> Commitment | None:
    """Return the acknowledgment a rate counts, None when none is owed: `met_on` is the day it
    was met (or the case first left `received` otherwise than closed)."""
    if due_on is None or outcome == Outcome.NOT_APPLICABLE:
        return None
    return _judged(due_on, outcome, met_on)


def answer_commitment(
    *, due_on: date, counted_on: date | None, outcome: str | None, answered_on: date | None
) -> Commitment | None:
    """Return the first answer a rate counts, judged against `counted_on` (the date missed
    after a late extension) when there is one; None when no answer is owed."""
    if outcome == Outcome.NOT_APPLICABLE:
        return None
    return _judged(counted_on or due_on, outcome, answered_on)


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
    """Yield every open case with its age in business days, oldest first, read as it goes (the
    local day of receipt and its age worked out once per day: the cases come in receipt order)."""
    today = ctx.today()
    calendar, tz = ctx.calendar, ctx.tz
    received_on, next_day, age = None, None, 0
    with read_session(ctx.engine) as session:
        for reference, kind, status, subject, received_at, assignee_id in repo.open_cases(session):
            if next_day is None or received_at >= next_day:
                received_on = received_at.astimezone(tz).date()
                next_day = datetime.combine(received_on + timedelta(days=1), time(), tz)
                next_day = next_day.astimezone(UTC)  # compared with UTC instants: quicker
                age = standards.age_in_business_days(calendar, received_on, today)
            yield AgedCase(reference, kind, status, subject, received_on, age, assignee_id)


def weekly(ctx: AppContext, *, weeks: int = 12) -> tuple[list[WeekFigures], Rate, Rate]:
    """Return the figures of each of the last weeks, and the on-time rates over them: the cases
    received and answered each week, counted between the weeks' local midnights, and the
    deadlines due each week as the case clock judged them (the counts of the service
    standards' report, from the first Monday on)."""
    today = ctx.today()
    mondays = standards.weeks_ending(today, weeks)
    edges = [datetime.combine(day, time(), ctx.tz) for day in standards.week_starts(mondays)]
    with read_session(ctx.engine) as session:
        opened = repo.weekly_counts(session, Case.received_at, edges)
        answered = repo.weekly_counts(session, Case.answered_at, edges)
        counts = repo.deadline_outcomes(session, start=mondays[0])
    by_week = {
        name: standards.rates_by_week(rows, mondays, today=today) for name, rows in counts.items()
    }
    figures = [
        WeekFigures(
            week=monday,
            opened=opened_count,
            answered=answered_count,
            acknowledgment=ack_rate,
            answer=answer_rate,
        )
        for monday, opened_count, answered_count, (_, ack_rate), (_, answer_rate) in zip(
            mondays,
            opened,
            answered,
            by_week["acknowledgment"],
            by_week["answer"],
            strict=True,
        )
    ]
    overall = {
        name: standards.rate_of(standards.standard_figures(rows, today=today))
        for name, rows in counts.items()
    }
    return figures, overall["acknowledgment"], overall["answer"]


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
