"""The case clock as a pure model: day 0 of a receipt outside office hours, and the states."""

from datetime import date, datetime, time

from workflows.calendar import BusinessCalendar
from workflows.case_clock import AfterHoursReceipt, ClockState, Step, derive, local_receipt_day
from workflows.deadlines import MONTREAL, KindPolicy

CALENDAR = BusinessCalendar()
OFFICE = [(time(8, 30), time(12, 0)), (time(13, 30), time(16, 30))]


def at(*args):
    return datetime(*args, tzinfo=MONTREAL)


def test_a_letter_after_closing_time_counts_from_the_next_business_day_when_configured():
    # Friday 20 November 2026 at 17:10, after 16:30: taken as received Monday 23 November (day
    # 0), so the acknowledgment is due 10 business days later, Monday 7 December, instead of
    # Friday 4 December.
    received = at(2026, 11, 20, 17, 10)
    assert local_receipt_day(received, CALENDAR) == (date(2026, 11, 20), False)
    day, moved = local_receipt_day(
        received,
        CALENDAR,
        after_hours=AfterHoursReceipt.NEXT_BUSINESS_DAY,
        office_hours=OFFICE,
    )
    assert (day, moved) == (date(2026, 11, 23), True)
    clock = derive(
        CALENDAR,
        policy=KindPolicy(),
        received_at=received,
        written=True,
        steps=[],
        today=date(2026, 11, 23),
        after_hours="next_business_day",
        office_hours=OFFICE,
    )
    assert clock.acknowledgment.due_on == date(2026, 12, 7)
    assert clock.acknowledgment.after_hours is True
    assert clock.acknowledgment.data()["after_hours"] is True


def test_a_letter_within_office_hours_keeps_its_day():
    received = at(2026, 11, 20, 16, 0)
    day, moved = local_receipt_day(
        received, CALENDAR, after_hours="next_business_day", office_hours=OFFICE
    )
    assert (day, moved) == (date(2026, 11, 20), False)


def test_an_email_on_a_saturday_counts_from_monday_when_configured():
    received = at(2026, 11, 21, 10, 0)  # Saturday
    day, moved = local_receipt_day(
        received, CALENDAR, after_hours="next_business_day", office_hours=OFFICE
    )
    assert (day, moved) == (date(2026, 11, 23), True)  # taken as received Monday


def test_the_answer_is_paused_while_awaiting_and_the_acknowledgment_still_runs():
    clock = derive(
        CALENDAR,
        policy=KindPolicy(),
        received_at=at(2026, 11, 20, 9, 0),
        written=True,
        steps=[Step("request_information", date(2026, 11, 23))],
        today=date(2026, 12, 7),
    )
    assert clock.answer.state is ClockState.PAUSED
    # Acknowledgment due Friday 4 December: on Monday 7 December, 1 business day late.
    assert (clock.acknowledgment.state, clock.acknowledgment.late_by) == (ClockState.OVERDUE, 1)
    assert clock.next_running().name == "acknowledgment"
