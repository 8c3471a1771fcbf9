"""Queries on the access log of personal information (append-only: insert and read, nothing
else)."""

from sqlalchemy import insert, select
from sqlmodel import Session

from casework.models import AccessLogEntry


def add_many(session: Session, rows: list[dict]) -> None:
    """Append several entries in one statement."""
    if rows:
        session.execute(insert(AccessLogEntry), rows)


def for_case(session: Session, case_id: int) -> list[AccessLogEntry]:
    """Return the entries of one case, oldest first."""
    query = (
        select(AccessLogEntry).where(AccessLogEntry.case_id == case_id).order_by(AccessLogEntry.id)
    )
    return list(session.execute(query).scalars())
