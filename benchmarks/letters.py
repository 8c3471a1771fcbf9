"""Benchmark what a letter adds to the step that writes it.

Run: .venv/bin/python -m benchmarks.letters   (SQLite; also PostgreSQL when
CASEWORK_TEST_DATABASE_URL names a server, as in CI)

The acknowledgment of a case whose requester gets a letter (written, made into a PDF by
WeasyPrint, hashed, stored and enqueued with the transition, in one unit of work) is timed against
the baseline measured in the same run: the acknowledgment of a case without a requester (the same
transition and event, no letter). Rounds are interleaved; the median of each round is kept and the
best round reported.

Target: the acknowledgment with its letter answers in under one second (an officer clicks and
waits for it), whatever its ratio to the baseline, which is reported.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime

from benchmarks.common import empty_postgresql_database
from casework import migrate
from casework.config import DatabaseSettings, Settings
from casework.context import Actor, AppContext, FixedClock
from casework.db import make_engine
from casework.schemas import CaseCreate, TransitionIn
from casework.services import cases
from casework.services.calendar import refresh

ROUNDS = 3
PER_ROUND = 8
OFFICER = Actor("user:bench", role="officer")
CASE = {
    "kind": "complaint",
    "channel": "letter",
    "subject": "Délai de traitement d'une demande",
    "received_at": "2026-11-20T10:00:00-05:00",
}
REQUESTER = {
    "name": "Marie Tremblay",
    "email": "marie.tremblay@example.org",
    "postal_address": "12, rue des Érables\nQuébec (Québec)  G1R 2B5",
}


def acknowledge(ctx: AppContext, *, with_requester: bool) -> float:
    """Open a case, then time its acknowledgment alone."""
    data = {**CASE, "requester": REQUESTER} if with_requester else CASE
    case = cases.open_case(ctx, interface="api", actor=OFFICER, data=CaseCreate(**data)).case
    request = TransitionIn(trigger="acknowledge", version=case.version)
    start = time.perf_counter()
    cases.fire(ctx, interface="api", actor=OFFICER, reference=case.reference, request=request)
    return time.perf_counter() - start


def run(label: str, url: str) -> bool:
    print(f"\n{label}")
    settings = Settings(database=DatabaseSettings(url=url))
    engine = make_engine(settings.database)
    migrate.upgrade(engine)
    ctx = AppContext(
        settings=settings, engine=engine, clock=FixedClock(datetime(2026, 11, 23, 15, tzinfo=UTC))
    )
    refresh(ctx)
    acknowledge(ctx, with_requester=True)  # warm up: fonts, templates, catalogs
    with_letter, without = [], []
    for _ in range(ROUNDS):
        with_letter.append(
            statistics.median(acknowledge(ctx, with_requester=True) for _ in range(PER_ROUND))
        )
        without.append(
            statistics.median(acknowledge(ctx, with_requester=False) for _ in range(PER_ROUND))
        )
    letter, baseline = min(with_letter), min(without)
    print(f"  acknowledge, no requester (baseline)  {baseline * 1000:8.2f} ms")
    print(
        f"  acknowledge with its letter           {letter * 1000:8.2f} ms   "
        f"{letter / baseline:.1f}x the baseline"
    )
    ok = letter < 1.0
    print(f"  {'PASS' if ok else 'FAIL'}  acknowledgment with its letter < 1 s")
    engine.dispose()
    return ok


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(run("SQLite", f"sqlite:///{folder}/bench.db"))
    admin_url = os.environ.get("CASEWORK_TEST_DATABASE_URL")
    if admin_url:
        with empty_postgresql_database(admin_url) as url:
            results.append(run("PostgreSQL", url))
    else:
        print("\nPostgreSQL: skipped (set CASEWORK_TEST_DATABASE_URL to include it)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
