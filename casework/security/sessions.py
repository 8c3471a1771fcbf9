"""Sessions of the web pages: a signed cookie, an idle timeout, a CSRF token.

The cookie holds, signed with `security.secret_key` (itsdangerous, HMAC-SHA256 over a key derived
with the salt below), the account id, the account's session generation, the time of login, the
time of the last request and the session's CSRF token. It is HttpOnly, SameSite=Strict, Secure
when casework is served over HTTPS, and has no expiry date (it ends with the browser). The server
refuses a session idle for `security.session_idle_minutes`, older than
`security.session_max_hours`, or whose account's generation moved on (sign-out, new password,
disabled account): a copied cookie dies with them. Times come from the application's clock.

A visitor who is not signed in gets an anonymous session when a form needs a CSRF token (the
login page); signing in replaces it with a new one (new token), so a token planted before the
login is worth nothing after it.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response

from casework.config import Settings

COOKIE = "casework_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SALT = "casework.session.v1"
REFRESH_AFTER_SECONDS = 60


@dataclass
class WebSession:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    user_id: int | None = None
    generation: int | None = None
    auth_at: float | None = None
    seen_at: float = 0.0
    changed: bool = False

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    def matches(self, token: str | None) -> bool:
        """Tell whether a submitted CSRF token is this session's."""
        return bool(token) and hmac.compare_digest(self.csrf.encode(), str(token).encode())


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(
        settings.security.secret_key.get_secret_value(),
        salt=SALT,
        signer_kwargs={"digest_method": hashlib.sha256},
    )


def anonymous(now: datetime) -> WebSession:
    """Start a session for a visitor who is not signed in (it carries a CSRF token)."""
    return WebSession(seen_at=now.timestamp(), changed=True)


def signed_in(*, user_id: int, generation: int, now: datetime) -> WebSession:
    """Start the session of an account that just signed in, with a new CSRF token."""
    return WebSession(
        user_id=user_id,
        generation=generation,
        auth_at=now.timestamp(),
        seen_at=now.timestamp(),
        changed=True,
    )


def load(settings: Settings, value: str | None, now: datetime) -> WebSession | None:
    """Read the session of a cookie; None when it is missing, forged, idle or too old."""
    if not value or len(value) > 4096:
        return None
    try:
        data = _serializer(settings).loads(value)
        session = WebSession(
            csrf=str(data["c"]),
            user_id=int(data["u"]) if data.get("u") is not None else None,
            generation=int(data["g"]) if data.get("g") is not None else None,
            auth_at=float(data["a"]) if data.get("a") is not None else None,
            seen_at=float(data["s"]),
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    security = settings.security
    moment = now.timestamp()
    if moment - session.seen_at > security.session_idle_minutes * 60:
        return None
    if session.auth_at is not None and moment - session.auth_at > security.session_max_hours * 3600:
        return None
    if moment - session.seen_at > REFRESH_AFTER_SECONDS:
        session.seen_at = moment
        session.changed = True  # slide the idle timeout
    return session


def dump(settings: Settings, session: WebSession) -> str:
    """Sign a session into a cookie value."""
    data = {"c": session.csrf, "s": session.seen_at}
    if session.signed_in:
        data.update(u=session.user_id, g=session.generation, a=session.auth_at)
    return _serializer(settings).dumps(data)


def is_https(request: Request, settings: Settings) -> bool:
    """Tell whether casework is served over HTTPS (the request, or the configured base URL)."""
    return request.url.scheme == "https" or settings.server.base_url.startswith("https://")


def write(response: Response, request: Request, settings: Settings, session: WebSession) -> None:
    """Set the session cookie on a response."""
    response.set_cookie(
        COOKIE,
        dump(settings, session),
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_https(request, settings),
    )


def clear(response: Response, request: Request, settings: Settings) -> None:
    """Remove the session cookie."""
    response.delete_cookie(
        COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_https(request, settings),
    )
