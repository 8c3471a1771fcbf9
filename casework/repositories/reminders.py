"""Queries of the reminder sweep and the supervisors' digest: due dates in ranges, recent
changes, the cases that need attention, and who receives what.

DESIGN §3: "the scheduler's sweep finds what is due with an indexed query on the due dates". Each
deadline is read through its own index, led by the state in which its clock runs
(`ix_cases_status_<deadline>_due_on`), one range per OR term, so a query costs the rows it
returns, not the size of the table.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, and_, func, or_, select
from sqlmodel import Session

from casework.models import Case, User
from casework.repositories.cases import OPEN as OPEN_STATES
from workflows.case_clock import ACK_CLOCK_STATES, ANSWER_RUNNING_STATES, DeadlineName

# The column of each deadline, the states in which its clock can run and the column that says
# it was met (workflows.case_clock.running_deadlines reads the same columns).
DEADLINE_COLUMNS = {
    DeadlineName.ACKNOWLEDGMENT: (
        Case.ack_due_on,
        tuple(sorted(ACK_CLOCK_STATES)),
        Case.ack_outcome,
    ),
    DeadlineName.ANSWER: (
        Case.answer_due_on,
        tuple(sorted(ANSWER_RUNNING_STATES)),
        Case.answer_met_on,
    ),
    DeadlineName.PROTECTEUR_REPLY: (Case.protecteur_reply_due_on, ("escalated",), None),
}
SWEEP_COLUMNS = (
    Case.id,
    Case.reference,
    Case.subject,
    Case.status,
    Case.assignee_id,
    Case.ack_due_on,
    Case.answer_due_on,
    Case.protecteur_reply_due_on,
    Case.ack_outcome,
    Case.answer_met_on,
)
# The states whose deadlines a calendar change can move (every case not closed).
RECOMPUTED_STATES = OPEN_STATES
# The calendar version 0005_case_clock gave existing cases, so that their clock is derived once.
BEFORE_CASE_CLOCK = "before-case-clock"

Window = tuple[date | None, date]  # due dates d with start <= d < end (no start: unbounded)


@dataclass(frozen=True, slots=True)
class Recipient:
    """A staff member who can receive messages."""

    user_id: int
    name: str
    email: str | None
    language: str
    role: str


def earliest_due(session: Session, deadline: DeadlineName) -> date | None:
    """Return the earliest due date of a deadline whose clock runs (one index probe per state)."""
    column, states, met = DEADLINE_COLUMNS[deadline]
    earliest = None
    for state in states:
        # ORDER BY ... LIMIT 1 rather than min(): the index order answers it in one probe.
        query = (
            select(column)
            .where(Case.status == state, column.is_not(None), *_owed(met))
            .order_by(column)
            .limit(1)
        )
        value = session.execute(query).scalar()
        if value is not None and (earliest is None or value < earliest):
            earliest = value
    return earliest


def _owed(met) -> list:
    return [] if met is None else [met.is_(None)]


def due_in(session: Session, *, deadline: DeadlineName, windows: Sequence[Window]) -> list[Row]:
    """Return the cases whose running `deadline` falls in one of the windows of due dates."""
    if not windows:
        return []
    column, states, met = DEADLINE_COLUMNS[deadline]
    terms = []
    for state in states:
        for start, end in windows:
            bounds = [Case.status == state, column < end, *_owed(met)]
            if start is not None:
                bounds.append(column >= start)
            terms.append(and_(*bounds))
    return list(session.execute(select(*SWEEP_COLUMNS).where(or_(*terms))).all())


def changed_since(session: Session, *, since: datetime) -> list[Row]:
    """Return the cases changed at or after `since` (created, moved, extended, recomputed)."""
    query = select(*SWEEP_COLUMNS).where(Case.updated_at >= since)
    return list(session.execute(query).all())


def active_recipients(session: Session) -> dict[int, Recipient]:
    """Return every active staff member by id."""
    query = select(User.id, User.full_name, User.email, User.language, User.role).where(
        User.is_active
    )
    return {
        row.id: Recipient(row.id, row.full_name, row.email, row.language, row.role)
        for row in session.execute(query)
    }


def due_between(session: Session, *, start: date | None, end: date, limit: int) -> list[Row]:
    """Return the cases whose running deadline d is start <= d <= end (no start: unbounded),
    earliest first."""
    query = select(*SWEEP_COLUMNS, Case.next_due_on, Case.next_deadline).where(
        Case.next_due_on <= end
    )
    if start is not None:
        query = query.where(Case.next_due_on >= start)
    query = query.order_by(Case.next_due_on, Case.id).limit(limit)
    return list(session.execute(query).all())


def count_due_between(session: Session, *, start: date | None, end: date) -> int:
    """Count the cases whose running deadline d is start <= d <= end (no start: unbounded)."""
    query = select(func.count()).select_from(Case).where(Case.next_due_on <= end)
    if start is not None:
        query = query.where(Case.next_due_on >= start)
    return session.execute(query).scalar_one()


def with_other_calendar(session: Session, *, version: str) -> Iterator[Case]:
    """Yield the cases whose running deadlines were computed with another calendar."""
    query = (
        select(Case)
        .where(
            or_(Case.status.in_(RECOMPUTED_STATES), Case.calendar_version == BEFORE_CASE_CLOCK),
            Case.calendar_version != version,
        )
        .order_by(Case.id)
        .execution_options(yield_per=500)
    )
    yield from session.execute(query).scalars()
