"""My cases: the cases assigned to the person signed in, by due date, with their inbox.

DESIGN §1: the staff member "works the cases assigned to them; receives reminders before their
deadlines". The reminders arrive in the in-app inbox (casework.services.inbox).
"""

from typing import Annotated

from fastapi import Path, Request
from starlette.responses import Response

from casework.repositories.cases import CaseFilters
from casework.schemas import MAX_ID
from casework.services import cases as service
from casework.services import inbox
from casework.web.common import CurrentPage, Form, page_router
from casework.web.queue import queue_csv
from workflows.case_flow import OPEN_STATES

router = page_router()
LIMIT = 200


@router.get("/mine")
def my_cases(request: Request, page: CurrentPage) -> Response:
    page.require("notifications.read_own")
    include_closed = request.query_params.get("closed") == "1"
    filters = CaseFilters(
        assignee_id=page.actor.user_id or -1,
        status=() if include_closed else tuple(sorted(s.value for s in OPEN_STATES)),
    )
    views, total = service.search(
        page.ctx, actor=page.actor, interface="web", filters=filters, limit=LIMIT, by_due=True
    )
    if request.query_params.get("format") == "csv":
        return queue_csv(page, views)
    unread_only = request.query_params.get("unread") == "1"
    notifications = inbox.inbox(page.ctx, actor=page.actor, unread_only=unread_only, limit=30)
    return page.render(
        "web/mine.html",
        {
            "views": views,
            "total": total,
            "include_closed": include_closed,
            "inbox": notifications,
            "unread_only": unread_only,
            "read_done": request.query_params.get("read") == "1",
        },
    )


@router.post("/notifications/{notification_id}/read")
def mark_read(
    notification_id: Annotated[int, Path(ge=1, le=MAX_ID)], page: CurrentPage, form: Form
) -> Response:
    page.require("notifications.read_own")
    inbox.mark_read(page.ctx, actor=page.actor, notification_id=notification_id)
    query = {"read": "1"}
    if form.get("unread") == "1":
        query["unread"] = "1"
    return page.redirect("/mine", **query)
