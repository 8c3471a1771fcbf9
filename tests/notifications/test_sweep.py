"""The sweep reads what is due, through the indexes on the due dates, and enqueues each reminder
once however many sweeps see it.

DESIGN §3: "the scheduler's sweep finds what is due with an indexed query on the due dates".
"""

import shutil
from datetime import date

from sqlalchemy import and_, or_, select

from casework.config import DatabaseSettings
from casework.context import Actor
from casework.db import make_engine
from casework.models import Case
from casework.repositories.reminders import DEADLINE_COLUMNS, SWEEP_COLUMNS
from casework.schemas import CaseUpdate
from casework.services import cases, reminders
from tests.notifications.conftest import at, open_case, outbox_rows
from workflows.case_clock import running_deadlines
from workflows.case_flow import CaseState


def test_sweep_examines_the_deadlines_whose_reminder_is_due_and_no_other(ctx, staff):
    at(ctx, 2026, 12, 18, 16, 0)
    for _ in range(3):  # answer due Tuesday 29 December: 3-day reminder on Monday 21
        open_case(ctx, received_at="2026-11-26T10:00:00-05:00", assignee_id=staff.agent.id)
    for _ in range(20):  # answer due in February: nothing to say yet
        open_case(ctx, received_at="2026-12-18T10:00:00-05:00", assignee_id=staff.agent.id)

    at(ctx, 2026, 12, 21, 6, 0)
    first = reminders.sweep(ctx, worker="test")
    assert (first.cases, first.reminders, first.enqueued) == (3, 3, 6)

    at(ctx, 2026, 12, 21, 6, 15)  # the same day: no stage began, nothing changed
    again = reminders.sweep(ctx, worker="test")
    assert (again.claimed, again.cases, again.enqueued) == (True, 0, 0)

    at(ctx, 2026, 12, 22, 6, 0)  # Tuesday: no stage begins for any of them
    assert reminders.sweep(ctx, worker="test").cases == 0
    at(ctx, 2026, 12, 23, 6, 0)  # Wednesday: the 1-day reminders
    wednesday = reminders.sweep(ctx, worker="test")
    assert (wednesday.cases, wednesday.enqueued) == (3, 6)


def test_case_created_within_a_threshold_is_reminded_at_the_next_sweep(ctx, staff):
    at(ctx, 2026, 12, 21, 6, 0)
    reminders.sweep(ctx, worker="test")
    at(ctx, 2026, 12, 21, 10, 0)
    # A call received on 26 November, registered late: its answer is due in 3 business days.
    open_case(ctx, received_at="2026-11-26T10:00:00-05:00", assignee_id=staff.agent.id)
    at(ctx, 2026, 12, 21, 10, 15)
    report = reminders.sweep(ctx, worker="test")
    assert (report.cases, report.enqueued) == (1, 2)


def test_reassigned_case_reminds_its_new_assignee_and_not_the_old_one_again(ctx, staff):
    at(ctx, 2026, 12, 18, 16, 0)
    case = open_case(ctx, received_at="2026-11-26T10:00:00-05:00", assignee_id=staff.agent.id)
    at(ctx, 2026, 12, 21, 6, 0)
    reminders.sweep(ctx, worker="test")
    at(ctx, 2026, 12, 21, 10, 0)
    cases.update(
        ctx,
        interface="api",
        actor=Actor("test", role="admin"),
        reference=case.reference,
        changes=CaseUpdate(version=case.version, assignee_id=staff.officer.id),
    )
    at(ctx, 2026, 12, 21, 10, 15)
    reminders.sweep(ctx, worker="test")
    recipients = [row.user_id for row in outbox_rows(ctx) if row.channel == "email"]
    assert recipients == [staff.agent.id, staff.officer.id]


def test_closed_case_gets_no_more_alerts(ctx, staff):
    at(ctx, 2026, 12, 18, 16, 0)
    case = open_case(ctx, received_at="2026-11-19T10:00:00-05:00", assignee_id=staff.agent.id)
    at(ctx, 2026, 12, 21, 6, 0)
    assert reminders.sweep(ctx, worker="test").enqueued == 4  # overdue: Jean and Sophie
    from casework.schemas import TransitionIn

    cases.fire(
        ctx,
        interface="api",
        actor=Actor("test", role="admin"),
        reference=case.reference,
        request=TransitionIn(trigger="close", version=case.version, outcome="withdrawn"),
    )
    at(ctx, 2027, 1, 5, 6, 0)  # overdue-6 would have been today
    assert reminders.sweep(ctx, worker="test").enqueued == 0


def test_each_deadline_column_is_read_in_the_states_where_its_clock_runs():
    far = date(2030, 1, 1)
    for state in CaseState:
        running = {
            d.name
            for d in running_deadlines(
                status=state.value, ack_due_on=far, answer_due_on=far, protecteur_reply_due_on=far
            )
        }
        read = {
            name for name, (_, states, _met) in DEADLINE_COLUMNS.items() if state.value in states
        }
        assert running == read, state


def test_due_date_query_uses_the_index_of_each_deadline_on_sqlite(sqlite_template, tmp_path):
    # On SQLite, whose plan does not depend on table statistics (PostgreSQL's does).
    path = tmp_path / "plan.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(DatabaseSettings(url=f"sqlite:///{path}"))
    column, states, _met = DEADLINE_COLUMNS["answer"]
    windows = [(date(2026, 12, 1), date(2026, 12, 5)), (date(2026, 11, 1), date(2026, 11, 5))]
    terms = [and_(Case.status == s, column >= a, column < b) for s in states for a, b in windows]
    query = select(*SWEEP_COLUMNS).where(or_(*terms))
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        plan = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    assert plan[0] == "MULTI-INDEX OR"
    searches = [line for line in plan if line.startswith("SEARCH")]
    assert len(searches) == len(states) * len(windows)
    assert all("USING INDEX ix_cases_status_answer_due_on" in line for line in searches)
    engine.dispose()
