"""Reminders and overdue alerts over the 2026–2027 year end, sent to a real SMTP server by the
same sweep and delivery pass as `casework scheduler --once`, with a frozen clock.

Three cases, their dates worked out by hand (DESIGN §2.3; closures 24, 25, 28 and 31 December
2026, 1 and 4 January 2027):
- A: a call received Thursday 26 November, assigned to Jean: answer due Tuesday 29 December
  (20 business days: 27, 30 Nov; 1–4, 7–11, 14–18, 21–23 Dec = 19; the 20th is the 29th).
- B: a call received Tuesday 1 December, assigned to Jean: answer due Wednesday 6 January
  (2–4, 7–11, 14–18, 21–23, 29, 30 Dec, 5 Jan = 19; the 20th is 6 January).
- C: a letter received Friday 18 December, nobody assigned: acknowledgment due Monday 11
  January (21–23, 29, 30 Dec, 5–8, 11 Jan), answer due Monday 25 January.
Reminders: 3 and 1 business days before, on the day, then the first business day after and
every 5 business days (DESIGN §2.4); the assignee (or the officers) get them, the supervisors
also get the overdue alerts. Messages go out in office hours on business days only.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from casework.scheduler import run_once
from tests.notifications.conftest import at, open_case, outbox_rows

# Each day, the scheduler runs at these times (Montreal): before opening, at 08:00, in the
# morning office hours, over lunch, in the afternoon, and in the evening.
RUNS = ((6, 0), (8, 0), (9, 0), (12, 15), (14, 0), (17, 0))
JEAN, LUCIE, SOPHIE = "jean.roy", "lucie.martin", "sophie.gagnon"

EXPECTED = {
    # (case, deadline, stage): (day the email goes out, who receives it)
    ("A", "answer", "before-3"): (date(2026, 12, 21), {JEAN}),
    ("A", "answer", "before-1"): (date(2026, 12, 23), {JEAN}),
    ("A", "answer", "due"): (date(2026, 12, 29), {JEAN}),
    ("A", "answer", "overdue-1"): (date(2026, 12, 30), {JEAN, SOPHIE}),
    ("A", "answer", "overdue-6"): (date(2027, 1, 11), {JEAN, SOPHIE}),
    ("A", "answer", "overdue-11"): (date(2027, 1, 18), {JEAN, SOPHIE}),
    ("B", "answer", "before-3"): (date(2026, 12, 29), {JEAN}),
    ("B", "answer", "before-1"): (date(2027, 1, 5), {JEAN}),
    ("B", "answer", "due"): (date(2027, 1, 6), {JEAN}),
    ("B", "answer", "overdue-1"): (date(2027, 1, 7), {JEAN, SOPHIE}),
    ("B", "answer", "overdue-6"): (date(2027, 1, 14), {JEAN, SOPHIE}),
    ("B", "answer", "overdue-11"): (date(2027, 1, 21), {JEAN, SOPHIE}),
    ("C", "acknowledgment", "before-3"): (date(2027, 1, 6), {LUCIE}),
    ("C", "acknowledgment", "before-1"): (date(2027, 1, 8), {LUCIE}),
    ("C", "acknowledgment", "due"): (date(2027, 1, 11), {LUCIE}),
    ("C", "acknowledgment", "overdue-1"): (date(2027, 1, 12), {LUCIE, SOPHIE}),
    ("C", "acknowledgment", "overdue-6"): (date(2027, 1, 19), {LUCIE, SOPHIE}),
    ("C", "answer", "before-3"): (date(2027, 1, 20), {LUCIE}),
    ("C", "answer", "before-1"): (date(2027, 1, 22), {LUCIE}),
}


def make_cases(ctx, staff) -> dict[int, str]:
    at(ctx, 2026, 12, 18, 16, 0)
    a = open_case(ctx, received_at="2026-11-26T11:00:00-05:00", assignee_id=staff.agent.id)
    b = open_case(ctx, received_at="2026-12-01T11:00:00-05:00", assignee_id=staff.agent.id)
    c = open_case(
        ctx,
        channel="letter",
        received_at="2026-12-18T15:00:00-05:00",
        requester={"name": "Marie Tremblay"},
    )
    assert (a.answer_due_on, b.answer_due_on) == (date(2026, 12, 29), date(2027, 1, 6))
    assert (c.ack_due_on, c.answer_due_on) == (date(2027, 1, 11), date(2027, 1, 25))
    return {a.id: "A", b.id: "B", c.id: "C"}


def simulate(ctx, first: date, last: date, skip: set[date] = frozenset()) -> dict[int, datetime]:
    """Run the scheduler at each time of RUNS from `first` to `last`; return when each email
    left (by outbox id)."""
    sent_at: dict[int, datetime] = {}
    day = first
    while day <= last:
        if day not in skip:
            for hour, minute in RUNS:
                moment = at(ctx, day.year, day.month, day.day, hour, minute)
                run_once(ctx, worker="test")
                for row in outbox_rows(ctx):
                    if row.channel == "email" and row.status == "sent":
                        sent_at.setdefault(row.id, moment)
        day += timedelta(days=1)
    return sent_at


def received_by_stage(ctx, mailbox, names: dict[int, str], staff) -> dict:
    users = {u.email: u.username for u in (staff.agent, staff.officer, staff.supervisor)}
    rows = {row.id: row for row in outbox_rows(ctx)}
    found: dict[tuple, list] = defaultdict(list)
    for mail in mailbox.received:
        row = rows[mail.outbox_id]
        _, case_id, deadline, _due, stage, _channel, _user = row.dedup_key.split(":")
        found[(names[int(case_id)], deadline, stage)].append((users[mail.rcpt_tos[0]], mail))
    return found


def test_reminders_fire_at_each_threshold_across_the_year_end_on_business_days(
    mail_ctx, staff, mailbox
):
    ctx = mail_ctx
    names = make_cases(ctx, staff)
    at(ctx, 2026, 12, 18, 17, 0)
    run_once(ctx, worker="test")  # the first sweep: nothing is due yet
    assert mailbox.received == []

    sent_at = simulate(ctx, date(2026, 12, 19), date(2027, 1, 22))

    found = received_by_stage(ctx, mailbox, names, staff)
    assert set(found) == set(EXPECTED)
    for key, (day, recipients) in EXPECTED.items():
        people = [person for person, _ in found[key]]
        assert sorted(people) == sorted(recipients), key  # each exactly once
        for _, mail in found[key]:
            # Enqueued by the 06:00 sweep of its day, sent by the first run in office hours.
            assert sent_at[mail.outbox_id] == datetime(day.year, day.month, day.day, 9, 0).replace(
                tzinfo=sent_at[mail.outbox_id].tzinfo
            ), key


def test_no_message_leaves_outside_office_hours_or_on_a_closure_day(mail_ctx, staff, mailbox):
    ctx = mail_ctx
    make_cases(ctx, staff)
    sent_at = simulate(ctx, date(2026, 12, 18), date(2027, 1, 15))
    assert sent_at
    for moment in sent_at.values():
        local = moment.astimezone(ctx.tz)
        assert ctx.calendar.is_business_day(local.date()), local
        assert (local.hour, local.minute) in ((9, 0), (14, 0)), local
    closures = {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 28), date(2026, 12, 31)}
    closures |= {date(2027, 1, 1), date(2027, 1, 4)}
    assert not {m.astimezone(ctx.tz).date() for m in sent_at.values()} & closures


def test_reminder_of_a_day_the_scheduler_was_down_goes_out_the_next_business_day(
    mail_ctx, staff, mailbox
):
    ctx = mail_ctx
    names = make_cases(ctx, staff)
    # No run at all on Monday 21 December, when A's 3-day reminder was due.
    sent_at = simulate(ctx, date(2026, 12, 18), date(2026, 12, 23), skip={date(2026, 12, 21)})
    found = received_by_stage(ctx, mailbox, names, staff)
    ((_, late_one),) = found[("A", "answer", "before-3")]
    assert sent_at[late_one.outbox_id].date() == date(2026, 12, 22)
    ((_, next_one),) = found[("A", "answer", "before-1")]
    assert sent_at[next_one.outbox_id].date() == date(2026, 12, 23)


def test_reminder_email_says_the_deadline_in_the_staff_members_language(mail_ctx, staff, mailbox):
    ctx = mail_ctx
    names = make_cases(ctx, staff)
    simulate(ctx, date(2026, 12, 18), date(2027, 1, 6))
    found = received_by_stage(ctx, mailbox, names, staff)
    ((_, jean),) = found[("A", "answer", "before-3")]
    assert jean.message["Subject"] == (
        "Rappel PLT-2026-00001 : l’échéance pour la réponse est le 29 décembre 2026 "
        "(dans 3 jours ouvrables)"
    )
    assert "L’échéance pour la réponse du dossier PLT-2026-00001 est le 29 décembre 2026" in (
        jean.words
    )
    assert "Vous recevez ce rappel parce que le dossier vous est assigné." in jean.words
    ((_, lucie),) = found[("C", "acknowledgment", "before-3")]
    assert lucie.message["Subject"] == (
        "Reminder PLT-2026-00003: the deadline for the acknowledgment of receipt is "
        "January 11, 2027 (in 3 business days)"
    )
    assert "nobody is assigned to the case and you are a complaints officer" in lucie.words
