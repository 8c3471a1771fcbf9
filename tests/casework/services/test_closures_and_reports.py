"""Closure days decided in casework (preview, then apply) and the supervisor's figures, with dates
worked by hand."""

from datetime import date

import pytest

from casework.config import Settings
from casework.context import Actor, ClosureChange, build_calendar
from casework.schemas import CaseCreate, TransitionIn
from casework.services import cases, closures, reports
from casework.services.door import CASEWORK
from casework.services.errors import InvalidInput
from tests.conftest import montreal

ADMIN = Actor(label="user:admin", role="admin")


def _letter(ctx, received_at, channel="letter"):
    return cases.open_case(
        ctx,
        interface="api",
        actor=ADMIN,
        data=CaseCreate(
            kind="complaint", channel=channel, subject="Attente", received_at=received_at
        ),
    ).case


def _fire(ctx, case, trigger, **fields):
    return cases.fire(
        ctx,
        interface="api",
        actor=ADMIN,
        reference=case.reference,
        request=TransitionIn(trigger=trigger, version=case.version, **fields),
    ).case


def test_the_latest_decision_about_a_day_wins_over_the_configuration_and_the_base():
    settings = Settings()
    friday = date(2026, 11, 27)
    closed = build_calendar(settings, [ClosureChange(friday, "add", "Fermeture", "Closure")])
    assert closed.closure_on(friday).name_fr == "Fermeture"
    reopened = build_calendar(
        settings,
        [ClosureChange(friday, "add", "Fermeture", "Closure"), ClosureChange(friday, "remove")],
    )
    assert reopened.closure_on(friday) is None
    christmas_eve = date(2026, 12, 24)
    assert build_calendar(settings, [ClosureChange(christmas_eve, "remove")]).is_business_day(
        christmas_eve
    )


def test_reading_the_calendar_never_opens_a_connection(ctx):
    from sqlalchemy import event

    connections = []

    def count(connection) -> None:
        connections.append(connection)

    event.listen(ctx.engine, "engine_connect", count)
    try:
        for _ in range(3):
            assert ctx.calendar.is_business_day(date(2026, 11, 27))
        assert ctx.calendar.version == ctx.calendar.version
    finally:
        event.remove(ctx.engine, "engine_connect", count)
    assert connections == []


def test_a_closure_decided_by_another_process_is_seen_when_the_calendar_is_loaded_again(ctx):
    from casework.services.calendar import refresh

    friday = date(2026, 11, 27)
    other = ctx.with_clock(ctx.clock)
    closures.apply_closure_change(
        other, actor=ADMIN, day=friday, action="add", name_fr="Fermeture", name_en="Closure"
    )
    assert other.calendar.closure_on(friday).name_fr == "Fermeture"
    # Within the recheck delay, this process keeps the calendar it loaded...
    assert ctx.calendar.is_business_day(friday)
    assert refresh(ctx).is_business_day(friday)
    # ...and sees the closure once it reads the closures again.
    assert not refresh(ctx, force=True).is_business_day(friday)


def test_a_database_without_its_schema_is_an_error_not_a_calendar_without_closures(tmp_path):
    from sqlalchemy.exc import OperationalError

    from casework.config import DatabaseSettings
    from casework.context import AppContext
    from casework.services.calendar import refresh

    settings = Settings(database=DatabaseSettings(url=f"sqlite:///{tmp_path}/empty.db"))
    bare = AppContext(settings=settings)
    with pytest.raises(OperationalError):
        refresh(bare)
    with pytest.raises(RuntimeError, match="not loaded"):
        assert bare.calendar is None


def test_a_new_closure_is_previewed_then_moves_the_open_deadlines_it_covers(ctx):
    # Received Friday 20 November 2026 (day 0): acknowledgment due Friday 4 December, answer
    # Friday 18 December. Closing Friday 27 November pushes both by one business day, to
    # Monday 7 and Monday 21 December.
    open_case = _letter(ctx, montreal(2026, 11, 20, 14, 30))
    answered = _fire(
        ctx, _letter(ctx, montreal(2026, 11, 20, 9, 0)), "answer", answer_summary="Répondu."
    )
    preview = closures.preview_closure_change(
        ctx, day=date(2026, 11, 27), action="add", name_fr="Fermeture", name_en="Closure"
    )
    assert [(m.reference, m.deadline, m.before, m.after) for m in preview.moves] == [
        (open_case.reference, "acknowledgment", date(2026, 12, 4), date(2026, 12, 7)),
        (open_case.reference, "answer", date(2026, 12, 18), date(2026, 12, 21)),
    ]
    assert cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=open_case.reference
    ).case.ack_due_on == date(2026, 12, 4)

    applied = closures.apply_closure_change(
        ctx,
        actor=ADMIN,
        day=date(2026, 11, 27),
        action="add",
        name_fr="Fermeture",
        name_en="Closure",
    )
    assert applied.moves == preview.moves
    after = cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=open_case.reference
    ).case
    assert (after.ack_due_on, after.answer_due_on) == (date(2026, 12, 7), date(2026, 12, 21))
    assert after.next_due_on == date(2026, 12, 7)
    assert after.version == open_case.version + 1
    moved = [
        e
        for e in cases.events(
            ctx, actor=CASEWORK, interface="scheduler", reference=open_case.reference
        )
        if e.kind == "deadline_changed"
    ]
    assert [(e.data["deadline"], e.data["from"], e.data["to"]) for e in moved] == [
        ("acknowledgment", "2026-12-04", "2026-12-07"),
        ("answer", "2026-12-18", "2026-12-21"),
    ]
    # An answered case keeps its history; the calendar of the process knows the new day.
    assert (
        cases.get(
            ctx, actor=CASEWORK, interface="scheduler", reference=answered.reference
        ).case.answer_due_on
        == answered.answer_due_on
    )
    assert ctx.calendar.closure_on(date(2026, 11, 27)).name_en == "Closure"
    assert [h.action for h in closures.history(ctx)] == ["add"]


def test_removing_new_years_eve_brings_an_acknowledgment_back_to_8_january(ctx, clock):
    # Received Friday 18 December 2026: the office is closed on 24, 25, 28 (26 December taken
    # on Monday) and 31 December 2026 and on 1 and 4 January 2027 (2 January taken on Monday):
    # 21, 22, 23, 29, 30 December and 5, 6, 7, 8, 11 January are counted: due 11 January.
    # Working on 31 December makes it day 6, and the tenth day Friday 8 January.
    clock.current = montreal(2026, 12, 21, 10, 0)
    case = _letter(ctx, montreal(2026, 12, 18, 11, 0))
    assert case.ack_due_on == date(2027, 1, 11)
    preview = closures.preview_closure_change(ctx, day=date(2026, 12, 31), action="remove")
    assert (preview.moves[0].deadline, preview.moves[0].after) == (
        "acknowledgment",
        date(2027, 1, 8),
    )
    closures.apply_closure_change(ctx, actor=ADMIN, day=date(2026, 12, 31), action="remove")
    assert cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
    ).case.ack_due_on == date(2027, 1, 8)
    assert ctx.calendar.is_business_day(date(2026, 12, 31))


@pytest.mark.parametrize(
    ("day", "action", "field"),
    [
        (date(2026, 11, 25), "remove", "day"),  # not a closure day
        (date(2026, 11, 28), "add", "day"),  # a Saturday
        (date(2026, 12, 25), "add", "day"),  # already Christmas
        (date(2026, 11, 27), "add", "name_en"),  # no English name
    ],
)
def test_a_closure_change_that_makes_no_sense_is_refused_naming_the_field(ctx, day, action, field):
    with pytest.raises(InvalidInput) as refused:
        closures.preview_closure_change(ctx, day=day, action=action, name_fr="Fermeture")
    assert refused.value.field == field
    assert closures.history(ctx) == []


def test_the_acknowledgment_rate_counts_open_and_already_late_requests(ctx, clock):
    # Today is Monday 23 November 2026. Two letters received Monday 2 November were due to be
    # acknowledged by Monday 16 November: one was on the 5th, the other is still waiting (late).
    # A letter received Friday 20 November is not due yet, and a call owes no acknowledgment.
    today = clock.current
    clock.current = montreal(2026, 11, 2, 12, 0)
    on_time = _letter(ctx, montreal(2026, 11, 2, 9, 0))
    _letter(ctx, montreal(2026, 11, 2, 9, 30))
    _letter(ctx, montreal(2026, 11, 2, 10, 0), channel="phone")
    clock.current = montreal(2026, 11, 5, 9, 0)
    _fire(ctx, on_time, "acknowledge")
    clock.current = today
    _letter(ctx, montreal(2026, 11, 20, 9, 0))

    data = reports.dashboard(ctx, weeks=4)
    assert (data.acknowledgment_rate.on_time, data.acknowledgment_rate.counted) == (1, 2)
    assert data.acknowledgment_rate.percent == 50.0
    assert data.answer_rate.counted == 0  # every answer is due after today
    assert [(w.week, w.opened) for w in data.weeks] == [
        (date(2026, 11, 2), 3),
        (date(2026, 11, 9), 0),
        (date(2026, 11, 16), 1),
        (date(2026, 11, 23), 0),
    ]
    assert [c.reference for c in (v.case for v in data.overdue)] == [
        v.case.reference for v in data.overdue if v.case.next_due_on < date(2026, 11, 23)
    ]
    assert len(data.overdue) == 1  # the letter still waiting for its acknowledgment
    assert sum(row.open for row in data.workload) == 4
    assert sum(bucket.count for bucket in data.ageing) == 4
    assert sorted(a.age for a in reports.aged_cases(ctx)) == [1, 15, 15, 15]
    assert [b.count for b in data.ageing] == [1, 0, 3, 0, 0]


@pytest.mark.parametrize("action", ["add", "remove"])
def test_the_preview_of_many_cases_lists_exactly_the_deadlines_the_change_then_moves(ctx, action):
    # Five years of cases with pauses and every state (the benchmark loader); adding Thursday
    # 26 November, or removing it once added, must preview what applying it then changes.
    from benchmarks.data import load

    load(ctx.engine, ctx.settings, cases=4000, today=ctx.today(), seed=5)
    day = date(2026, 11, 26)
    names = {"name_fr": "Fermeture", "name_en": "Closure"}
    if action == "remove":
        closures.apply_closure_change(ctx, actor=ADMIN, day=day, action="add", **names)
        names = {}
    preview = closures.preview_closure_change(ctx, day=day, action=action, **names)
    applied = closures.apply_closure_change(ctx, actor=ADMIN, day=day, action=action, **names)

    def key(move):
        return (move.reference, move.deadline, move.before, move.after)

    assert len(preview.moves) > 20
    assert sorted(map(key, preview.moves)) == sorted(map(key, applied.moves))


def test_the_grouped_ageing_counts_each_open_case_by_its_age_in_business_days(ctx):
    # Five years of cases (the benchmark loader): the one grouped query gives the same buckets
    # as ageing each open case on its own.
    from benchmarks.data import load
    from workflows import service_standards as standards

    load(ctx.engine, ctx.settings, cases=4000, today=ctx.today(), seed=7)
    aged = list(reports.aged_cases(ctx))
    expected = standards.ageing(ctx.calendar, (a.received_on for a in aged), today=ctx.today())
    assert all(bucket.count for bucket in expected)
    assert reports.dashboard(ctx).ageing == expected


def test_the_weekly_figures_count_each_case_and_deadline_in_its_week_as_the_clock_judged_it(ctx):
    # Five years of cases (the benchmark loader): the grouped counts give what reading every case
    # gives: receipts and answers by the local week they fell in, each acknowledgment and first
    # answer by the week it was due (the answer on the date missed after a late extension) as
    # on time, late, or still owed and late; those no longer owed are left out.
    from sqlalchemy import select

    from benchmarks.data import load
    from casework.db import read_session
    from casework.models import Case
    from workflows.service_standards import Rate, week_of

    load(ctx.engine, ctx.settings, cases=3000, today=ctx.today(), seed=13)
    today = ctx.today()
    figures, ack_rate, answer_rate = reports.weekly(ctx, weeks=12)
    mondays = [w.week for w in figures]
    with read_session(ctx.engine) as session:
        cases = session.execute(select(Case)).scalars().all()

    def week(moment):
        return week_of(moment.astimezone(ctx.tz).date()) if moment else None

    def rate(deadlines) -> Rate:
        outcomes = [o for due, o in deadlines if o is not None or due < today]
        return Rate(outcomes.count("on_time"), outcomes.count("late"), outcomes.count(None))

    acks = [(c.ack_due_on, c.ack_outcome) for c in cases if c.ack_due_on]
    answers = [(c.answer_counted_on, c.answer_outcome) for c in cases if c.answer_counted_on]
    expected = [
        (
            monday,
            sum(week(c.received_at) == monday for c in cases),
            sum(week(c.answered_at) == monday for c in cases),
            rate((d, o) for d, o in acks if week_of(d) == monday and o != "not_applicable"),
            rate((d, o) for d, o in answers if week_of(d) == monday and o != "not_applicable"),
        )
        for monday in mondays
    ]
    assert [(w.week, w.opened, w.answered, w.acknowledgment, w.answer) for w in figures] == (
        expected
    )
    assert sum(w.opened for w in figures) > 100
    assert sum(w.answer.counted for w in figures) > 20
    assert ack_rate == rate((d, o) for d, o in acks if d >= mondays[0] and o != "not_applicable")
    assert answer_rate == rate(
        (d, o) for d, o in answers if d >= mondays[0] and o != "not_applicable"
    )


def test_the_trails_of_many_cases_read_at_once_are_what_each_case_reads_alone(ctx):
    # Five years of cases with pauses, extensions and every state (the benchmark loader): the
    # closure preview and apply read the clock's history of every case they recompute at once.
    from sqlalchemy import select

    from benchmarks.data import load
    from casework.db import read_session
    from casework.models import Case
    from casework.services import clock as clock_service

    load(ctx.engine, ctx.settings, cases=1500, today=ctx.today(), seed=17)
    with read_session(ctx.engine) as session:
        cases = session.execute(select(Case).order_by(Case.id)).scalars().all()
        together = clock_service.histories(ctx, session, select(Case.id))
        alone = {case.id: clock_service.steps(ctx, session, case) for case in cases}
    assert sum(len(trail) for trail in alone.values()) > 2000
    assert {case_id: together.get(case_id, []) for case_id in alone} == alone
    assert set(together) <= set(alone)


@pytest.mark.parametrize("after_hours", ["same_day", "next_business_day"])
def test_the_clocks_of_a_closure_change_are_each_the_clock_of_the_case_alone(ctx, after_hours):
    # Cases with pauses, extensions and every state (the benchmark loader): a closure change
    # derives their clocks as one batch, in which cases alike share one; each
    # must be the case's own, whether a receipt after hours counts that day or the next one,
    # with kinds whose delays differ (a media request answered within 5 business days, a
    # supplier's complaint within 30 calendar days).
    from sqlalchemy import select

    from benchmarks.data import load
    from casework.context import AppContext
    from casework.db import read_session
    from casework.models import Case
    from casework.services import clock as clock_service
    from casework.services.calendar import refresh

    # Two months of receipts: many cases alike.
    first = date(2026, 9, 23)
    load(ctx.engine, ctx.settings, cases=1500, today=ctx.today(), seed=23, received=(first, None))
    deadlines = ctx.settings.deadlines.model_validate(
        {
            "after_hours_receipt": after_hours,
            "media_request": {"answer": {"days": 5}},
            "supplier_complaint": {"answer": {"days": 30, "unit": "calendar"}},
        }
    )
    ctx = AppContext(
        settings=ctx.settings.model_copy(update={"deadlines": deadlines}),
        engine=ctx.engine,
        clock=ctx.clock,
    )
    refresh(ctx)
    closure = ClosureChange(date(2026, 11, 26), "add", "Fermeture", "Closure")
    candidate = build_calendar(ctx.settings, [closure])
    with read_session(ctx.engine) as session:
        cases = session.execute(select(Case).order_by(Case.id)).scalars().all()
        trails = clock_service.histories(ctx, session, select(Case.id))
    for calendar in (ctx.calendar, candidate):
        batch = clock_service.Clocks(ctx, calendar=calendar, today=ctx.today())
        for case in cases:
            history = trails.get(case.id, [])
            alone = clock_service.derive_clock(
                ctx, case, history, today=ctx.today(), calendar=calendar
            )
            assert batch.of(case, history) == alone, case.reference
        assert len(batch._derived) < 0.9 * len(cases)  # the batch did share clocks
