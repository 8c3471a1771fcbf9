"""Queries on API keys (the only place that builds them)."""

from datetime import datetime

from sqlalchemy import Connection, Row, bindparam, or_, select, update
from sqlmodel import Session

from casework.models import ApiKey


def key_by_name(session: Session, name: str, *, for_update: bool = False) -> ApiKey | None:
    """Return the API key with this name."""
    query = select(ApiKey).where(ApiKey.name == name)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


# What a request's credential check reads: one indexed row, as plain columns.
_KEY_BY_HASH = select(
    ApiKey.id, ApiKey.name, ApiKey.role, ApiKey.revoked_at, ApiKey.last_used_at
).where(ApiKey.key_hash == bindparam("key_hash"))


def key_by_hash(connection: Connection, key_hash: str) -> Row | None:
    """Return the id, name, role, revocation and last use of the key whose secret has this
    hash."""
    return connection.execute(_KEY_BY_HASH, {"key_hash": key_hash}).one_or_none()


def all_keys(session: Session) -> list[ApiKey]:
    """Return every API key, revoked ones included, by name."""
    return list(session.execute(select(ApiKey).order_by(ApiKey.name)).scalars())


def insert_key(session: Session, key: ApiKey) -> ApiKey:
    """Add an API key to the unit of work and give it its id."""
    session.add(key)
    session.flush()
    return key


def touch_key(session: Session, key_id: int, *, now: datetime, not_since: datetime) -> None:
    """Record that a key was used now, unless that was already recorded after `not_since`."""
    session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key_id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < not_since),
        )
        .values(last_used_at=now)
    )
