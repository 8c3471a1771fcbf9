"""Acknowledgment and answer deadlines, worked out by hand from DESIGN.md section 2.3.

Day 0 is the Montreal local date of receipt and is not counted; N business days are counted
forward from it. Every expected date was counted on a printed calendar, day by day, with the
public-service closures of tests/workflows/test_calendar.py.
"""

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from workflows.calendar import BusinessCalendar, Closure, ClosureSource
from workflows.deadlines import (
    DEFAULT_POLICIES,
    MONTREAL,
    CaseKind,
    DayUnit,
    DeadlineState,
    DeadlineStatus,
    Delay,
    Extension,
    KindPolicy,
    Pause,
    answer_due,
    deadline_status,
    due_date,
    due_dates,
    explain_due,
    receipt_date,
)

TEN = Delay(10)
TWENTY = Delay(20)
THIRTY_CALENDAR = Delay(30, DayUnit.CALENDAR)


@pytest.fixture(scope="module")
def calendar() -> BusinessCalendar:
    return BusinessCalendar(first_year=2020, last_year=2035)


def montreal(year, month, day, hour=10, minute=0, **kwargs) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MONTREAL, **kwargs)


def utc(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# -- the worked example -----------------------------------------------------------------------


def test_request_received_friday_before_holidays_is_due_12_january(calendar):
    received_at = montreal(2025, 12, 19, 14, 5)
    assert due_date(calendar, received_at=received_at, delay=TEN) == date(2026, 1, 12)

    explanation = explain_due(calendar, received_at=received_at, delay=TEN)
    assert explanation.received_on == date(2025, 12, 19)
    assert explanation.base_due_on == date(2026, 1, 12)
    assert explanation.due_on == date(2026, 1, 12)
    assert explanation.calendar_version == calendar.version
    assert [(c.day, c.name_fr) for c in explanation.closures_skipped] == [
        (date(2025, 12, 24), "Veille de Noël"),
        (date(2025, 12, 25), "Noël"),
        (date(2025, 12, 26), "Lendemain de Noël"),
        (date(2025, 12, 31), "Veille du jour de l’An"),
        (date(2026, 1, 1), "Jour de l’An"),
        (date(2026, 1, 2), "Lendemain du jour de l’An"),
    ]
    assert explanation.paused_business_days == 0
    assert explanation.rolled_forward_from is None


def test_explanation_is_json_ready(calendar):
    explanation = explain_due(
        calendar,
        received_at=montreal(2025, 12, 19),
        delay=TEN,
        pauses=[Pause(date(2025, 12, 22), date(2025, 12, 23)), Pause(date(2026, 1, 6))],
        extensions=[Extension(5, "Dossier complexe")],
    )
    data = json.loads(json.dumps(explanation.as_dict()))
    assert data["received_on"] == "2025-12-19"
    assert data["delay"] == {"days": 10, "unit": "business"}
    assert data["calendar_version"] == calendar.version
    assert data["closures_skipped"][0] == {
        "date": "2025-12-24",
        "name_fr": "Veille de Noël",
        "name_en": "Christmas Eve",
        "source": "public_service",
    }
    assert data["base_due_on"] == "2026-01-12"
    # Pause (22, 23]: 1 business day -> 13 January; + 5 business days -> 20 January.
    assert data["paused_business_days"] == 1
    assert data["pauses"] == [
        {"start": "2025-12-22", "end": "2025-12-23"},
        {"start": "2026-01-06", "end": None},
    ]
    assert data["extensions"] == [{"days": 5, "reason": "Dossier complexe", "unit": "business"}]
    assert data["due_on"] == "2026-01-20"
    assert data["rolled_forward_from"] is None


# -- hand-worked due dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_at", "delay", "expected"),
    [
        # Just before the year-end closures.
        pytest.param(montreal(2025, 12, 23), TEN, date(2026, 1, 14), id="2025-tue-23-dec"),
        pytest.param(montreal(2026, 12, 23), TEN, date(2027, 1, 14), id="2026-wed-23-dec"),
        pytest.param(montreal(2027, 12, 23), TEN, date(2028, 1, 14), id="2027-thu-23-dec"),
        pytest.param(montreal(2028, 12, 21), TEN, date(2029, 1, 12), id="2028-thu-21-dec"),
        pytest.param(montreal(2025, 12, 19), TWENTY, date(2026, 1, 26), id="2025-answer"),
        # Easter.
        pytest.param(montreal(2026, 4, 2), TEN, date(2026, 4, 20), id="easter-2026-thu"),
        pytest.param(montreal(2026, 4, 3), TEN, date(2026, 4, 20), id="on-good-friday-2026"),
        pytest.param(montreal(2027, 3, 25), Delay(5), date(2027, 4, 5), id="easter-2027"),
        # Weekend receipts: day 0 is the Saturday or Sunday, Monday is day 1.
        pytest.param(montreal(2026, 1, 9), TEN, date(2026, 1, 23), id="friday"),
        pytest.param(montreal(2026, 1, 10), TEN, date(2026, 1, 23), id="saturday"),
        pytest.param(montreal(2026, 1, 11), TEN, date(2026, 1, 23), id="sunday"),
        pytest.param(montreal(2026, 1, 12), TEN, date(2026, 1, 26), id="monday"),
        # Summer holidays of 2028 taken on Fridays (24 June and 1 July are Saturdays).
        pytest.param(montreal(2028, 6, 22), Delay(1), date(2028, 6, 26), id="fete-nat-2028"),
        pytest.param(montreal(2028, 6, 22), Delay(5), date(2028, 7, 3), id="two-fridays-2028"),
        # 29 February 2028.
        pytest.param(montreal(2028, 2, 29, 15), TEN, date(2028, 3, 14), id="leap-day"),
        pytest.param(montreal(2028, 2, 28), Delay(1), date(2028, 2, 29), id="to-leap-day"),
        # Delay of 0 business days: the day itself, or the next business day.
        pytest.param(montreal(2026, 1, 9), Delay(0), date(2026, 1, 9), id="zero-friday"),
        pytest.param(montreal(2026, 1, 10), Delay(0), date(2026, 1, 12), id="zero-saturday"),
    ],
)
def test_due_dates_worked_by_hand(calendar, received_at, delay, expected):
    assert due_date(calendar, received_at=received_at, delay=delay) == expected
    assert explain_due(calendar, received_at=received_at, delay=delay).due_on == expected


def test_year_end_2026_skips_six_closure_days(calendar):
    explanation = explain_due(calendar, received_at=montreal(2026, 12, 23), delay=TEN)
    assert [c.day for c in explanation.closures_skipped] == [
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 4),
    ]


def test_closures_skipped_leave_out_weekends_and_the_day_of_receipt(calendar):
    # Received on Christmas Day 2025: day 0 is a closure but is not "skipped".
    explanation = explain_due(calendar, received_at=montreal(2025, 12, 25), delay=Delay(1))
    assert explanation.due_on == date(2025, 12, 29)
    assert [c.day for c in explanation.closures_skipped] == [date(2025, 12, 26)]


# -- day of receipt in Montreal time ----------------------------------------------------------


def test_request_received_thursday_2230_in_montreal_counts_from_thursday(calendar):
    received_at = utc(2025, 12, 19, 3, 30)  # Thursday 18 December, 22:30 EST
    assert receipt_date(received_at) == date(2025, 12, 18)
    # Fri 19 (1), Mon 22 (2), Tue 23 (3), Mon 29 (4), Tue 30 (5), Jan 5-9 (6-10).
    assert due_date(calendar, received_at=received_at, delay=TEN) == date(2026, 1, 9)
    # Counting from the UTC date (Friday) would have given Monday 12 January.
    assert due_date(calendar, received_at=received_at, delay=TEN, tz=UTC) == date(2026, 1, 12)


def test_request_received_at_2330_on_31_december_belongs_to_that_year(calendar):
    received_at = utc(2026, 1, 1, 4, 30)  # Wednesday 31 December 2025, 23:30 EST
    assert receipt_date(received_at) == date(2025, 12, 31)
    assert receipt_date(received_at).year == 2025
    # 1 and 2 January closed, then Mon 5 (1) ... Fri 16 (10).
    assert due_date(calendar, received_at=received_at, delay=TEN) == date(2026, 1, 16)
    received_at = utc(2027, 1, 1, 4, 30)  # Thursday 31 December 2026, 23:30 EST
    assert receipt_date(received_at) == date(2026, 12, 31)
    # Fri 1 Jan and Mon 4 Jan closed, then Tue 5 (1) ... Mon 18 (10).
    assert due_date(calendar, received_at=received_at, delay=TEN) == date(2027, 1, 18)


@pytest.mark.parametrize(
    ("received_at", "received_on", "expected"),
    [
        # 8 March 2026: clocks go from 02:00 EST to 03:00 EDT.
        pytest.param(utc(2026, 3, 8, 3, 30), date(2026, 3, 7), date(2026, 3, 20), id="sat-2230"),
        pytest.param(utc(2026, 3, 8, 6, 59), date(2026, 3, 8), date(2026, 3, 20), id="0159-est"),
        pytest.param(utc(2026, 3, 8, 7, 0), date(2026, 3, 8), date(2026, 3, 20), id="0300-edt"),
        # Sunday 23:30 EDT is already Monday in UTC; counting from Monday would give 23 March.
        pytest.param(utc(2026, 3, 9, 3, 30), date(2026, 3, 8), date(2026, 3, 20), id="sun-2330"),
        pytest.param(utc(2026, 3, 9, 4, 0), date(2026, 3, 9), date(2026, 3, 23), id="mon-0000"),
        # 1 November 2026: clocks go back from 02:00 EDT to 01:00 EST.
        pytest.param(utc(2026, 11, 1, 5, 30), date(2026, 11, 1), date(2026, 11, 13), id="0130a"),
        pytest.param(utc(2026, 11, 1, 6, 30), date(2026, 11, 1), date(2026, 11, 13), id="0130b"),
        # Sunday 23:30 EST is already Monday in UTC; counting from Monday would give 16 Nov.
        pytest.param(utc(2026, 11, 2, 4, 30), date(2026, 11, 1), date(2026, 11, 13), id="2330"),
        pytest.param(utc(2026, 11, 2, 5, 0), date(2026, 11, 2), date(2026, 11, 16), id="mon"),
    ],
)
def test_receipts_on_daylight_saving_weekends_use_the_montreal_date(
    calendar, received_at, received_on, expected
):
    assert receipt_date(received_at) == received_on
    assert due_date(calendar, received_at=received_at, delay=TEN) == expected


def test_ambiguous_hour_of_the_fall_back_is_still_sunday(calendar):
    for fold in (0, 1):
        received_at = montreal(2026, 11, 1, 1, 30, fold=fold)
        assert receipt_date(received_at) == date(2026, 11, 1)
        assert due_date(calendar, received_at=received_at, delay=TEN) == date(2026, 11, 13)


def test_receipt_at_2230_montreal_on_leap_day_eve(calendar):
    received_at = utc(2028, 2, 29, 4, 30)  # Monday 28 February 2028, 23:30 EST
    assert receipt_date(received_at) == date(2028, 2, 28)
    # Tue 29 Feb (1), Wed 1 Mar (2) ... Mon 13 Mar (10).
    assert due_date(calendar, received_at=received_at, delay=TEN) == date(2028, 3, 13)


def test_naive_datetime_is_rejected(calendar):
    naive = datetime(2026, 1, 12, 10, 0)
    with pytest.raises(ValueError, match="received_at must be timezone-aware"):
        receipt_date(naive)
    with pytest.raises(ValueError, match="received_at must be timezone-aware"):
        due_date(calendar, received_at=naive, delay=TEN)
    with pytest.raises(ValueError, match="received_at must be timezone-aware"):
        explain_due(calendar, received_at=naive, delay=TEN)
    with pytest.raises(ValueError, match="received_at must be timezone-aware"):
        answer_due(calendar, received_at=naive, delay=TWENTY)


def test_receipts_outside_the_calendar_range_are_rejected():
    calendar = BusinessCalendar(first_year=2020, last_year=2030)
    with pytest.raises(ValueError, match="outside the calendar's range"):
        due_date(calendar, received_at=montreal(2019, 12, 31), delay=TEN)
    with pytest.raises(ValueError, match="past the calendar's last year 2030"):
        due_date(calendar, received_at=montreal(2030, 12, 20), delay=TEN)
    with pytest.raises(ValueError, match="past the calendar's last year 2030"):
        due_date(calendar, received_at=montreal(2030, 12, 20), delay=THIRTY_CALENDAR)
    with pytest.raises(ValueError, match="outside the calendar's range"):
        due_dates(calendar, received_on=[date(2026, 1, 5), date(2031, 1, 6)], delay=TEN)
    with pytest.raises(ValueError, match="past the calendar's last year"):
        due_dates(calendar, received_on=[date(2030, 12, 20)], delay=TEN)


# -- calendar-day delays ----------------------------------------------------------------------


def test_calendar_day_delay_ending_on_a_closure_rolls_forward(calendar):
    received_at = montreal(2026, 12, 2)
    explanation = explain_due(calendar, received_at=received_at, delay=THIRTY_CALENDAR)
    # 2 December + 30 days = Friday 1 January 2027 (closed); Monday 4 is closed too.
    assert explanation.rolled_forward_from == date(2027, 1, 1)
    assert explanation.base_due_on == date(2027, 1, 5)
    assert explanation.due_on == date(2027, 1, 5)
    assert due_date(calendar, received_at=received_at, delay=THIRTY_CALENDAR) == date(2027, 1, 5)


def test_calendar_day_delay_ending_on_a_sunday_rolls_to_the_next_business_day(calendar):
    received_at = montreal(2026, 12, 4)  # + 30 days = Sunday 3 January 2027
    assert due_date(calendar, received_at=received_at, delay=THIRTY_CALENDAR) == date(2027, 1, 5)


def test_calendar_day_delay_ending_on_a_business_day_is_not_moved(calendar):
    explanation = explain_due(calendar, received_at=montreal(2026, 6, 2), delay=THIRTY_CALENDAR)
    assert explanation.due_on == date(2026, 7, 2)
    assert explanation.rolled_forward_from is None


def test_calendar_day_delay_ending_on_canada_day_rolls_to_2_july(calendar):
    explanation = explain_due(calendar, received_at=montreal(2026, 6, 1), delay=THIRTY_CALENDAR)
    assert explanation.rolled_forward_from == date(2026, 7, 1)
    assert explanation.due_on == date(2026, 7, 2)


# -- configured closures ----------------------------------------------------------------------


def test_office_closure_added_on_the_due_date_pushes_it_one_day():
    closure = Closure(date(2026, 1, 12), "Fermeture", "Office closure", ClosureSource.ORGANIZATION)
    calendar = BusinessCalendar(first_year=2025, last_year=2027, added=[closure])
    received_at = montreal(2025, 12, 19)
    assert due_date(calendar, received_at=received_at, delay=TEN) == date(2026, 1, 13)
    explanation = explain_due(calendar, received_at=received_at, delay=TEN)
    assert explanation.closures_skipped[-1] == closure


def test_removing_31_december_brings_the_due_date_forward():
    calendar = BusinessCalendar(first_year=2025, last_year=2027, removed=[date(2025, 12, 31)])
    # 22 (1), 23 (2), 29 (3), 30 (4), 31 (5), 5-9 January (6-10).
    assert due_date(calendar, received_at=montreal(2025, 12, 19), delay=TEN) == date(2026, 1, 9)


def test_statutory_calendar_keeps_24_26_and_31_december_open():
    calendar = BusinessCalendar(base="quebec-statutory", first_year=2025, last_year=2027)
    # 22 (1), 23 (2), 24 (3), 26 (4), 29 (5), 30 (6), 31 (7), 2 Jan (8), 5 (9), 6 (10).
    assert due_date(calendar, received_at=montreal(2025, 12, 19), delay=TEN) == date(2026, 1, 6)


# -- pauses and extensions --------------------------------------------------------------------

RECEIVED_12_JANUARY = montreal(2026, 1, 12)  # answer (20 business days) due Monday 9 February


@pytest.mark.parametrize(
    ("pauses", "paused", "expected"),
    [
        pytest.param([], 0, date(2026, 2, 9), id="no-pause"),
        # (20, 27]: 21, 22, 23, 26, 27.
        pytest.param([Pause(date(2026, 1, 20), date(2026, 1, 27))], 5, date(2026, 2, 16), id="5"),
        # A pause still open does not count until it ends.
        pytest.param([Pause(date(2026, 1, 20))], 0, date(2026, 2, 9), id="open"),
        # Resumed the same day: no business day spent waiting.
        pytest.param([Pause(date(2026, 1, 20), date(2026, 1, 20))], 0, date(2026, 2, 9), id="0"),
        # Over a weekend only: (Fri 23, Sun 25] has no business day.
        pytest.param([Pause(date(2026, 1, 23), date(2026, 1, 25))], 0, date(2026, 2, 9), id="wk"),
        # Two pauses: 5 + (3 Feb, 5 Feb] = 4, 5 -> 7 business days -> Wednesday 18 February.
        pytest.param(
            [
                Pause(date(2026, 1, 20), date(2026, 1, 27)),
                Pause(date(2026, 2, 3), date(2026, 2, 5)),
            ],
            7,
            date(2026, 2, 18),
            id="two",
        ),
        # Overlapping pauses count each waiting day once: (20, 29] = 7 business days.
        pytest.param(
            [
                Pause(date(2026, 1, 23), date(2026, 1, 29)),
                Pause(date(2026, 1, 20), date(2026, 1, 27)),
            ],
            7,
            date(2026, 2, 18),
            id="overlap",
        ),
    ],
)
def test_pauses_push_the_answer_by_the_business_days_spent_waiting(
    calendar, pauses, paused, expected
):
    explanation = explain_due(
        calendar, received_at=RECEIVED_12_JANUARY, delay=TWENTY, pauses=pauses
    )
    assert explanation.base_due_on == date(2026, 2, 9)
    assert explanation.paused_business_days == paused
    assert explanation.due_on == expected
    assert explanation.pauses == tuple(pauses)
    assert answer_due(calendar, received_at=RECEIVED_12_JANUARY, delay=TWENTY, pauses=pauses) == (
        expected
    )


def test_pause_over_the_holidays_counts_only_business_days(calendar):
    # Received Monday 1 December 2025: answer due Tuesday 6 January 2026.
    received_at = montreal(2025, 12, 1)
    assert answer_due(calendar, received_at=received_at, delay=TWENTY) == date(2026, 1, 6)
    # Waiting (19 Dec, 5 Jan]: 22, 23, 29, 30 December and 5 January = 5 business days.
    explanation = explain_due(
        calendar,
        received_at=received_at,
        delay=TWENTY,
        pauses=[Pause(date(2025, 12, 19), date(2026, 1, 5))],
    )
    assert explanation.paused_business_days == 5
    assert explanation.due_on == date(2026, 1, 13)


def test_extensions_are_added_after_pauses(calendar):
    explanation = explain_due(
        calendar,
        received_at=RECEIVED_12_JANUARY,
        delay=TWENTY,
        pauses=[Pause(date(2026, 1, 20), date(2026, 1, 27))],
        extensions=[Extension(10, "Analyse technique requise")],
    )
    # 16 February + 10 business days: 17-20 (4), 23-27 (9), Monday 2 March (10).
    assert explanation.due_on == date(2026, 3, 2)
    assert explanation.extensions == (Extension(10, "Analyse technique requise"),)


def test_calendar_day_extension_rolls_forward(calendar):
    due_on = answer_due(
        calendar,
        received_at=RECEIVED_12_JANUARY,
        delay=TWENTY,
        extensions=[Extension(30, "Consultation d'un tiers", DayUnit.CALENDAR)],
    )
    # 9 February + 30 days = Wednesday 11 March 2026.
    assert due_on == date(2026, 3, 11)
    due_on = answer_due(
        calendar,
        received_at=montreal(2025, 11, 12),
        delay=TWENTY,
        extensions=[Extension(20, "Consultation d'un tiers", "calendar")],
    )
    # Received Wed 12 Nov 2025, 20 business days: due Wed 10 Dec; + 20 days = Tue 30 Dec 2025.
    assert due_on == date(2025, 12, 30)


def test_several_extensions_add_up(calendar):
    due_on = answer_due(
        calendar,
        received_at=RECEIVED_12_JANUARY,
        delay=TWENTY,
        extensions=[Extension(5, "Première prolongation"), Extension(5, "Deuxième prolongation")],
    )
    # 9 February + 10 business days: Monday 23 February.
    assert due_on == date(2026, 2, 23)


def test_invalid_pauses_extensions_and_delays_are_rejected():
    with pytest.raises(ValueError, match="before it starts"):
        Pause(date(2026, 1, 27), date(2026, 1, 20))
    with pytest.raises(ValueError, match="reason"):
        Extension(10, "  ")
    with pytest.raises(ValueError, match=">= 0"):
        Extension(-1, "Erreur")
    with pytest.raises(ValueError, match=">= 0"):
        Delay(-1)
    with pytest.raises(ValueError):
        Delay(10, "fortnights")
    assert Delay(10, "calendar").unit is DayUnit.CALENDAR


# -- policies ---------------------------------------------------------------------------------


def test_every_case_kind_defaults_to_10_and_20_business_days():
    assert set(DEFAULT_POLICIES) == set(CaseKind)
    for policy in DEFAULT_POLICIES.values():
        assert policy == KindPolicy(Delay(10, DayUnit.BUSINESS), Delay(20, DayUnit.BUSINESS))
    with pytest.raises(TypeError):
        DEFAULT_POLICIES[CaseKind.COMMENT] = KindPolicy()  # type: ignore[index]


# -- batch recomputation ----------------------------------------------------------------------


def test_due_dates_batch_matches_one_by_one(calendar):
    received_on = [
        date(2025, 12, 19),
        date(2026, 1, 10),
        date(2026, 4, 3),
        date(2028, 2, 29),
        date(2027, 12, 23),
    ]
    assert due_dates(calendar, received_on=received_on, delay=TEN) == [
        date(2026, 1, 12),
        date(2026, 1, 23),
        date(2026, 4, 20),
        date(2028, 3, 14),
        date(2028, 1, 14),
    ]
    assert due_dates(calendar, received_on=received_on, delay=Delay(0)) == [
        date(2025, 12, 19),
        date(2026, 1, 12),
        date(2026, 4, 7),
        date(2028, 2, 29),
        date(2027, 12, 23),
    ]
    assert due_dates(calendar, received_on=[date(2026, 12, 2)], delay=THIRTY_CALENDAR) == [
        date(2027, 1, 5)
    ]
    assert due_dates(calendar, received_on=[], delay=TEN) == []


# -- deadline status --------------------------------------------------------------------------

DUE_12_JANUARY = date(2026, 1, 12)


@pytest.mark.parametrize(
    ("due_on", "today", "expected"),
    [
        pytest.param(DUE_12_JANUARY, date(2026, 1, 5), (DeadlineState.ON_TRACK, 5), id="5-left"),
        pytest.param(DUE_12_JANUARY, date(2026, 1, 6), (DeadlineState.ON_TRACK, 4), id="4-left"),
        pytest.param(DUE_12_JANUARY, date(2026, 1, 7), (DeadlineState.DUE_SOON, 3), id="3-left"),
        pytest.param(DUE_12_JANUARY, date(2026, 1, 9), (DeadlineState.DUE_SOON, 1), id="friday"),
        pytest.param(DUE_12_JANUARY, date(2026, 1, 10), (DeadlineState.DUE_SOON, 1), id="sat"),
        pytest.param(DUE_12_JANUARY, DUE_12_JANUARY, (DeadlineState.DUE_TODAY, 0), id="today"),
        pytest.param(DUE_12_JANUARY, date(2026, 1, 13), (DeadlineState.OVERDUE, 1), id="late-1"),
        pytest.param(DUE_12_JANUARY, date(2026, 1, 19), (DeadlineState.OVERDUE, 5), id="late-5"),
        # Due Friday: on Saturday it is already overdue, by at least 1.
        pytest.param(date(2026, 1, 9), date(2026, 1, 10), (DeadlineState.OVERDUE, 1), id="fri-sat"),
        # Across the holidays: (19 Dec, 5 Jan] holds 22, 23, 29, 30 Dec and 5 Jan.
        pytest.param(date(2026, 1, 5), date(2025, 12, 19), (DeadlineState.ON_TRACK, 5), id="h5"),
        pytest.param(date(2026, 1, 5), date(2025, 12, 30), (DeadlineState.DUE_SOON, 1), id="h1"),
        pytest.param(date(2026, 1, 5), date(2025, 12, 31), (DeadlineState.DUE_SOON, 1), id="h0"),
        pytest.param(date(2025, 12, 23), date(2026, 1, 5), (DeadlineState.OVERDUE, 3), id="hl"),
    ],
)
def test_deadline_status(calendar, due_on, today, expected):
    assert deadline_status(calendar, due_on=due_on, today=today) == DeadlineStatus(*expected)


def test_deadline_status_honours_the_soon_threshold(calendar):
    status = deadline_status(calendar, due_on=DUE_12_JANUARY, today=date(2026, 1, 5), soon_within=5)
    assert status == DeadlineStatus(DeadlineState.DUE_SOON, 5)
    status = deadline_status(calendar, due_on=DUE_12_JANUARY, today=date(2026, 1, 9), soon_within=0)
    assert status == DeadlineStatus(DeadlineState.ON_TRACK, 1)
    with pytest.raises(ValueError):
        deadline_status(calendar, due_on=DUE_12_JANUARY, today=date(2026, 1, 9), soon_within=-1)


def test_due_date_on_a_non_business_day_is_due_on_the_last_business_day_before(calendar):
    # A hand-entered due date on a Saturday: Friday is the last day to act.
    status = deadline_status(calendar, due_on=date(2026, 1, 10), today=date(2026, 1, 9))
    assert status == DeadlineStatus(DeadlineState.DUE_TODAY, 0)


def test_receipt_in_another_zone_uses_the_given_zone(calendar):
    paris = timezone(timedelta(hours=1))
    received_at = datetime(2025, 12, 19, 23, 30, tzinfo=paris)  # 17:30 in Montreal
    assert receipt_date(received_at) == date(2025, 12, 19)
    assert receipt_date(received_at, paris) == date(2025, 12, 19)
    received_at = datetime(2025, 12, 20, 1, 30, tzinfo=paris)  # 19:30 Friday in Montreal
    assert receipt_date(received_at) == date(2025, 12, 19)
    assert receipt_date(received_at, paris) == date(2025, 12, 20)
