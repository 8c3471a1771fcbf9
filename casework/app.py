"""The web application factory (DESIGN §3): nothing is built until `create_app` is called."""

import gc
import logging
import time

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

import casework
from casework import web
from casework.api import (
    access_log,
    accountability,
    auth,
    calendar,
    cases,
    documents,
    errors,
    health,
    notifications,
    public,
    reports,
    retention,
    workflow,
)
from casework.api.methods import HeadAndOptions
from casework.config import DEFAULT_SECRET_KEY, Settings
from casework.context import AppContext, Clock
from casework.security import authn, headers
from casework.security.body_limit import LimitBodies
from casework.services import calendar as calendar_service
from casework.templating import STATIC
from casework.web import public as web_public

log = logging.getLogger("casework.http")


def create_app(
    settings: Settings, *, engine: Engine | None = None, clock: Clock | None = None
) -> FastAPI:
    """Build the application for these settings (and this engine and clock, when given)."""
    app = FastAPI(
        title="casework",
        version=casework.__version__,
        description=(
            "Suivi des plaintes et des demandes adressées à un organisme public du Québec, "
            "avec leurs délais en jours ouvrables. / Case tracking for complaints and requests "
            "sent to a Quebec public body, with deadlines in Quebec business days."
        ),
    )
    context = AppContext(settings=settings, engine=engine, clock=clock)
    app.state.context = context
    app.state.settings = settings
    app.state.engine = context.engine
    errors.install(app)
    if settings.security.secret_key.get_secret_value() == DEFAULT_SECRET_KEY:
        logging.getLogger("casework.security").warning(
            "security.secret_key is the default: set CASEWORK_SECURITY__SECRET_KEY to a long "
            "random value before real use (it signs the session cookies)"
        )
    # The last middleware added runs first: the request log sees the final answer, the headers
    # reach every answer (failures included), a failure anywhere gets a proper answer, a body
    # too large is refused before anything reads it, authentication runs close to the routes, and
    # the calendar is loaded just before them.
    app.add_middleware(CalendarRefresh, context=context)
    authn.install(app)
    app.add_middleware(HeadAndOptions)
    app.add_middleware(LimitBodies, settings=settings.server, public=settings.public)
    app.add_middleware(errors.AnswerFailures)
    headers.install(app)
    app.add_middleware(RequestLog)

    for module in (
        health,
        calendar,
        cases,
        documents,
        access_log,
        accountability,
        workflow,
        auth,
        notifications,
        public,
        reports,
        retention,
    ):
        app.include_router(module.router)
    # The public pages first: their paths come from the settings (docs/public.md).
    app.include_router(web_public.router(settings))
    app.include_router(web.router)  # the pages (casework.web), out of the OpenAPI document
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


class CalendarRefresh:
    """Load the business calendar before each request that may compute a deadline (a cheap check:
    the closures are read again only every CALENDAR_RECHECK_SECONDS, in a worker thread; in
    between, the request does not wait for one)."""

    SKIPPED = ("/healthz", "/static/")

    def __init__(self, app, *, context: AppContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope, receive, send) -> None:
        if (
            scope["type"] == "http"
            and not scope["path"].startswith(self.SKIPPED)
            and not calendar_service.is_fresh(self.context)
        ):
            await run_in_threadpool(calendar_service.refresh, self.context)
        await self.app(scope, receive, send)


class RequestLog:
    """Log each request: method, path (never the query string, which may carry secrets), status
    and duration."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %s %.1fms", scope["method"], scope["path"], status, elapsed_ms)


def app_from_environment() -> FastAPI:
    """Build the application from config.toml and the environment (uvicorn's factory, once per
    worker process).

    What the worker built to serve (modules, routes, settings, the engine) lives as long as the
    worker: it is set aside from the garbage collector's passes (`gc.freeze`), which otherwise
    walk it again each time a request's objects trigger a full pass (a tenth of a closure
    preview's time at a million cases)."""
    from casework.config import load_settings

    app = create_app(load_settings())
    gc.collect()
    gc.freeze()
    return app
