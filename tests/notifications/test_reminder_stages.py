"""Which reminder a deadline is at, on which business day, across the 2026–2027 year-end
closures; and the ranges of due dates a sweep reads.

Hand-worked from DESIGN §2.3 and §2.4 with the default rules (thresholds 3 and 1 business days,
the due day, then every 5 business days while overdue). Business days around the year end: the
public service is closed on 24, 25, 28 and 31 December 2026 and on 1 and 4 January 2027, so the
business days are Mon 21, Tue 22, Wed 23, Tue 29, Wed 30 December, then Tue 5, Wed 6, Thu 7,
Fri 8, Mon 11 January...
"""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.config import ReminderSettings
from casework.services.reminders import due_windows, merge_windows, stage_on
from workflows.calendar import BusinessCalendar

CALENDAR = BusinessCalendar()
RULES = ReminderSettings()


def stage(due_on: date, today: date) -> str | None:
    found = stage_on(CALENDAR, RULES, due_on=due_on, today=today)
    return found.key if found else None


def days_between(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def first_days_of_each_stage(due_on: date, start: date, end: date) -> dict[str, date]:
    firsts: dict[str, date] = {}
    for day in days_between(start, end):
        key = stage(due_on, day)
        if key is not None and key not in firsts:
            firsts[key] = day
    return firsts


def test_answer_due_tuesday_29_december_is_reminded_on_21_and_23_december_then_alerted():
    assert first_days_of_each_stage(date(2026, 12, 29), date(2026, 12, 1), date(2027, 1, 20)) == {
        "before-3": date(2026, 12, 21),
        "before-1": date(2026, 12, 23),
        "due": date(2026, 12, 29),
        "overdue-1": date(2026, 12, 30),
        "overdue-6": date(2027, 1, 11),
        "overdue-11": date(2027, 1, 18),
    }


def test_answer_due_wednesday_6_january_is_reminded_on_29_december_and_5_january():
    assert first_days_of_each_stage(date(2027, 1, 6), date(2026, 12, 1), date(2027, 1, 25)) == {
        "before-3": date(2026, 12, 29),
        "before-1": date(2027, 1, 5),
        "due": date(2027, 1, 6),
        "overdue-1": date(2027, 1, 7),
        "overdue-6": date(2027, 1, 14),
        "overdue-11": date(2027, 1, 21),
    }


def test_closure_days_and_weekends_keep_the_stage_of_the_business_day_before():
    # Due Tuesday 29 December: on the closures of 24, 25 and 28 December and the weekend between
    # them, it is still one business day away, as it was on Wednesday 23.
    for day in (date(2026, 12, 24), date(2026, 12, 26), date(2026, 12, 28)):
        found = stage_on(CALENDAR, RULES, due_on=date(2026, 12, 29), today=day)
        assert (found.key, found.business_days) == ("before-1", 1)


def test_deadline_on_a_saturday_is_due_on_the_friday_before_and_overdue_on_monday():
    saturday = date(2027, 2, 13)
    assert stage(saturday, date(2027, 2, 12)) == "due"
    assert stage(saturday, date(2027, 2, 15)) == "overdue-1"


def test_without_the_due_day_rule_the_day_itself_sends_nothing():
    rules = ReminderSettings(on_due_day=False)
    assert stage_on(CALENDAR, rules, due_on=date(2026, 12, 29), today=date(2026, 12, 29)) is None


@pytest.mark.parametrize(
    ("late", "key"), [(1, "overdue-1"), (5, "overdue-1"), (6, "overdue-6"), (11, "overdue-11")]
)
def test_overdue_alerts_come_the_day_after_then_every_5_business_days(late, key):
    due_on = date(2027, 2, 1)
    today = CALENDAR.add_business_days(due_on, late)
    found = stage_on(CALENDAR, RULES, due_on=due_on, today=today)
    assert (found.key, found.kind, found.business_days) == (key, "overdue_alert", late)


def test_first_sweep_reads_every_deadline_up_to_the_largest_threshold():
    # From Monday 21 December, 3 business days ahead end on Tuesday 29: read below Wed 30.
    assert due_windows(
        CALENDAR, RULES, since=None, today=date(2026, 12, 21), earliest=date(2026, 1, 5)
    ) == [(None, date(2026, 12, 30))]


def test_sweep_after_the_year_end_closures_reads_the_stages_begun_since_the_last_one():
    # Last sweep Wednesday 30 December, this one Tuesday 5 January: one business day passed (the
    # days between are closures and a weekend). Stages that began on Tuesday 5 January:
    #   before-3 for deadlines due Fri 8 January (and the weekend after it, same rank),
    #   before-1 for Wed 6 January, the due day for Tue 5 January,
    #   overdue-1 for Wed 30 December (and the closures up to Mon 4 January, same rank),
    #   overdue-6 for Fri 18 December, overdue-11 for Fri 11, overdue-16 for Fri 4 December;
    # none earlier than the earliest deadline, 1 December.
    windows = due_windows(
        CALENDAR,
        RULES,
        since=date(2026, 12, 30),
        today=date(2027, 1, 5),
        earliest=date(2026, 12, 1),
    )
    assert windows == [
        (date(2026, 12, 4), date(2026, 12, 7)),
        (date(2026, 12, 11), date(2026, 12, 14)),
        (date(2026, 12, 18), date(2026, 12, 21)),
        (date(2026, 12, 30), date(2027, 1, 7)),
        (date(2027, 1, 8), date(2027, 1, 11)),
    ]


def test_second_sweep_of_the_same_day_reads_no_due_date():
    assert (
        due_windows(CALENDAR, RULES, since=date(2027, 1, 5), today=date(2027, 1, 5), earliest=None)
        == []
    )


def test_touching_windows_are_merged():
    assert merge_windows(
        [
            (date(2027, 1, 5), date(2027, 1, 6)),
            (None, date(2026, 1, 1)),
            (date(2027, 1, 6), date(2027, 1, 8)),
        ]
    ) == [(None, date(2026, 1, 1)), (date(2027, 1, 5), date(2027, 1, 8))]


@settings(max_examples=150, deadline=None)
@given(
    last=st.dates(min_value=date(2026, 10, 1), max_value=date(2027, 3, 31)),
    gap=st.integers(min_value=1, max_value=20),
    thresholds=st.lists(st.integers(min_value=1, max_value=10), min_size=0, max_size=3),
    every=st.integers(min_value=1, max_value=7),
)
def test_windows_hold_exactly_the_deadlines_whose_stage_began_since_the_last_sweep(
    last, gap, thresholds, every
):
    rules = ReminderSettings(thresholds=thresholds, overdue_every=every)
    today = last + timedelta(days=gap)
    earliest = date(2026, 6, 1)
    windows = due_windows(CALENDAR, rules, since=last, today=today, earliest=earliest)

    def inside(day: date) -> bool:
        return any((s is None or s <= day) and day < e for s, e in windows)

    def key(due_on: date, day: date):
        found = stage_on(CALENDAR, rules, due_on=due_on, today=day)
        return found.key if found else None

    for due_on in days_between(earliest, date(2027, 6, 30)):
        began = any(
            key(due_on, day) is not None and key(due_on, day) != key(due_on, day - timedelta(1))
            for day in days_between(last + timedelta(1), today)
        )
        # Every deadline whose stage began is read; the due-day window may read a deadline on
        # its day when the due-day rule is off (harmless: nothing is sent).
        if began:
            assert inside(due_on), (due_on, windows)
        elif inside(due_on):
            assert key(due_on, today) in (None, "due"), (due_on, windows)
