"""Benchmark the reminder sweep on a million cases, and the memory of a scheduler process.

Run: .venv/bin/python -m benchmarks.sweep   [--cases N] [--keep DIR]

The database is a SQLite file made for the run (bulk inserts, then the indexes of the
migrations): 1,000,000 cases, most of them closed or answered over the years, 100,000 open, of
which 1 % of all the cases (10,000) reach a reminder stage on the day of the sweep, Monday
15 March 2027: 3 and 1 business days before their deadline, on its day, 1 and 6 business days
late. A previous sweep finished on Friday 12 March, as in steady state.

Targets (the issue "Deadline reminders and notifications"):
  (a) one sweep with 1 % of the cases due takes under 5 s;
  (b) one sweep with nothing due (the next sweep of the same morning: no stage began, no case
      changed) takes under 100 ms;
  (c) a `casework scheduler --once` process (sweep and delivery of every message to .eml files)
      stays under 200 MB of memory (peak resident set size).
Baselines timed in the same run, for the ratios: a bare SELECT of the same due rows through the
same indexes (what the sweep cannot go below), and a full scan of the cases table (what a sweep
that grew with the table would cost).

Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

from casework import migrate
from casework.config import DatabaseSettings, Settings
from casework.context import AppContext, FixedClock, build_calendar
from casework.db import make_engine, unit_of_work
from casework.repositories import claims
from casework.services import reminders
from casework.services.calendar import refresh
from workflows.accountability import people_who_handled
from workflows.case_clock import DeadlineName

MONTREAL = ZoneInfo("America/Toronto")
TODAY = date(2027, 3, 15)  # Monday, nothing closed around it (Good Friday is 26 March)
SEED = 2027
AGENTS = 50
OFFICERS = 2
SUPERVISORS = 2
SWEEP_TARGET_S = 5.0
IDLE_TARGET_S = 0.100
MEMORY_TARGET_MB = 200.0


def stamp(moment: datetime) -> str:
    """A timestamp as SQLAlchemy stores it in SQLite (UTC, no offset)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def build_database(path: Path, total: int) -> dict[str, int]:
    """Create the schema, then fill it with bulk inserts (indexes rebuilt after)."""
    engine = make_engine(DatabaseSettings(url=f"sqlite:///{path}"))
    migrate.upgrade(engine)
    engine.dispose()
    calendar = build_calendar(Settings())
    version = calendar.version
    rng = random.Random(SEED)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='cases' "
        "AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')

    created = stamp(datetime(2027, 1, 4, 9, 0, tzinfo=MONTREAL))
    users = []
    for n in range(AGENTS + OFFICERS + SUPERVISORS):
        role = "agent" if n < AGENTS else "officer" if n < AGENTS + OFFICERS else "supervisor"
        language = "en" if n % 4 == 0 else "fr"
        users.append(
            (n + 1, f"user{n}", f"Personne {n}", f"user{n}@organisme.example.qc.ca", role, language)
        )
    db.executemany(
        "INSERT INTO users (id, username, full_name, email, role, language, is_active, "
        "created_at, failed_logins, session_generation) VALUES (?, ?, ?, ?, ?, ?, 1, ?, 0, 0)",
        [(*u, created) for u in users],
    )

    def add(day: date, n: int) -> date:
        return calendar.add_business_days(day, n)

    def back(day: date, n: int) -> date:
        return calendar.subtract_business_days(day, n)

    due_today = total // 100
    open_other = total // 10 - due_today
    answered = total // 20
    # The stages that begin on TODAY, and when the deadlines reaching them are due.
    stages = [add(TODAY, 3), add(TODAY, 1), TODAY, back(TODAY, 1), back(TODAY, 6)]
    counts = {"due today": due_today, "other open": open_other, "answered": answered}
    counts["closed"] = total - due_today - open_other - answered

    def rows():
        for i in range(1, total + 1):
            assignee = rng.randint(1, AGENTS) if rng.random() < 0.95 else None
            ack_due = None
            if i <= due_today:
                deadline = stages[i % len(stages)]
                if i % 5 == 0:  # a letter not yet acknowledged: its acknowledgment is due
                    status, ack_due, answer_due = "received", deadline, add(deadline, 10)
                    nxt, name = ack_due, DeadlineName.ACKNOWLEDGMENT.value
                else:
                    status, answer_due = "acknowledged", deadline
                    nxt, name = answer_due, DeadlineName.ANSWER.value
            elif i <= due_today + open_other:
                status = "acknowledged"
                if i % 2:
                    answer_due = add(TODAY, rng.randint(5, 60))
                else:  # late, in a stage that began on another day
                    late = rng.choice([n for n in range(2, 200) if n % 5 != 1])
                    answer_due = back(TODAY, late)
                nxt, name = answer_due, DeadlineName.ANSWER.value
            else:
                status = "answered" if i <= due_today + open_other + answered else "closed"
                answer_due = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2900))
                nxt = name = None
            received = datetime.combine(answer_due - timedelta(days=28), datetime.min.time())
            received = received.replace(hour=10, tzinfo=MONTREAL)
            yield (
                i,
                f"PLT-{received.year}-{i:07d}",
                "complaint",
                "letter",
                f"Demande numéro {i}",
                "",
                "normal",
                status,
                stamp(received),
                assignee,
                len(people_who_handled([], assignee)),  # assigned once, at registration
                ack_due.isoformat() if ack_due else None,
                answer_due.isoformat(),
                nxt.isoformat() if nxt else None,
                name,
                version,
                0,
                1,
                created,
                created,
            )

    db.executemany(
        "INSERT INTO cases (id, reference, kind, channel, subject, description, priority, status, "
        "received_at, assignee_id, handlers, ack_due_on, answer_due_on, next_due_on, "
        "next_deadline, calendar_version, paused_business_days, version, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    for _, sql in indexes:
        db.execute(sql)
    db.commit()
    db.execute("ANALYZE")
    db.execute("PRAGMA journal_mode=WAL")
    db.close()
    return counts


def context(path: Path, moment: datetime, data_dir: Path) -> AppContext:
    settings = Settings(database=DatabaseSettings(url=f"sqlite:///{path}"), data_dir=data_dir)
    ctx = AppContext(settings=settings, clock=FixedClock(moment))
    refresh(ctx)
    return ctx


def steady_state(ctx: AppContext) -> None:
    """Record a sweep of Friday 12 March and the calendar as applied, as a running system has."""
    friday = datetime(2027, 3, 12, 9, 0, tzinfo=MONTREAL)
    with unit_of_work(ctx.engine) as session:
        claims.claim(session, job="sweep", slot="friday", worker="bench", now=friday)
        claims.finish(session, job="sweep", slot="friday", now=friday)
        slot = f"1:{ctx.calendar.version}"
        claims.claim(session, job="calendar", slot=slot, worker="bench", now=friday)
        claims.finish(session, job="calendar", slot=slot, now=friday)


def bare_select(ctx: AppContext) -> tuple[float, int]:
    """Time a bare SELECT of the rows due today through the same indexes (the floor)."""
    calendar = ctx.calendar
    rules = ctx.settings.reminders
    from casework.repositories import reminders as repo

    started = time.perf_counter()
    with ctx.engine.connect() as connection:
        from sqlmodel import Session

        session = Session(bind=connection)
        found = 0
        for deadline in DeadlineName:
            earliest = repo.earliest_due(session, deadline)
            windows = reminders.due_windows(
                calendar, rules, since=date(2027, 3, 12), today=TODAY, earliest=earliest
            )
            found += len(repo.due_in(session, deadline=deadline, windows=windows))
        session.close()
    return time.perf_counter() - started, found


def full_scan(ctx: AppContext) -> float:
    started = time.perf_counter()
    with ctx.engine.connect() as connection:
        connection.execute(
            text("SELECT count(*) FROM cases WHERE subject LIKE '%x%' OR next_due_on IS NOT NULL")
        ).scalar()
    return time.perf_counter() - started


def scheduler_process(path: Path, data_dir: Path, now: str) -> tuple[float, float, str]:
    """Run `casework scheduler --once` on the database; return its wall time, the peak RSS of
    the children so far (MB) and its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env.update(
        {
            "CASEWORK_DATABASE__URL": f"sqlite:///{path}",
            "CASEWORK_DATA_DIR": str(data_dir),
            "CASEWORK_LOGGING__LEVEL": "WARNING",
        }
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "casework", "scheduler", "--once", "--now", now],
        env=env,
        cwd=path.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"scheduler failed: {result.stderr}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    return elapsed, peak_mb, result.stdout.strip()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Build the databases in this folder, keep them.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="casework-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sweep.db"
    for stale in folder.glob("sweep*.db*"):
        stale.unlink()

    print(
        f"casework sweep benchmark — Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, {os.cpu_count()} cores"
    )
    started = time.perf_counter()
    counts = build_database(path, args.cases)
    print(
        f"built {args.cases:,} cases in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
    )
    morning = datetime(2027, 3, 15, 7, 0, tzinfo=MONTREAL)
    ctx = context(path, morning, folder / "var")
    steady_state(ctx)
    ctx.engine.dispose()  # the last connection closed folds the WAL into the file: copy it whole
    copy = folder / "sweep-process.db"
    shutil.copyfile(path, copy)

    # Warm the page cache and the calendar, as a running scheduler has them.
    full = min(full_scan(ctx) for _ in range(2))
    floor, due_rows = min(bare_select(ctx) for _ in range(3))

    began = time.perf_counter()
    report = reminders.sweep(ctx, worker="bench")
    sweep_s = time.perf_counter() - began

    ctx.clock.current = morning + timedelta(minutes=15)
    began = time.perf_counter()
    idle = reminders.sweep(ctx, worker="bench")
    idle_s = time.perf_counter() - began
    ctx.engine.dispose()

    process_s, peak_mb, output = scheduler_process(
        copy, folder / "var-process", "2027-03-15T09:00:00-04:00"
    )

    ok_sweep = sweep_s < SWEEP_TARGET_S and report.cases == due_rows
    ok_idle = idle_s < IDLE_TARGET_S and idle.enqueued == 0
    ok_memory = peak_mb < MEMORY_TARGET_MB
    print()
    print(f"baseline: full scan of the cases table       {full * 1000:10.1f} ms")
    print(f"baseline: bare SELECT of the {due_rows:,} due rows  {floor * 1000:10.1f} ms")
    print(
        f"(a) sweep, 1 % due: {report.cases:,} cases, {report.reminders:,} reminders, "
        f"{report.enqueued:,} messages enqueued"
    )
    print(
        f"    {sweep_s * 1000:10.1f} ms  (target < {SWEEP_TARGET_S * 1000:.0f} ms; "
        f"{sweep_s / floor:.0f}x the bare SELECT, {sweep_s / report.enqueued * 1e6:.0f} µs per "
        f"message)   {verdict(ok_sweep)}"
    )
    print(
        f"(b) sweep, nothing due: {idle.cases} cases  {idle_s * 1000:8.1f} ms  (target < "
        f"{IDLE_TARGET_S * 1000:.0f} ms; {full / idle_s:.0f}x faster than a full scan)   "
        f"{verdict(ok_idle)}"
    )
    print(
        f"(c) `casework scheduler --once` (sweep + delivery of every message): peak RSS "
        f"{peak_mb:.0f} MB in {process_s:.1f} s  (target < {MEMORY_TARGET_MB:.0f} MB)   "
        f"{verdict(ok_memory)}"
    )
    for line in output.splitlines():
        print(f"    {line}")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok_sweep and ok_idle and ok_memory else 1


if __name__ == "__main__":
    sys.exit(main())
