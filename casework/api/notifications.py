"""`/api/me/notifications`: the in-app inbox of the signed-in staff member.

Who "me" is comes from authentication (casework.security.authn); the permission
`notifications.read_own` belongs to every staff role. An API key is nobody: it has no inbox.
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from casework.api.deps import get_context
from casework.api.errors import Problem, responses
from casework.context import Actor, AppContext
from casework.security.authn import require
from casework.services import inbox as service
from casework.services.inbox import InboxItem

router = APIRouter(prefix="/api/me", tags=["notifications"])
Context = Annotated[AppContext, Depends(get_context)]
CurrentActor = Annotated[Actor, Depends(require("notifications.read_own"))]


class NotificationPublic(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    link: str | None
    case_reference: str | None
    created_at: datetime
    read_at: datetime | None
    read: bool


class NotificationList(BaseModel):
    items: list[NotificationPublic]
    total: int
    unread: int
    limit: int
    offset: int


def _public(item: InboxItem) -> NotificationPublic:
    n = item.notification
    return NotificationPublic(
        id=n.id,
        kind=n.kind,
        title=n.title,
        body=n.body,
        link=n.link,
        case_reference=item.case_reference,
        created_at=n.created_at,
        read_at=n.read_at,
        read=n.read_at is not None,
    )


@router.get(
    "/notifications",
    response_model=NotificationList,
    responses=responses(401, 403, 422),
    summary="List my notifications (reminders, alerts, digests), newest first",
)
def list_notifications(
    ctx: Context,
    actor: CurrentActor,
    unread: bool = Query(default=False, description="Only the notifications not yet read."),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> NotificationList:
    page = service.inbox(ctx, actor=actor, unread_only=unread, limit=limit, offset=offset)
    return NotificationList(
        items=[_public(item) for item in page.items],
        total=page.total,
        unread=page.unread,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/notifications/{notification_id}/read",
    response_model=NotificationPublic,
    responses={
        **responses(401, 403, 422),
        404: {"model": Problem, "description": "You have no notification with this id."},
    },
    summary="Mark one of my notifications read",
)
def read_notification(
    notification_id: Annotated[int, Path(ge=1, le=2**31 - 1)], ctx: Context, actor: CurrentActor
) -> NotificationPublic:
    return _public(service.mark_read(ctx, actor=actor, notification_id=notification_id))
