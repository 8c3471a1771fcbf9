"""Server-rendered pages: one Jinja2 environment, escaping everything, strict, translated.

DESIGN §4: "Templates escape by default (`autoescape`, `StrictUndefined`): complaint text comes
from the public." Pages carry no inline script or style (the content security policy forbids
them, docs/security.md); each form posts its session's CSRF token (`csrf_token`). Every page
extends `base.html` and gets: `language`, `_` (gettext in the page's language), `colon` (« : » in
French, with its non-breaking space), `csrf_token`, and `current_user` (the name of the person
signed in, not their username; None for a visitor).
"""

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from casework.i18n import LANGUAGES, colon, gettext, negotiate

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@cache
def templates() -> Jinja2Templates:
    """Build the page templates once, on first use."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=environment)


def page_language(request: Request) -> str:
    """Return the language of a page: the one chosen with the language switch (the `lang`
    cookie), else the browser's choice (Accept-Language), French by default."""
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"))


def signed_in(request: Request) -> str | None:
    """Return the name of the person signed in on this page (not their username), or None."""
    actor = getattr(request.state, "actor", None)
    if actor is None or getattr(request.state, "auth_via", None) != "session":
        return None
    from casework.services import users
    from casework.services.errors import NotFound

    try:
        return users.get(request.app.state.context, user_id=actor.user_id).full_name
    except NotFound:
        return actor.label.removeprefix("user:")


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    language: str | None = None,
) -> HTMLResponse:
    """Render a page in the request's language (or the one given: a public form's path says
    it), with what every page needs."""
    language = language or page_language(request)

    def translate(message: str, **params: object) -> str:
        return gettext(message, language, **params)

    session = getattr(request.state, "session", None)
    context = context or {}
    values = {
        "language": language,
        "_": translate,
        "colon": colon(language),
        "csrf_token": session.csrf if session is not None else "",
        "current_user": context["current_user"]
        if "current_user" in context
        else signed_in(request),
        **context,
    }
    return templates().TemplateResponse(request, name, values, status_code=status_code)
