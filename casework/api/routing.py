"""How an API route runs its endpoint.

FastAPI runs a plain (`def`) endpoint in a worker thread, then checks its answer against the
response model in a second worker thread. Each hop waits for the event loop and for a thread to
take it, which costs more than checking a case's answer. `OneThreadRoute` runs the endpoint in
one worker thread and checks the answer back on the event loop, as an `async def` endpoint's.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool


class OneThreadRoute(APIRoute):
    """A route whose plain endpoint and the check of its answer take one worker thread, not
    two (an `async def` endpoint is left as it is)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _in_worker_thread(endpoint)
        super().__init__(path, endpoint, **kwargs)


def _in_worker_thread(function: Callable[..., Any]) -> Callable[..., Any]:
    # functools.wraps keeps the signature FastAPI reads the parameters and the answer's model from.
    @functools.wraps(function)
    async def endpoint(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(function, *args, **kwargs)

    return endpoint
