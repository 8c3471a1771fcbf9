"""Closure days and business-day arithmetic of the Quebec calendars.

Every expected date below was worked out by hand from the rules in DESIGN.md section 2.3 and
docs/calendar.md (weekdays checked against a printed calendar), never computed by the code under
test.
"""

from datetime import date, datetime

import pytest

from workflows.calendar import (
    BASES,
    BusinessCalendar,
    Closure,
    ClosureSource,
    UnknownCalendarBase,
    base_closures,
    easter_sunday,
)

PS = ClosureSource.PUBLIC_SERVICE
ST = ClosureSource.STATUTORY
ORG = ClosureSource.ORGANIZATION

# Quebec public service (13 days a year), weekend moves applied by hand.
PUBLIC_SERVICE_CLOSURES = {
    2025: [
        (date(2025, 1, 1), "Jour de l’An"),  # Wednesday
        (date(2025, 1, 2), "Lendemain du jour de l’An"),  # Thursday
        (date(2025, 4, 18), "Vendredi saint"),  # Easter is 20 April
        (date(2025, 4, 21), "Lundi de Pâques"),
        (date(2025, 5, 19), "Journée nationale des patriotes"),  # 25 May is a Sunday
        (date(2025, 6, 24), "Fête nationale du Québec"),  # Tuesday
        (date(2025, 7, 1), "Fête du Canada"),  # Tuesday
        (date(2025, 9, 1), "Fête du Travail"),  # 1 September is a Monday
        (date(2025, 10, 13), "Action de grâces"),  # Mondays of October: 6, 13
        (date(2025, 12, 24), "Veille de Noël"),  # Wednesday
        (date(2025, 12, 25), "Noël"),  # Thursday
        (date(2025, 12, 26), "Lendemain de Noël"),  # Friday
        (date(2025, 12, 31), "Veille du jour de l’An"),  # Wednesday
    ],
    2026: [
        (date(2026, 1, 1), "Jour de l’An"),  # Thursday
        (date(2026, 1, 2), "Lendemain du jour de l’An"),  # Friday
        (date(2026, 4, 3), "Vendredi saint"),  # Easter is 5 April
        (date(2026, 4, 6), "Lundi de Pâques"),
        (date(2026, 5, 18), "Journée nationale des patriotes"),  # 25 May is itself a Monday
        (date(2026, 6, 24), "Fête nationale du Québec"),  # Wednesday
        (date(2026, 7, 1), "Fête du Canada"),  # Wednesday
        (date(2026, 9, 7), "Fête du Travail"),  # 1 September is a Tuesday
        (date(2026, 10, 12), "Action de grâces"),  # Mondays of October: 5, 12
        (date(2026, 12, 24), "Veille de Noël"),  # Thursday
        (date(2026, 12, 25), "Noël"),  # Friday
        (date(2026, 12, 28), "Lendemain de Noël"),  # 26 is a Saturday: next free weekday
        (date(2026, 12, 31), "Veille du jour de l’An"),  # Thursday
    ],
    2027: [
        (date(2027, 1, 1), "Jour de l’An"),  # Friday
        (date(2027, 1, 4), "Lendemain du jour de l’An"),  # 2 is a Saturday: Monday 4
        (date(2027, 3, 26), "Vendredi saint"),  # Easter is 28 March
        (date(2027, 3, 29), "Lundi de Pâques"),
        (date(2027, 5, 24), "Journée nationale des patriotes"),  # 25 May is a Tuesday
        (date(2027, 6, 24), "Fête nationale du Québec"),  # Thursday
        (date(2027, 7, 1), "Fête du Canada"),  # Thursday
        (date(2027, 9, 6), "Fête du Travail"),  # 1 September is a Wednesday
        (date(2027, 10, 11), "Action de grâces"),  # Mondays of October: 4, 11
        (date(2027, 12, 24), "Veille de Noël"),  # Friday
        (date(2027, 12, 27), "Noël"),  # 25 is a Saturday: following Monday
        (date(2027, 12, 28), "Lendemain de Noël"),  # 26 is a Sunday, Monday 27 taken: Tuesday
        (date(2027, 12, 31), "Veille du jour de l’An"),  # Friday
    ],
    2028: [
        (date(2028, 1, 3), "Jour de l’An"),  # 1 is a Saturday: following Monday
        (date(2028, 1, 4), "Lendemain du jour de l’An"),  # 2 is a Sunday, Monday 3 taken
        (date(2028, 4, 14), "Vendredi saint"),  # Easter is 16 April
        (date(2028, 4, 17), "Lundi de Pâques"),
        (date(2028, 5, 22), "Journée nationale des patriotes"),  # 25 May is a Thursday
        (date(2028, 6, 23), "Fête nationale du Québec"),  # 24 is a Saturday: Friday before
        (date(2028, 6, 30), "Fête du Canada"),  # 1 July is a Saturday: Friday before
        (date(2028, 9, 4), "Fête du Travail"),  # 1 September is a Friday
        (date(2028, 10, 9), "Action de grâces"),  # Mondays of October: 2, 9
        (date(2028, 12, 22), "Veille de Noël"),  # 24 is a Sunday: Friday before
        (date(2028, 12, 25), "Noël"),  # Monday
        (date(2028, 12, 26), "Lendemain de Noël"),  # Tuesday
        (date(2028, 12, 29), "Veille du jour de l’An"),  # 31 is a Sunday: Friday before
    ],
}

# Loi sur les normes du travail art. 60 + Loi sur la fête nationale: 8 days, Good Friday as the
# Easter day, no weekend moves except 24 June and 1 July on a Sunday.
STATUTORY_CLOSURES = {
    2025: [
        (date(2025, 1, 1), "Jour de l’An"),
        (date(2025, 4, 18), "Vendredi saint"),
        (date(2025, 5, 19), "Journée nationale des patriotes"),
        (date(2025, 6, 24), "Fête nationale du Québec"),
        (date(2025, 7, 1), "Fête du Canada"),
        (date(2025, 9, 1), "Fête du Travail"),
        (date(2025, 10, 13), "Action de grâces"),
        (date(2025, 12, 25), "Noël"),
    ],
    2026: [
        (date(2026, 1, 1), "Jour de l’An"),
        (date(2026, 4, 3), "Vendredi saint"),
        (date(2026, 5, 18), "Journée nationale des patriotes"),
        (date(2026, 6, 24), "Fête nationale du Québec"),
        (date(2026, 7, 1), "Fête du Canada"),
        (date(2026, 9, 7), "Fête du Travail"),
        (date(2026, 10, 12), "Action de grâces"),
        (date(2026, 12, 25), "Noël"),
    ],
    2027: [
        (date(2027, 1, 1), "Jour de l’An"),
        (date(2027, 3, 26), "Vendredi saint"),
        (date(2027, 5, 24), "Journée nationale des patriotes"),
        (date(2027, 6, 24), "Fête nationale du Québec"),
        (date(2027, 7, 1), "Fête du Canada"),
        (date(2027, 9, 6), "Fête du Travail"),
        (date(2027, 10, 11), "Action de grâces"),
        (date(2027, 12, 25), "Noël"),  # a Saturday: not moved by the statute
    ],
    2028: [
        (date(2028, 1, 1), "Jour de l’An"),  # a Saturday: not moved
        (date(2028, 4, 14), "Vendredi saint"),
        (date(2028, 5, 22), "Journée nationale des patriotes"),
        (date(2028, 6, 24), "Fête nationale du Québec"),  # a Saturday: only Sunday moves
        (date(2028, 7, 1), "Fête du Canada"),  # a Saturday: only Sunday moves
        (date(2028, 9, 4), "Fête du Travail"),
        (date(2028, 10, 9), "Action de grâces"),
        (date(2028, 12, 25), "Noël"),
    ],
}


def _table_rows(table):
    return [
        pytest.param(year, rows, id=str(year))
        for year, rows in sorted(table.items())
        if rows is not None
    ]


@pytest.fixture(scope="module")
def calendar() -> BusinessCalendar:
    return BusinessCalendar(first_year=2020, last_year=2035)


# -- computed closure days --------------------------------------------------------------------


@pytest.mark.parametrize(("year", "expected"), _table_rows(PUBLIC_SERVICE_CLOSURES))
def test_public_service_calendar_has_the_13_hand_worked_closure_days(year, expected):
    closures = base_closures("quebec-public-service", year)
    assert [(c.day, c.name_fr) for c in closures] == expected
    assert all(c.source is PS for c in closures)
    assert all(c.day.weekday() < 5 for c in closures)


@pytest.mark.parametrize(("year", "expected"), _table_rows(STATUTORY_CLOSURES))
def test_statutory_calendar_has_the_8_hand_worked_holidays(year, expected):
    closures = base_closures("quebec-statutory", year)
    assert [(c.day, c.name_fr) for c in closures] == expected
    assert all(c.source is ST for c in closures)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Every public-service closure of 2026 and 2027, looked up one by one.
        *[(day, True) for day, _ in PUBLIC_SERVICE_CLOSURES[2026]],
        *[(day, True) for day, _ in PUBLIC_SERVICE_CLOSURES[2027]],
        (date(2026, 12, 26), False),  # Saturday: the closure moved to Monday 28
        (date(2026, 12, 29), False),
        (date(2027, 1, 2), False),  # Saturday: moved to Monday 4
        (date(2027, 12, 25), False),  # Saturday: moved to Monday 27
        (date(2027, 12, 26), False),  # Sunday: moved to Tuesday 28
        (date(2026, 11, 11), False),  # Remembrance Day is not a Quebec closure
    ],
)
def test_closure_on_finds_each_closure_day(calendar, day, expected):
    assert (calendar.closure_on(day) is not None) is expected


def test_english_names_of_the_public_service_closures():
    assert [c.name_en for c in base_closures("quebec-public-service", 2026)] == [
        "New Year's Day",
        "Day after New Year's Day",
        "Good Friday",
        "Easter Monday",
        "National Patriots' Day",
        "Fête nationale du Québec (Quebec's National Holiday)",
        "Canada Day",
        "Labour Day",
        "Thanksgiving Day",
        "Christmas Eve",
        "Christmas Day",
        "Day after Christmas",
        "New Year's Eve",
    ]


def test_fete_nationale_and_canada_day_on_a_sunday_move_to_monday_in_both_bases():
    # 2029: 24 June and 1 July are Sundays.
    public_service = {c.day: c.name_fr for c in base_closures("quebec-public-service", 2029)}
    statutory = {c.day: c.name_fr for c in base_closures("quebec-statutory", 2029)}
    for days in (public_service, statutory):
        assert days[date(2029, 6, 25)] == "Fête nationale du Québec"
        assert days[date(2029, 7, 2)] == "Fête du Canada"
        assert date(2029, 6, 24) not in days
        assert date(2029, 7, 1) not in days


def test_new_year_on_a_sunday_pushes_the_day_after_to_tuesday():
    # 1 January 2023 is a Sunday: Jour de l’An on Monday 2, its lendemain on Tuesday 3.
    closures = {c.name_fr: c.day for c in base_closures("quebec-public-service", 2023)}
    assert closures["Jour de l’An"] == date(2023, 1, 2)
    assert closures["Lendemain du jour de l’An"] == date(2023, 1, 3)


def test_christmas_on_a_sunday_takes_monday_and_pushes_the_day_after_to_tuesday():
    # 2022: 24 and 31 December are Saturdays, 25 a Sunday.
    closures = {c.name_fr: c.day for c in base_closures("quebec-public-service", 2022)}
    assert closures["Veille de Noël"] == date(2022, 12, 23)
    assert closures["Noël"] == date(2022, 12, 26)
    assert closures["Lendemain de Noël"] == date(2022, 12, 27)
    assert closures["Veille du jour de l’An"] == date(2022, 12, 30)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2028, date(2028, 4, 16)),
        (2038, date(2038, 4, 25)),  # latest possible date
        (2285, date(2285, 3, 22)),  # earliest possible date
    ],
)
def test_easter_sunday_matches_the_published_dates(year, expected):
    assert easter_sunday(year) == expected


def test_easter_sunday_agrees_with_dateutil_over_four_centuries():
    dateutil_easter = pytest.importorskip("dateutil.easter")
    for year in range(1900, 2300):
        assert easter_sunday(year) == dateutil_easter.easter(year)


def test_statutory_days_are_those_of_the_holidays_package_without_its_observed_moves():
    holidays = pytest.importorskip("holidays")
    # From 2003, when the Monday before 25 May became the Journée nationale des patriotes.
    for year in range(2003, 2101):
        package = holidays.country_holidays("CA", subdiv="QC", years=year, language="fr")
        ours = {c.day for c in base_closures("quebec-statutory", year)}
        assert ours <= set(package), year
        for day, name in package.items():
            if "(observé)" in name:
                # The package's own weekend moves: only 25 June and 2 July are in the statutes.
                assert (day in ours) == ((day.month, day.day) in {(6, 25), (7, 2)}), (day, name)
            else:
                # A day moved from a Sunday is listed on the Monday.
                assert day in ours or (
                    day.weekday() == 6 and date.fromordinal(day.toordinal() + 1) in ours
                ), (day, name)


def test_unknown_base_is_rejected():
    assert BASES == ("quebec-public-service", "quebec-statutory")
    with pytest.raises(UnknownCalendarBase, match="quebec-federal"):
        base_closures("quebec-federal", 2026)
    with pytest.raises(ValueError, match="unknown calendar base"):
        BusinessCalendar(base="quebec-federal")


def test_statutory_calendar_counts_26_december_as_a_business_day():
    calendar = BusinessCalendar(base="quebec-statutory", first_year=2025, last_year=2026)
    assert calendar.is_business_day(date(2025, 12, 26))
    assert calendar.is_business_day(date(2025, 12, 24))
    assert not calendar.is_business_day(date(2025, 12, 25))
    assert calendar.closures_between(date(2025, 12, 19), date(2026, 1, 5)) == [
        Closure(date(2025, 12, 25), "Noël", "Christmas Day", ST),
        Closure(date(2026, 1, 1), "Jour de l’An", "New Year's Day", ST),
    ]


def test_statutory_holiday_on_a_saturday_is_listed_but_skipped_by_closures_between():
    calendar = BusinessCalendar(base="quebec-statutory", first_year=2027, last_year=2028)
    assert calendar.closure_on(date(2028, 1, 1)).name_fr == "Jour de l’An"
    assert calendar.closures_between(date(2027, 12, 20), date(2028, 1, 7)) == []


# -- configured closures ----------------------------------------------------------------------


def test_added_closure_becomes_a_non_business_day(calendar):
    office_closure = Closure(date(2026, 12, 29), "Fermeture des bureaux", "Office closure", ORG)
    configured = BusinessCalendar(first_year=2020, last_year=2035, added=[office_closure])
    assert calendar.is_business_day(date(2026, 12, 29))
    assert not configured.is_business_day(date(2026, 12, 29))
    assert configured.closure_on(date(2026, 12, 29)) is office_closure
    assert len(configured.closures(2026)) == 14
    assert configured.closures(2026)[-2] == office_closure


def test_added_closure_overrides_the_name_and_source_of_a_computed_day():
    decree = Closure(
        date(2026, 12, 24), "Veille de Noël (décret 2026)", "Christmas Eve (decree)", ORG
    )
    calendar = BusinessCalendar(first_year=2026, last_year=2026, added=[decree])
    assert calendar.closure_on(date(2026, 12, 24)) == decree
    assert len(calendar.closures(2026)) == 13


def test_removed_closure_becomes_a_business_day():
    calendar = BusinessCalendar(first_year=2026, last_year=2027, removed=[date(2026, 12, 31)])
    assert calendar.is_business_day(date(2026, 12, 31))
    assert calendar.closure_on(date(2026, 12, 31)) is None
    assert len(calendar.closures(2026)) == 12
    # Wed 23 Dec 2026 + 3 business days: 29, 30, 31 (now open).
    assert calendar.add_business_days(date(2026, 12, 23), 3) == date(2026, 12, 31)


def test_removing_an_added_closure_drops_it():
    extra = Closure(date(2026, 3, 2), "Tempête", "Storm", ORG)
    calendar = BusinessCalendar(
        first_year=2026, last_year=2026, added=[extra], removed=[date(2026, 3, 2)]
    )
    assert calendar.is_business_day(date(2026, 3, 2))


def test_removing_a_day_that_is_not_a_closure_is_rejected():
    with pytest.raises(ValueError, match="2026-12-30"):
        BusinessCalendar(removed=[date(2026, 12, 30)])


def test_two_added_closures_on_one_day_are_rejected():
    first = Closure(date(2026, 3, 2), "Tempête", "Storm", ORG)
    second = Closure(date(2026, 3, 2), "Panne", "Power outage", ORG)
    with pytest.raises(ValueError, match="two added closures"):
        BusinessCalendar(added=[first, second])


def test_closure_source_accepts_its_string_value_and_names_are_required():
    closure = Closure(date(2026, 3, 2), "Tempête", "Storm", "organization")
    assert closure.source is ORG
    assert closure.as_dict() == {
        "date": "2026-03-02",
        "name_fr": "Tempête",
        "name_en": "Storm",
        "source": "organization",
    }
    with pytest.raises(ValueError):
        Closure(date(2026, 3, 2), " ", "Storm", ORG)
    with pytest.raises(TypeError):
        Closure(datetime(2026, 3, 2, 12), "Tempête", "Storm", ORG)


# -- version ----------------------------------------------------------------------------------


def test_version_is_stable_for_the_same_configuration():
    first = BusinessCalendar(first_year=2024, last_year=2030)
    second = BusinessCalendar(first_year=2024, last_year=2030)
    assert first.version == second.version
    assert len(first.version) == 12
    assert int(first.version, 16) >= 0


def test_version_changes_when_any_closure_changes():
    default = BusinessCalendar(first_year=2024, last_year=2030).version
    added = BusinessCalendar(
        first_year=2024,
        last_year=2030,
        added=[Closure(date(2026, 12, 29), "Fermeture", "Closure", ORG)],
    ).version
    renamed = BusinessCalendar(
        first_year=2024,
        last_year=2030,
        added=[Closure(date(2026, 12, 24), "Veille de Noël (décret)", "Christmas Eve", ORG)],
    ).version
    removed = BusinessCalendar(
        first_year=2024, last_year=2030, removed=[date(2026, 12, 31)]
    ).version
    statutory = BusinessCalendar(base="quebec-statutory", first_year=2024, last_year=2030).version
    assert len({default, added, renamed, removed, statutory}) == 5


def test_re_adding_a_computed_day_unchanged_keeps_the_version():
    same = Closure(date(2026, 12, 24), "Veille de Noël", "Christmas Eve", PS)
    default = BusinessCalendar(first_year=2024, last_year=2030)
    assert BusinessCalendar(first_year=2024, last_year=2030, added=[same]).version == (
        default.version
    )


# -- business-day arithmetic ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 9), True),  # Friday
        (date(2026, 1, 10), False),  # Saturday
        (date(2026, 1, 11), False),  # Sunday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),
        (date(2028, 2, 29), True),  # leap day, a Tuesday
        (date(2028, 6, 23), False),  # Fête nationale taken on Friday
        (date(2028, 6, 26), True),
    ],
)
def test_is_business_day(calendar, day, expected):
    assert calendar.is_business_day(day) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 12, 19), 10, date(2026, 1, 12)),  # Friday before the year-end closures
        (date(2025, 12, 19), 1, date(2025, 12, 22)),
        (date(2025, 12, 23), 1, date(2025, 12, 29)),  # 24, 25, 26 closed
        (date(2025, 12, 30), 1, date(2026, 1, 5)),  # 31, 1 and 2 closed
        (date(2026, 12, 23), 10, date(2027, 1, 14)),
        (date(2027, 12, 23), 10, date(2028, 1, 14)),
        (date(2028, 12, 21), 10, date(2029, 1, 12)),
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # Easter: Friday and Monday closed
        (date(2026, 1, 10), 10, date(2026, 1, 23)),  # Saturday receipt
        (date(2026, 1, 11), 10, date(2026, 1, 23)),  # Sunday receipt
        (date(2026, 1, 9), 10, date(2026, 1, 23)),  # Friday receipt
        (date(2026, 1, 12), 10, date(2026, 1, 26)),  # Monday receipt
        (date(2028, 2, 28), 1, date(2028, 2, 29)),
        (date(2028, 2, 29), 10, date(2028, 3, 14)),
        (date(2026, 1, 12), 20, date(2026, 2, 9)),
        (date(2026, 1, 9), 0, date(2026, 1, 9)),  # n = 0: a business day stays
        (date(2026, 1, 10), 0, date(2026, 1, 12)),  # n = 0: a Saturday rolls to Monday
        (date(2025, 12, 24), 0, date(2025, 12, 29)),  # n = 0: a closure rolls forward
    ],
)
def test_add_business_days(calendar, start, n, expected):
    assert calendar.add_business_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 1, 12), 10, date(2025, 12, 19)),  # undoes the 19 December example
        (date(2026, 1, 5), 1, date(2025, 12, 30)),
        (date(2026, 1, 10), 1, date(2026, 1, 9)),  # Saturday: Friday is 1 back
        (date(2026, 4, 7), 1, date(2026, 4, 2)),
        (date(2026, 1, 9), 0, date(2026, 1, 9)),
        (date(2026, 1, 11), 0, date(2026, 1, 9)),  # n = 0: rolls backward
    ],
)
def test_subtract_business_days(calendar, start, n, expected):
    assert calendar.subtract_business_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 12, 19), date(2026, 1, 12), 10),
        (date(2026, 1, 12), date(2025, 12, 19), -10),
        (date(2026, 1, 9), date(2026, 1, 11), 0),  # Friday to Sunday
        (date(2026, 1, 9), date(2026, 1, 9), 0),
        (date(2026, 1, 10), date(2026, 1, 12), 1),
        (date(2025, 12, 23), date(2025, 12, 28), 0),  # 24-26 closed, 27-28 weekend
    ],
)
def test_business_days_between(calendar, start, end, expected):
    assert calendar.business_days_between(start, end) == expected


def test_next_business_day_and_roll_forward(calendar):
    assert calendar.next_business_day(date(2025, 12, 23)) == date(2025, 12, 29)
    assert calendar.next_business_day(date(2025, 12, 22)) == date(2025, 12, 23)
    assert calendar.roll_forward(date(2025, 12, 22)) == date(2025, 12, 22)
    assert calendar.roll_forward(date(2025, 12, 31)) == date(2026, 1, 5)
    assert calendar.roll_backward(date(2026, 1, 2)) == date(2025, 12, 30)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 12, 2), 30, date(2027, 1, 5)),  # ends Fri 1 Jan (closed), Mon 4 (closed)
        (date(2026, 12, 4), 30, date(2027, 1, 5)),  # ends Sun 3 Jan
        (date(2026, 6, 1), 30, date(2026, 7, 2)),  # ends on Fête du Canada (Wednesday)
        (date(2026, 6, 2), 30, date(2026, 7, 2)),  # ends on a business day: unchanged
        (date(2028, 2, 28), 1, date(2028, 2, 29)),
        (date(2028, 2, 28), 30, date(2028, 3, 29)),  # 29 days in February 2028
        (date(2026, 1, 10), 0, date(2026, 1, 12)),
    ],
)
def test_add_calendar_days_rolls_forward_to_a_business_day(calendar, start, n, expected):
    assert calendar.add_calendar_days(start, n) == expected


def test_closures_between_lists_the_skipped_weekday_closures(calendar):
    skipped = calendar.closures_between(date(2026, 12, 23), date(2027, 1, 14))
    assert [c.day for c in skipped] == [
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 4),
    ]
    # The start day itself is day 0 and is never "skipped".
    assert [c.day for c in calendar.closures_between(date(2025, 12, 24), date(2025, 12, 26))] == [
        date(2025, 12, 25),
        date(2025, 12, 26),
    ]
    assert calendar.closures_between(date(2026, 1, 12), date(2025, 12, 19)) == []


# -- range and argument checks ----------------------------------------------------------------


def test_dates_outside_the_calendar_range_are_rejected():
    calendar = BusinessCalendar(first_year=2020, last_year=2030)
    with pytest.raises(ValueError, match="outside the calendar's range 2020"):
        calendar.is_business_day(date(2031, 1, 2))
    with pytest.raises(ValueError, match="outside"):
        calendar.add_business_days(date(2019, 12, 31), 1)
    with pytest.raises(ValueError, match="past the calendar's last year 2030"):
        calendar.add_business_days(date(2030, 12, 20), 10)
    with pytest.raises(ValueError, match="past the calendar's last year"):
        calendar.add_calendar_days(date(2030, 12, 20), 30)
    with pytest.raises(ValueError, match="before the calendar's first year"):
        calendar.subtract_business_days(date(2020, 1, 6), 10)
    with pytest.raises(ValueError, match="outside"):
        calendar.closures(2031)
    with pytest.raises(ValueError, match="outside"):
        BusinessCalendar(
            first_year=2020,
            last_year=2030,
            added=[Closure(date(2031, 1, 6), "Fermeture", "Closure", ORG)],
        )


def test_invalid_arguments_are_rejected(calendar):
    with pytest.raises(ValueError, match=">= 0"):
        calendar.add_business_days(date(2026, 1, 5), -1)
    with pytest.raises(TypeError, match="expected a date"):
        calendar.is_business_day(datetime(2026, 1, 5, 12))
    with pytest.raises(ValueError, match="first_year"):
        BusinessCalendar(first_year=2030, last_year=2020)


def test_closures_of_a_year_are_a_fresh_list(calendar):
    closures = calendar.closures(2026)
    closures.clear()
    assert len(calendar.closures(2026)) == 13
