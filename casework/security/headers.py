"""Security headers (docs/security.md).

Every answer: `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`,
`X-Frame-Options: DENY`. HTML pages: a content security policy that allows only casework's own
scripts, styles and images (no inline script or style) and no framing. The interactive API
documentation (/docs, /redoc) loads Swagger UI and ReDoc from their CDN with an inline script: it
gets a policy that allows exactly that, and still no framing. Other answers (JSON) get a policy
that allows nothing, so that a browser never runs anything from them.
"""

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})


def policy_for(path: str, content_type: str) -> str:
    """Return the content security policy of one answer."""
    if not content_type.startswith("text/html"):
        return DATA_POLICY
    return DOCS_POLICY if path in DOCS_PATHS else PAGE_POLICY


class SecureHeaders:
    """Add the security headers to every answer (a plain ASGI middleware: it only touches the
    start of the answer, so it costs next to nothing per request)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault(
                    "Content-Security-Policy",
                    policy_for(scope["path"], headers.get("content-type", "")),
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    """Add the security headers to every answer of the application."""
    app.add_middleware(SecureHeaders)
