"""Authentication of every request: an API key (`X-API-Key`) or the session cookie.

The middleware installed by `install` resolves who asks, once per request, and leaves it in
`request.state.actor` (a `casework.context.Actor` labelled `user:<username>` or
`apikey:<name>`, with the user id or key id and the role), where `current_actor` finds it. An
API key, when the header is present, is the only credential looked at: a wrong or revoked key is
not rescued by a cookie.

The same middleware enforces the CSRF rule (docs/security.md): a form post (urlencoded or
multipart) must carry its session's token in the `csrf_token` field, and any other state-changing
request authenticated by the session cookie must carry it in the `X-CSRF-Token` header; otherwise
403 and nothing runs. Requests with an API key need no token: a browser cannot be made to send
that header from another site.

The routers then declare what they need: `authenticated` (anyone signed in or with a key) or
`require("permission")` (the policy table); both document the security schemes in OpenAPI.
"""

import logging

from fastapi import Depends, FastAPI, Request, Security
from fastapi.security import APIKeyCookie, APIKeyHeader
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.responses import Response

from casework.api.errors import is_api_path, problem_response
from casework.context import Actor, AppContext
from casework.i18n import gettext
from casework.security import policy, sessions
from casework.services import apikeys as apikey_service
from casework.services import users as user_service
from casework.services.errors import CsrfRejected, NotAuthenticated
from casework.templating import page_language, render

log = logging.getLogger("casework.security")

API_KEY_HEADER = "X-API-Key"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

api_key_scheme = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    scheme_name="apiKey",
    description="An API key made with `casework apikeys create` (integrations).",
)
session_scheme = APIKeyCookie(
    name=sessions.COOKIE,
    auto_error=False,
    scheme_name="session",
    description="The session cookie set by POST /login or POST /api/session (web pages). "
    "State-changing requests also send the session's token in the X-CSRF-Token header.",
)


def _key_actor(key: apikey_service.KeyHolder | None) -> Actor | None:
    if key is None:
        return None
    return Actor(label=f"apikey:{key.name}", role=key.role, api_key_id=key.id)


def _session_actor(ctx: AppContext, session: sessions.WebSession) -> Actor | None:
    user = user_service.session_user(
        ctx, user_id=session.user_id, generation=session.generation or 0
    )
    if user is None:
        return None
    return Actor(label=f"user:{user.username}", user_id=user.id, role=user.role)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _csrf_token_of(request: Request) -> str | None:
    header = request.headers.get(sessions.CSRF_HEADER)
    if header or is_api_path(request.url.path):
        return header  # the API takes the token in its header, forms or not (an upload)
    if _media_type(request) in FORM_TYPES:
        await request.body()  # read once: the body is then handed on to the endpoint as well
        try:
            async with request.form() as form:
                token = form.get(sessions.CSRF_FIELD)
        except Exception:  # a malformed form body carries no token
            return None
        return token if isinstance(token, str) else None
    return None


async def _csrf_refusal(
    request: Request, session: sessions.WebSession | None, via: str | None, with_key: bool
) -> Response | None:
    if request.method in SAFE_METHODS or with_key:
        return None
    is_form = _media_type(request) in FORM_TYPES
    if not is_form and via != "session":
        return None  # not a form, and no cookie vouches for it: the route authenticates it
    if via != "session" and request.app.state.context.settings.public.is_public_page(
        request.url.path
    ):
        # A citizen's form acts for nobody's account: a forged post could do no more than a
        # post made directly, and a person who takes an hour to write must not lose it to an
        # expired session. Robots meet the public side's own checks (docs/public.md).
        return None
    token = await _csrf_token_of(request)
    if session is not None and session.matches(token):
        return None
    log.warning("refused %s %s: CSRF token missing or wrong", request.method, request.url.path)
    return csrf_refusal_response(request, is_form=is_form)


def csrf_refusal_response(request: Request, *, is_form: bool) -> Response:
    """Answer a request refused for its CSRF token: a page for a form, a problem otherwise."""
    error = CsrfRejected()
    language = page_language(request)
    if is_form and not is_api_path(request.url.path):
        return render(
            request,
            "error.html",
            {
                "title": gettext("Form expired", language),
                "message": error.message(language),
                "back": "/login",
            },
            status_code=403,
        )
    return problem_response(error, language)


class Authenticate:
    """Resolve who makes each request, check CSRF tokens, and keep the session cookie up to date.

    A plain ASGI middleware: it touches only the start of the answer (the cookie and cache
    headers), so a request pays for the credential check and nothing else.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        ctx: AppContext = request.app.state.context
        settings = ctx.settings
        now = ctx.now()
        had_cookie = sessions.COOKIE in request.cookies
        session = sessions.load(settings, request.cookies.get(sessions.COOKIE), now)
        secret = request.headers.get(API_KEY_HEADER)
        actor: Actor | None = None
        via: str | None = None
        if secret is not None:
            # A key this process checked a moment ago is known without a worker thread.
            key = apikey_service.remembered(ctx, key=secret) or await run_in_threadpool(
                apikey_service.authenticate, ctx, key=secret
            )
            actor = _key_actor(key)
            via = "apikey" if actor is not None else None
        elif session is not None and session.signed_in:
            actor = await run_in_threadpool(_session_actor, ctx, session)
            if actor is None:
                session = None  # the account was disabled, or its sessions were ended
            else:
                via = "session"
        request.state.actor = actor
        request.state.auth_via = via
        request.state.session = session

        async def send_with_cookie(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if secret is None:
                    final = getattr(request.state, "session", None)
                    cookie = Response()
                    if final is not None and final.changed:
                        sessions.write(cookie, request, settings, final)
                    elif final is None and had_cookie:
                        sessions.clear(cookie, request, settings)
                    for name, value in cookie.raw_headers:
                        if name == b"set-cookie":
                            headers.append("set-cookie", value.decode("latin-1"))
                if (
                    actor is not None
                    and "cache-control" not in headers
                    and not scope["path"].startswith("/static/")
                ):
                    # Answers to authenticated requests may hold personal information: keep
                    # them out of shared and browser caches.
                    headers["Cache-Control"] = "no-store"
            await send(message)

        refusal = await _csrf_refusal(request, session, via, secret is not None)
        if refusal is not None:
            await refusal(scope, receive, send_with_cookie)
            return
        await self.app(scope, _replaying(request, receive), send_with_cookie)


def _replaying(request: Request, receive):
    """Hand the application the body the CSRF check already read (or the original stream)."""
    body = getattr(request, "_body", None)
    if body is None:
        return receive
    replayed = False

    async def replay():
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def install(app: FastAPI) -> None:
    """Authenticate every request of the application (and check CSRF tokens)."""
    app.add_middleware(Authenticate)
    _document_refusals(app)


def _document_refusals(app: FastAPI) -> None:
    """Document the 401 answer on every operation that needs credentials, even one whose router
    forgot to list it."""
    build = app.openapi

    def openapi() -> dict:
        schema = build()
        problem = "Problem" in schema.get("components", {}).get("schemas", {})
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if not isinstance(operation, dict) or not operation.get("security"):
                    continue
                answer = {"description": "Not authenticated."}
                if problem:
                    answer["content"] = {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
                operation.setdefault("responses", {}).setdefault("401", answer)
        return schema

    app.openapi = openapi


def current_actor(request: Request) -> Actor | None:
    """Return who makes the request, or None when nobody authenticated."""
    return getattr(request.state, "actor", None)


async def authenticated(
    request: Request,
    _key: str | None = Security(api_key_scheme),
    _cookie: str | None = Security(session_scheme),
) -> Actor:
    """Require an authenticated request (401 otherwise); return its actor."""
    actor = current_actor(request)
    if actor is None:
        raise NotAuthenticated()
    return actor


def require(permission: str):
    """Require a permission of the policy table (403 without it, 401 when not authenticated).

    A permission held on one's own cases only passes here; the router then checks the case
    (`casework.api.cases`), since only the case tells whom it is assigned to.
    """
    if permission not in policy.PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    async def dependency(actor: Actor = Depends(authenticated)) -> Actor:
        policy.check_somewhere(actor, permission)
        return actor

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency
