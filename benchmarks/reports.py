"""Benchmark the declaration's results and the annual management report on a year of cases.

Run: .venv/bin/python -m benchmarks.reports [--cases 1000000] [--keep]   (SQLite; also PostgreSQL
when CASEWORK_TEST_DATABASE_URL names a server, as in CI)

The cases are those of benchmarks.data (every kind, channel and state, their trail, and the
deadlines and outcomes the case clock stores), received over fiscal year 2026 (1 April 2026 to
31 March 2027) and looked at on 20 April 2027: 50,000 generated one by one, copied in SQL
(with their trail) up to the number asked for. Then, over all of them: what each complaint is
about (every one closed on its merits, two in three of the others), transfers between officers
on one case in eight (through three people on one in twenty-four), the Protecteur du citoyen's
findings on half of the escalated cases, corrective measures after one founded complaint in
forty, and survey answers (one for ten cases) on the declaration's aspects. Each figure is
measured against a baseline taken in the same run on the same database: `SELECT count(*)` over
the same cases (those received in the year).

Targets (on PostgreSQL, as the issue sets them): the annual report (JSON) in under 5 s at one
million cases; the declaration page's figures in under 1 s. The best and the median of three runs
are reported, on SQLite too; the exit status is 1 when a PostgreSQL target is missed at one
million cases or more. The loaded SQLite file is
kept under var/bench/ and reused by the next run of the same scale and schema; with --keep, the
PostgreSQL database too.
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import bindparam, case, func, insert, literal, select, text, update

from benchmarks.common import postgresql_admin_url, postgresql_database, sqlite_database
from benchmarks.data import _Writer, load
from casework import migrate
from casework.config import DatabaseSettings, Settings
from casework.context import Actor, AppContext, FixedClock
from casework.db import make_engine
from casework.models import (
    Case,
    CaseClassification,
    CaseEvent,
    CasePause,
    CorrectiveMeasure,
    ProtecteurFinding,
    SurveyAnswer,
)
from casework.services import accountability_report as service
from casework.services.calendar import refresh
from workflows import accountability as rules

SUPERVISOR = Actor(label="bench", role="supervisor")
FISCAL_YEAR = 2026
FIRST, LAST = rules.fiscal_year_bounds(FISCAL_YEAR)
TODAY = date(2027, 4, 20)
NOW = datetime(2027, 4, 20, 14, tzinfo=UTC)
SAMPLE = 50_000  # cases generated one by one; the rest are copies of them made in SQL
COLUMNS = ["case_id", "service", "commitment", "root_cause", "remedy", "updated_by", "updated_at"]


def _pick(codes: list[str], column):
    """Return a SQL expression choosing one of `codes` by the case's id."""
    return case(
        *((column % len(codes) == n, literal(code)) for n, code in enumerate(codes)),
        else_=literal(codes[0]),
    )


def _assignment(case_id: int, received_at: datetime, giver: int, taker: int) -> dict:
    return {
        "case_id": case_id,
        "at": received_at + timedelta(days=1),
        "actor": "bench",
        "kind": "assignment",
        "data": {"from": giver, "to": taker},
    }


def _replicate(engine, sample: int, count: int) -> None:
    """Copy the first `sample` cases, with their trail and pauses, until there are `count`
    (references suffixed with the copy's number)."""
    cases, events, pauses = Case.__table__, CaseEvent.__table__, CasePause.__table__
    copied = [c for c in cases.columns if c.name not in ("id", "reference")]
    for copy, first in enumerate(range(sample, count, sample), start=1):
        with engine.begin() as connection:
            source = select(Case.id + first, Case.reference + literal(f"/{copy}"), *copied).where(
                Case.id <= min(sample, count - first)
            )
            connection.execute(
                insert(cases).from_select(["id", "reference", *(c.name for c in copied)], source)
            )
            for table in (events, pauses):
                columns = [c for c in table.columns if c.name not in ("id", "case_id")]
                source = select(table.c.case_id + first, *columns).where(
                    table.c.case_id <= min(sample, count - first)
                )
                connection.execute(
                    insert(table).from_select(["case_id", *(c.name for c in columns)], source)
                )
        print(f"  {first + min(sample, count - first):,} cases", file=sys.stderr, flush=True)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for name in ("cases", "case_events", "case_pauses"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {name}))"
                    )
                )


def fill(url: str, count: int, *, today: date = TODAY) -> None:
    """Migrate the database and fill it with `count` cases received during fiscal 2026, with what
    the reports read beside them."""
    settings = Settings(database=DatabaseSettings(url=url))
    engine = make_engine(settings.database)
    migrate.upgrade(engine)
    started = time.perf_counter()
    sample = min(count, SAMPLE)
    plan = load(engine, settings, cases=sample, today=today, received=(FIRST, LAST))
    _replicate(engine, sample, count)
    codes = settings.accountability.codes
    writer = _Writer(engine)
    with engine.begin() as connection:
        merits = Case.outcome.in_(sorted(rules.MERITS_OUTCOMES))
        classified = (
            select(
                Case.id,
                _pick(codes("services"), Case.id),
                _pick(codes("commitments"), Case.id // 3),
                _pick(codes("root_causes"), Case.id // 5),
                _pick(codes("remedies"), Case.id // 7),
                literal("bench"),
                literal(NOW, CaseClassification.updated_at.type),
            )
            .where(Case.kind.in_(sorted(rules.CLASSIFIED_KINDS)))
            .where(merits | (Case.id % 3 != 0))
        )
        connection.execute(
            insert(CaseClassification).from_select(
                COLUMNS,
                classified,
            )
        )
        # A transfer to the current assignee from a colleague (the first assignment is the
        # loader's): those cases count two people.
        transferred = connection.execute(
            select(Case.id, Case.assignee_id, Case.received_at).where(
                Case.assignee_id.is_not(None), Case.id % 8 == 0
            )
        ).all()
        transfers = []
        handled = []
        for case_id, assignee, received_at in transferred:
            colleague = assignee + 1 if case_id % 16 else assignee - 1
            added = [_assignment(case_id, received_at, colleague, assignee)]
            if case_id % 24 == 0:  # and before that, from a third one
                added.insert(0, _assignment(case_id, received_at, colleague + 1, colleague))
            transfers += added
            # The loader's first assignment (to the assignee) adds nobody: the people who
            # handled the case are those of its transfers and its assignee, as the services
            # count them.
            people = rules.people_who_handled([a["data"] for a in added], assignee)
            handled.append({"case_id": case_id, "people": len(people)})
        writer.write(connection, CaseEvent.__table__, transfers)
        if handled:
            connection.execute(
                update(Case)
                .where(Case.id == bindparam("case_id"))
                .values(handlers=bindparam("people")),
                handled,
            )
        escalated = connection.execute(
            select(Case.id).where(Case.escalated_on.is_not(None), Case.id % 2 == 0)
        ).scalars()
        conclusions = [c.value for c in rules.ProtecteurConclusion]
        writer.write(
            connection,
            ProtecteurFinding.__table__,
            [
                {
                    "case_id": case_id,
                    "conclusion": conclusions[case_id % len(conclusions)],
                    "recommendations": "",
                    "recorded_by": "bench",
                    "recorded_at": NOW,
                }
                for case_id in escalated
            ],
        )
        founded = connection.execute(
            select(Case.id, Case.closed_at).where(
                Case.kind.in_(sorted(rules.CLASSIFIED_KINDS)),
                Case.outcome.in_(sorted(rules.FOUNDED_OUTCOMES)),
                Case.id % 40 == 0,
            )
        ).all()
        writer.write(
            connection,
            CorrectiveMeasure.__table__,
            [
                {
                    "case_id": case_id,
                    "description": "Revoir le gabarit de réponse.",
                    "owner": "Direction des services",
                    "due_on": closed_at.date() + timedelta(days=60),
                    "done_on": closed_at.date() + timedelta(days=30) if case_id % 80 else None,
                    "created_by": "bench",
                    "created_at": closed_at + timedelta(days=1),
                }
                for case_id, closed_at in founded
            ],
        )
        declaration = settings.accountability.declaration
        ratings = [r.value for r in rules.Rating]
        answers = []
        for n in range(max(1000, count // 10)):
            item = declaration[n % len(declaration)]
            # 80 % to 95 % satisfied depending on the commitment, and a few "not applicable".
            turn = (n // len(declaration)) % 20
            satisfied = 16 + (n % len(declaration)) % 4
            rating = (
                ratings[4]
                if turn == 19
                else ratings[turn % 2]
                if turn < satisfied
                else ratings[2 + turn % 2]
            )
            answers.append(
                {
                    "service": item.service,
                    "aspect": item.aspect,
                    "rating": rating,
                    "answered_on": FIRST + timedelta(days=n % 365),
                    "source": "import",
                    "created_by": "bench",
                    "created_at": NOW,
                }
            )
        writer.write(connection, SurveyAnswer.__table__, answers)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("VACUUM ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()
    print(
        f"  loaded {count:,} cases ({plan.cases:,} generated), {len(founded):,} measures, "
        f"{len(answers):,} survey answers in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    engine.dispose()


def timed(work, times: int = 3) -> tuple[float, float]:
    """Return the best and the median wall time of `times` runs of `work`, in seconds."""
    results = []
    for _ in range(times):
        started = time.perf_counter()
        work()
        results.append(time.perf_counter() - started)
    return min(results), statistics.median(results)


def _summary(data: dict) -> str:
    """Return a line of the report's figures, to see that the timed work counts something."""
    declaration = data["declaration"]
    statuses = [c["status"] for c in declaration["commitments"]]
    delays = declaration["delays"]
    return (
        f"  received {data['volumes']['received']:,}; acknowledgment "
        f"{delays['acknowledgment']['rate']} % of {delays['acknowledgment']['counted']:,} "
        f"(median {delays['acknowledgment']['median_business_days']} days); answer "
        f"{delays['answer']['rate']} % of {delays['answer']['counted']:,} (median "
        f"{delays['answer']['median_business_days']}); at most two people "
        f"{declaration['fewest_people']['share']} % of {declaration['fewest_people']['answered']:,}"
        f"; commitments met {statuses.count('met')}, not met {statuses.count('not_met')}; "
        f"escalations {data['escalations']['total']:,} "
        f"({data['escalations']['by_conclusion']['pending']:,} pending); measures "
        f"{data['measures']['opened']:,} opened, {data['measures']['done']:,} done"
    )


def run(label: str, url: str, count: int) -> bool:
    settings = Settings(database=DatabaseSettings(url=url))
    engine = make_engine(settings.database)
    ctx = AppContext(settings=settings, engine=engine, clock=FixedClock(NOW))
    refresh(ctx)
    start, end = service.period_bounds(ctx, FIRST, LAST)

    def count_cases() -> int:
        with engine.connect() as connection:
            query = (
                select(func.count())
                .select_from(Case)
                .where(Case.received_at >= start, Case.received_at < end)
            )
            return connection.execute(query).scalar_one()

    assert count_cases() == count

    def annual() -> dict:
        period = service.annual(ctx, actor=SUPERVISOR, fiscal_year=FISCAL_YEAR)
        data = service.annual_json(ctx, period, fiscal_year=FISCAL_YEAR, language="fr")
        assert sum(data["volumes"]["by_kind"].values()) == count
        return data

    print(f"{label}:")
    print(_summary(annual()), flush=True)
    baseline, baseline_median = timed(count_cases)
    declaration, declaration_median = timed(
        lambda: service.declaration(ctx, actor=SUPERVISOR, first=FIRST, last=LAST)
    )
    annual_time, annual_median = timed(annual)
    print("                                          best ms   median ms   best/count")
    ms = baseline * 1000, baseline_median * 1000
    print(f"  {'SELECT count(*) of the year':38}{ms[0]:9.1f}  {ms[1]:10.1f}")
    for name, best, median in (
        ("declaration's results (the page)", declaration, declaration_median),
        ("annual report (JSON)", annual_time, annual_median),
    ):
        print(f"  {name:38}{best * 1000:9.1f}  {median * 1000:10.1f}  {best / baseline:10.1f}x")
    ok_declaration, ok_annual = declaration < 1.0, annual_time < 5.0
    engine.dispose()
    if label != "PostgreSQL":  # the targets are PostgreSQL's; SQLite's figures are for reading
        return True
    print(f"  {'PASS' if ok_declaration else 'FAIL'}  declaration page < 1 s")
    print(f"  {'PASS' if ok_annual else 'FAIL'}  annual report < 5 s", flush=True)
    return (ok_declaration and ok_annual) or count < 1_000_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--keep", action="store_true", help="keep the loaded PostgreSQL database and reuse it"
    )
    args = parser.parse_args()
    results = []
    if args.only != "postgresql":
        with sqlite_database(args.cases, today=TODAY, name="reports", fill=fill) as url:
            results.append(run("SQLite", url, args.cases))
    admin_url = postgresql_admin_url() if args.only != "sqlite" else None
    if admin_url:
        with postgresql_database(
            admin_url,
            args.cases,
            today=TODAY,
            keep=args.keep,
            name="casework_bench_reports",
            fill=fill,
        ) as url:
            results.append(run("PostgreSQL", url, args.cases))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
