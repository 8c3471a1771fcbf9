"""Signing in and out: the login page and its form, and the same over JSON (`/api/session`).

docs/security.md: a wrong username or password gets one answer, whatever was wrong, after a
short wait (`security.failed_login_delay_seconds`); repeated failures from one client address
refuse that address (429, casework.security.throttle). Signing in starts a new session (new
cookie, new CSRF token); signing out ends every session of the account. The forms' CSRF tokens
are checked by casework.security.authn before these handlers run.
"""

import asyncio
from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from casework.api.deps import get_context
from casework.api.errors import responses
from casework.context import Actor, AppContext
from casework.i18n import N_, gettext
from casework.security import policy, sessions
from casework.security.authn import authenticated
from casework.services import users as service
from casework.services.errors import NotAuthenticated, TooManyAttempts
from casework.templating import page_language, render

router = APIRouter(tags=["session"])
Context = Annotated[AppContext, Depends(get_context)]
LOGIN_FAILED = N_(
    "The username or the password is wrong. After several failed attempts in a row, the account "
    "is locked for a few minutes."
)
HOME = "/"  # each role has its home page there
LOGIN = "/login"


def safe_next(value: str | None) -> str:
    """Return where to go after signing in: a path of this site, never another site."""
    if (
        not value
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(not ch.isprintable() for ch in value)
        or len(value) > 500
    ):
        return HOME
    return value


def client_address(request: Request) -> str:
    """Return the address of the client (the proxy's, unless uvicorn is told to trust it)."""
    return request.client.host if request.client else "unknown"


def _password_checks(request: Request, ctx: AppContext) -> anyio.CapacityLimiter:
    limiter = getattr(request.app.state, "password_checks", None)
    if limiter is None:
        limiter = anyio.CapacityLimiter(ctx.settings.security.concurrent_password_checks)
        request.app.state.password_checks = limiter
    return limiter


async def _sign_in(request: Request, ctx: AppContext, username: str, password: str) -> bool:
    """Check the credentials; on success, start the session; on failure, wait (and refuse with
    TooManyAttempts when this address failed too often)."""
    if len(username) > 200 or len(password) > 1024:
        result = service.LoginResult(user=None)
    else:
        # Password checks run in threads of their own, a few at a time: a flood of logins waits
        # in its own line instead of taking the threads (and the memory) every other request
        # needs.
        result = await anyio.to_thread.run_sync(
            partial(
                service.authenticate,
                ctx,
                username=username,
                password=password,
                address=client_address(request),
            ),
            limiter=_password_checks(request, ctx),
        )
    if result.retry_after is not None:
        raise TooManyAttempts(retry_after=result.retry_after)
    if result.user is None:
        await asyncio.sleep(ctx.settings.security.failed_login_delay_seconds)
        return False
    request.state.session = sessions.signed_in(
        user_id=result.user.id, generation=result.user.session_generation, now=ctx.now()
    )
    return True


async def _sign_out(request: Request, ctx: AppContext) -> None:
    actor = getattr(request.state, "actor", None)
    if getattr(request.state, "auth_via", None) == "session" and actor is not None:
        await run_in_threadpool(service.end_sessions, ctx, user_id=actor.user_id)
    request.state.session = None


def _login_page(
    request: Request, *, next_path: str, username: str = "", error: str | None = None, status=200
) -> HTMLResponse:
    return render(
        request,
        "login.html",
        {"error": error, "username": username, "next": next_path},
        status_code=status,
    )


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, ctx: Context, next: str | None = None) -> HTMLResponse:
    if getattr(request.state, "session", None) is None:
        request.state.session = sessions.anonymous(ctx.now())
    return _login_page(request, next_path=safe_next(next))


@router.post("/login", include_in_schema=False)
async def login(
    request: Request,
    ctx: Context,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    language = page_language(request)
    shown = "".join(ch for ch in username[:64] if ch.isprintable())
    try:
        if await _sign_in(request, ctx, username, password):
            return RedirectResponse(safe_next(next), status_code=303)
    except TooManyAttempts as refused:
        page = _login_page(
            request,
            next_path=safe_next(next),
            username=shown,
            error=refused.message(language),
            status=429,
        )
        page.headers["Retry-After"] = str(refused.retry_after)
        return page
    return _login_page(
        request,
        next_path=safe_next(next),
        username=shown,
        error=gettext(LOGIN_FAILED, language),
        status=401,
    )


@router.post("/logout", include_in_schema=False)
async def logout(request: Request, ctx: Context) -> Response:
    await _sign_out(request, ctx)
    return RedirectResponse(LOGIN, status_code=303)


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)


class SessionOut(BaseModel):
    actor: str = Field(description="How events and the access log name the caller.")
    role: str
    user_id: int | None
    via: str = Field(description="apikey or session")
    csrf_token: str | None = Field(
        description="With a session: send it in the X-CSRF-Token header of every request that "
        "changes something."
    )
    permissions: dict[str, str] = Field(
        description="Each permission held: `all` (every case) or `own` (assigned cases only)."
    )


def _session_out(request: Request, actor: Actor, via: str) -> SessionOut:
    session = getattr(request.state, "session", None)
    return SessionOut(
        actor=actor.label,
        role=actor.role or "",
        user_id=actor.user_id,
        via=via,
        csrf_token=session.csrf if via == "session" and session is not None else None,
        permissions={
            name: scope.value
            for name in policy.PERMISSIONS
            if (scope := policy.scope(actor, name)) is not None
        },
    )


@router.get(
    "/api/session",
    response_model=SessionOut,
    responses=responses(401),
    summary="Tell who is calling, with which role and permissions",
)
def whoami(request: Request, actor: Annotated[Actor, Depends(authenticated)]) -> SessionOut:
    return _session_out(request, actor, request.state.auth_via)


@router.post(
    "/api/session",
    response_model=SessionOut,
    responses=responses(401, 403, 422, 429),
    summary="Sign in with a username and password; the answer sets the session cookie",
)
async def open_session(
    request: Request,
    credentials: Credentials,
    ctx: Context,
) -> SessionOut:
    if not await _sign_in(request, ctx, credentials.username, credentials.password):
        raise NotAuthenticated(LOGIN_FAILED)
    user = await run_in_threadpool(
        service.session_user,
        ctx,
        user_id=request.state.session.user_id,
        generation=request.state.session.generation,
    )
    actor = Actor(label=f"user:{user.username}", user_id=user.id, role=user.role)
    return _session_out(request, actor, "session")


@router.delete(
    "/api/session",
    status_code=204,
    responses=responses(401, 403),
    summary="Sign out: end every session of the account",
)
async def close_session(
    request: Request, ctx: Context, _: Annotated[Actor, Depends(authenticated)]
) -> Response:
    await _sign_out(request, ctx)
    return Response(status_code=204)
