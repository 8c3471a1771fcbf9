"""Queries on staff accounts: by username or id, the list, the active administrators left, and
the login counters.

The people a reminder goes to are read with the cases they are for, in `repositories.reminders`.
"""

from datetime import datetime

from sqlalchemy import func, select, update
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


def record_failed_login(session: Session, *, user_id: int) -> int:
    """Add one to the account's failed logins in a row (in the database, so that concurrent
    failures all count); return the new count."""
    query = (
        update(User)
        .where(User.id == user_id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    )
    return session.execute(query).scalar_one()


def record_login(
    session: Session, *, user_id: int, at: datetime, password_hash: str | None
) -> None:
    """Note a successful login: no failure in a row any more (and a rehashed password)."""
    values: dict = {"failed_logins": 0, "last_login_at": at}
    if password_hash is not None:
        values["password_hash"] = password_hash
    session.execute(update(User).where(User.id == user_id).values(**values))
