"""Administration: accounts and roles, the calendar of a year and its closure days, the life
cycle.

DESIGN §1: the administrator manages "users, roles, calendar closures, configuration". The issue:
"the calendar of a year with its closure days, where adding or removing a closure shows which open
deadlines would move before it is confirmed; the workflow diagram." A closure change is shown
first (casework.services.closures.preview_closure_change), then made on confirmation.
"""

from datetime import date
from typing import Annotated

from fastapi import Path, Request
from starlette.responses import Response

from casework.i18n import N_
from casework.models.users import USERNAME_PATTERN, Role
from casework.services import closures
from casework.services import users as user_service
from casework.services.errors import InvalidInput, NotFound
from casework.web import typed
from casework.web.case import FIELD_LABELS
from casework.web.common import CurrentPage, Form, Page, page_router
from workflows import case_flow

# An account's username as typed in a URL: what a username can be, nothing else (never a control
# character, which PostgreSQL refuses in text).
Username = Annotated[str, Path(max_length=64, pattern=f"^{USERNAME_PATTERN}$")]
router = page_router(prefix="/admin")
USER_FIELDS = ("username", "full_name", "email", "role", "password", "language")
USER_NOTICES = {
    "added": N_("The account is created."),
    "role": N_("The role is changed."),
    "disabled": N_("The account is disabled; its sessions are ended."),
    "enabled": N_("The account is enabled."),
}
CALENDAR_NOTICES = {
    "add": N_("The closure day is added; the open deadlines it moved are recomputed."),
    "remove": N_("The closure day is removed; the open deadlines it moved are recomputed."),
}


@router.get("")
def admin_home(request: Request, page: CurrentPage) -> Response:
    if not page.can("users.manage") and page.can("calendar.manage"):
        return page.redirect("/admin/calendar")
    page.require("users.manage")
    return _users_page(page, notice=USER_NOTICES.get(request.query_params.get("done", "")))


def _users_page(
    page: Page,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    return page.render(
        "web/admin_users.html",
        {
            "users": page.users,
            "roles": [r.value for r in Role],
            "values": values or {"role": "agent", "language": "fr"},
            "errors": errors or {},
            "notice": page._(notice) if notice else None,
            "me": page.actor.user_id,
        },
        status_code=status_code,
    )


@router.post("/users")
def add_user(page: CurrentPage, form: Form) -> Response:
    page.require("users.manage")
    values = {k: form.get(k, "").strip() for k in USER_FIELDS if k != "password"}
    try:
        user_service.add(
            page.ctx,
            actor=page.actor,
            username=values["username"].lower(),
            full_name=values["full_name"],
            password=form.get("password", ""),
            role=values["role"] or "agent",
            email=values["email"] or None,
            language=values["language"] if values["language"] in ("fr", "en") else "fr",
        )
    except InvalidInput as exc:
        field = exc.field if exc.field in USER_FIELDS else "username"
        return _users_page(
            page,
            values=values,
            errors={field: exc.message(page.language)},
            status_code=422,
        )
    return page.redirect("/admin", done="added")


def _user_command(page: Page, username: str, command) -> Response | None:
    try:
        command()
    except InvalidInput as exc:
        return _users_page(
            page, errors={f"user-{username}": exc.message(page.language)}, status_code=409
        )
    return None


@router.post("/users/{username}/role")
def change_role(username: Username, page: CurrentPage, form: Form) -> Response:
    page.require("users.manage")
    refused = _user_command(
        page,
        username,
        lambda: user_service.set_role(
            page.ctx, actor=page.actor, username=username, role=form.get("role", "")
        ),
    )
    return refused or page.redirect("/admin", done="role")


@router.post("/users/{username}/disable")
def disable_user(username: Username, page: CurrentPage) -> Response:
    page.require("users.manage")
    refused = _user_command(
        page,
        username,
        lambda: user_service.disable(page.ctx, actor=page.actor, username=username),
    )
    return refused or page.redirect("/admin", done="disabled")


@router.post("/users/{username}/enable")
def enable_user(username: Username, page: CurrentPage) -> Response:
    page.require("users.manage")
    user_service.enable(page.ctx, actor=page.actor, username=username)
    return page.redirect("/admin", done="enabled")


def _year(request: Request, page: Page) -> int:
    calendar = page.ctx.calendar
    try:
        year = int(request.query_params.get("year", ""))
    except ValueError:
        year = page.ctx.today().year
    return max(calendar.first_year, min(year, calendar.last_year - 1))


@router.get("/calendar")
def calendar_page(request: Request, page: CurrentPage) -> Response:
    page.require("calendar.manage")
    year = _year(request, page)
    done = request.query_params.get("done", "")
    return _calendar_page(
        page,
        year,
        notice=page._(CALENDAR_NOTICES[done]) if done in CALENDAR_NOTICES else None,
        moved=request.query_params.get("moved"),
    )


def _calendar_page(
    page: Page,
    year: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    moved: str | None = None,
    status_code: int = 200,
) -> Response:
    calendar = page.ctx.calendar
    return page.render(
        "web/admin_calendar.html",
        {
            "year": year,
            "calendar": calendar,
            "closures": calendar.closures(year),
            "history": closures.history(page.ctx),
            "values": values or {},
            "errors": errors or {},
            "notice": notice,
            "moved": moved,
            "first_year": calendar.first_year,
            "last_year": calendar.last_year - 1,
        },
        status_code=status_code,
    )


def _change(form: dict[str, str]) -> tuple[date | None, str, str, str]:
    try:
        day = typed.read_date(form.get("day", "").strip()[:40])
    except ValueError:
        day = None
    action = form.get("action", "")
    return day, action, form.get("name_fr", "").strip(), form.get("name_en", "").strip()


@router.post("/calendar/preview")
def preview(page: CurrentPage, form: Form) -> Response:
    """Show which open deadlines the change would move, and ask for confirmation."""
    page.require("calendar.manage")
    day, action, name_fr, name_en = _change(form)
    year = day.year if day else page.ctx.today().year
    values = {"day": form.get("day", ""), "name_fr": name_fr, "name_en": name_en}
    if day is None:
        return _calendar_page(
            page,
            year,
            values=values,
            errors={"day": page._(typed.DATE_WORDS)},
            status_code=422,
        )
    try:
        result = closures.preview_closure_change(
            page.ctx, day=day, action=action, name_fr=name_fr, name_en=name_en
        )
    except InvalidInput as exc:
        return _calendar_page(
            page,
            max(page.ctx.calendar.first_year, min(year, page.ctx.calendar.last_year - 1)),
            values=values if action == "add" else None,
            errors={
                (exc.field or "day") if action == "add" else "remove": exc.message(page.language)
            },
            status_code=422,
        )
    closure = page.ctx.calendar.closure_on(day)
    return page.render(
        "web/admin_calendar_preview.html",
        {"preview": result, "year": day.year, "closure": closure},
    )


@router.post("/calendar/confirm")
def confirm(page: CurrentPage, form: Form) -> Response:
    page.require("calendar.manage")
    day, action, name_fr, name_en = _change(form)
    if day is None:
        raise NotFound("No such page.")
    try:
        result = closures.apply_closure_change(
            page.ctx, actor=page.actor, day=day, action=action, name_fr=name_fr, name_en=name_en
        )
    except InvalidInput as exc:
        return _calendar_page(
            page,
            day.year,
            errors={"remove" if action == "remove" else "day": exc.message(page.language)},
            status_code=409,
        )
    return page.redirect(
        "/admin/calendar", year=day.year, done=action, moved=str(len(result.moves))
    )


@router.get("/workflow")
def workflow(page: CurrentPage) -> Response:
    page.require("workflow.read")
    described = case_flow.describe()
    rows = []
    for row in described["triggers"]:
        rows.append(
            {
                "trigger": row["trigger"],
                "sources": row["sources"],
                "dest": row["dest"],
                "requires": row["requires"],
                "outcomes": row["outcomes"],
            }
        )
    return page.render(
        "web/admin_workflow.html",
        {
            "rows": rows,
            "states": described["states"],
            "mermaid": described["diagram"],
            "diagram": diagram(page),
            "field_labels": FIELD_LABELS,
            "admin": page.can("users.manage") or page.can("calendar.manage"),
        },
    )


# The life-cycle diagram: states at fixed places, the edges drawn from the transition table.
NODE_WIDTH, NODE_HEIGHT = 240, 48
NODES = {
    "received": (130, 260),
    "acknowledged": (440, 120),
    "awaiting_requester": (440, 400),
    "answered": (760, 120),
    "escalated": (760, 400),
    "closed": (1030, 260),
}
# How far each edge bends (positive: to the left of its direction), to keep edges apart.
BENDS = {
    ("received", "answered"): -250,  # over "acknowledged"
    ("received", "escalated"): 250,  # under "awaiting_requester"
    ("closed", "acknowledged"): 300,  # over "answered"
    ("acknowledged", "awaiting_requester"): 25,
    ("awaiting_requester", "acknowledged"): 25,
    ("acknowledged", "closed"): -25,
    ("awaiting_requester", "closed"): 25,
}


def _edge_end(centre: tuple[float, float], toward: tuple[float, float]) -> tuple[float, float]:
    """Return where the segment from a node's centre toward a point leaves the node's box."""
    (x, y), (tx, ty) = centre, toward
    dx, dy = tx - x, ty - y
    if dx == 0 and dy == 0:
        return x, y
    scale = min(
        (NODE_WIDTH / 2) / abs(dx) if dx else float("inf"),
        (NODE_HEIGHT / 2) / abs(dy) if dy else float("inf"),
    )
    return x + dx * scale, y + dy * scale


def diagram(page: Page) -> dict:
    """Lay out the life cycle as SVG shapes: a box per state, a curve per transition."""
    nodes = [
        {
            "state": state,
            "x": x - NODE_WIDTH / 2,
            "y": y - NODE_HEIGHT / 2,
            "cx": x,
            "cy": y,
            "label": page.fmt.state(state),
        }
        for state, (x, y) in NODES.items()
    ]
    edges = []
    for row in case_flow.TRANSITIONS:
        for source in row["source"]:
            (x1, y1), (x2, y2) = NODES[source], NODES[row["dest"]]
            bend = BENDS.get((source, row["dest"]), 0)
            length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
            # The control point: the middle, moved `bend` to the left of the direction.
            cx = (x1 + x2) / 2 - bend * (y2 - y1) / length
            cy = (y1 + y2) / 2 + bend * (x2 - x1) / length
            start = _edge_end((x1, y1), (cx, cy))
            end = _edge_end((x2, y2), (cx, cy))
            edges.append(
                {
                    "d": f"M {start[0]:.1f} {start[1]:.1f} Q {cx:.1f} {cy:.1f} "
                    f"{end[0]:.1f} {end[1]:.1f}",
                    "title": page._(
                        "%(source)s to %(dest)s: %(trigger)s",
                        source=page.fmt.state(source),
                        dest=page.fmt.state(row["dest"]),
                        trigger=page.fmt.trigger(row["trigger"]),
                    ),
                }
            )
    return {"nodes": nodes, "edges": edges, "width": 1160, "height": 520}
