"""Benchmark the case API over real HTTP against a bare FastAPI application on the same database.

Run: .venv/bin/python -m benchmarks.api   [--cases 100000] [--rounds 5]
     (SQLite always; PostgreSQL too when CASEWORK_TEST_DATABASE_URL names a server)

Both applications run under uvicorn with one worker on a free port, on the same database filled
by benchmarks.data, and are called over HTTP with keep-alive. Each round alternates the four
requests one by one (create, bare insert, read, bare read), so that both sides meet the same load
on the machine; each round gives its medians and its ratios, and the median over the rounds is
reported.

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
        calls = {
            "create": lambda ref: timed(api, "POST", "/api/cases", json=body, headers=intake),
            "bare": lambda ref: timed(plain, "POST", "/bare", json={"subject": CREATE["subject"]}),
            "read": lambda ref: timed(api, "GET", f"/api/cases/{ref}", headers=officer),
            "bare read": lambda ref: timed(plain, "GET", f"/bare/{ref}"),
        }
        for ref in references[:10]:  # warm-up: connections, caches, the first compilations
            for call in calls.values():
                call(ref)
        rows: dict[str, list[float]] = {name: [] for name in (*calls, "overdue")}
        ratios: dict[str, list[float]] = {"create": [], "read": []}
        for _ in range(rounds):
            times: dict[str, list[float]] = {name: [] for name in calls}
            for ref in references:
                for name, call in calls.items():
                    times[name].append(call(ref))
            medians = {name: statistics.median(values) for name, values in times.items()}
            for name, value in medians.items():
                rows[name].append(value)
            ratios["create"].append(medians["create"] / medians["bare"])
            ratios["read"].append(medians["read"] / medians["bare read"])
            rows["overdue"].append(
                statistics.median(
                    timed(api, "GET", "/api/cases?overdue=true&limit=50", headers=officer)
                    for _ in range(PER_ROUND // 3)
                )
            )
        total = api.get("/api/cases?overdue=true&limit=1", headers=officer).json()["total"]
        api.close()
        plain.close()
    median = {name: statistics.median(values) * 1000 for name, values in rows.items()}
    create_ratio = statistics.median(ratios["create"])
    read_ratio = statistics.median(ratios["read"])
    spread = {
        name: f"(rounds {min(values):.2f}-{max(values):.2f}x)" for name, values in ratios.items()
    }
    print(f"\n{label}")
    lines = [
        ("bare endpoint inserting one row", median["bare"], ""),
        (
            "POST /api/cases (create a case)",
            median["create"],
            f"{create_ratio:.2f}x the bare {spread['create']}",
        ),
        ("bare endpoint reading one case", median["bare read"], ""),
        (
            "GET /api/cases/{reference} (read)",
            median["read"],
            f"{read_ratio:.2f}x the bare {spread['read']}",
        ),
        ("GET overdue list, first page of 50", median["overdue"], f"({total:,} overdue)"),
    ]
    for name, ms, note in lines:
        print(f"  {name:<40} {ms:8.2f} ms   {note}")
    checks = [
        (create_ratio <= 2.0, "(a) create <= 2x the bare insert endpoint"),
        (read_ratio <= 2.0, "(b) read <= 2x the bare read endpoint"),
        (median["overdue"] < 50, "(c) overdue first page < 50 ms"),
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
