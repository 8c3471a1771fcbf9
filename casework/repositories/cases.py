"""Queries on cases and their events (the only place that builds case queries)."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Select, and_, case, func, insert, or_, select, text
from sqlmodel import Session, SQLModel

from casework.models import Case, CaseEvent, CaseExtension, CasePause, Requester


@dataclass(frozen=True)
class CaseFilters:
    status: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    assignee_id: int | None = None
    unassigned: bool = False
    received_from: datetime | None = None
    received_to: datetime | None = None
    due_before: date | None = None
    overdue_on: date | None = None
    at_risk_until: tuple[date, date] | None = None
    text: str | None = None


# The same statement on SQLite (3.35+) and PostgreSQL; plain SQL, so nothing is compiled per call.
_NEXT_NUMBER = text(
    "INSERT INTO reference_counters (kind, year, last) VALUES (:kind, :year, 1) "
    "ON CONFLICT (kind, year) DO UPDATE SET last = reference_counters.last + 1 "
    "RETURNING last"
)


def next_sequence(session: Session, *, kind: str, year: int) -> int:
    """Take the next number of a kind's yearly sequence, in one statement; it is gap-free because
    the counter row stays locked until the case that took the number commits (or rolls back)."""
    return session.execute(_NEXT_NUMBER, {"kind": kind, "year": year}).scalar_one()


def get_by_reference(session: Session, reference: str, *, for_update: bool = False) -> Case | None:
    """Return the case with this reference, locked for the unit of work when asked."""
    query = select(Case).where(Case.reference == reference)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def get_requester(session: Session, requester_id: int | None) -> Requester | None:
    """Return a requester by id."""
    return session.get(Requester, requester_id) if requester_id is not None else None


def requesters_by_id(session: Session, ids: set[int]) -> dict[int, Requester]:
    """Return the requesters of several cases at once."""
    if not ids:
        return {}
    rows = session.execute(select(Requester).where(Requester.id.in_(ids))).scalars()
    return {row.id: row for row in rows}


def pauses(session: Session, case_id: int) -> list[CasePause]:
    """Return the pauses of a case, oldest first."""
    query = select(CasePause).where(CasePause.case_id == case_id).order_by(CasePause.start)
    return list(session.execute(query).scalars())


def open_pause(session: Session, case_id: int) -> CasePause | None:
    """Return the pause still running on a case, if any."""
    query = select(CasePause).where(CasePause.case_id == case_id, CasePause.end.is_(None))
    return session.execute(query).scalar_one_or_none()


def extensions(session: Session, case_id: int) -> list[CaseExtension]:
    """Return the extensions of a case, oldest first."""
    query = (
        select(CaseExtension)
        .where(CaseExtension.case_id == case_id)
        .order_by(CaseExtension.created_at, CaseExtension.id)
    )
    return list(session.execute(query).scalars())


def events(session: Session, case_id: int) -> list[CaseEvent]:
    """Return the audit trail of a case, oldest first."""
    query = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    return list(session.execute(query).scalars())


def add_event(session: Session, event: CaseEvent) -> CaseEvent:
    """Append one line to the audit trail."""
    session.add(event)
    return event


def _filtered(query: Select, filters: CaseFilters) -> Select:
    conditions = []
    if filters.status:
        conditions.append(Case.status.in_(filters.status))
    if filters.kind:
        conditions.append(Case.kind.in_(filters.kind))
    if filters.channel:
        conditions.append(Case.channel.in_(filters.channel))
    if filters.assignee_id is not None:
        conditions.append(Case.assignee_id == filters.assignee_id)
    if filters.unassigned:
        conditions.append(Case.assignee_id.is_(None))
    if filters.received_from is not None:
        conditions.append(Case.received_at >= filters.received_from)
    if filters.received_to is not None:
        conditions.append(Case.received_at < filters.received_to)
    if filters.due_before is not None:
        conditions.append(Case.next_due_on < filters.due_before)
    if filters.overdue_on is not None:
        conditions.append(Case.next_due_on < filters.overdue_on)
    if filters.at_risk_until is not None:
        start, end = filters.at_risk_until
        conditions.append(and_(Case.next_due_on >= start, Case.next_due_on <= end))
    if filters.text:
        pattern = "%" + _escape_like(filters.text.lower()) + "%"
        conditions.append(
            or_(
                func.lower(Case.subject).like(pattern, escape="\\"),
                func.lower(Case.description).like(pattern, escape="\\"),
                func.lower(Case.reference).like(pattern, escape="\\"),
            )
        )
    return query.where(*conditions) if conditions else query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(
    session: Session,
    *,
    filters: CaseFilters,
    limit: int,
    offset: int,
    by_due: bool = False,
    triage: bool = False,
) -> tuple[list[Case], int]:
    """Return one page of the matching cases and how many match in all.

    The order is stable: by due date then id when asked (queues), else newest receipt first.
    With `triage`, new cases nobody is assigned to come first, then by due date (the officers'
    triage queue).
    """
    query = _filtered(select(Case), filters)
    if triage:
        untriaged = and_(Case.status == "received", Case.assignee_id.is_(None))
        query = query.order_by(
            case((untriaged, 0), else_=1), Case.next_due_on.asc().nulls_last(), Case.id
        )
    elif by_due or filters.overdue_on is not None or filters.due_before is not None:
        query = query.order_by(Case.next_due_on.asc().nulls_last(), Case.id)
    else:
        query = query.order_by(Case.received_at.desc(), Case.id.desc())
    items = list(session.execute(query.limit(limit).offset(offset)).scalars())
    total = session.execute(_filtered(select(func.count(Case.id)), filters)).scalar_one()
    return items, total


def insert_row(session: Session, row: SQLModel) -> SQLModel:
    """Insert a new row at once and give it its id (without the session's flush machinery, which
    costs more than the insert itself on the intake path)."""
    statement = _insert_returning_id(type(row).__table__)
    row.id = session.execute(statement, row.model_dump(exclude={"id"})).scalar_one()
    return row


@cache
def _insert_returning_id(table):
    # Values go in as parameters, so that one statement per table is built and compiled once.
    return insert(table).returning(table.c.id)
