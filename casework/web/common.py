"""What every page needs: who is signed in, the language, the navigation, words for codes, forms,
CSV files, and error pages.

Pages are for people signed in with the session cookie: anyone else is sent to the login page and
brought back after it. Authorization is asked of `casework.security.policy` (the one table), in
the routes; templates only receive "may do X" flags. Every page goes through
`casework.templating.render`, so it escapes everything, speaks the page's language and carries the
session's CSRF token. Page routes stay out of the OpenAPI document (`include_in_schema=False`).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from casework import labels
from casework.api import errors
from casework.api.errors import validation_problem
from casework.context import Actor, AppContext
from casework.explain import running_words
from casework.exports import csv_chunks
from casework.i18n import N_, colon, format_day, format_moment, format_size, gettext, ngettext
from casework.security import policy
from casework.services import users as user_service
from casework.services.errors import Forbidden, InvalidInput, ServiceError
from casework.templating import page_language, render
from workflows.case_clock import DEADLINE_LABELS
from workflows.case_flow import OUTCOME_LABELS, STATE_LABELS, TRIGGER_LABELS
from workflows.deadlines import deadline_status

HOME_BY_ROLE = {
    "officer": "/queue",
    "agent": "/mine",
    "supervisor": "/dashboard",
    "admin": "/admin",
}
LANGUAGE_COOKIE = "lang"


class LoginRequired(Exception):
    """The page needs someone signed in."""


class PageRoute(APIRoute):
    """A page: refusals become pages (or the login page), never JSON."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                target = request.url.path
                if request.url.query:
                    target += "?" + request.url.query
                if request.method != "GET":
                    target = "/"
                return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
            except RequestValidationError as invalid:
                # A page checks its path and query like the API does; it says so on a page.
                return invalid_request_page(request, invalid)
            except ServiceError as refused:
                return error_page(request, refused)

        return page_handler


def page_router(**kwargs: Any) -> APIRouter:
    """Return a router for pages: HTML refusals, out of the OpenAPI document."""
    return APIRouter(route_class=PageRoute, include_in_schema=False, **kwargs)


def error_page(request: Request, error: ServiceError) -> Response:
    """Render a refusal as a page in the request's language."""
    return errors.error_page(request, error)


def invalid_request_page(request: Request, invalid: RequestValidationError) -> Response:
    """Render a request whose address or form is not valid: a 422 page naming each field."""
    language = page_language(request)
    problem = validation_problem(list(invalid.errors()), language)
    details = [f"{item.field}{colon(language)} {item.message}" for item in problem.errors or ()]
    error = InvalidInput(N_("This address or form is not valid."))
    return errors.error_page(request, error, details=details)


@dataclass
class Fmt:
    """Words and dates for one language, as templates use them."""

    language: str
    ctx: AppContext
    users: dict[int, str] = field(default_factory=dict)
    # Long lists show the same few dates and deadline states on many rows: each worded once.
    _worded: dict[tuple, object] = field(default_factory=dict, repr=False, compare=False)

    def _(self, message: str, **params: object) -> str:
        return gettext(message, self.language, **params)

    def day(self, value: date | None, weekday: bool = False) -> str:
        if not value:
            return "—"
        key = ("day", value, weekday)
        if key not in self._worded:
            self._worded[key] = format_day(value, self.language, weekday=weekday)
        return self._worded[key]

    def moment(self, value: datetime | None) -> str:
        return format_moment(value, self.ctx.tz, self.language) if value else "—"

    def size(self, value: int | None) -> str:
        return format_size(value, self.language) if value is not None else "—"

    def local_day(self, value: datetime) -> date:
        return value.astimezone(self.ctx.tz).date()

    def state(self, code: str | None) -> str:
        return self._(STATE_LABELS[code]) if code in STATE_LABELS else (code or "—")

    def trigger(self, code: str | None) -> str:
        return self._(TRIGGER_LABELS[code]) if code in TRIGGER_LABELS else (code or "—")

    def outcome(self, code: str | None) -> str:
        return self._(OUTCOME_LABELS[code]) if code in OUTCOME_LABELS else (code or "—")

    def kind(self, code: str) -> str:
        return self._(labels.KIND_LABELS.get(code, code))

    def channel(self, code: str) -> str:
        return self._(labels.CHANNEL_LABELS.get(code, code))

    def priority(self, code: str) -> str:
        return self._(labels.PRIORITY_LABELS.get(code, code))

    def role(self, code: str) -> str:
        return self._(labels.ROLE_LABELS.get(code, code))

    def access(self, code: str) -> str:
        return self._(labels.ACCESS_LABELS.get(code, code))

    def interface(self, code: str) -> str:
        return self._(labels.INTERFACE_LABELS.get(code, code))

    def deadline(self, code: str | None) -> str:
        return self._(DEADLINE_LABELS[code]) if code in DEADLINE_LABELS else (code or "—")

    def user(self, user_id: int | None) -> str:
        if user_id is None:
            return self._("Nobody")
        return self.users.get(user_id, f"#{user_id}")

    def business_days(self, n: int) -> str:
        return ngettext("%(n)s business day", "%(n)s business days", n, self.language)

    def percent(self, value: float | None) -> str:
        if value is None:
            return "—"
        text = f"{value:.0f}"
        return f"{text} %" if self.language == "fr" else f"{text}%"

    def badge(self, due_on: date | None, today: date) -> tuple[str, str] | None:
        """Return the CSS class and the words of a deadline's state today (None: no clock)."""
        if due_on is None:
            return None
        key = ("badge", due_on, today)
        if key not in self._worded:
            self._worded[key] = self._badge(due_on, today)
        return self._worded[key]

    def _badge(self, due_on: date, today: date) -> tuple[str, str]:
        status = deadline_status(
            self.ctx.calendar,
            due_on=due_on,
            today=today,
            soon_within=self.ctx.settings.deadlines.at_risk_within,
        )
        text = running_words(status.state, status.business_days, self.language)
        return "badge badge-" + status.state.value.replace("_", "-"), text


@dataclass
class Page:
    """One request for a page: who asks, in which language, on which application."""

    request: Request
    ctx: AppContext
    actor: Actor
    language: str

    def _(self, message: str, **params: object) -> str:
        return gettext(message, self.language, **params)

    def can(self, permission: str, case: Any = None) -> bool:
        return policy.can(self.actor, permission, case)

    def can_fire(self, trigger: str, case: Any) -> bool:
        """Tell whether to offer a trigger's form (the service decides when it is sent)."""
        return policy.can(self.actor, policy.fire_permission(trigger), case)

    def require(self, permission: str, case: Any = None) -> None:
        """Refuse the page unless the actor may do this."""
        if case is None and policy.needs_the_case(self.actor, permission):
            raise Forbidden()
        policy.check(self.actor, permission, case)

    @cached_property
    def users(self) -> list:
        return user_service.list_users(self.ctx)

    @cached_property
    def fmt(self) -> Fmt:
        return Fmt(self.language, self.ctx, {u.id: u.full_name for u in self.users})

    def active_users(self) -> list:
        return [u for u in self.users if u.is_active]

    def nav(self) -> list[dict[str, Any]]:
        """Return the navigation links this person may follow."""
        items = [
            ("/queue", self._("Cases"), self.can("case.read")),
            ("/cases/new", self._("New case"), self.can("case.create")),
            ("/mine", self._("My cases"), self.can("notifications.read_own")),
            ("/letters/to-mail", self._("Letters to mail"), self.can("letters.mail")),
            ("/dashboard", self._("Dashboard"), self.can("reports.read")),
            ("/mail/quarantine", self._("Email in quarantine"), self.can("mail.quarantine")),
            ("/reports/annual", self._("Accountability"), self.can("reports.read")),
            (
                "/records" if self.can("retention.manage") else "/incidents",
                self._("Personal information"),
                self.can("retention.manage") or self.can("incidents.manage"),
            ),
            (
                "/admin",
                self._("Administration"),
                self.can("users.manage") or self.can("calendar.manage"),
            ),
        ]
        path = self.request.url.path
        return [
            {"href": href, "label": label, "current": path == href}
            for href, label, allowed in items
            if allowed
        ]

    def render(
        self, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
    ) -> HTMLResponse:
        """Render a page with the navigation and the words of its language."""
        values = {
            # The person's name, not their username: « Session ouverte par Marie Tremblay ».
            "current_user": self.fmt.users.get(self.actor.user_id or 0, self.actor.label),
            "nav": self.nav(),
            "fmt": self.fmt,
            "today": self.ctx.today(),
            "htmx": True,
            "ngettext": lambda singular, plural, n, **params: ngettext(
                singular, plural, n, self.language, **params
            ),
            **(context or {}),
        }
        return render(self.request, name, values, status_code=status_code)

    def redirect(self, path: str, **query: Any) -> RedirectResponse:
        """Answer a successful form with a redirect to the page to show (POST/redirect/GET)."""
        target = path + ("?" + urlencode(query) if query else "")
        return RedirectResponse(target, status_code=303)


def current_page(request: Request) -> Page:
    """Return the page's request context; send whoever is not signed in to the login page."""
    actor = getattr(request.state, "actor", None)
    if actor is None or getattr(request.state, "auth_via", None) != "session":
        raise LoginRequired()
    return Page(
        request=request,
        ctx=request.app.state.context,
        actor=actor,
        language=page_language(request),
    )


CurrentPage = Annotated[Page, Depends(current_page)]


async def form_fields(request: Request) -> dict[str, str]:
    """Return the fields of a posted form (the first value of each), as text."""
    async with request.form() as form:
        return {key: value for key, value in form.items() if isinstance(value, str)}


Form = Annotated[dict[str, str], Depends(form_fields)]


def blank_to_none(data: dict[str, str], *names: str) -> dict[str, Any]:
    """Return the named fields, stripped, with empty ones left out (the schema's default)."""
    values = {}
    for name in names:
        value = (data.get(name) or "").strip()
        if value:
            values[name] = value
    return values


def field_errors(
    error: ValidationError, language: str, aliases: dict[str, str] | None = None
) -> dict[str, str]:
    """Say each invalid field's problem in the page's language, keyed by its form field."""
    aliases = aliases or {}
    problem = validation_problem(list(error.errors()), language)
    messages: dict[str, str] = {}
    for item in problem.errors or ():
        name = aliases.get(item.field, item.field)
        messages.setdefault(name, item.message)
    return messages


def service_error(error: ServiceError, language: str, default_field: str = "form") -> dict:
    """Say a refused command next to its field (or at the top of the form)."""
    return {error.field or default_field: error.message(language)}


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """Answer a CSV file for a spreadsheet: UTF-8 with a byte order mark (Excel reads the accents
    right), one header line; written as the rows come, so a long list never sits whole in
    memory."""
    return StreamingResponse(
        (chunk.encode("utf-8") for chunk in csv_chunks(header, rows)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{quote(filename)}"'},
    )


def is_htmx(request: Request) -> bool:
    """Tell whether htmx sent the request (it then wants a fragment, not a page)."""
    return request.headers.get("HX-Request") == "true"
