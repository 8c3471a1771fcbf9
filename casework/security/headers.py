"""Security headers (docs/security.md).

Every answer: `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`,
`X-Frame-Options: DENY`. HTML pages: a content security policy that allows only casework's own
scripts, styles and images (no inline script or style) and no framing. The interactive API
documentation (/docs, /redoc) loads Swagger UI and ReDoc from their CDN with an inline script: it
gets a policy that allows exactly that, and still no framing. Other answers (JSON) get a policy
that allows nothing, so that a browser never runs anything from them.
"""

from fastapi import FastAPI, Request
from starlette.responses import Response

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


async def _secure_headers(request: Request, call_next) -> Response:
    response = await call_next(request)
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault(
        "Content-Security-Policy",
        policy_for(request.url.path, headers.get("content-type", "")),
    )
    return response


def install(app: FastAPI) -> None:
    """Add the security headers to every answer of the application."""
    app.middleware("http")(_secure_headers)
