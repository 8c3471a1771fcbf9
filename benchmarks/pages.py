"""Time the pages and API calls people wait on, over real HTTP, from 100,000 to 1,000,000 cases.

Run: .venv/bin/python -m benchmarks.pages   [--cases 100000 --cases 1000000] [--runs 7] [--keep]
     (SQLite, and PostgreSQL too when CASEWORK_TEST_DATABASE_URL names a server; --sqlite-only or
     --postgresql-only for one of them; --keep keeps the loaded PostgreSQL databases for the next
     run, as the SQLite files under var/bench/ always are, migrated to the newest revision when
     they are reused; --request NAME times only the requests named)

Each database is filled by benchmarks.data (five years of cases ending today), then served by
uvicorn with one worker on a free port; each request is timed over HTTP with keep-alive, the
median of several runs after a warm-up. The same requests at each scale give the growth.

Targets (the issue "A million cases"), at the largest scale:
  PostgreSQL: dashboard < 300 ms; each CSV export < 300 ms; search by word or by name < 150 ms;
  queue < 100 ms; closure preview < 500 ms; growth from the smallest to the largest scale at most
  2x for every request. SQLite: every request under 2x its PostgreSQL figure. The web worker
  under 300 MiB after the dashboard and every export.

Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections.abc import Callable
from datetime import datetime

import httpx2 as httpx
from sqlalchemy import select

from benchmarks.common import (
    SECRET,
    median_ms,
    postgresql_admin_url,
    postgresql_database,
    server,
    sqlite_database,
)
from casework.config import DatabaseSettings, SecuritySettings, Settings
from casework.context import Actor, AppContext
from casework.models import Case
from casework.services import apikeys, calendar, users
from workflows.deadlines import MONTREAL

PASSWORD = "mot-de-passe-de-mesure"
ACCOUNTS = {
    "mesure.superviseur": "supervisor",
    "mesure.responsable": "officer",
    "mesure.admin": "admin",
}
WORD = "remboursement"
NAME = "Tremblay"

# request -> (PostgreSQL target in ms at the largest scale, or None)
REQUESTS: dict[str, float | None] = {
    "supervisor dashboard": 300,
    "overdue list as CSV": 300,
    "workload as CSV": 300,
    "ageing as CSV": 300,
    "API search, a word in subjects": 150,
    "API search, a requester's name": 150,
    "closure-change preview": 500,
    "officer queue": 100,
    "case page": None,
    "API overdue list": None,
}
MEMORY_MIB = 300


def prepare(url: str) -> tuple[dict[str, str], str, str]:
    """Give the benchmark its accounts and key; return the key header, a case and a match."""
    settings = Settings(
        database=DatabaseSettings(url=url), security=SecuritySettings(secret_key=SECRET)
    )
    ctx = AppContext(settings=settings)
    calendar.refresh(ctx)
    known = {user.username for user in users.list_users(ctx)}
    for username, role in ACCOUNTS.items():
        if username in known:
            continue
        users.add(
            ctx,
            actor=Actor.system(),
            username=username,
            full_name=username,
            password=PASSWORD,
            role=role,
        )
    _key, secret = apikeys.create(
        ctx, actor=Actor.system(), name=f"mesure-{uuid.uuid4().hex[:8]}", role="officer"
    )
    with ctx.engine.connect() as connection:
        reference = (
            connection.execute(
                select(Case.reference).where(Case.status == "acknowledged").order_by(Case.id.desc())
            )
            .scalars()
            .first()
        )
    ctx.engine.dispose()
    day = ctx.calendar.add_business_days(ctx.today(), 10)
    return {"X-API-Key": secret}, reference, day.isoformat()


def signed_in(base_url: str, username: str) -> httpx.Client:
    """Return a client with a session of this account."""
    client = httpx.Client(base_url=base_url, timeout=120, follow_redirects=True)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    if answer.status_code >= 400 or "/login" in str(answer.url):
        raise SystemExit(f"cannot sign in as {username}: {answer.status_code}")
    return client


def csrf(client: httpx.Client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def checked(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        raise SystemExit(
            f"{response.request.method} {response.request.url}: {response.status_code}"
        )
    return response


def measure(
    url: str, runs: int, only: list[str] | None = None
) -> tuple[dict[str, float], float, dict[str, int]]:
    """Time every request (or those named in `only`) on one database; return the medians, the
    worker's memory and counts."""
    key, reference, closure_day = prepare(url)
    with server(url) as running:
        supervisor = signed_in(running.base_url, "mesure.superviseur")
        officer = signed_in(running.base_url, "mesure.responsable")
        admin = signed_in(running.base_url, "mesure.admin")
        api = httpx.Client(base_url=running.base_url, headers=key, timeout=120)
        token = csrf(admin, "/admin/calendar")
        preview = {
            "day": closure_day,
            "action": "add",
            "name_fr": "Fermeture exceptionnelle",
            "name_en": "Exceptional closure",
            "csrf_token": token,
        }
        calls: dict[str, Callable[[], httpx.Response]] = {
            "supervisor dashboard": lambda: supervisor.get("/dashboard"),
            "overdue list as CSV": lambda: supervisor.get("/dashboard/overdue.csv"),
            "workload as CSV": lambda: supervisor.get("/dashboard/workload.csv"),
            "ageing as CSV": lambda: supervisor.get("/dashboard/ageing.csv"),
            "API search, a word in subjects": lambda: api.get("/api/cases", params={"q": WORD}),
            "API search, a requester's name": lambda: api.get("/api/cases", params={"q": NAME}),
            "closure-change preview": lambda: admin.post("/admin/calendar/preview", data=preview),
            "officer queue": lambda: officer.get("/queue"),
            "case page": lambda: officer.get(f"/cases/{reference}"),
            "API overdue list": lambda: api.get("/api/cases", params={"overdue": "true"}),
        }
        medians = {}
        for name, call in calls.items():
            if only and name not in only:
                continue
            medians[name] = median_ms(lambda call=call: checked(call()), runs)
            print(f"    {name:<34} {medians[name]:9.1f} ms", flush=True)
        counts = {
            "word": checked(calls["API search, a word in subjects"]()).json()["total"],
            "name": checked(calls["API search, a requester's name"]()).json()["total"],
            "overdue": checked(calls["API overdue list"]()).json()["total"],
        }
        memory = running.rss_mib()
        for client in (supervisor, officer, admin, api):
            client.close()
    print(
        f"    found: {counts['word']:,} cases with « {WORD} », {counts['name']:,} for « {NAME} », "
        f"{counts['overdue']:,} overdue; worker memory {memory:.0f} MiB",
        flush=True,
    )
    return medians, memory, counts


def report(results: dict[tuple[str, int], dict[str, float]], memory: dict[str, float]) -> bool:
    """Print the table of medians and growth, then each target; return whether all are met."""
    columns = sorted(results, key=lambda c: (c[0] != "SQLite", c[1]))
    databases = sorted({db for db, _ in columns}, key=lambda db: db != "SQLite")
    header = " | ".join(f"{db} {_scale(n)}" for db, n in columns)
    growth_header = " | ".join(f"{db} growth" for db in databases)
    print(f"\n| request (median ms) | {header} | {growth_header} |")
    print("|---" * (1 + len(columns) + len(databases)) + "|")
    ok = True
    checks = []
    for name, target in REQUESTS.items():
        if any(name not in results[c] for c in columns):
            continue
        cells = [f"{results[c][name]:,.1f}" for c in columns]
        growths = []
        for db in databases:
            scales = sorted(n for d, n in columns if d == db)
            small, large = results[(db, scales[0])][name], results[(db, scales[-1])][name]
            growth = large / small
            growths.append(f"{growth:.2f}x" if len(scales) > 1 else "–")
            if len(scales) > 1 and db == "PostgreSQL":  # SQLite's target is its ratio to it
                checks.append((growth <= 2.0, f"{db}: {name} grows {growth:.2f}x (at most 2x)"))
        print(f"| {name} | {' | '.join(cells)} | {' | '.join(growths)} |")
        pg = [c for c in columns if c[0] == "PostgreSQL"]
        lite = [c for c in columns if c[0] == "SQLite"]
        if pg and target is not None:
            figure = results[pg[-1]][name]
            checks.append(
                (
                    figure < target,
                    f"PostgreSQL {_scale(pg[-1][1])}: {name} {figure:,.1f} ms < {target} ms",
                )
            )
        if pg and lite:
            ratio = results[lite[-1]][name] / results[pg[-1]][name]
            checks.append(
                (
                    ratio < 2.0,
                    f"SQLite {_scale(lite[-1][1])}: {name} {ratio:.2f}x PostgreSQL (< 2x)",
                )
            )
    for label, mib in memory.items():
        checks.append(
            (
                mib < MEMORY_MIB,
                f"{label}: web worker {mib:.0f} MiB after every request (< {MEMORY_MIB})",
            )
        )
    print()
    for passed, text in checks:
        ok &= passed
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")
    return ok


def _scale(n: int) -> str:
    return f"{n // 1_000_000} M" if n % 1_000_000 == 0 else f"{n // 1000} k"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, action="append", help="scales (repeat)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--request",
        action="append",
        choices=list(REQUESTS),
        help="time only this request (repeat); every one by default",
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true")
    only.add_argument("--postgresql-only", action="store_true")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the loaded PostgreSQL databases and reuse them in the next runs (the SQLite "
        "files under var/bench/ are always kept)",
    )
    args = parser.parse_args(argv)
    scales = sorted(args.cases or [100_000, 1_000_000])
    today = datetime.now(MONTREAL).date()
    results: dict[tuple[str, int], dict[str, float]] = {}
    memory: dict[str, float] = {}
    for cases in [] if args.postgresql_only else scales:
        print(f"\nSQLite, {cases:,} cases", flush=True)
        with sqlite_database(cases, today=today) as url:
            results[("SQLite", cases)], memory[f"SQLite {_scale(cases)}"], _ = measure(
                url, args.runs, args.request
            )
    admin_url = None if args.sqlite_only else postgresql_admin_url()
    if admin_url:
        for cases in scales:
            print(f"\nPostgreSQL, {cases:,} cases", flush=True)
            with postgresql_database(admin_url, cases, today=today, keep=args.keep) as url:
                results[("PostgreSQL", cases)], memory[f"PostgreSQL {_scale(cases)}"], _ = measure(
                    url, args.runs, args.request
                )
    return 0 if report(results, memory) else 1


if __name__ == "__main__":
    sys.exit(main())
