"""Benchmark the case API over real HTTP against a bare FastAPI application on the same database.

Run: .venv/bin/python -m benchmarks.api   [--cases 100000] [--rounds 5]
     (SQLite always; PostgreSQL too when CASEWORK_TEST_DATABASE_URL names a server)

Both applications run under uvicorn with one worker on a free port, on the same database filled
by benchmarks.data, and are called over HTTP with keep-alive, in interleaved rounds; the median of
each round is kept and the best round reported.

Targets (the issue "A million cases"), against baselines measured in the same run:
  (a) creating a case (validation, reference, deadlines, case + requester + event in one
      transaction, the access-log row of the requester shown back) costs at most twice the bare
      endpoint inserting one row;
  (b) reading a case (permission, requester, deadlines, the access-log row) costs at most twice
      the bare endpoint reading one case's plain columns;
  (c) the first page of the overdue list answers in under 50 ms.

Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import datetime

import httpx2 as httpx
from sqlalchemy import select

from benchmarks.common import (
    SECRET,
    postgresql_admin_url,
    postgresql_database,
    server,
    sqlite_database,
)
from casework.config import DatabaseSettings, SecuritySettings, Settings
from casework.context import Actor, AppContext
from casework.models import Case
from casework.services import apikeys
from workflows.deadlines import MONTREAL

PER_ROUND = 60
CREATE = {
    "kind": "complaint",
    "channel": "letter",
    "subject": "Délai de traitement d'une demande",
    "description": "Texte de la plainte.",
    "requester": {"name": "Marie Tremblay", "email": "marie@example.org"},
}


def keys(url: str) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Make an intake key and an officer key; return their headers and references to read."""
    ctx = AppContext(
        settings=Settings(
            database=DatabaseSettings(url=url), security=SecuritySettings(secret_key=SECRET)
        )
    )
    tag = uuid.uuid4().hex[:8]
    intake = apikeys.create(ctx, actor=Actor.system(), name=f"form-{tag}", role="integration")[1]
    officer = apikeys.create(ctx, actor=Actor.system(), name=f"officer-{tag}", role="officer")[1]
    with ctx.engine.connect() as connection:
        references = list(
            connection.execute(
                select(Case.reference).order_by(Case.id.desc()).limit(PER_ROUND)
            ).scalars()
        )
    ctx.engine.dispose()
    return {"X-API-Key": intake}, {"X-API-Key": officer}, references


def timed(client: httpx.Client, method: str, url: str, **kwargs) -> float:
    started = time.perf_counter()
    response = client.request(method, url, **kwargs)
    elapsed = time.perf_counter() - started
    if response.status_code >= 400:
        raise SystemExit(f"{method} {url}: {response.status_code} {response.text[:300]}")
    return elapsed


def measure(label: str, url: str, rounds: int) -> bool:
    intake, officer, references = keys(url)
    body = {**CREATE, "received_at": datetime.now(MONTREAL).replace(microsecond=0).isoformat()}
    with server(url) as casework, server(url, app="benchmarks.bare:app_from_environment") as bare:
        api = httpx.Client(base_url=casework.base_url, timeout=60)
        plain = httpx.Client(base_url=bare.base_url, timeout=60)
        rows: dict[str, list[float]] = {
            k: [] for k in ("create", "bare", "read", "bare read", "overdue")
        }
        for _ in range(rounds):
            rows["create"].append(
                statistics.median(
                    timed(api, "POST", "/api/cases", json=body, headers=intake)
                    for _ in range(PER_ROUND)
                )
            )
            rows["bare"].append(
                statistics.median(
                    timed(plain, "POST", "/bare", json={"subject": CREATE["subject"]})
                    for _ in range(PER_ROUND)
                )
            )
            rows["read"].append(
                statistics.median(
                    timed(api, "GET", f"/api/cases/{ref}", headers=officer) for ref in references
                )
            )
            rows["bare read"].append(
                statistics.median(timed(plain, "GET", f"/bare/{ref}") for ref in references)
            )
            rows["overdue"].append(
                statistics.median(
                    timed(api, "GET", "/api/cases?overdue=true&limit=50", headers=officer)
                    for _ in range(PER_ROUND // 3)
                )
            )
        total = api.get("/api/cases?overdue=true&limit=1", headers=officer).json()["total"]
        api.close()
        plain.close()
    best = {name: min(values) * 1000 for name, values in rows.items()}
    create_ratio = best["create"] / best["bare"]
    read_ratio = best["read"] / best["bare read"]
    print(f"\n{label}")
    lines = [
        ("bare endpoint inserting one row", best["bare"], ""),
        ("POST /api/cases (create a case)", best["create"], f"{create_ratio:.2f}x the bare"),
        ("bare endpoint reading one case", best["bare read"], ""),
        ("GET /api/cases/{reference} (read)", best["read"], f"{read_ratio:.2f}x the bare"),
        ("GET overdue list, first page of 50", best["overdue"], f"({total:,} overdue)"),
    ]
    for name, ms, note in lines:
        print(f"  {name:<40} {ms:8.2f} ms   {note}")
    checks = [
        (create_ratio <= 2.0, "(a) create <= 2x the bare insert endpoint"),
        (read_ratio <= 2.0, "(b) read <= 2x the bare read endpoint"),
        (best["overdue"] < 50, "(c) overdue first page < 50 ms"),
    ]
    for passed, text in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")
    return all(passed for passed, _ in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    today = datetime.now(MONTREAL).date()
    results = []
    print(f"SQLite, {args.cases:,} cases", flush=True)
    with sqlite_database(args.cases, today=today, scratch=True) as url:
        results.append(measure(f"SQLite, {args.cases:,} cases", url, args.rounds))
    admin_url = postgresql_admin_url()
    if admin_url:
        print(f"\nPostgreSQL, {args.cases:,} cases", flush=True)
        with postgresql_database(admin_url, args.cases, today=today) as url:
            results.append(measure(f"PostgreSQL, {args.cases:,} cases", url, args.rounds))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
