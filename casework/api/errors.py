"""Error responses in the user's language (Accept-Language, French by default).

DESIGN: "A refused transition is an error with a clear message in the user's language (HTTP
409)"; the bar: "a bad request gets 4xx with a message in the user's language that names the
field".
"""

import logging
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from casework.i18n import N_, gettext, negotiate
from casework.services.errors import (
    BodyTooLarge,
    DatabaseBusy,
    Forbidden,
    InternalError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    RequestRefused,
    ServiceError,
    TooManyAttempts,
    TransitionNotAllowed,
    VersionConflict,
)

log = logging.getLogger("casework.http")
# How long a client should wait before trying again when the database is busy (seconds).
BUSY_RETRY_AFTER = 5


class FieldProblem(BaseModel):
    field: str
    location: list[str | int]
    message: str
    type: str


class Problem(BaseModel):
    code: str
    detail: str
    field: str | None = None
    errors: list[FieldProblem] | None = None
    allowed: list[str] | None = None
    current_version: int | None = None


# Pydantic's error types, said in words a person understands (the English is the message id).
MESSAGES = {
    "missing": N_("This field is required."),
    "extra_forbidden": N_("This field is not expected."),
    "string_too_short": N_("This field cannot be empty."),
    "string_too_long": N_("This text is too long (at most %(max_length)s characters)."),
    "string_type": N_("This field must be text."),
    "string_pattern_mismatch": N_("This value does not have the expected form."),
    "int_parsing": N_("This field must be a whole number."),
    "int_type": N_("This field must be a whole number."),
    "int_from_float": N_("This field must be a whole number."),
    "greater_than_equal": N_("This number must be at least %(ge)s."),
    "greater_than": N_("This number must be greater than %(gt)s."),
    "less_than_equal": N_("This number must be at most %(le)s."),
    "less_than": N_("This number must be less than %(lt)s."),
    "bool_parsing": N_("This field must be true or false."),
    "bool_type": N_("This field must be true or false."),
    "date_parsing": N_("This date is not valid; write it as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("This date is not valid; write it as YYYY-MM-DD."),
    "date_from_datetime_inexact": N_("This date is not valid; write it as YYYY-MM-DD."),
    "date_type": N_("This date is not valid; write it as YYYY-MM-DD."),
    "datetime_parsing": N_(
        "This date and time is not valid; write it as YYYY-MM-DDTHH:MM with an offset."
    ),
    "datetime_from_date_parsing": N_(
        "This date and time is not valid; write it as YYYY-MM-DDTHH:MM with an offset."
    ),
    "datetime_type": N_(
        "This date and time is not valid; write it as YYYY-MM-DDTHH:MM with an offset."
    ),
    "enum": N_("This value is not one of: %(expected)s."),
    "literal_error": N_("This value is not one of: %(expected)s."),
    "value_error": N_("This value is not valid."),
    "json_invalid": N_("The request body is not valid JSON."),
    "model_attributes_type": N_("This field must be an object."),
    "dict_type": N_("This field must be an object."),
    "list_type": N_("This field must be a list."),
    "too_long": N_("This list is too long."),
    "url_parsing": N_("This is not a valid address."),
}
EMAIL_MESSAGE = N_("This is not a valid email address.")
UNKNOWN_MESSAGE = N_("This value is not valid.")


def _field_name(location: tuple[Any, ...]) -> str:
    if location[:1] == ("body",) and len(location) == 2 and isinstance(location[1], int):
        return "body"  # malformed JSON: the location is the position of the mistake
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    # Union members (`datetime`, `date`) appear in the location; they are not fields.
    parts = [p for p in parts if p not in ("datetime", "date", "function-after[_aware(), union]")]
    return ".".join(parts) or "body"


def translate_error(error: dict[str, Any], language: str) -> FieldProblem:
    """Say one validation error in the user's language, naming its field."""
    kind = error.get("type", "value_error")
    context = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, str | int)}
    msgid = MESSAGES.get(kind, UNKNOWN_MESSAGE)
    if kind in ("too_short", "too_long") and context.get("field_type") != "List":
        # An optional text field (`Line | None`) has its length checked on the value as a
        # whole, which pydantic reports as a collection's length: it is a text all the same.
        msgid = MESSAGES[f"string_{kind}"]
    if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
        msgid = EMAIL_MESSAGE
    try:
        message = gettext(msgid, language, **context)
    except (KeyError, ValueError):
        message = gettext(UNKNOWN_MESSAGE, language)
    location = [p for p in error.get("loc", ()) if isinstance(p, str | int)]
    return FieldProblem(
        field=_field_name(tuple(location)), location=location, message=message, type=kind
    )


def language_of(request: Request) -> str:
    """Return the language of the request (Accept-Language), French by default."""
    return negotiate(request.headers.get("accept-language"))


def validation_problem(errors: list[dict[str, Any]], language: str) -> Problem:
    """Build the 422 body that names each bad field."""
    problems = []
    seen = set()
    for error in errors:
        problem = translate_error(error, language)
        if (problem.field, problem.message) not in seen:
            seen.add((problem.field, problem.message))
            problems.append(problem)
    summary = "; ".join(f"{p.field}: {p.message}" for p in problems)
    return Problem(
        code="validation_error",
        detail=gettext("The request is not valid: %(problems)s", language, problems=summary),
        field=problems[0].field if problems else None,
        errors=problems,
    )


STATUS = {
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    VersionConflict: 409,
    TransitionNotAllowed: 409,
    BodyTooLarge: 413,
    InvalidInput: 422,
    TooManyAttempts: 429,
    InternalError: 500,
    DatabaseBusy: 503,
}
PAGE_TITLES = {
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("Refused"),
    413: N_("Request too large"),
    422: N_("Invalid request"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("Service busy"),
}


def status_of(exc: ServiceError) -> int:
    """Return the HTTP status of a refused command."""
    if isinstance(exc, RequestRefused):
        return exc.status
    return next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)


def _headers_of(exc: ServiceError, status: int) -> dict[str, str] | None:
    if status == 401:
        return {"WWW-Authenticate": 'APIKey header="X-API-Key"'}
    if isinstance(exc, TooManyAttempts):
        return {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, DatabaseBusy):
        return {"Retry-After": str(BUSY_RETRY_AFTER)}
    return None


def problem_response(exc: ServiceError, language: str) -> JSONResponse:
    """Turn a refused service command into its HTTP answer."""
    status = status_of(exc)
    body = Problem(code=exc.code, detail=exc.message(language), field=exc.field)
    if isinstance(exc, TransitionNotAllowed):
        body.allowed = exc.allowed
    if isinstance(exc, VersionConflict):
        body.current_version = exc.current_version
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, headers=_headers_of(exc, status)
    )


def is_api_path(path: str) -> bool:
    """Tell whether a path belongs to the API (answers in JSON) rather than to the pages."""
    return path == "/api" or path.startswith("/api/") or path in ("/healthz", "/openapi.json")


def error_page(
    request: Request, exc: ServiceError, *, details: list[str] | None = None
) -> Response:
    """Render a refusal or a failure as a page in the page's language."""
    from casework.templating import page_language, render

    language = page_language(request)
    status = status_of(exc)
    response = render(
        request,
        "error.html",
        {
            "title": gettext(PAGE_TITLES.get(status, PAGE_TITLES[422]), language),
            "message": exc.message(language),
            "details": details or [],
            "back": "/",
        },
        status_code=status,
    )
    response.headers.update(_headers_of(exc, status) or {})
    return response


def error_answer(request: Request, exc: ServiceError) -> Response:
    """Answer a refusal or a failure: a Problem for the API, a page for the pages."""
    if is_api_path(request.url.path):
        return problem_response(exc, language_of(request))
    return error_page(request, exc)


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def is_database_busy(exc: BaseException) -> bool:
    """Tell whether a failure means the database did not answer in time: a lock held longer than
    `database.busy_timeout_ms`, no free connection in the pool, or no database at all."""
    return any(_is_busy(leaf) for leaf in _leaves(exc))


def _is_busy(exc: BaseException) -> bool:
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, OperationalError):
        return False
    if isinstance(exc.orig, sqlite3.Error):
        # SQLite says "operational" of a mistake in a statement too: only a lock is busy.
        return any(word in str(exc.orig) for word in ("locked", "busy"))
    return True  # PostgreSQL: a lock timeout, a lost or refused connection


class AnswerFailures:
    """Answer every unforeseen failure properly: a Problem or a page in the user's language,
    500, or 503 with Retry-After when the database is busy; never a plain-text error or a reset
    connection. Each failure is logged with its traceback (a busy database with one line)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_noting_start(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception as exc:
            where = f"{scope['method']} {scope['path']}"
            if started:  # too late to answer otherwise: let the server end the connection
                log.exception("failure after the answer started: %s", where)
                raise
            if is_database_busy(exc):
                log.warning("database busy: %s: %s", where, str(exc).splitlines()[0])
                error: ServiceError = DatabaseBusy()
            else:
                log.exception("unhandled failure: %s", where)
                error = InternalError()
            response = error_answer(Request(scope), error)
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    """Register the error handlers on the application."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problem = validation_problem(list(exc.errors()), language_of(request))
        return JSONResponse(problem.model_dump(exclude_none=True), status_code=422)

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> JSONResponse:
        return problem_response(exc, language_of(request))

    @app.exception_handler(StarletteHTTPException)
    async def _refused(request: Request, exc: StarletteHTTPException) -> Response:
        # No route, a method the route does not answer, an unreadable body: said like any
        # other refusal (a Problem, or a page), in the user's language.
        from casework.api.methods import allowed_methods

        response = error_answer(request, RequestRefused(status=exc.status_code))
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            response.headers["Allow"] = ", ".join(sorted(allowed_methods(request.scope)))
        return response


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Document the error answers of an operation in OpenAPI."""
    descriptions = {
        401: "Not authenticated: no API key or session, or one that is unknown, revoked or "
        "expired.",
        403: "Not allowed: the role does not permit this action, or a CSRF token is missing.",
        404: "No such case.",
        409: "Refused: the transition is not allowed now, or the version is stale.",
        413: "The request body is larger than the configured limit; it was not read.",
        422: "The request is not valid; each bad field is named.",
        429: "Too many failed logins from this address: wait for the Retry-After seconds.",
    }
    return {status: {"model": Problem, "description": descriptions[status]} for status in statuses}
