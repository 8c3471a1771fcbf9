"""Queries behind the supervisor's dashboard (the only place that builds them).

They read whole columns of the cases and their first transition out of `received`, never the
requesters: the dashboard shows no personal information.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from casework.models import Case, CaseEvent

CLOSED = "closed"


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


def open_cases(session: Session) -> list[OpenCaseRow]:
    """Return every case not closed, oldest receipt first."""
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
        .where(Case.status != CLOSED)
        .order_by(Case.received_at, Case.id)
    )
    return [OpenCaseRow(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class WorkloadRow:
    assignee_id: int | None
    open: int
    overdue: int
    at_risk: int


def workload(session: Session, *, today: date, at_risk_until: date) -> list[WorkloadRow]:
    """Count the open cases of each assignee (None: nobody), with how many are overdue or at
    risk."""
    overdue = func.sum(case((Case.next_due_on < today, 1), else_=0))
    at_risk = func.sum(
        case((and_(Case.next_due_on >= today, Case.next_due_on <= at_risk_until), 1), else_=0)
    )
    query = (
        select(Case.assignee_id, func.count(Case.id), overdue, at_risk)
        .where(Case.status != CLOSED)
        .group_by(Case.assignee_id)
    )
    return [
        WorkloadRow(assignee_id, int(total), int(late or 0), int(risk or 0))
        for assignee_id, total, late, risk in session.execute(query)
    ]


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


def _leaves_received():
    """Return the conditions of a transition out of `received` otherwise than closing it (a
    request withdrawn before its acknowledgment owed none): the day the acknowledgment clock
    stopped, met."""
    return (
        CaseEvent.kind == "transition",
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
    left = left_received()
    query = (
        select(
            Case.status,
            Case.ack_due_on,
            Case.answer_due_on,
            Case.answered_at,
            Case.closed_at,
            left.c.left_at,
        )
        .outerjoin(left, left.c.case_id == Case.id)
        .where(or_(Case.ack_due_on >= start, Case.answer_due_on >= start))
    )
    rows = []
    for status, ack, answer, answered_at, closed_at, left_at in session.execute(query):
        rows.append(
            DeadlineRow(
                status=status,
                ack_due_on=ack,
                answer_due_on=answer,
                answered_at=answered_at,
                closed_at=closed_at,
                left_received_at=aware(left_at),
            )
        )
    return rows


def aware(value: datetime | None) -> datetime | None:
    # In case the driver hands an aggregate back without the column's type: naive on SQLite.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
