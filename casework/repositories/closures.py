"""Queries on the closure days decided in casework, and on the open deadlines they move (the only
place that builds them)."""

from collections import defaultdict
from datetime import date

from sqlalchemy import select, union
from sqlmodel import Session

from casework.models import CalendarClosure, Case, CaseExtension, CasePause
from workflows.calendar import ClosureChange
from workflows.case_clock import UNANSWERED_STATES

# The states whose acknowledgment or answer clock can still run or restart (workflows.case_clock).
OPEN_DEADLINE_STATES = tuple(sorted(UNANSWERED_STATES))


def changes(session: Session) -> list[ClosureChange]:
    """Return every closure decision, oldest first."""
    rows = session.execute(select(CalendarClosure).order_by(CalendarClosure.id)).scalars()
    return [ClosureChange(r.day, r.action, r.name_fr, r.name_en) for r in rows]


def history(session: Session) -> list[CalendarClosure]:
    """Return every closure decision with who made it, newest first."""
    query = select(CalendarClosure).order_by(CalendarClosure.id.desc())
    return list(session.execute(query).scalars())


def add_change(session: Session, row: CalendarClosure) -> CalendarClosure:
    """Append one closure decision."""
    session.add(row)
    session.flush()
    return row


def cases_with_open_deadlines(session: Session, *, for_update: bool = False) -> list[Case]:
    """Return the cases whose acknowledgment or answer deadline still runs or can restart."""
    query = select(Case).where(Case.status.in_(OPEN_DEADLINE_STATES)).order_by(Case.id)
    if for_update:
        query = query.with_for_update()
    return list(session.execute(query).scalars())


def _by_case(session: Session, query) -> dict[int, list]:
    """Group the rows of a query by their case, keeping the query's order."""
    grouped: dict[int, list] = defaultdict(list)
    for row in session.execute(query).scalars():
        grouped[row.case_id].append(row)
    return grouped


def _reaching(day: date):
    # A closure on `day` can only move a deadline still open and due on that day or later: the
    # union of two index ranges, (status, ack_due_on) and (status, answer_due_on), finds them
    # (SQLite would read every case for the same condition written with OR).
    return (
        Case.id.in_(
            union(
                select(Case.id).where(
                    Case.status.in_(OPEN_DEADLINE_STATES), Case.ack_due_on >= day
                ),
                select(Case.id).where(
                    Case.status.in_(OPEN_DEADLINE_STATES), Case.answer_due_on >= day
                ),
            )
        ),
    )


def open_deadlines_reaching(session: Session, day: date) -> list:
    """Return, as plain rows by id, the cases with an open acknowledgment or answer deadline due
    on `day` or later (a closure on that day can move only those)."""
    query = (
        select(
            Case.id,
            Case.reference,
            Case.subject,
            Case.status,
            Case.kind,
            Case.received_at,
            Case.ack_due_on,
            Case.answer_due_on,
        )
        .where(*_reaching(day))
        .order_by(Case.id)
    )
    return list(session.execute(query))


def pauses_and_extensions_reaching(
    session: Session, day: date
) -> tuple[dict[int, list[CasePause]], dict[int, list[CaseExtension]]]:
    """Return the pauses and the extensions of those cases, by case, oldest first."""
    pauses = (
        select(CasePause)
        .join(Case, Case.id == CasePause.case_id)
        .where(*_reaching(day))
        .order_by(CasePause.start, CasePause.id)
    )
    extensions = (
        select(CaseExtension)
        .join(Case, Case.id == CaseExtension.case_id)
        .where(*_reaching(day))
        .order_by(CaseExtension.created_at, CaseExtension.id)
    )
    return _by_case(session, pauses), _by_case(session, extensions)
