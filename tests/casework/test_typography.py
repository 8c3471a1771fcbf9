"""Quebec French typography (OQLF, Banque de dépannage linguistique): one helper for every date
and time that pages, letters, emails, explanations and the command line write."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from casework.i18n import colon, format_day, format_days, format_moment, format_time, quoted

MONTREAL = ZoneInfo("America/Toronto")


def test_the_first_of_the_month_is_written_1er():
    assert format_day(date(2027, 2, 1)) == "1er février 2027"
    assert format_day(date(2026, 1, 1), weekday=True) == "jeudi 1er janvier 2026"
    assert format_day(date(2026, 11, 2)) == "2 novembre 2026"


def test_english_dates_put_the_month_first():
    assert format_day(date(2027, 2, 1), "en") == "February 1, 2027"
    assert format_day(date(2027, 2, 1), "en", weekday=True) == "Monday, February 1, 2027"


def test_several_dates_carry_their_year_once():
    assert format_days([date(2027, 6, 24), date(2027, 7, 1)]) == "24 juin et 1er juillet 2027"
    assert format_days([date(2027, 7, 1), date(2027, 6, 24)], "en") == "June 24 and July 1, 2027"
    year_end = [date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 31), date(2027, 1, 1)]
    assert format_days(year_end) == "24, 25 et 31 décembre 2026 et 1er janvier 2027"


def test_times_have_no_leading_zero_and_a_space_around_h():
    morning = datetime(2026, 12, 1, 9, 45, tzinfo=MONTREAL)
    assert format_time(morning, MONTREAL) == "9 h 45"
    assert format_time(morning.replace(minute=0), MONTREAL) == "9 h"
    assert format_time(morning.replace(hour=14, minute=5), MONTREAL, "en") == "2:05 p.m."
    assert format_moment(morning, MONTREAL) == "1er décembre 2026 à 9 h 45"
    assert format_moment(morning, MONTREAL, "en") == "December 1, 2026 at 9:45 a.m."


def test_moments_are_shown_in_montreal_time():
    utc = datetime(2027, 1, 1, 4, 30, tzinfo=ZoneInfo("UTC"))
    assert format_moment(utc, MONTREAL) == "31 décembre 2026 à 23 h 30"


def test_colon_and_quotes_take_non_breaking_spaces_in_french():
    assert colon("fr") == "\u00a0:"
    assert colon("en") == ":"
    assert quoted("Haute", "fr") == "«\u00a0Haute\u00a0»"
    assert quoted("High", "en") == "\u201cHigh\u201d"


def test_one_closure_day_skipped_is_said_with_du_and_several_with_des():
    from casework.explain import sentence
    from workflows.calendar import BusinessCalendar
    from workflows.deadlines import Delay, explain_due

    calendar = BusinessCalendar()
    # Received Thursday 1 October 2026 (day 0); Thanksgiving, Monday 12 October, is skipped:
    # 10 business days end on Friday 16 October.
    one = explain_due(
        calendar, received_at=datetime(2026, 10, 1, 10, tzinfo=MONTREAL), delay=Delay(10)
    )
    assert one.due_on == date(2026, 10, 16)
    assert "ni le jour de fermeture du 12 octobre 2026;" in sentence(one, "fr")
    assert "the closure day of October 12, 2026;" in sentence(one, "en")
    # Received Friday 19 December 2025: six closure days before Monday 12 January 2026.
    several = explain_due(
        calendar, received_at=datetime(2025, 12, 19, 10, tzinfo=MONTREAL), delay=Delay(10)
    )
    assert (
        "ni les jours de fermeture des 24, 25, 26 et 31 décembre 2025 et 1er et 2 janvier 2026"
        in sentence(several, "fr")
    )
