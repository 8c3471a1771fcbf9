"""HEAD and OPTIONS on every route (RFC 9110 §9.3.2, §9.3.7).

`HEAD` on a route that answers `GET` gets the `GET` answer's status and headers, without its
body. `OPTIONS` gets 204 with `Allow` listing every method the path answers (HEAD with GET,
OPTIONS itself); a path nothing answers keeps its 404.
"""

from starlette.routing import Match, Mount

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class HeadAndOptions:
    """Answer HEAD like GET without the body, and OPTIONS with the path's methods."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        methods = allowed_methods(scope)
        if scope["method"] == "OPTIONS" and methods:
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [(b"allow", ", ".join(sorted(methods)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if scope["method"] == "HEAD" and "GET" in methods:
            scope = {**scope, "method": "GET"}

            async def send_without_body(message) -> None:
                if message["type"] == "http.response.body":
                    message = {**message, "body": b""}
                await send(message)

            await self.app(scope, receive, send_without_body)
            return
        await self.app(scope, receive, send)


def allowed_methods(scope) -> set[str]:
    """Return the methods the routes of this path answer (none: no route has this path)."""
    methods: set[str] = set()
    routes = scope["app"].router.routes
    for method in METHODS:
        for route in routes:
            if isinstance(route, Mount) and method != "GET":
                continue  # a mount (the static files) answers any method, and serves GET
            if route.matches({**scope, "method": method})[0] is Match.FULL:
                methods.add(method)
                break
    if methods:
        methods |= {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set())
    return methods
