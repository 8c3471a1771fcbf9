"""Properties of business-day counting, checked against naive day-by-day references."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.calendar import BusinessCalendar, Closure, ClosureSource, base_closures
from workflows.deadlines import (
    MONTREAL,
    DayUnit,
    Delay,
    Pause,
    answer_due,
    due_date,
    due_dates,
    receipt_date,
)

FIRST_YEAR, LAST_YEAR = 2020, 2036
CALENDAR = BusinessCalendar(first_year=FIRST_YEAR, last_year=LAST_YEAR)
CLOSED = {
    closure.day for year in range(FIRST_YEAR, LAST_YEAR + 1) for closure in CALENDAR.closures(year)
}

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2034, 12, 31))
counts = st.integers(min_value=0, max_value=120)
positive_counts = st.integers(min_value=1, max_value=120)
instants = st.datetimes(
    min_value=datetime(2020, 1, 2), max_value=datetime(2034, 12, 31, 23, 59, 59)
).map(lambda naive: naive.replace(tzinfo=UTC))
zones = st.sampled_from(
    [
        UTC,
        MONTREAL,
        ZoneInfo("America/Vancouver"),
        ZoneInfo("Europe/Paris"),
        ZoneInfo("Asia/Kolkata"),
        ZoneInfo("Pacific/Chatham"),
        timezone(timedelta(hours=-3, minutes=-30)),
    ]
)


def is_business_day(day: date, closed: set[date] = CLOSED) -> bool:
    return day.weekday() < 5 and day not in closed


def reference_add(day: date, n: int, closed: set[date] = CLOSED) -> date:
    """Count n business days after `day`, one calendar day at a time."""
    if n == 0:
        while not is_business_day(day, closed):
            day += timedelta(days=1)
        return day
    while n:
        day += timedelta(days=1)
        if is_business_day(day, closed):
            n -= 1
    return day


def reference_between(start: date, end: date) -> int:
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        count += is_business_day(day)
    return sign * count


def second_sunday_of_march(year: int) -> date:
    first = date(year, 3, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7)


def first_sunday_of_november(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7)


def reference_montreal_date(instant: datetime) -> date:
    """Return the Montreal date of a UTC instant with the post-2007 DST rule, by hand."""
    naive = instant.astimezone(UTC).replace(tzinfo=None)
    year = naive.year
    dst_starts = datetime.combine(second_sunday_of_march(year), datetime.min.time()) + timedelta(
        hours=7
    )
    dst_ends = datetime.combine(first_sunday_of_november(year), datetime.min.time()) + timedelta(
        hours=6
    )
    offset = timedelta(hours=-4) if dst_starts <= naive < dst_ends else timedelta(hours=-5)
    return (naive + offset).date()


# -- agreement with references ----------------------------------------------------------------


@given(day=days, n=counts)
def test_add_business_days_agrees_with_a_day_by_day_count(day, n):
    assert CALENDAR.add_business_days(day, n) == reference_add(day, n)


@given(start=days, offset=st.integers(min_value=-400, max_value=400))
def test_business_days_between_agrees_with_a_day_by_day_count(start, offset):
    end = max(start + timedelta(days=offset), date(FIRST_YEAR, 1, 1))
    assert CALENDAR.business_days_between(start, end) == reference_between(start, end)


@given(day=days)
def test_is_business_day_agrees_with_the_closure_list(day):
    assert CALENDAR.is_business_day(day) is is_business_day(day)
    assert (CALENDAR.closure_on(day) is not None) is (day in CLOSED)


@given(day=days, n=counts)
def test_calendar_days_end_on_the_first_business_day_on_or_after_the_end(day, n):
    due = CALENDAR.add_calendar_days(day, n)
    end = day + timedelta(days=n)
    assert due >= end
    assert is_business_day(due)
    assert all(not is_business_day(end + timedelta(days=k)) for k in range((due - end).days))


@given(instant=instants)
def test_receipt_date_is_the_montreal_date_of_the_instant(instant):
    assert receipt_date(instant) == reference_montreal_date(instant)


@given(instant=instants, zone=zones, n=counts)
def test_due_date_counts_from_the_local_date_in_any_zone(instant, zone, n):
    received_at = instant.astimezone(zone)
    expected = reference_add(receipt_date(received_at), n)
    assert due_date(CALENDAR, received_at=received_at, delay=Delay(n)) == expected
    # The receipt's own zone never matters, only the zone asked for.
    assert due_date(CALENDAR, received_at=instant, delay=Delay(n), tz=zone) == reference_add(
        instant.astimezone(zone).date(), n
    )


@given(received_on=st.lists(days, max_size=30), n=counts, unit=st.sampled_from(DayUnit))
def test_batch_due_dates_agree_with_one_by_one(received_on, n, unit):
    delay = Delay(n, unit)
    expected = [
        CALENDAR.add_business_days(day, n)
        if unit is DayUnit.BUSINESS
        else CALENDAR.add_calendar_days(day, n)
        for day in received_on
    ]
    assert due_dates(CALENDAR, received_on=received_on, delay=delay) == expected


# -- shape of a due date ----------------------------------------------------------------------


@given(instant=instants, n=positive_counts)
def test_due_date_is_a_business_day_strictly_after_receipt(instant, n):
    due = due_date(CALENDAR, received_at=instant, delay=Delay(n))
    assert CALENDAR.is_business_day(due)
    assert due > receipt_date(instant)


@given(day=days, n=counts)
def test_due_date_does_not_decrease_with_more_days(day, n):
    assert CALENDAR.add_business_days(day, n) <= CALENDAR.add_business_days(day, n + 1)
    if n >= 1:
        assert CALENDAR.add_business_days(day, n) < CALENDAR.add_business_days(day, n + 1)


@given(first=instants, second=instants, n=counts)
def test_due_date_does_not_decrease_with_a_later_receipt(first, second, n):
    first, second = sorted((first, second))
    delay = Delay(n)
    assert due_date(CALENDAR, received_at=first, delay=delay) <= due_date(
        CALENDAR, received_at=second, delay=delay
    )


# -- inverses ---------------------------------------------------------------------------------


@given(day=days, n=counts)
def test_counting_the_business_days_to_a_due_date_gives_back_n(day, n):
    day = CALENDAR.roll_forward(day)
    assert CALENDAR.business_days_between(day, CALENDAR.add_business_days(day, n)) == n


@given(day=days, n=positive_counts)
def test_counting_from_any_day_gives_back_n(day, n):
    assert CALENDAR.business_days_between(day, CALENDAR.add_business_days(day, n)) == n


@given(day=days, n=counts)
def test_subtracting_undoes_adding_on_business_days(day, n):
    day = CALENDAR.roll_forward(day)
    assert CALENDAR.subtract_business_days(CALENDAR.add_business_days(day, n), n) == day
    later = CALENDAR.add_business_days(day, 150)
    assert CALENDAR.add_business_days(CALENDAR.subtract_business_days(later, n), n) == later


@given(day=days)
def test_next_business_day_is_adding_one(day):
    assert CALENDAR.next_business_day(day) == CALENDAR.add_business_days(day, 1)
    assert CALENDAR.roll_forward(day) == CALENDAR.add_business_days(day, 0)


# -- pauses -----------------------------------------------------------------------------------


@given(
    instant=instants,
    n=counts,
    start_after=st.integers(min_value=0, max_value=60),
    length=st.integers(min_value=0, max_value=60),
)
def test_a_pause_of_k_business_days_moves_the_answer_by_exactly_k(instant, n, start_after, length):
    received_on = receipt_date(instant)
    start = received_on + timedelta(days=start_after)
    pause = Pause(start, start + timedelta(days=length))
    k = CALENDAR.business_days_between(pause.start, pause.end)
    base = answer_due(CALENDAR, received_at=instant, delay=Delay(n))
    paused = answer_due(CALENDAR, received_at=instant, delay=Delay(n), pauses=[pause])
    assert CALENDAR.business_days_between(base, paused) == k
    assert paused == CALENDAR.add_business_days(base, k)
    still_open = answer_due(
        CALENDAR, received_at=instant, delay=Delay(n), pauses=[Pause(pause.start)]
    )
    assert still_open == base


# -- configured calendars ---------------------------------------------------------------------

weekdays_2026 = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)).filter(
    lambda day: day.weekday() < 5
)


@settings(max_examples=40, deadline=None)
@given(
    added_days=st.sets(weekdays_2026, max_size=8),
    removed_days=st.sets(
        st.sampled_from([c.day for c in base_closures("quebec-public-service", 2026)]),
        max_size=4,
    ),
    day=st.dates(min_value=date(2025, 11, 1), max_value=date(2027, 6, 30)),
    n=counts,
)
def test_configured_closures_agree_with_a_day_by_day_count(added_days, removed_days, day, n):
    added = [
        Closure(added_day, "Fermeture", "Closure", ClosureSource.ORGANIZATION)
        for added_day in sorted(added_days)
    ]
    calendar = BusinessCalendar(first_year=2025, last_year=2028, added=added, removed=removed_days)
    closed = {c.day for year in range(2025, 2029) for c in calendar.closures(year)}
    assert closed == (
        {c.day for year in range(2025, 2029) for c in base_closures("quebec-public-service", year)}
        | set(added_days)
    ) - set(removed_days)
    assert calendar.add_business_days(day, n) == reference_add(day, n, closed)
