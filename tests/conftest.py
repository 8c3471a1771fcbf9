"""Shared fixtures: an isolated, migrated database per test on SQLite, and on PostgreSQL when
CASEWORK_TEST_DATABASE_URL names a server."""

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from casework import migrate
from casework.app import create_app
from casework.config import DatabaseSettings, SecuritySettings, Settings
from casework.context import AppContext, FixedClock
from casework.db import make_engine
from casework.models import metadata

PG_ENV = "CASEWORK_TEST_DATABASE_URL"
# Cheap password hashes and no wait after a failed login, so that tests stay fast; tests of the
# wait set their own.
TEST_SECURITY = SecuritySettings(
    secret_key="test-secret-key-not-for-production",
    argon2_time_cost=1,
    argon2_memory_kib=64,
    argon2_parallelism=1,
    failed_login_delay_seconds=0,
)


def require(component: str, how: str) -> None:
    """Skip a test whose component is missing, or fail it where everything must run (CI)."""
    message = f"{component} is not available: {how}"
    if os.environ.get("CASEWORK_TEST_REQUIRE_ALL"):
        pytest.fail(message + " (CASEWORK_TEST_REQUIRE_ALL is set: nothing may skip)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """Migrate one SQLite file per run; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "casework.db"
    engine = make_engine(DatabaseSettings(url=f"sqlite:///{path}"))
    migrate.upgrade(engine)
    engine.dispose()  # closing the last connection folds the WAL back into the file
    return path


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """Create a database of this run's own on the test server, migrated once; drop it after."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        require("PostgreSQL", f"set {PG_ENV}=postgresql+psycopg://user@host:port/database")
    name = f"casework_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        require("PostgreSQL", f"cannot create a database on {PG_ENV}: {exc}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(DatabaseSettings(url=url))
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgresql(engine: Engine) -> None:
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request, tmp_path) -> str:
    """The URL of an empty, migrated database of this test's own, on each database."""
    if request.param == "sqlite":
        path = tmp_path / "casework.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgresql_url")
    engine = make_engine(DatabaseSettings(url=url))
    _empty_postgresql(engine)
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    """Settings for a test: its own database and data folder, the defaults otherwise."""
    return Settings(
        database=DatabaseSettings(url=database_url),
        data_dir=tmp_path / "var",
        security=TEST_SECURITY,
    )


@pytest.fixture
def engine(settings) -> Iterator[Engine]:
    """The engine of this test's database."""
    engine = make_engine(settings.database)
    yield engine
    engine.dispose()


MONTREAL = ZoneInfo("America/Toronto")


def command_line_account(database_url: str, *, username: str = "operateur", role: str = "officer"):
    """Make the staff account a test's `casework` commands act as (`CASEWORK_CLI__USER`), once,
    and return the environment that names it."""
    from casework.context import Actor
    from casework.services import users

    ctx = AppContext(settings=Settings(database=DatabaseSettings(url=database_url)))
    try:
        if users.acting_as(ctx, username=username) is None:
            users.add(
                ctx,
                actor=Actor.system(),
                username=username,
                full_name=f"Compte {username}",
                password="mot-de-passe-de-test-assez-long",
                role=role,
            )
    finally:
        ctx.engine.dispose()
    return {"CASEWORK_CLI__USER": username}


def montreal(*args: int) -> datetime:
    """An aware Montreal time: montreal(2026, 11, 23, 10, 0)."""
    return datetime(*args, tzinfo=MONTREAL)


@pytest.fixture
def clock() -> FixedClock:
    """A clock stopped on Monday 23 November 2026 at 10:00 in Montreal; tests move it."""
    return FixedClock(montreal(2026, 11, 23, 10, 0))


@pytest.fixture
def ctx(settings, engine, clock) -> AppContext:
    """The application context on this test's database and clock."""
    from casework.services.calendar import refresh

    made = AppContext(settings=settings, engine=engine, clock=clock)
    refresh(made)
    return made


@pytest.fixture
def officer_key(ctx) -> str:
    """The secret of an API key with the complaints officer's role."""
    from casework.context import Actor
    from casework.services import apikeys

    return apikeys.create(
        ctx, actor=Actor("test", role="admin"), name="tests-officer", role="officer"
    )[1]


@pytest.fixture
def anonymous_client(ctx) -> Iterator[TestClient]:
    """A client on this test's application that sends no credentials."""
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def client(ctx, officer_key) -> Iterator[TestClient]:
    """An API client on this test's application, authenticated as a complaints officer (an API
    key)."""
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)
    with TestClient(app, headers={"X-API-Key": officer_key}) as test_client:
        yield test_client
