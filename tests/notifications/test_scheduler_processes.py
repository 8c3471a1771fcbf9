"""Real `casework scheduler` processes on one database: two started at the same moment, one
killed in the middle of its delivery, one long-running stopped by SIGTERM.

DESIGN §2.4: "A reminder is sent exactly once per case, deadline and threshold, even when several
scheduler processes run or one crashes halfway." The processes get the test's database and SMTP
server through the environment and a frozen time through `--now`.
"""

import os
import signal
from collections import Counter

import pytest
from sqlalchemy import select

from casework.db import read_session
from casework.models import OutboxMessage
from tests.notifications.conftest import (
    at,
    casework_process,
    open_case,
    outbox_rows,
    process_env,
    wait_for,
)

MONDAY_21_DECEMBER_9AM = "2026-12-21T09:00:00-05:00"


def cases_due_on_monday_21_december(ctx, staff, count: int = 12) -> None:
    """Calls whose answer is due Tuesday 29 December (3 business days after Monday 21: the
    3-day reminder) and calls whose answer was due Friday 18 December (1 business day late: the
    first overdue alert), half of them assigned to Jean, half in the officers' queue."""
    at(ctx, 2026, 12, 18, 16, 0)
    for n in range(count):
        assignee = staff.agent.id if n % 2 else None
        received = "2026-11-26T10:00:00-05:00" if n % 3 else "2026-11-19T10:00:00-05:00"
        open_case(ctx, received_at=received, assignee_id=assignee, subject=f"Dossier {n}")


def email_rows(ctx) -> list[OutboxMessage]:
    return [row for row in outbox_rows(ctx) if row.channel == "email"]


def finish(process, timeout: float = 120) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out


def test_two_scheduler_processes_started_together_send_each_reminder_once(
    ctx, staff, smtp, mailbox, tmp_path
):
    cases_due_on_monday_21_december(ctx, staff)
    env = process_env(ctx, smtp, tmp_path)
    processes = [
        casework_process(
            "scheduler", "--once", "--now", MONDAY_21_DECEMBER_9AM, env=env, cwd=tmp_path
        )
        for _ in range(2)
    ]
    outputs = [finish(p) for p in processes]

    # One process took the sweep's slot, the other found it taken.
    assert sum("déjà fait par une autre exécution" in out for out in outputs) == 1
    rows = email_rows(ctx)
    # 12 cases: 4 overdue (Jean or Lucie, and Sophie), 8 due in 3 days (Jean or Lucie).
    assert len(rows) == 4 * 2 + 8
    assert {row.status for row in rows} == {"sent"}
    received = Counter(mail.outbox_id for mail in mailbox.received)
    assert received == Counter({row.id: 1 for row in rows})
    # ...and their keys are unique: one reminder per case, deadline, due date and stage.
    assert len({row.dedup_key for row in rows}) == len(rows)


def test_scheduler_killed_while_delivering_leaves_nothing_lost_and_nothing_twice(
    ctx, staff, smtp, mailbox, tmp_path
):
    cases_due_on_monday_21_december(ctx, staff, count=30)
    env = process_env(ctx, smtp, tmp_path)
    mailbox.hold_next = True  # the server keeps the first email waiting...
    first = casework_process(
        "scheduler", "--once", "--now", MONDAY_21_DECEMBER_9AM, env=env, cwd=tmp_path
    )
    wait_for(mailbox.holding.is_set)
    first.kill()  # ...and the process dies while it waits: enqueued, partly claimed, none sent
    first.communicate(timeout=30)
    mailbox.release.set()
    statuses = Counter(row.status for row in email_rows(ctx))
    assert statuses["sending"] >= 1 and statuses["sent"] == 0
    assert mailbox.received == []

    # A run a few minutes later sends what was not claimed; the claimed ones wait for the lease.
    finish(
        casework_process(
            "scheduler", "--once", "--now", "2026-12-21T09:05:00-05:00", env=env, cwd=tmp_path
        )
    )
    assert Counter(row.status for row in email_rows(ctx))["sending"] == statuses["sending"]
    # After the lease (10 minutes), they are put back in line and sent.
    out = finish(
        casework_process(
            "scheduler", "--once", "--now", "2026-12-21T09:20:00-05:00", env=env, cwd=tmp_path
        )
    )
    assert "passage de " in out
    rows = email_rows(ctx)
    assert {row.status for row in rows} == {"sent"}
    assert Counter(mail.outbox_id for mail in mailbox.received) == Counter({r.id: 1 for r in rows})


def test_scheduler_process_killed_after_enqueueing_is_caught_up_by_the_next_run(
    ctx, staff, smtp, mailbox, tmp_path
):
    cases_due_on_monday_21_december(ctx, staff)
    env = process_env(ctx, smtp, tmp_path)
    # At 07:00 the sweep enqueues, and nothing may go out yet: as if it died before delivering.
    out = finish(
        casework_process(
            "scheduler", "--once", "--now", "2026-12-21T07:00:00-05:00", env=env, cwd=tmp_path
        )
    )
    waits = "hors des heures de bureau; les messages attendent jusqu’au 21 décembre 2026 à 8 h 30"
    assert waits in out
    assert {row.status for row in email_rows(ctx)} == {"pending"}
    finish(
        casework_process(
            "scheduler", "--once", "--now", MONDAY_21_DECEMBER_9AM, env=env, cwd=tmp_path
        )
    )
    finish(
        casework_process(
            "scheduler", "--once", "--now", "2026-12-21T09:30:00-05:00", env=env, cwd=tmp_path
        )
    )
    rows = email_rows(ctx)
    assert {row.status for row in rows} == {"sent"}
    assert Counter(mail.outbox_id for mail in mailbox.received) == Counter({r.id: 1 for r in rows})


def test_long_running_scheduler_sweeps_at_start_and_stops_on_sigterm(ctx, staff, smtp, tmp_path):
    env = process_env(ctx, smtp, tmp_path)
    env["CASEWORK_LOGGING__LEVEL"] = "INFO"
    process = casework_process("scheduler", env=env, cwd=tmp_path)

    def swept() -> bool:
        with read_session(ctx.engine) as session:
            from casework.models import SchedulerClaim

            return (
                session.execute(select(SchedulerClaim).where(SchedulerClaim.job == "sweep")).first()
                is not None
            )

    wait_for(swept, timeout=60)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "scheduler" in err and "started" in err and "stopped" in err


def test_scheduler_refuses_now_without_once(ctx, smtp, tmp_path):
    process = casework_process(
        "scheduler",
        "--now",
        MONDAY_21_DECEMBER_9AM,
        env=process_env(ctx, smtp, tmp_path),
        cwd=tmp_path,
    )
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "--now et --digest s’emploient avec --once." in err


def test_a_stop_asked_during_the_start_up_catch_up_lets_it_finish_then_stops(ctx, monkeypatch):
    # SIGTERM arrives while the start-up sweep runs (at any hour of the day): the sweep ends, its
    # claim is written, no digest is started and the scheduler does not go on to run its jobs.
    from casework import scheduler
    from casework.services import reminders

    sweep = reminders.sweep

    def sweep_then_stop(ctx, *, worker):
        os.kill(os.getpid(), signal.SIGTERM)
        return sweep(ctx, worker=worker)

    monkeypatch.setattr(reminders, "sweep", sweep_then_stop)
    monkeypatch.setattr(
        reminders, "send_digest", lambda *a, **k: pytest.fail("digest started after the stop")
    )

    def too_early(signum, frame):
        raise AssertionError("SIGTERM came before the scheduler listened for it")

    def never_stopped(signum, frame):
        raise AssertionError("the scheduler went on running after SIGTERM")

    previous = signal.signal(signal.SIGTERM, too_early)
    previous_alarm = signal.signal(signal.SIGALRM, never_stopped)
    signal.alarm(60)
    try:
        scheduler.run_forever(ctx, worker="arret-demande")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGALRM, previous_alarm)
    with read_session(ctx.engine) as session:
        from casework.models import SchedulerClaim

        claims = session.execute(select(SchedulerClaim.job)).scalars().all()
    assert "sweep" in claims
