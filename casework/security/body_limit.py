"""A limit on the size of request bodies (docs/deployment.md, "Behind a reverse proxy").

A body larger than `server.max_body_bytes` (1 MB by default) is refused with 413 before any of it
is read: at once when its `Content-Length` says so, and, for a body sent in chunks, as soon as the
bytes read pass the limit. Only the paths that receive documents, listed in `UPLOAD_PATHS`,
accept up to `server.max_upload_bytes`; the public forms and status pages (docs/public.md), which
take a person's documents, accept up to `public.max_body_mb`. Nothing behind this middleware (the
CSRF check that reads a form, the routes) ever holds more than the limit in memory.
"""

import re

from starlette.requests import Request

from casework.api.errors import error_answer
from casework.config import MEGABYTE, PublicSettings, ServerSettings
from casework.services.errors import BodyTooLarge

# The routes that receive documents (scans, attachments): each pattern matches a whole path.
UPLOAD_PATHS: tuple[re.Pattern[str], ...] = (
    re.compile(r"/api/cases/[^/]+/documents"),
    re.compile(r"/cases/[^/]+/documents"),
)


class _TooLarge(Exception):
    """The body passed the limit while it was read."""


def limit_for(settings: ServerSettings, path: str, public: PublicSettings | None = None) -> int:
    """Return the largest body accepted on this path."""
    if any(pattern.fullmatch(path) for pattern in UPLOAD_PATHS):
        return settings.max_upload_bytes
    if public is not None and public.is_public_page(path):
        return public.max_body_mb * MEGABYTE
    return settings.max_body_bytes


def _declared_length(scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class LimitBodies:
    """Refuse request bodies over the limit of their path with 413, before reading them."""

    def __init__(self, app, settings: ServerSettings, public: PublicSettings | None = None) -> None:
        self.app = app
        self.settings = settings
        self.public = public

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(self.settings, scope["path"], self.public)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0
        too_large = False
        answered = False

        async def counting_receive():
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _TooLarge()
            return message

        async def send_or_refuse(message) -> None:
            nonlocal answered
            if too_large:
                # Whatever the application made of the interrupted body (FastAPI calls it a
                # parsing error), the answer is that it was too large.
                if not answered:
                    answered = True
                    await self._refuse(scope, receive, send, limit)
                return
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, send_or_refuse)
        except Exception as exc:
            if not too_large or answered or not isinstance(exc, _TooLarge | BaseExceptionGroup):
                raise
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope, receive, send, limit: int) -> None:
        response = error_answer(Request(scope), BodyTooLarge(limit=limit))
        # The rest of the body is not read: the connection cannot carry another request.
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
