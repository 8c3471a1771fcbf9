"""Queries on the in-app inbox of staff members."""

from datetime import datetime

from sqlalchemy import func, select, update
from sqlmodel import Session

from casework.models import Case, Notification


def for_user(
    session: Session, *, user_id: int, unread_only: bool, limit: int, offset: int
) -> list[tuple[Notification, str | None]]:
    """Return a user's notifications, newest first, each with its case's reference."""
    query = (
        select(Notification, Case.reference)
        .outerjoin(Case, Case.id == Notification.case_id)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return [(row[0], row[1]) for row in session.execute(query).all()]


def count_for_user(session: Session, *, user_id: int, unread_only: bool) -> int:
    """Count a user's notifications (the unread ones only, when asked)."""
    query = select(func.count()).select_from(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return session.execute(query).scalar_one()


def get_for_user(
    session: Session, *, user_id: int, notification_id: int
) -> tuple[Notification, str | None] | None:
    """Return one notification of a user, with its case's reference."""
    query = (
        select(Notification, Case.reference)
        .outerjoin(Case, Case.id == Notification.case_id)
        .where(Notification.id == notification_id, Notification.user_id == user_id)
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None


def mark_read(session: Session, *, user_id: int, notification_id: int, now: datetime) -> None:
    """Mark one notification read (keeping the first time it was read)."""
    session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=now)
    )
