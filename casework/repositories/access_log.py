"""Queries on the access log of personal information (append-only: insert and read, nothing
else)."""

from sqlalchemy import insert, select
from sqlmodel import Session

from casework.models import AccessLogEntry

# A plain insert on the table, built once: the ORM's bulk machinery costs more than the insert.
_INSERT = insert(AccessLogEntry.__table__)


def add_many(session: Session, rows: list[dict]) -> None:
    """Append several entries in one statement."""
    if rows:
        session.connection().execute(_INSERT, rows)


def for_case(session: Session, case_id: int) -> list[AccessLogEntry]:
    """Return the entries of one case, oldest first."""
    query = (
        select(AccessLogEntry).where(AccessLogEntry.case_id == case_id).order_by(AccessLogEntry.id)
    )
    return list(session.execute(query).scalars())
