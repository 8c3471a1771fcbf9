"""The home page, which sends each person to the page of their role, the language switch, and the
site's icon."""

from fastapi import Request
from starlette.responses import FileResponse, RedirectResponse

from casework.api.auth import safe_next
from casework.i18n import LANGUAGES
from casework.services.errors import NotFound
from casework.templating import STATIC
from casework.web.common import HOME_BY_ROLE, LANGUAGE_COOKIE, CurrentPage, page_router

router = page_router()
ONE_YEAR = 365 * 24 * 3600


@router.get("/")
def home(page: CurrentPage) -> RedirectResponse:
    """Officers start on the triage queue, staff on their cases, supervisors on the dashboard,
    administrators on the administration."""
    return RedirectResponse(HOME_BY_ROLE.get(page.actor.role or "", "/queue"), status_code=303)


@router.get("/language/{language}")
def switch_language(request: Request, language: str, next: str = "/") -> RedirectResponse:
    """Remember the chosen language (a cookie) and go back to the page."""
    if language not in LANGUAGES:
        raise NotFound("No such page.")
    target = safe_next(next)
    response = RedirectResponse("/" if target == "/login" and next != "/login" else target, 303)
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=ONE_YEAR, path="/", samesite="lax", httponly=True
    )
    return response


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The icon browsers ask for at the root of every site."""
    return FileResponse(
        STATIC / "favicon.ico",
        media_type="image/vnd.microsoft.icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )
