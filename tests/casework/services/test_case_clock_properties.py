"""Random histories through the services, on both databases: the stored columns are always the
case clock's, a met deadline never becomes overdue, and the rates count every deadline due in
the period that is not "not applicable"."""

import contextlib
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.context import Actor
from casework.db import read_session
from casework.repositories import cases as cases_repo
from casework.schemas import CaseCreate, TransitionIn
from casework.services import cases, closures, reports
from casework.services import clock as clock_service
from casework.services.door import CASEWORK
from casework.services.errors import InvalidInput
from tests.conftest import montreal
from workflows.case_clock import ClockState, running_deadlines
from workflows.case_flow import allowed_triggers

OFFICER = Actor(label="user:officer", role="officer")
ADMIN = Actor(label="user:admin", role="admin")
FIELDS = {
    "answer": {"answer_summary": "Réponse."},
    "request_information": {"comment": "Il manque un document."},
    "escalate": {"protecteur_file_number": "PC-1"},
    "close": {"outcome": "withdrawn", "protecteur_conclusion": "partly_founded"},
    "reopen": {"reason": "Nouveaux faits."},
}
# Weekdays of January 2027 that are not closures: a closure can be added on them.
CLOSABLE = [date(2027, 1, d) for d in (6, 7, 8, 11, 12, 13, 14, 15, 18, 19)]

actions = st.lists(
    st.tuples(
        st.sampled_from(["fire", "fire", "fire", "extend", "closure", "wait"]),
        st.integers(min_value=0, max_value=50),
        st.integers(min_value=1, max_value=9),
    ),
    min_size=1,
    max_size=8,
)


def _columns_match_the_clock(ctx, reference, today):
    with read_session(ctx.engine) as session:
        case = cases_repo.get_by_reference(session, reference)
        clock = clock_service.clock_of(ctx, session, case, today=today)
    assert case.ack_due_on == clock.acknowledgment.due_on
    assert case.answer_due_on == clock.answer.due_on
    assert case.protecteur_reply_due_on == clock.protecteur_reply.due_on
    running = {
        (d.name.value, d.due_on)
        for d in running_deadlines(
            status=case.status,
            ack_due_on=case.ack_due_on,
            answer_due_on=case.answer_due_on,
            protecteur_reply_due_on=case.protecteur_reply_due_on,
            ack_outcome=case.ack_outcome,
            answer_met_on=case.answer_met_on,
        )
    }
    expected = {(i.name.value, i.due_on) for i in clock.items if i.running}
    assert running == expected, (case.status, sorted(running), sorted(expected), clock.items)
    return clock


def test_random_histories_keep_the_columns_and_the_rates_true(ctx, clock):
    used: set[date] = set()

    @given(actions=actions)
    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def history(actions):
        clock.current = montreal(2026, 11, 23, 10, 0)
        received = montreal(2026, 11, 20, 9, 0)
        case = cases.open_case(
            ctx,
            interface="api",
            actor=OFFICER,
            data=CaseCreate(
                kind="complaint", channel="letter", subject="Propriété", received_at=received
            ),
        ).case
        reference = case.reference
        met: dict[str, date] = {}
        for action, pick, days in actions:
            today = clock.current.date()
            if action == "wait":
                clock.current += timedelta(days=days)
            elif action == "extend":
                with contextlib.suppress(InvalidInput):  # only an answer still owed
                    cases.extend(
                        ctx,
                        interface="api",
                        actor=OFFICER,
                        reference=reference,
                        version=None,
                        days=days,
                        reason="Expertise",
                    )
            elif action == "closure":
                free = [d for d in CLOSABLE if d not in used]
                if free:
                    day = free[pick % len(free)]
                    used.add(day)
                    closures.apply_closure_change(
                        ctx, actor=ADMIN, day=day, action="add", name_fr="F", name_en="C"
                    )
            else:
                current = cases.get(
                    ctx, actor=CASEWORK, interface="scheduler", reference=reference
                ).case
                allowed = allowed_triggers(current.status)
                trigger = allowed[pick % len(allowed)]
                fields = dict(FIELDS.get(trigger, {}))
                if trigger == "escalate":
                    fields["escalated_on"] = today
                    fields["protecteur_reply_due_on"] = today + timedelta(days=days * 7)
                cases.fire(
                    ctx,
                    interface="api",
                    actor=OFFICER,
                    reference=reference,
                    request=TransitionIn(trigger=trigger, version=current.version, **fields),
                )
            state = _columns_match_the_clock(ctx, reference, clock.current.date())
            for item in state.items:
                if item.name.value in met and item.met_on is not None:
                    # A met deadline stays met on the day it was met, whatever comes after.
                    assert item.state in (ClockState.MET, ClockState.MET_LATE)
                if item.met_on is not None and item.state is not ClockState.NOT_APPLICABLE:
                    met.setdefault(item.name.value, item.met_on)
            later = clock_service.clock_of  # noqa: F841 - read below through the service
            for ahead in (1, 30, 120):
                future = clock.current.date() + timedelta(days=ahead)
                again = cases.clock_of(
                    ctx, actor=CASEWORK, interface="scheduler", reference=reference, today=future
                )
                for before, after in zip(state.items, again.items, strict=True):
                    if before.state in (ClockState.MET, ClockState.MET_LATE):
                        assert after.state is before.state, (before, after)

    history()
    # The rates count every deadline due in the period but the ones not applicable, once every
    # due date has passed.
    today = date(2028, 6, 1)
    clock.current = montreal(2028, 6, 1, 10, 0)
    figures = reports.service_standards(
        ctx, actor=ADMIN, first=date(2026, 1, 1), last=date(2028, 5, 31)
    )
    every, _ = cases.search(
        ctx, actor=CASEWORK, interface="scheduler", filters=cases_repo.CaseFilters(), limit=1000
    )
    for name, key in (("acknowledgment", "acknowledgment"), ("answer", "first_answer")):
        expected = 0
        for view in every:
            item = getattr(
                cases.clock_of(
                    ctx,
                    actor=CASEWORK,
                    interface="scheduler",
                    reference=view.case.reference,
                    today=today,
                ),
                key,
            )
            if item.due_on is not None and item.state is not ClockState.NOT_APPLICABLE:
                expected += 1
        found = figures[name]
        assert found.on_time + found.late + found.open_late == expected, name
