"""Dependencies shared by the routers: the application context, the language, the actor."""

from fastapi import Request

from casework.context import Actor, AppContext
from casework.i18n import negotiate


def get_context(request: Request) -> AppContext:
    """Return the application's context (engine, settings, calendar, clock)."""
    return request.app.state.context


def get_language(request: Request) -> str:
    """Return the language the client asked for (Accept-Language), French by default."""
    return negotiate(request.headers.get("accept-language"))


def get_actor(request: Request) -> Actor:
    """Return who makes the request."""
    actor = getattr(request.state, "actor", None)
    return actor if actor is not None else Actor(label="api")
