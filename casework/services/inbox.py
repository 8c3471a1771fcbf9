"""The in-app inbox of the staff member who asks: their notifications, marked read one by one.

DESIGN §2.4: notifications are delivered "(email over SMTP, an in-app inbox)". A staff member
sees only their own notifications; an API key, which is nobody's, has no inbox.
"""

from dataclasses import dataclass

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models import Notification
from casework.repositories import inbox as repo
from casework.services.errors import Forbidden, NotAuthenticated, NotFound


@dataclass
class InboxItem:
    notification: Notification
    case_reference: str | None


@dataclass
class InboxPage:
    items: list[InboxItem]
    total: int
    unread: int


def _user_id(actor: Actor | None) -> int:
    if actor is None:
        raise NotAuthenticated()
    if actor.user_id is None:
        raise Forbidden(N_("Only a staff member signed in has an inbox, not an API key."))
    return actor.user_id


def inbox(
    ctx: AppContext, *, actor: Actor, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> InboxPage:
    """Return one page of the actor's notifications, newest first, with the unread count."""
    user_id = _user_id(actor)
    with read_session(ctx.engine) as session:
        rows = repo.for_user(
            session, user_id=user_id, unread_only=unread_only, limit=limit, offset=offset
        )
        return InboxPage(
            items=[InboxItem(n, reference) for n, reference in rows],
            total=repo.count_for_user(session, user_id=user_id, unread_only=unread_only),
            unread=repo.count_for_user(session, user_id=user_id, unread_only=True),
        )


def mark_read(ctx: AppContext, *, actor: Actor, notification_id: int) -> InboxItem:
    """Mark one of the actor's notifications read (reading it again changes nothing)."""
    user_id = _user_id(actor)
    with unit_of_work(ctx.engine) as session:
        repo.mark_read(session, user_id=user_id, notification_id=notification_id, now=ctx.now())
        found = repo.get_for_user(session, user_id=user_id, notification_id=notification_id)
        if found is None:
            raise NotFound(N_("You have no notification with the id %(id)s."), id=notification_id)
    return InboxItem(*found)
