"""Benchmark the declaration's results and the annual management report on a year of cases.

Run: .venv/bin/python -m benchmarks.reports [--cases 1000000]   (SQLite; also PostgreSQL when
CASEWORK_TEST_DATABASE_URL names a server, as in CI)

The cases are spread over fiscal year 2026 (1 April 2026 to 31 March 2027): one in three a
complaint with what it is about, one in four still open, assignments on one in five, survey
answers and corrective measures beside them. Each figure is measured against a baseline taken in
the same run on the same database: `SELECT count(*)` over the same cases (those received in the
year).

Targets: the annual report (JSON) in under 5 s at one million cases on PostgreSQL; the
declaration page's figures in under 1 s. The best of three runs is reported; the exit status is 1
when a target is missed at one million cases or more.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, text

from benchmarks.common import empty_postgresql_database
from casework import migrate
from casework.config import DatabaseSettings, Settings
from casework.context import Actor, AppContext, FixedClock
from casework.db import make_engine
from casework.models import Case, CaseClassification, CaseEvent, SurveyAnswer
from casework.services import accountability_report as service
from casework.services.calendar import refresh
from workflows.events import EventKind

SUPERVISOR = Actor(label="bench", role="supervisor")
FIRST = date(2026, 4, 1)
CHUNK = 20_000
SERVICES = ("support_advice", "reference_documents", "statistics", "media")
OUTCOMES = ("founded", "unfounded", "withdrawn", "partly_founded")


def fill(engine, count: int) -> None:
    """Insert `count` cases received during fiscal 2026, with their classification, first
    transition, some assignments and survey answers."""
    now = datetime(2027, 4, 20, 14, tzinfo=UTC)
    with engine.begin() as connection:
        next_id = 1
        for start in range(0, count, CHUNK):
            cases, classes, events = [], [], []
            for n in range(start, min(start + CHUNK, count)):
                received = datetime.combine(FIRST + timedelta(days=n % 365), datetime.min.time())
                received = received.replace(hour=14, tzinfo=UTC)
                ack_due = received.date() + timedelta(days=14)
                answer_due = received.date() + timedelta(days=28)
                open_ = n % 4 == 0
                answered = None if open_ else received + timedelta(days=10 + n % 30)
                kind = "complaint" if n % 3 == 0 else "information_request"
                cases.append(
                    {
                        "id": next_id,
                        "reference": f"PLT-2026-B{n:07d}",
                        "kind": kind,
                        "channel": ("letter", "email", "phone", "web_form")[n % 4],
                        "subject": "Plainte",
                        "description": "",
                        "priority": "normal",
                        "status": "acknowledged" if open_ else "closed",
                        "outcome": None if open_ else OUTCOMES[n % 4],
                        "received_at": received,
                        "ack_due_on": ack_due,
                        "answer_due_on": answer_due,
                        "answered_at": answered,
                        "closed_at": answered,
                        "assignee_id": None,
                        "calendar_version": "bench",
                        "paused_business_days": 0,
                        "version": 2,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                if kind == "complaint":
                    classes.append(
                        {
                            "case_id": next_id,
                            "service": SERVICES[n % 4],
                            "commitment": "diligence",
                            "root_cause": "delay",
                            "remedy": "explanation",
                            "updated_by": "bench",
                            "updated_at": now,
                        }
                    )
                events.append(
                    {
                        "case_id": next_id,
                        "at": received + timedelta(days=3 + n % 20),
                        "actor": "bench",
                        "kind": EventKind.TRANSITION,
                        "trigger": "acknowledge",
                        "from_state": "received",
                        "to_state": "acknowledged",
                        "data": {},
                    }
                )
                if n % 5 == 0:
                    events.append(
                        {
                            "case_id": next_id,
                            "at": received + timedelta(days=1),
                            "actor": "bench",
                            "kind": EventKind.ASSIGNMENT,
                            "trigger": None,
                            "from_state": None,
                            "to_state": None,
                            "data": {"from": None, "to": 1 + n % 7},
                        }
                    )
                next_id += 1
            connection.execute(insert(Case.__table__), cases)
            if classes:
                connection.execute(insert(CaseClassification.__table__), classes)
            connection.execute(insert(CaseEvent.__table__), events)
        answers = [
            {
                "service": "support_advice",
                "aspect": ("access_to_staff", "courtesy", "clarity_of_language")[n % 3],
                "rating": ("very_satisfied", "somewhat_satisfied", "somewhat_dissatisfied")[n % 3],
                "answered_on": FIRST + timedelta(days=n % 365),
                "source": "import",
                "created_by": "bench",
                "created_at": now,
            }
            for n in range(max(1000, count // 100))
        ]
        connection.execute(insert(SurveyAnswer.__table__), answers)


def best(work, times: int = 3) -> float:
    """Return the best wall time of `times` runs of `work`."""
    results = []
    for _ in range(times):
        started = time.perf_counter()
        work()
        results.append(time.perf_counter() - started)
    return min(results)


def run(label: str, url: str, count: int) -> bool:
    settings = Settings(database=DatabaseSettings(url=url))
    engine = make_engine(settings.database)
    migrate.upgrade(engine)
    print(f"\n{label}: filling {count:,} cases...", flush=True)
    started = time.perf_counter()
    fill(engine, count)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    print(f"  filled in {time.perf_counter() - started:.0f} s")
    ctx = AppContext(
        settings=settings, engine=engine, clock=FixedClock(datetime(2027, 4, 20, 14, tzinfo=UTC))
    )
    refresh(ctx)
    start, end = service.period_bounds(ctx, FIRST, date(2027, 3, 31))

    def count_cases() -> int:
        with engine.connect() as connection:
            query = (
                select(text("count(*)"))
                .select_from(Case.__table__)
                .where(Case.received_at >= start, Case.received_at < end)
            )
            return connection.execute(query).scalar_one()

    assert count_cases() == count
    baseline = best(count_cases)
    declaration = best(
        lambda: service.declaration(ctx, actor=SUPERVISOR, first=FIRST, last=date(2027, 3, 31))
    )

    def annual() -> None:
        period = service.annual(ctx, actor=SUPERVISOR, fiscal_year=2026)
        data = service.annual_json(ctx, period, fiscal_year=2026, language="fr")
        assert sum(data["volumes"]["by_kind"].values()) == count

    annual_time = best(annual)
    print(f"  SELECT count(*) over the year's cases   {baseline * 1000:9.1f} ms")
    print(
        f"  declaration's results (the page)        {declaration * 1000:9.1f} ms"
        f"   {declaration / baseline:6.1f}x the count"
    )
    print(
        f"  annual report (JSON)                    {annual_time * 1000:9.1f} ms"
        f"   {annual_time / baseline:6.1f}x the count"
    )
    ok_declaration, ok_annual = declaration < 1.0, annual_time < 5.0
    print(f"  {'PASS' if ok_declaration else 'FAIL'}  declaration page < 1 s")
    print(f"  {'PASS' if ok_annual else 'FAIL'}  annual report < 5 s")
    engine.dispose()
    return (ok_declaration and ok_annual) or count < 1_000_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    results = []
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            results.append(run("SQLite", f"sqlite:///{folder}/bench.db", args.cases))
    admin_url = os.environ.get("CASEWORK_TEST_DATABASE_URL")
    if admin_url and args.only != "sqlite":
        with empty_postgresql_database(admin_url) as url:
            results.append(run("PostgreSQL", url, args.cases))
    elif args.only != "sqlite":
        print("\nPostgreSQL: skipped (set CASEWORK_TEST_DATABASE_URL to include it)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
