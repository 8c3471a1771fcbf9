"""Dependencies shared by the routers: the application context, the language, the actor."""

from fastapi import Depends, Request

from casework.context import Actor, AppContext
from casework.i18n import negotiate
from casework.security.authn import authenticated


async def get_context(request: Request) -> AppContext:
    """Return the application's context (engine, settings, calendar, clock)."""
    return request.app.state.context


async def get_language(request: Request) -> str:
    """Return the language the client asked for (Accept-Language), French by default."""
    return negotiate(request.headers.get("accept-language"))


async def get_actor(actor: Actor = Depends(authenticated)) -> Actor:
    """Return who makes the request: the user or API key that authenticated it
    (casework.security.authn); refuse with 401 when nobody did. Routes that use it are documented
    in OpenAPI as needing an API key or a session."""
    return actor
