"""Service-standard figures, with numbers worked by hand (DESIGN §2.6)."""

from datetime import date

import pytest

from workflows.calendar import BusinessCalendar
from workflows.service_standards import (
    AgeingBucket,
    Commitment,
    Rate,
    age_in_business_days,
    ageing,
    on_time_rate,
    rates_by_week,
    week_of,
    week_starts,
    weeks_ending,
)

CALENDAR = BusinessCalendar()
TODAY = date(2026, 11, 23)  # a Monday


def test_on_time_rate_counts_open_and_already_late_cases_in_its_denominator():
    commitments = [
        Commitment(due_on=date(2026, 11, 10), met_on=date(2026, 11, 9)),  # on time
        Commitment(due_on=date(2026, 11, 10), met_on=date(2026, 11, 10)),  # on time, on the day
        Commitment(due_on=date(2026, 11, 10), met_on=date(2026, 11, 12)),  # met late
        Commitment(due_on=date(2026, 11, 20), running=True),  # open and late
        Commitment(due_on=date(2026, 11, 23), running=True),  # due today: not late yet
        Commitment(due_on=date(2026, 12, 4), running=True),  # can still be met
        Commitment(due_on=date(2026, 11, 2)),  # stopped unmet (withdrawn): nothing owed
    ]
    rate = on_time_rate(commitments, today=TODAY)
    assert rate == Rate(on_time=2, met_late=1, open_late=1)
    assert rate.counted == 4
    assert rate.percent == 50.0


def test_a_rate_with_nothing_counted_has_no_percent():
    rate = on_time_rate([Commitment(due_on=date(2026, 12, 4), running=True)], today=TODAY)
    assert rate.counted == 0
    assert rate.percent is None


def test_weeks_start_on_monday_and_end_with_the_current_week():
    assert week_of(date(2026, 11, 29)) == date(2026, 11, 23)  # Sunday -> its Monday
    assert week_of(date(2026, 11, 23)) == date(2026, 11, 23)
    assert weeks_ending(date(2026, 11, 25), 3) == [
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
    ]
    with pytest.raises(ValueError):
        weeks_ending(TODAY, 0)


def test_each_week_runs_from_its_monday_to_the_next():
    weeks = weeks_ending(TODAY, 2)  # 16 and 23 November
    assert week_starts(weeks) == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]


def test_rates_by_week_group_the_clocks_outcomes_by_the_week_of_their_due_date():
    weeks = weeks_ending(TODAY, 2)
    counts = [
        (date(2026, 11, 17), "on_time", 1),
        (date(2026, 11, 18), None, 2),  # owed and late
        (date(2026, 11, 20), "late", 1),
        (date(2026, 11, 20), "not_applicable", 3),  # left out
        (date(2026, 11, 24), None, 1),  # not late yet
        (date(2026, 11, 13), "on_time", 4),  # the week before: not shown
    ]
    by_week = rates_by_week(counts, weeks, today=TODAY)
    assert by_week[0] == (date(2026, 11, 16), Rate(on_time=1, met_late=1, open_late=2))
    assert by_week[1] == (date(2026, 11, 23), Rate(on_time=0, met_late=0, open_late=0))


def test_a_request_received_friday_before_the_holidays_is_10_business_days_old_on_12_january():
    # Day 0 is Friday 19 December 2025; the office is closed on 24, 25, 26 and 31 December and
    # on 1 and 2 January: 22, 23, 29, 30 December and 5 to 9 and 12 January are counted.
    assert age_in_business_days(CALENDAR, date(2025, 12, 19), date(2026, 1, 12)) == 10
    assert age_in_business_days(CALENDAR, date(2026, 11, 20), date(2026, 11, 23)) == 1
    assert age_in_business_days(CALENDAR, date(2026, 11, 23), date(2026, 11, 23)) == 0


def test_ageing_puts_each_open_case_in_one_bucket():
    received = [
        date(2026, 11, 23),  # 0
        date(2026, 11, 16),  # 5
        date(2026, 11, 13),  # 6
        date(2026, 11, 9),  # 10
        date(2026, 10, 26),  # 20
        date(2026, 10, 23),  # 21
        date(2026, 9, 1),  # more than 40 (Labour Day 7 September and Thanksgiving are skipped)
    ]
    assert ageing(CALENDAR, received, today=TODAY) == [
        AgeingBucket(0, 5, 2),
        AgeingBucket(6, 10, 2),
        AgeingBucket(11, 20, 1),
        AgeingBucket(21, 40, 1),
        AgeingBucket(41, None, 1),
    ]
