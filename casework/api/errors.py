"""Error responses in the user's language (Accept-Language, French by default).

DESIGN: "A refused transition is an error with a clear message in the user's language (HTTP
409)"; the bar: "a bad request gets 4xx with a message in the user's language that names the
field".
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from casework.i18n import N_, gettext, negotiate
from casework.services.errors import (
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ServiceError,
    TooLarge,
    TransitionNotAllowed,
    VersionConflict,
)


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
    TooLarge: 413,
    InvalidInput: 422,
}


def problem_response(exc: ServiceError, language: str) -> JSONResponse:
    """Turn a refused service command into its HTTP answer."""
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    body = Problem(code=exc.code, detail=exc.message(language), field=exc.field)
    if isinstance(exc, TransitionNotAllowed):
        body.allowed = exc.allowed
    if isinstance(exc, VersionConflict):
        body.current_version = exc.current_version
    headers = {"WWW-Authenticate": 'APIKey header="X-API-Key"'} if status == 401 else None
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the error handlers on the application."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problem = validation_problem(list(exc.errors()), language_of(request))
        return JSONResponse(problem.model_dump(exclude_none=True), status_code=422)

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> JSONResponse:
        return problem_response(exc, language_of(request))


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Document the error answers of an operation in OpenAPI."""
    descriptions = {
        401: "Not authenticated: no API key or session, or one that is unknown, revoked or "
        "expired.",
        403: "Not allowed: the role does not permit this action, or a CSRF token is missing.",
        404: "No such case.",
        409: "Refused: the transition is not allowed now, or the version is stale.",
        413: "Too large: a file, or the documents of a case together, over the limit.",
        422: "The request is not valid; each bad field is named.",
    }
    return {status: {"model": Problem, "description": descriptions[status]} for status in statuses}
