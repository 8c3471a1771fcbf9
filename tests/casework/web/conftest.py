"""Browser tests: a real casework server (uvicorn, in a thread) on a migrated SQLite database with
the demo data, driven by Playwright with Debian's chromium.

One server per test module and one browser per session keep them reasonably fast. Each test saves
screenshots of the pages it visits under test-artifacts/screenshots/ (kept out of the repository)
and checks them with axe-core: no serious or critical violation.
"""

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from casework import demo
from casework.app import create_app
from casework.config import DatabaseSettings, Settings
from casework.context import AppContext, FixedClock
from casework.db import make_engine
from casework.services.calendar import refresh
from tests import ROOT
from tests.conftest import TEST_SECURITY, require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# Monday 23 November 2026, 10:00 in Montreal: the demo data is built around this day.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("America/Toronto"))
PASSWORDS = {user.username: user.password for user in demo.DEMO_USERS}


@dataclass
class Server:
    url: str
    ctx: AppContext


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(sqlite_template, tmp_path_factory) -> Iterator[Server]:
    """Start casework on a free port with the demo data; stop it after the module."""
    import uvicorn

    folder = tmp_path_factory.mktemp("web")
    database = folder / "casework.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite:///{database}"),
        data_dir=folder / "var",
        security=TEST_SECURITY,
    )
    engine = make_engine(settings.database)
    ctx = AppContext(settings=settings, engine=engine, clock=FixedClock(NOW))
    refresh(ctx)
    demo.load(ctx)
    port = _free_port()
    app = create_app(settings, engine=engine, clock=ctx.clock)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", access_log=False
    )
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uvicorn_server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the casework server did not start")
        time.sleep(0.05)
    yield Server(url=f"http://127.0.0.1:{port}", ctx=ctx)
    uvicorn_server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright (one per test session)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("Playwright", "pip install -e '.[test]' (the playwright package)")
    if not os.path.exists(CHROMIUM):
        require("chromium", "apt-get install chromium (Debian's package, at /usr/bin/chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser tab (no cookies), in French, that fails the test on any content security
    policy violation."""
    context = browser.new_context(
        base_url=server.url, locale="fr-CA", viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    violations: list[str] = []
    tab.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield tab
    context.close()
    assert violations == [], violations


def login(page, username: str) -> None:
    """Open casework and sign in with a demo account (the home page sends to the login page, then
    to the page of the account's role)."""
    page.goto("/")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORDS[username])
    page.locator("form.login button[type=submit]").click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page) -> None:
    """Check the page with axe-core: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{page.url}:\n" + "\n".join(serious)


def look(page, name: str) -> None:
    """Save the page's screenshot and check its accessibility."""
    screenshot(page, name)
    assert_accessible(page)
