"""Queries on the closure days decided in casework, and on the open deadlines they move (the only
place that builds them)."""

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, or_, select, union, update
from sqlmodel import Session

from casework.db import is_sqlite
from casework.models import CalendarClosure, Case
from casework.repositories.cases import OPEN
from workflows.calendar import ClosureChange

# The states in which a deadline can still run or restart (workflows.case_clock).
OPEN_DEADLINE_STATES = OPEN


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


# The due dates a closure can move, each with its (status, due date) index.
DUE_COLUMNS = (Case.ack_due_on, Case.answer_due_on, Case.protecteur_reply_due_on)


def reaching(session: Session, day: date) -> Select | CompoundSelect:
    """Return the ids of the open cases with a deadline due on `day` or later (a closure on that
    day can move only those; the case clock decides which do)."""
    if is_sqlite(session.get_bind()):
        # SQLite would read every case for the condition written with OR: the union of the
        # three index ranges on (status, due date) instead.
        return union(
            *(
                select(Case.id).where(Case.status.in_(OPEN_DEADLINE_STATES), column >= day)
                for column in DUE_COLUMNS
            )
        )
    return select(Case.id).where(_reached(day))


def _reached(day: date) -> ColumnElement[bool]:
    """The cases of `reaching`, as a condition: PostgreSQL combines the three (status, due date)
    index ranges into one bitmap (BitmapOr) and reads the cases once, in table order, instead
    of gathering their ids and then fetching each one by its key."""
    return and_(
        Case.status.in_(OPEN_DEADLINE_STATES), or_(*(column >= day for column in DUE_COLUMNS))
    )


def _reaching_cases(session: Session, day: date) -> ColumnElement[bool]:
    """The condition on the cases that selects those of `reaching`, on each database."""
    if is_sqlite(session.get_bind()):
        return Case.id.in_(reaching(session, day))
    return _reached(day)


def cases_reaching(session: Session, day: date) -> list[Case]:
    """Return the cases of `reaching`, locked for the unit of work that moves their deadlines."""
    query = select(Case).where(_reaching_cases(session, day)).order_by(Case.id).with_for_update()
    return list(session.execute(query).scalars())


class ReachingCase(NamedTuple):
    """What the case clock and a preview read of a case (a tuple: quick to make and to read)."""

    id: int
    reference: str
    subject: str
    status: str
    kind: str
    channel: str
    received_at: datetime
    ack_due_on: date | None
    answer_due_on: date
    protecteur_reply_due_on: date | None
    calendar_version: str


def deadlines_reaching(session: Session, day: date) -> list[ReachingCase]:
    """Return the cases of `reaching` as plain rows of what the case clock and a preview read
    (the ORM's bookkeeping would cost more than the rows)."""
    columns = [getattr(Case, name) for name in ReachingCase._fields]
    query = select(*columns).where(_reaching_cases(session, day)).order_by(Case.id)
    return list(map(ReachingCase._make, session.connection().execute(query)))


def mark_calendar(session: Session, *, version: str) -> None:
    """Record that every open case's deadlines follow the calendar `version`."""
    session.execute(
        update(Case)
        .where(Case.status.in_(OPEN_DEADLINE_STATES), Case.calendar_version != version)
        .values(calendar_version=version)
    )
