"""Queries on the private calendar feeds (the only place that builds them)."""

from sqlalchemy import select
from sqlmodel import Session

from casework.models import DeadlineFeed


def by_user(session: Session, user_id: int) -> DeadlineFeed | None:
    """Return the feed of an account, if it has one."""
    return session.get(DeadlineFeed, user_id)


def by_token_hash(session: Session, token_hash: str) -> DeadlineFeed | None:
    """Return the feed whose token has this hash."""
    query = select(DeadlineFeed).where(DeadlineFeed.token_hash == token_hash)
    return session.execute(query).scalar_one_or_none()
