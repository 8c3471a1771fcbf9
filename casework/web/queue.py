"""The triage queue: every case, new and unassigned ones first, with filters, deadline badges and
assignment in place.

DESIGN §1: the complaints officer "triages the queue; assigns". The issue: "new and unassigned
cases first; filters (kind, status, channel, assignee, due before, overdue, text); sort by due
date; due-soon and overdue badges with words, not colour alone; assign in place." Assigning works
as a plain form (the page comes back) and, with htmx, in place (the row's cell comes back).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import Field, TypeAdapter, ValidationError
from starlette.responses import Response

from casework.api.auth import safe_next
from casework.repositories.cases import CaseFilters, shown_total
from casework.schemas import MAX_ID, CaseUpdate, Channel, search_text
from casework.services import cases as service
from casework.services.errors import InvalidInput, VersionConflict
from casework.web import typed
from casework.web.common import (
    CurrentPage,
    Form,
    Page,
    csv_response,
    field_errors,
    is_htmx,
    page_router,
)
from workflows.case_flow import OPEN_STATES, CaseState
from workflows.deadlines import CaseKind

router = page_router()
# Twenty rows fill about two screens of a laptop; more is a page nobody reads to the end.
PAGE_SIZE = 20
CSV_LIMIT = 10_000
SORTS = ("triage", "due", "received")
ASSIGNEE = TypeAdapter(Annotated[int, Field(ge=1, le=MAX_ID)])


@dataclass
class QueueQuery:
    """The filters of the queue as the form holds them, and what was wrong with them."""

    kind: str = ""
    status: str = "open"
    channel: str = ""
    assignee: str = ""  # "", "none" or a user id
    due_before: str = ""
    overdue: bool = False
    q: str = ""
    sort: str = "triage"
    page: int = 1
    due_on: date | None = None  # due_before, read
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, request: Request, page: Page) -> "QueueQuery":
        params = request.query_params
        query = cls(
            kind=params.get("kind", ""),
            status=params.get("status", "open"),
            channel=params.get("channel", ""),
            assignee=params.get("assignee", ""),
            due_before=params.get("due_before", "").strip(),
            overdue=params.get("overdue") == "1",
            q=(search_text(params.get("q")) or "")[:200],
            sort=params.get("sort", "triage"),
        )
        try:
            query.page = max(1, min(int(params.get("page", "1")), 10_000))
        except ValueError:
            query.page = 1
        if query.kind not in {k.value for k in CaseKind}:
            query.kind = ""
        if query.status not in {"open", "all"} | {s.value for s in CaseState}:
            query.status = "open"
        if query.channel not in {c.value for c in Channel}:
            query.channel = ""
        if query.sort not in SORTS:
            query.sort = "triage"
        if query.assignee not in ("", "none"):
            # The same check as the API's `assignee` (a page says it on a page, casework.web).
            try:
                query.assignee = str(ASSIGNEE.validate_strings(query.assignee))
            except ValidationError as exc:
                raise RequestValidationError(
                    [{**e, "loc": ("query", "assignee")} for e in exc.errors()]
                ) from None
        if query.due_before:
            try:
                query.due_on = typed.read_date(query.due_before[:40])
            except ValueError:
                query.errors["due_before"] = page._(typed.DATE_WORDS)
        return query

    def filters(self, today: date) -> CaseFilters:
        statuses: tuple[str, ...] = ()
        if self.status == "open":
            statuses = tuple(sorted(s.value for s in OPEN_STATES))
        elif self.status != "all":
            statuses = (self.status,)
        return CaseFilters(
            status=statuses,
            kind=(self.kind,) if self.kind else (),
            channel=(self.channel,) if self.channel else (),
            assignee_id=int(self.assignee) if self.assignee not in ("", "none") else None,
            unassigned=self.assignee == "none",
            due_before=self.due_on,
            overdue_on=today if self.overdue else None,
            text=self.q or None,
        )

    def params(self, **changes: object) -> str:
        """Return the query string of these filters, with some changed (links, next pages)."""
        values = {
            "kind": self.kind,
            "status": self.status,
            "channel": self.channel,
            "assignee": self.assignee,
            "due_before": self.due_before,
            "overdue": "1" if self.overdue else "",
            "q": self.q,
            "sort": self.sort,
            "page": str(self.page) if self.page > 1 else "",
        }
        values.update({k: str(v) for k, v in changes.items()})
        return urlencode({k: v for k, v in values.items() if v})


def _search(page: Page, query: QueueQuery, *, limit: int, offset: int):
    return service.search(
        page.ctx,
        actor=page.actor,
        interface="web",
        filters=query.filters(page.ctx.today()),
        limit=limit,
        offset=offset,
        by_due=query.sort == "due",
        triage=query.sort == "triage",
    )


@router.get("/queue")
def queue(request: Request, page: CurrentPage) -> Response:
    page.require("case.read")
    query = QueueQuery.read(request, page)
    if request.query_params.get("format") == "csv":
        views, _ = _search(page, query, limit=CSV_LIMIT, offset=0)
        return queue_csv(page, views)
    views, total = _search(page, query, limit=PAGE_SIZE, offset=(query.page - 1) * PAGE_SIZE)
    # A text search counts up to a cap: the page says "more than" and pages through the cap.
    total, capped = shown_total(query.filters(page.ctx.today()), total)
    pages = max(1, -(-total // PAGE_SIZE))
    here = "/queue" + ("?" + query.params() if query.params() else "")
    return page.render(
        "web/queue.html",
        {
            "query": query,
            "views": views,
            "total": total,
            "total_capped": capped,
            "pages": pages,
            "here": here,
            "can_assign": page.can("case.assign"),
            "assignees": page.active_users(),
            "kinds": [k.value for k in CaseKind],
            "channels": [c.value for c in Channel],
            "states": [s.value for s in CaseState],
        },
    )


def queue_csv(page: Page, views) -> Response:
    """The queue as a spreadsheet: the same filters, every row."""
    fmt, today = page.fmt, page.ctx.today()
    header = [
        page._("Reference"),
        page._("Subject"),
        page._("Kind"),
        page._("Channel"),
        page._("Received on"),
        page._("Status"),
        page._("Next deadline"),
        page._("Due on"),
        page._("Deadline state"),
        page._("Assigned to"),
    ]
    rows = []
    for view in views:
        case = view.case
        badge = fmt.badge(case.next_due_on, today)
        rows.append(
            [
                case.reference,
                case.subject,
                fmt.kind(case.kind),
                fmt.channel(case.channel),
                fmt.local_day(case.received_at).isoformat(),
                fmt.state(case.status),
                fmt.deadline(case.next_deadline) if case.next_deadline else "",
                case.next_due_on.isoformat() if case.next_due_on else "",
                badge[1] if badge else "",
                fmt.user(case.assignee_id) if case.assignee_id else "",
            ]
        )
    name = page._("cases")
    return csv_response(f"{name}-{today.isoformat()}.csv", header, rows)


@router.post("/cases/{reference}/assign")
def assign(request: Request, reference: str, page: CurrentPage, form: Form) -> Response:
    """Assign, reassign or unassign a case: in place with htmx, else back to the page."""
    page.require("case.assign")
    back = safe_next(form.get("next"))
    if back == "/login":
        back = f"/cases/{reference}"
    chosen = form.get("assignee_id", "").strip()
    message, error = None, None
    view = None
    try:
        changes = CaseUpdate(
            version=form.get("version", ""),
            assignee_id=chosen or None,
            unassign=not chosen,
        )
        view = service.update(
            page.ctx, actor=page.actor, interface="web", reference=reference, changes=changes
        )
        message = (
            page._("Assigned to %(name)s.", name=page.fmt.user(view.case.assignee_id))
            if view.case.assignee_id
            else page._("Nobody is assigned now.")
        )
    except ValidationError as exc:
        error = next(iter(field_errors(exc, page.language).values()))
    except VersionConflict:
        error = page._("The case changed in the meantime: here is its current assignment.")
    except InvalidInput as exc:
        error = exc.message(page.language)
    if view is None:
        view = service.get(page.ctx, actor=page.actor, interface="web", reference=reference)
    if is_htmx(request):
        return page.render(
            "web/_assign.html",
            {
                "case": view.case,
                "assignees": page.active_users(),
                "back": back,
                "message": message,
                "error": error,
            },
        )  # 200 even when refused: htmx swaps only successful answers
    if error is not None:
        return page.render(
            "error.html",
            {"title": page._("Not assigned"), "message": error, "back": back},
            status_code=409,
        )
    separator = "&" if "?" in back else "?"
    return page.redirect(back + separator + urlencode({"assigned": reference}))
