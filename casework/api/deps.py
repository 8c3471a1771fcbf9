"""Dependencies shared by the routers: the application context and the language (who asks comes
from `casework.security.authn`: `authenticated`, `require`)."""

from fastapi import Request

from casework.context import AppContext
from casework.i18n import negotiate


async def get_context(request: Request) -> AppContext:
    """Return the application's context (engine, settings, calendar, clock)."""
    return request.app.state.context


async def get_language(request: Request) -> str:
    """Return the language the client asked for (Accept-Language), French by default."""
    return negotiate(request.headers.get("accept-language"))
