"""Queries on staff accounts (the only place that builds them)."""

from sqlalchemy import func, select
from sqlmodel import Session

from casework.models import User
from casework.models.users import Role


def by_username(session: Session, username: str, *, for_update: bool = False) -> User | None:
    """Return the account with this username, locked for the unit of work when asked."""
    query = select(User).where(User.username == username)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def by_id(session: Session, user_id: int) -> User | None:
    """Return the account with this id."""
    return session.get(User, user_id)


def all_users(session: Session) -> list[User]:
    """Return every account, by username."""
    return list(session.execute(select(User).order_by(User.username)).scalars())


def active_admins(session: Session) -> int:
    """Count the active administrators."""
    query = select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.is_active)
    return session.execute(query).scalar_one()


def insert_user(session: Session, user: User) -> User:
    """Add an account to the unit of work and give it its id."""
    session.add(user)
    session.flush()
    return user
