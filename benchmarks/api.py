"""Benchmark the case API with 100,000 cases in the database.

Run: .venv/bin/python -m benchmarks.api   (SQLite; also PostgreSQL when
CASEWORK_TEST_DATABASE_URL names a server, as in CI)

Targets, against baselines measured in the same run:
  (a) creating a case through the API (validation, reference, deadlines, case + requester +
      event in one transaction) costs at most twice a bare FastAPI endpoint that inserts one row
      into the same database through the same engine;
  (b) the first page of the overdue list answers in under 50 ms.

Both are timed in-process through the ASGI test client, interleaved in rounds; the median of
each round is kept and the best round reported. Exits with status 1 when a target is missed.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, text
from sqlalchemy.engine import make_url

from casework import migrate
from casework.app import create_app
from casework.config import DatabaseSettings, Settings
from casework.context import Actor
from casework.db import make_engine
from casework.models import Case
from casework.services import apikeys

CASES = 100_000
ROUNDS = 5
PER_ROUND = 60
CREATE = {
    "kind": "complaint",
    "channel": "letter",
    "subject": "Délai de traitement d'une demande",
    "description": "Texte de la plainte.",
    "received_at": "2026-11-20T10:00:00-05:00",
    "requester": {"name": "Marie Tremblay", "email": "marie@example.org"},
}


def fill(engine, count: int) -> None:
    """Insert `count` cases quickly, about one in ten overdue."""
    now = datetime.now(UTC)
    start = date(2024, 1, 1)
    rows = []
    for n in range(count):
        received_on = start + timedelta(days=n % 1000)
        open_ = n % 3 != 0
        due = received_on + timedelta(days=14)
        rows.append(
            {
                "reference": f"PLT-{received_on.year}-B{n:07d}",
                "kind": "complaint",
                "channel": "letter",
                "subject": f"Plainte numéro {n}",
                "description": "Texte",
                "priority": "normal",
                "status": "acknowledged" if open_ else "closed",
                "received_at": datetime(
                    received_on.year, received_on.month, received_on.day, 15, tzinfo=UTC
                ),
                "ack_due_on": due,
                "answer_due_on": due + timedelta(days=14),
                "next_due_on": (due + timedelta(days=14)) if open_ else None,
                "next_deadline": "answer" if open_ else None,
                "calendar_version": "bench",
                "paused_business_days": 0,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    with engine.begin() as connection:
        for chunk in range(0, len(rows), 10_000):
            connection.execute(insert(Case.__table__), rows[chunk : chunk + 10_000])


def bare_app(engine) -> FastAPI:
    """The baseline: one endpoint that inserts one row into the same database."""
    metadata = MetaData()
    table = Table(
        "bench_rows",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("subject", String(300)),
    )
    metadata.create_all(engine)
    app = FastAPI()

    @app.post("/bare", status_code=201)
    def bare(payload: dict) -> dict:
        with engine.begin() as connection:
            row_id = connection.execute(
                insert(table).values(subject=payload["subject"])
            ).inserted_primary_key[0]
        return {"id": row_id}

    return app


def timed(client: TestClient, method: str, url: str, **kwargs) -> float:
    started = time.perf_counter()
    response = client.request(method, url, **kwargs)
    elapsed = time.perf_counter() - started
    if response.status_code >= 400:
        raise SystemExit(f"{method} {url}: {response.status_code} {response.text[:300]}")
    return elapsed


def run(label: str, url: str) -> bool:
    settings = Settings(database=DatabaseSettings(url=url))
    engine = make_engine(settings.database)
    migrate.upgrade(engine)
    print(f"\n{label}: filling {CASES:,} cases...", flush=True)
    fill(engine, CASES)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    app = create_app(settings, engine=engine)
    # A web form creates cases with an integration key; an officer reads the overdue list (and
    # every requester it shows is written to the access log, as in real use).
    intake = api_key(app, name="web-form", role="integration")
    officer = api_key(app, name="officer", role="officer")
    api = TestClient(app)
    bare = TestClient(bare_app(engine))
    create_rounds, bare_rounds, overdue_rounds = [], [], []
    for _ in range(ROUNDS):
        create_rounds.append(
            statistics.median(
                timed(api, "POST", "/api/cases", json=CREATE, headers=intake)
                for _ in range(PER_ROUND)
            )
        )
        bare_rounds.append(
            statistics.median(
                timed(bare, "POST", "/bare", json={"subject": CREATE["subject"]})
                for _ in range(PER_ROUND)
            )
        )
        overdue_rounds.append(
            statistics.median(
                timed(api, "GET", "/api/cases?overdue=true&limit=50", headers=officer)
                for _ in range(PER_ROUND // 3)
            )
        )
    create, baseline, overdue = min(create_rounds), min(bare_rounds), min(overdue_rounds)
    ratio = create / baseline
    total = api.get("/api/cases?overdue=true&limit=1", headers=officer).json()["total"]
    print(f"  bare endpoint inserting one row      {baseline * 1000:8.2f} ms")
    print(f"  POST /api/cases (create a case)      {create * 1000:8.2f} ms   {ratio:.2f}x the bare")
    print(f"  GET overdue list, first page of 50   {overdue * 1000:8.2f} ms   ({total:,} overdue)")
    ok_a, ok_b = ratio <= 2.0, overdue < 0.050
    print(f"  {'PASS' if ok_a else 'FAIL'}  (a) create <= 2x the bare insert endpoint")
    print(f"  {'PASS' if ok_b else 'FAIL'}  (b) overdue first page < 50 ms")
    engine.dispose()
    return ok_a and ok_b


def api_key(app, *, name: str, role: str) -> dict[str, str]:
    """Create an API key and return the header that carries it."""
    ctx = app.state.context
    _key, secret = apikeys.create(ctx, actor=Actor.system(), name=name, role=role)
    return {"X-API-Key": secret}


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(run("SQLite", f"sqlite:///{folder}/bench.db"))
    admin_url = os.environ.get("CASEWORK_TEST_DATABASE_URL")
    if admin_url:
        name = f"casework_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
            results.append(run("PostgreSQL", url))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        print("\nPostgreSQL: skipped (set CASEWORK_TEST_DATABASE_URL to include it)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
