"""What the HTTP benchmarks share: their databases, a real server on a free port, timing.

The databases: SQLite files under var/bench/ (kept between runs, since loading a million cases
takes minutes), and PostgreSQL databases made on the server named by CASEWORK_TEST_DATABASE_URL for
the run and dropped after it, or kept and reused when asked (`--keep`). A kept database is named
by its scale, its day and the loader's text (`data_key`), and is brought to the newest schema
revision each time it is reused, so a new migration does not mean loading it again.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casework import migrate
from casework.config import DatabaseSettings, Settings
from casework.db import make_engine

PG_ENV = "CASEWORK_TEST_DATABASE_URL"
BENCH_DIR = Path("var/bench")
SECRET = "benchmark-secret-key-not-for-production"


def data_key(cases: int, today: date, fill: Callable[..., None] | None = None) -> str:
    """Name a loaded database by its scale, its day and the loader's text (with the module of a
    benchmark's own `fill`): the same loader on the same day builds the same cases, so such a
    database is reused (and migrated to the newest revision) instead of being loaded again."""
    digest = hashlib.sha256(Path(__file__).with_name("data.py").read_bytes())
    if fill is not None:
        digest.update(Path(inspect.getsourcefile(fill)).read_bytes())
    return f"{cases}_{digest.hexdigest()[:8]}_{today:%Y%m%d}"


def postgresql_admin_url() -> str | None:
    """Return the PostgreSQL server to benchmark on, or None (with a message) when unset."""
    url = os.environ.get(PG_ENV)
    if not url:
        print(
            f"\nPostgreSQL: not measured. Set {PG_ENV}=postgresql+psycopg://user@host:port/db "
            "to benchmark it too (make bench passes it through).",
            flush=True,
        )
    return url


@contextlib.contextmanager
def empty_postgresql_database(admin_url: str) -> Iterator[str]:
    """Create an empty PostgreSQL database for one run and drop it after; yield its URL."""
    name = f"casework_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def postgresql_database(
    admin_url: str,
    cases: int,
    *,
    today: date,
    keep: bool = False,
    name: str = "casework_bench",
    fill: Callable[..., None] | None = None,
) -> Iterator[str]:
    """Create a PostgreSQL database loaded with `cases` cases for the run (by `fill`, by default
    `loaded`), and drop it after; with `keep`, reuse (and keep) the one of the same name, scale,
    loader and day, migrated to the newest revision."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    if keep:
        name = f"{name}_{data_key(cases, today, fill)}"
    else:
        name = f"{name}_{cases}_{uuid.uuid4().hex[:6]}"
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        if exists:
            print(f"  reusing the database {name}", flush=True)
            migrated(url)
        else:
            try:
                (fill or loaded)(url, cases, today=today)
            except BaseException:
                keep = False  # a half-loaded database is never reused
                raise
        yield url
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrated(url: str) -> None:
    """Bring a kept database to the newest schema revision (its cases stay as loaded)."""
    engine = make_engine(DatabaseSettings(url=url))
    try:
        if migrate.current(engine) != migrate.head():
            started = time.perf_counter()
            migrate.upgrade(engine)
            print(
                f"  migrated to {migrate.head()} in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
    finally:
        engine.dispose()


def loaded(url: str, cases: int, *, today: date) -> None:
    """Migrate the database and fill it with `cases` realistic cases (benchmarks.data)."""
    from benchmarks.data import load

    settings = Settings(database=DatabaseSettings(url=url))
    engine = make_engine(settings.database)
    migrate.upgrade(engine)
    started = time.perf_counter()
    plan = load(engine, settings, cases=cases, today=today)
    print(
        f"  loaded {plan.cases:,} cases, {plan.events:,} events, "
        f"{plan.cases - plan.by_status.get('closed', 0):,} not closed, {plan.overdue:,} overdue "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    engine.dispose()


@contextlib.contextmanager
def sqlite_database(
    cases: int,
    *,
    today: date,
    scratch: bool = False,
    name: str = "cases",
    fill: Callable[..., None] | None = None,
) -> Iterator[str]:
    """Return a SQLite file loaded with `cases` cases (by `fill`, by default `loaded`), reused (and
    migrated to the newest revision) when it exists for the same name, scale, loader and day (a
    scratch copy of it, removed after, for a benchmark that writes)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"{name}-{data_key(cases, today, fill)}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        partial = path.with_suffix(".loading")
        for stale in BENCH_DIR.glob(f"{name}-{cases}[-_]*"):
            stale.unlink()
        partial_url = f"sqlite:///{partial}"
        (fill or loaded)(partial_url, cases, today=today)
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        partial.rename(path)
    else:
        print(f"  reusing {path}", flush=True)
        migrated(url)
    if not scratch:
        yield url
        return
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy must hold everything
    with tempfile.TemporaryDirectory(dir=BENCH_DIR) as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        yield f"sqlite:///{copy}"


def free_port() -> int:
    """Return a TCP port nobody listens on, on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def server(url: str, *, app: str = "casework.app:app_from_environment") -> Iterator[Server]:
    """Run the application under uvicorn (one worker) on a free port, until the block ends."""
    port = free_port()
    env = {
        **os.environ,
        "CASEWORK_DATABASE__URL": url,
        "CASEWORK_SECURITY__SECRET_KEY": SECRET,
        "CASEWORK_LOGGING__LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start on port {port}")
            time.sleep(0.1)
        yield Server(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Server:
    base_url: str
    pid: int

    def rss_mib(self) -> float:
        """Return the resident memory of the server process, in MiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def median_ms(call: Callable[[], object], runs: int) -> float:
    """Return the median time of `runs` calls in milliseconds, after one warm-up call."""
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000
