"""Queries on documents and incoming email messages."""

from functools import cache

from sqlalchemy import TextClause, bindparam, func, insert, select, text, update
from sqlmodel import Session, SQLModel

from casework.models import Document, IncomingMessage, MessageOutcome


def for_case(session: Session, case_id: int) -> list[Document]:
    """Return the documents of a case, oldest first."""
    query = select(Document).where(Document.case_id == case_id).order_by(Document.id)
    return list(session.execute(query).scalars())


def total_size(session: Session, case_id: int) -> int:
    """Return the bytes the documents of a case take (each attachment counted)."""
    query = select(func.coalesce(func.sum(Document.size), 0)).where(Document.case_id == case_id)
    return int(session.execute(query).scalar_one())


def count(session: Session, case_id: int) -> int:
    """Return how many documents a case has."""
    query = select(func.count()).select_from(Document).where(Document.case_id == case_id)
    return int(session.execute(query).scalar_one())


def get(session: Session, *, case_id: int, document_id: int) -> Document | None:
    """Return one document of one case."""
    document = session.get(Document, document_id)
    return document if document is not None and document.case_id == case_id else None


def claim_message(session: Session, row: dict) -> int | None:
    """Insert the row of an incoming message unless its key is there already; return its id, or
    None when another transaction has (or had) the same message. On PostgreSQL a concurrent
    insert of the same key waits for the first to commit or roll back."""
    return session.execute(_claim_statement(), row).scalar_one_or_none()


@cache
def _claim_statement() -> TextClause:
    # Written out because SQLAlchemy compiles an ON CONFLICT statement anew at each execution
    # (it has no cache key); this text is compiled once. PostgreSQL and SQLite (3.35 and later)
    # both read it.
    table = IncomingMessage.__table__  # type: ignore[attr-defined]
    columns = [column for column in table.columns if column.name != "id"]
    names = ", ".join(column.name for column in columns)
    values = ", ".join(f":{column.name}" for column in columns)
    return text(
        f"INSERT INTO {table.name} ({names}) VALUES ({values}) "
        "ON CONFLICT (message_key) DO NOTHING RETURNING id"
    ).bindparams(*(bindparam(column.name, type_=column.type) for column in columns))


def insert_values(session: Session, model: type[SQLModel], values: dict) -> int:
    """Insert one row given as values and return its id, without building the model's object
    (on the intake path, building it costs more than the insert)."""
    return session.execute(_insert_returning_id(model.__table__), values).scalar_one()


@cache
def _insert_returning_id(table):
    # Values go in as parameters, so that one statement per table is built and compiled once.
    return insert(table).returning(table.c.id)


def set_outcome(session: Session, message_id: int, **values) -> None:
    """Write what became of a claimed message."""
    table = IncomingMessage.__table__  # type: ignore[attr-defined]
    session.execute(update(table).where(table.c.id == message_id).values(**values))


def known_keys(session: Session, message_keys: list[str]) -> set[str]:
    """Return those of these keys whose message was processed already."""
    if not message_keys:
        return set()
    query = select(IncomingMessage.message_key).where(
        IncomingMessage.message_key.in_(set(message_keys))
    )
    return set(session.execute(query).scalars())


def quarantined(session: Session, *, limit: int = 200) -> list[IncomingMessage]:
    """Return the messages that could not be read, newest first."""
    query = (
        select(IncomingMessage)
        .where(IncomingMessage.outcome == MessageOutcome.QUARANTINED.value)
        .order_by(IncomingMessage.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())
