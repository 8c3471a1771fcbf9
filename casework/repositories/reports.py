"""Queries behind the supervisor's dashboard (the only place that builds them).

They count cases over index ranges (receipts, answers, due dates and the case clock's stored
outcomes) and read only the columns a list shows, never the requesters: the dashboard shows no
personal information.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise

from sqlalchemy import (
    CompoundSelect,
    DateTime,
    Select,
    and_,
    case,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
    union_all,
)
from sqlmodel import Session

from casework.db import streamed
from casework.models import Case, CaseEvent
from casework.repositories.cases import OPEN, CaseFilters, filter_conditions
from workflows.events import EventKind


@dataclass(frozen=True, slots=True)
class ListedCase:
    """What a list of cases on the dashboard and its CSV files show of each (no requester)."""

    reference: str
    subject: str
    kind: str
    channel: str
    status: str
    received_at: datetime
    next_deadline: str | None
    next_due_on: date | None
    assignee_id: int | None


def listed_by_due(session: Session, filters: CaseFilters, *, limit: int) -> list[ListedCase]:
    """Return the cases matching the filters (the running deadlines: overdue, at risk), the
    soonest due first, with only the columns a list shows: neither whole cases nor requesters
    nor a count."""
    query = (
        select(
            Case.reference,
            Case.subject,
            Case.kind,
            Case.channel,
            Case.status,
            Case.received_at,
            Case.next_deadline,
            Case.next_due_on,
            Case.assignee_id,
        )
        .where(*filter_conditions(filters))
        .order_by(Case.next_due_on.asc().nulls_last(), Case.id)
        .limit(limit)
    )
    return [ListedCase(*row) for row in session.execute(query)]


def open_cases(session: Session) -> Iterator[tuple[str, str, str, str, datetime, int | None]]:
    """Yield every case not closed, oldest receipt first, fetched in batches as they are read:
    (reference, kind, status, subject, received_at, assignee_id), plain tuples."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    # Plain rows from the connection: the ORM's bookkeeping costs more than the row here.
    yield from streamed(session, open_cases_query(sqlite=sqlite))


def open_cases_query(*, sqlite: bool) -> Select:
    """Return the query of open_cases (its plan is checked in the tests).

    PostgreSQL reads the open cases in receipt order from their partial index (migration
    0016_page_indexes), the open states written out so that the planner sees that index answers
    whatever plan a prepared statement gets. SQLite would walk the whole receipt index to spare
    sorting the few open cases; the same value in an expression (a unary plus, SQLite's
    documented way) lets it read them through (status, received_at) and sort them.
    """
    if sqlite:
        condition, order = Case.status.in_(OPEN), literal_column("+cases.received_at")
        received_at = Case.received_at
    else:
        condition = Case.status.in_([literal(state, literal_execute=True) for state in OPEN])
        order = Case.received_at
        # The driver gives the instants in UTC already (casework.db): no conversion per row.
        received_at = type_coerce(Case.received_at, DateTime(timezone=True))
    return (
        select(
            Case.reference,
            Case.kind,
            Case.status,
            Case.subject,
            received_at,
            Case.assignee_id,
        )
        .where(condition)
        .order_by(order, Case.id)
    )


def open_cases_received_before(
    session: Session, moments: dict[int, datetime]
) -> tuple[int, dict[int, int]]:
    """Count the open cases, and those received before each moment, from one count per range of
    receipt between the moments (the (status, received_at) index answers each)."""
    edges = sorted(moments.values())
    found = dict.fromkeys(range(len(edges) + 1), 0)
    found.update({int(part): int(n) for part, n in session.execute(ageing_query(moments))})
    # Part i holds the cases received before edges[i] and not before the earlier edges.
    at_least = {
        key: sum(found[part] for part in range(edges.index(moment) + 1))
        for key, moment in moments.items()
    }
    return sum(found.values()), at_least


def ageing_query(moments: dict[int, datetime]) -> CompoundSelect:
    """Return the query of open_cases_received_before (its plan is checked in the tests): the
    open cases received in each range around the moments, the oldest range first (part 0)."""
    bounds = [None, *sorted(moments.values()), None]
    return ranges_counted(Case.received_at, bounds, Case.status.in_(OPEN))


def ranges_counted(column, bounds: list[datetime | None], *conditions) -> CompoundSelect:
    """Return a query counting the cases whose `column` falls in each range between consecutive
    `bounds` (None: open-ended): (part, count) rows, part i from bounds[i] to bounds[i + 1]
    excluded, none for an empty part. Plain counts over an index range each, appended: no
    expression is computed per row."""
    parts = []
    for index, (low, high) in enumerate(pairwise(bounds)):
        query = select(literal(index).label("part"), func.count().label("n")).where(*conditions)
        if low is not None:
            query = query.where(column >= low)
        if high is not None:
            query = query.where(column < high)
        parts.append(query)
    return union_all(*parts)


@dataclass(frozen=True)
class WorkloadRow:
    assignee_id: int | None
    open: int
    overdue: int
    at_risk: int


def workload(session: Session, *, today: date, at_risk_until: date) -> list[WorkloadRow]:
    """Count the open cases of each assignee (None: nobody), with how many are overdue or at
    risk."""
    return [
        WorkloadRow(assignee_id, int(total), int(late or 0), int(risk or 0))
        for assignee_id, total, late, risk in session.execute(
            workload_query(today=today, at_risk_until=at_risk_until)
        )
    ]


def workload_query(*, today: date, at_risk_until: date) -> Select:
    """Return the query of workload (its plan is checked in the tests)."""
    overdue = func.sum(case((Case.next_due_on < today, 1), else_=0))
    at_risk = func.sum(
        case((and_(Case.next_due_on >= today, Case.next_due_on <= at_risk_until), 1), else_=0)
    )
    # Grouped by an expression, not the column: SQLite would otherwise walk the assignee index
    # over every case to spare a sort, instead of reading the open ones from the covering index.
    assignee = (Case.assignee_id + 0).label("assignee")
    return (
        select(assignee, func.count(), overdue, at_risk)
        .where(Case.status.in_(OPEN))
        .group_by(assignee)
    )


def weekly_counts(session: Session, column, edges: list[datetime]) -> list[int]:
    """Count the cases whose `column` (a moment: receipt, answer) falls between each pair of
    consecutive `edges`, each range counted over that column's index."""
    found = dict(session.execute(ranges_counted(column, edges)).all())
    return [int(found.get(part, 0)) for part in range(len(edges) - 1)]


@dataclass(frozen=True)
class DeadlineRow:
    status: str
    ack_due_on: date | None
    answer_due_on: date
    answered_at: datetime | None
    closed_at: datetime | None
    # The first transition out of `received` other than closing it (a request withdrawn before
    # its acknowledgment owed none): the day the acknowledgment clock stopped, met.
    left_received_at: datetime | None
    # What the case clock wrote (workflows.case_clock): each deadline's outcome and dates.
    ack_met_on: date | None = None
    ack_outcome: str | None = None
    answer_outcome: str | None = None
    answer_counted_on: date | None = None


def _leaves_received():
    """Return the conditions of a transition out of `received` otherwise than closing it (a
    request withdrawn before its acknowledgment owed none): the day the acknowledgment clock
    stopped, met."""
    return (
        CaseEvent.kind == EventKind.TRANSITION,
        CaseEvent.from_state == "received",
        CaseEvent.trigger != "close",
    )


def left_received():
    """Return a subquery of when each case first left `received` otherwise than closed:
    columns `case_id` and `left_at`."""
    return (
        select(CaseEvent.case_id, func.min(CaseEvent.at).label("left_at"))
        .where(*_leaves_received())
        .group_by(CaseEvent.case_id)
        .subquery()
    )


def left_received_at(case_id):
    """Return when the case `case_id` (a column) first left `received` otherwise than closed, as a
    correlated subquery: one index lookup per case, for reports over a period."""
    return (
        select(func.min(CaseEvent.at))
        .where(CaseEvent.case_id == case_id, *_leaves_received())
        .scalar_subquery()
    )


def aware(value: datetime | None) -> datetime | None:
    # In case the driver hands an aggregate back without the column's type: naive on SQLite.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def deadline_outcomes(
    session: Session, *, start: date, end: date | None = None
) -> dict[str, list[tuple[date, str | None, int]]]:
    """Count the acknowledgments and first answers falling due from `start` to `end`
    (inclusive; None: no end) by due date and by the case clock's outcome: two grouped queries
    on indexed dates (the answer judged against `answer_counted_on`, the date missed after a
    late extension)."""
    return {
        name: [(day, result, count) for day, result, count in session.execute(query)]
        for name, query in outcome_queries(start=start, end=end).items()
    }


def outcome_queries(*, start: date, end: date | None = None) -> dict[str, Select]:
    """Return the queries of deadline_outcomes (their plans are checked in the tests): each
    answered by its (due date, outcome) index alone."""
    queries = {}
    for name, due, outcome in (
        ("acknowledgment", Case.ack_due_on, Case.ack_outcome),
        ("answer", Case.answer_counted_on, Case.answer_outcome),
    ):
        query = select(due, outcome, func.count()).where(due >= start)
        if end is not None:
            query = query.where(due <= end)
        queries[name] = query.group_by(due, outcome)
    return queries
