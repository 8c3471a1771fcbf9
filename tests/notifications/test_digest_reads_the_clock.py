"""The supervisors' digest reads the case clock (issue 11): a reopened answered case is not
overdue, and an answer extended after its deadline is overdue only after the date announced to
the person, with dates counted by hand."""

from datetime import date

from casework.services import cases, reminders
from notifications.delivery import deliver_pending
from tests.cases import OFFICER, fire
from tests.notifications.conftest import at, open_case


def test_a_reopened_answered_case_is_not_in_the_digest_as_overdue(mail_ctx, staff, mailbox):
    ctx = mail_ctx
    # Received Monday 2 November 2026 (answer due Monday 30 November), answered Friday
    # 20 November, closed, reopened Tuesday 1 December: the new answer is due Wednesday
    # 6 January 2027, far from Wednesday 2 December.
    at(ctx, 2026, 11, 2, 10, 0)
    case = open_case(ctx, kind="information_request", received_at="2026-11-02T09:00:00-05:00")
    at(ctx, 2026, 11, 20, 10, 0)
    case = fire(ctx, case, "answer", answer_summary="Renseignements transmis.")
    case = fire(ctx, case, "close", outcome="founded")
    at(ctx, 2026, 12, 1, 10, 0)
    case = fire(ctx, case, "reopen", reason="Nouvelle question de la personne.")
    assert case.answer_due_on == date(2027, 1, 6)
    at(ctx, 2026, 12, 2, 8, 30)
    report = reminders.send_digest(ctx, worker="test")
    assert (report.claimed, report.overdue, report.at_risk) == (True, 0, 0)
    deliver_pending(ctx, worker="test")
    (mail,) = mailbox.received
    assert "30 novembre" not in mail.words
    assert case.reference not in mail.words


def test_an_answer_extended_after_its_deadline_is_overdue_after_the_date_announced(
    mail_ctx, staff, mailbox
):
    ctx = mail_ctx
    # A call received Friday 18 December 2026: answer due Monday 25 January 2027 (20 business
    # days: 21–23, 29, 30 December, 5–8, 11–15, 18–22, 25 January). Extended on Wednesday
    # 27 January by 5 business days (26–29 January, 1 February): announced for Monday
    # 1 February.
    at(ctx, 2026, 12, 18, 10, 30)
    case = open_case(ctx, received_at="2026-12-18T10:00:00-05:00")
    assert case.answer_due_on == date(2027, 1, 25)
    at(ctx, 2027, 1, 27, 10, 0)
    case = cases.extend(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        version=case.version,
        days=5,
        reason="Consultation du service juridique",
    ).case
    assert (case.answer_due_on, case.answer_counted_on) == (date(2027, 2, 1), date(2027, 1, 25))
    # Thursday 28 January: 1 February is 2 business days away, within the 3 of "at risk".
    at(ctx, 2027, 1, 28, 8, 30)
    report = reminders.send_digest(ctx, worker="test")
    assert (report.overdue, report.at_risk) == (0, 1)
    # Tuesday 2 February: 1 business day after the date announced.
    at(ctx, 2027, 2, 2, 8, 30)
    report = reminders.send_digest(ctx, worker="test")
    assert (report.overdue, report.at_risk) == (1, 0)
    deliver_pending(ctx, worker="test")
    last = mailbox.received[-1]
    assert (
        "Réponse : échéance le 1er février 2027, en retard de 1 jour ouvrable — non assigné"
        in last.words
    )
