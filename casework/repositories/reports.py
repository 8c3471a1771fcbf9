"""Queries behind the supervisor's dashboard (the only place that builds them).

They read whole columns of the cases and their first transition out of `received`, never the
requesters: the dashboard shows no personal information.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Select, and_, case, func, literal_column, select, union
from sqlmodel import Session

from casework.models import Case, CaseEvent
from workflows.case_flow import OPEN_STATES, CaseState
from workflows.events import EventKind


@dataclass(frozen=True)
class OpenCaseRow:
    reference: str
    kind: str
    status: str
    subject: str
    received_at: datetime
    assignee_id: int | None
    next_due_on: date | None
    next_deadline: str | None


OPEN = tuple(sorted(state.value for state in OPEN_STATES))


def open_cases(session: Session) -> Iterator[OpenCaseRow]:
    """Yield every case not closed, oldest receipt first, fetched in batches as they are read."""
    query = (
        select(
            Case.reference,
            Case.kind,
            Case.status,
            Case.subject,
            Case.received_at,
            Case.assignee_id,
            Case.next_due_on,
            Case.next_deadline,
        )
        .where(Case.status.in_(OPEN))
        .order_by(_without_index(session, Case.received_at), Case.id)
        .execution_options(stream_results=True, yield_per=1000)
    )
    for row in session.execute(query):
        yield OpenCaseRow(*row)


def _without_index(session: Session, column):
    # Both databases would walk the whole receipt index to spare sorting the few open cases
    # (PostgreSQL all the more through a streaming cursor, which favours a plan that starts
    # fast); the same value in an expression lets them read those cases through (status,
    # received_at) and sort them. SQLite's documented way is a unary plus.
    if session.get_bind().dialect.name == "sqlite":
        return literal_column(f"+{column.table.name}.{column.name}")
    return column + literal_column("interval '0 seconds'")


def open_cases_received_before(
    session: Session, moments: dict[int, datetime]
) -> tuple[int, dict[int, int]]:
    """Count the open cases, and those received before each moment, in one grouped query (the
    (status, received_at) index answers it)."""
    total, *counts = session.execute(ageing_query(moments)).one()
    return int(total), {key: int(n) for key, n in zip(moments, counts, strict=True)}


def ageing_query(moments: dict[int, datetime]) -> Select:
    """Return the query of open_cases_received_before (its plan is checked in the tests)."""
    columns = [func.count()] + [
        func.coalesce(func.sum(case((Case.received_at < moment, 1), else_=0)), 0)
        for moment in moments.values()
    ]
    return select(*columns).where(Case.status.in_(OPEN))


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


def received_since(session: Session, start: datetime) -> list[datetime]:
    """Return the receipt times from `start` on."""
    query = select(Case.received_at).where(Case.received_at >= start)
    return list(session.execute(query).scalars())


def answered_since(session: Session, start: datetime) -> list[datetime]:
    """Return the answer times from `start` on."""
    query = select(Case.answered_at).where(Case.answered_at >= start)
    return list(session.execute(query).scalars())


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


def deadlines_due_since(session: Session, start: date) -> list[DeadlineRow]:
    """Return the deadlines of the cases whose acknowledgment or answer is due from `start` on,
    with when each case first left `received` otherwise than closed."""
    # For each case due since `start` only (through the trail's case index), not grouped over
    # the whole trail first.
    left_at = (
        select(func.min(CaseEvent.at))
        .where(
            CaseEvent.case_id == Case.id,
            CaseEvent.kind == EventKind.TRANSITION,
            CaseEvent.from_state == "received",
            CaseEvent.trigger != "close",
        )
        .correlate(Case)
        .scalar_subquery()
    )
    # Every state named, so that each due date is a range of its (status, due date) index.
    every_state = [state.value for state in CaseState]
    due = union(
        select(Case.id).where(Case.status.in_(every_state), Case.ack_due_on >= start),
        select(Case.id).where(Case.status.in_(every_state), Case.answer_due_on >= start),
    )
    query = select(
        Case.status,
        Case.ack_due_on,
        Case.answer_due_on,
        Case.answered_at,
        Case.closed_at,
        left_at,
        Case.ack_met_on,
        Case.ack_outcome,
        Case.answer_outcome,
        Case.answer_counted_on,
    ).where(Case.id.in_(due))
    rows = []
    for (
        status,
        ack,
        answer,
        answered_at,
        closed_at,
        left_at,
        ack_met_on,
        ack_outcome,
        answer_outcome,
        answer_counted_on,
    ) in session.execute(query):
        rows.append(
            DeadlineRow(
                status=status,
                ack_due_on=ack,
                answer_due_on=answer,
                answered_at=answered_at,
                closed_at=closed_at,
                left_received_at=aware(left_at),
                ack_met_on=ack_met_on,
                ack_outcome=ack_outcome,
                answer_outcome=answer_outcome,
                answer_counted_on=answer_counted_on,
            )
        )
    return rows


def aware(value: datetime | None) -> datetime | None:
    # In case the driver hands an aggregate back without the column's type: naive on SQLite.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def deadline_outcomes(
    session: Session, *, start: date, end: date
) -> dict[str, list[tuple[date, str | None, int]]]:
    """Count the acknowledgments and first answers falling due from `start` to `end`
    (inclusive) by due date and by the case clock's outcome: two grouped queries on indexed
    dates (the answer judged against `answer_counted_on`, the date missed after a late
    extension)."""
    every_state = [state.value for state in CaseState]
    found = {}
    for name, due, outcome, states in (
        ("acknowledgment", Case.ack_due_on, Case.ack_outcome, every_state),
        ("answer", Case.answer_counted_on, Case.answer_outcome, None),
    ):
        query = select(due, outcome, func.count()).where(due >= start, due <= end)
        if states is not None:
            # Every state named, so that the range reads the (status, due date) index.
            query = query.where(Case.status.in_(states))
        query = query.group_by(due, outcome)
        found[name] = [(day, result, count) for day, result, count in session.execute(query)]
    return found
