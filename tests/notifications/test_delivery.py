"""Delivery of the outbox: the mail server down, a malformed address, back-off and the last
attempt, the headers of an email, the .eml files when no server is configured, the in-app inbox.

DESIGN §2.4: "a failed delivery is retried with back-off and stays visible; nothing is lost when
the mail server is down."
"""

from datetime import timedelta
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32

import pytest
from sqlalchemy import select

from casework.context import Actor
from casework.db import read_session, unit_of_work
from casework.models import Notification
from casework.services import outbox as outbox_service
from casework.services import reminders
from notifications import outbox
from notifications.delivery import deliver_pending, in_office_hours, next_opening
from tests.notifications.conftest import add_user, at, open_case, outbox_rows

OFFICER = Actor(label="user:officer", role="officer")


def due_reminders(ctx, staff, count: int = 3, assignees=()) -> None:
    """Calls whose answer is due Tuesday 29 December, assigned to Jean (and to `assignees`): on
    Monday 21 December each has its 3-day reminder (an email and an in-app message)."""
    at(ctx, 2026, 12, 18, 16, 0)
    for n, assignee in enumerate([staff.agent.id] * count + list(assignees)):
        open_case(
            ctx,
            received_at="2026-11-26T10:00:00-05:00",
            assignee_id=assignee,
            subject=f"Dossier {n}",
        )
    at(ctx, 2026, 12, 21, 9, 0)
    reminders.sweep(ctx, worker="test")


def emails(ctx):
    return [row for row in outbox_rows(ctx) if row.channel == "email"]


def test_mail_server_down_keeps_messages_pending_with_their_error_then_sends_each_once(
    mail_ctx, staff, smtp, mailbox
):
    ctx = mail_ctx
    due_reminders(ctx, staff)
    smtp.stop()
    report = deliver_pending(ctx, worker="test")
    assert (report.sent, report.retrying, report.failed) == (3, 3, 0)  # the 3 in-app ones went
    for row in emails(ctx):
        assert row.status == "pending"
        assert row.attempts == 1
        assert f"mail server 127.0.0.1:{smtp.port} unavailable" in row.last_error
        assert row.next_attempt_at == ctx.now() + timedelta(minutes=1)

    # Still down a minute later: a second attempt, the next one two minutes after it.
    at(ctx, 2026, 12, 21, 9, 1)
    deliver_pending(ctx, worker="test")
    assert {(r.status, r.attempts) for r in emails(ctx)} == {("pending", 2)}
    assert {r.next_attempt_at for r in emails(ctx)} == {ctx.now() + timedelta(minutes=2)}

    smtp.start()
    at(ctx, 2026, 12, 21, 9, 2)
    assert deliver_pending(ctx, worker="test").sent == 0  # not yet time for the next attempt
    at(ctx, 2026, 12, 21, 9, 3)
    assert deliver_pending(ctx, worker="test").sent == 3
    at(ctx, 2026, 12, 21, 9, 30)
    assert deliver_pending(ctx, worker="test").sent == 0
    assert {(r.status, r.attempts) for r in emails(ctx)} == {("sent", 3)}
    assert sorted(m.outbox_id for m in mailbox.received) == [r.id for r in emails(ctx)]


def test_malformed_recipient_fails_that_message_with_its_reason_and_not_the_others(
    mail_ctx, staff, smtp, mailbox
):
    ctx = mail_ctx
    broken = add_user(ctx, "paul.cote", "Paul Côté", "agent", email="paul.cote@@organisme")
    due_reminders(ctx, staff, count=2, assignees=[broken.id])

    report = deliver_pending(ctx, worker="test")

    failed = [row for row in emails(ctx) if row.status == "failed"]
    assert [row.recipient for row in failed] == ["paul.cote@@organisme"]
    assert failed[0].attempts == 1
    assert failed[0].last_error.startswith("invalid recipient address 'paul.cote@@organisme': ")
    assert report.failed == 1
    assert (
        sorted(m.rcpt_tos[0] for m in mailbox.received) == ["jean.roy@organisme.example.qc.ca"] * 2
    )
    # It stays visible, and can be sent again once the address is corrected.
    listed = outbox_service.list_for(ctx, actor=OFFICER, interface="cli", status="failed")
    assert [v.message.id for v in listed] == [failed[0].id]


def test_message_failing_every_time_is_marked_failed_after_the_last_attempt_and_can_be_retried(
    mail_ctx, staff, smtp, mailbox
):
    ctx = mail_ctx
    due_reminders(ctx, staff, count=1)
    smtp.stop()
    moment = at(ctx, 2026, 12, 21, 9, 0)
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        ctx.clock.current = next_opening(ctx, moment)  # attempts wait for office hours too
        deliver_pending(ctx, worker="test")
        (row,) = emails(ctx)
        assert row.attempts == attempt
        moment = row.next_attempt_at
    assert row.status == "failed"
    assert "unavailable" in row.last_error
    # Back-off: 1, 2, 4, 8, 16, 32 minutes, then at most an hour between attempts.
    assert [outbox.backoff(n) for n in range(1, 9)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)
    ]

    smtp.start()
    retried = outbox_service.retry(ctx, actor=OFFICER, interface="cli", message_id=row.id).message
    assert (retried.status, retried.attempts) == ("pending", 0)
    deliver_pending(ctx, worker="test")
    assert [r.status for r in emails(ctx)] == ["sent"]
    assert len(mailbox.received) == 1


def test_email_has_proper_headers_a_french_subject_encoded_and_text_and_html(
    mail_ctx, staff, smtp, mailbox
):
    ctx = mail_ctx
    due_reminders(ctx, staff, count=1)
    deliver_pending(ctx, worker="test")
    (mail,) = mailbox.received
    # On the wire the subject is RFC 2047 encoded (7-bit), and decodes to the French text.
    raw_subject = BytesHeaderParser(policy=compat32).parsebytes(mail.raw)["Subject"]
    assert "=?utf-8?" in raw_subject
    decoded = str(make_header(decode_header(raw_subject)))
    assert decoded == (
        "Rappel PLT-2026-00001 : l’échéance pour la réponse est le 29 décembre 2026 "
        "(dans 3 jours ouvrables)"
    )
    headers = mail.message
    assert headers["From"] == "Plaintes <plaintes@organisme.example.qc.ca>"
    assert headers["To"] == "jean.roy@organisme.example.qc.ca"
    assert headers["Reply-To"] == "plaintes@organisme.example.qc.ca"
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["Content-Language"] == "fr"
    assert headers["Message-ID"].endswith("@organisme.example.qc.ca>")
    assert headers["Date"].endswith("-0500")
    assert headers.get_content_type() == "multipart/alternative"
    assert mail.mail_from == "plaintes@organisme.example.qc.ca"
    assert "29 décembre 2026" in mail.words
    assert '<html lang="fr">' in mail.html
    assert 'href="http://127.0.0.1:8000/cases/PLT-2026-00001"' in mail.html


def test_complaint_text_is_escaped_in_the_html_email(mail_ctx, staff, smtp, mailbox):
    ctx = mail_ctx
    at(ctx, 2026, 12, 18, 16, 0)
    open_case(
        ctx,
        received_at="2026-11-26T10:00:00-05:00",
        assignee_id=staff.agent.id,
        subject='<script>alert("x")</script> & délais',
    )
    at(ctx, 2026, 12, 21, 9, 0)
    reminders.sweep(ctx, worker="test")
    deliver_pending(ctx, worker="test")
    (mail,) = mailbox.received
    assert "<script>" not in mail.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; délais" in mail.html
    assert '<script>alert("x")</script> & délais' in mail.text  # plain text stays as written


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_is_used_when_configured(ctx, staff, mailbox):
    from tests.notifications.conftest import SmtpServer

    server = SmtpServer(mailbox, credentials=("casework", "s3cret"))
    server.start()
    try:
        ctx.settings = ctx.settings.model_copy(
            update={"smtp": server.settings(username="casework", password="s3cret")}
        )
        due_reminders(ctx, staff, count=1)
        assert deliver_pending(ctx, worker="test").sent == 2
        assert len(mailbox.received) == 1

        at(ctx, 2026, 12, 21, 9, 20)
        open_case(ctx, received_at="2026-11-26T10:00:00-05:00", assignee_id=staff.agent.id)
        at(ctx, 2026, 12, 21, 9, 30)
        reminders.sweep(ctx, worker="test")
        ctx.settings = ctx.settings.model_copy(
            update={"smtp": server.settings(username="casework", password="wrong")}
        )
        deliver_pending(ctx, worker="test")
        (row,) = [r for r in emails(ctx) if r.status != "sent"]
        assert row.status == "pending" and "unavailable" in row.last_error
        assert "535" in row.last_error
    finally:
        server.stop()


def test_without_smtp_server_each_email_is_written_once_as_an_eml_file(ctx, staff):
    assert ctx.settings.smtp.host is None  # the embedded default
    due_reminders(ctx, staff, count=2)
    deliver_pending(ctx, worker="test")
    folder = ctx.settings.data_dir / "mail"
    files = sorted(folder.glob("*.eml"))
    assert [f.name for f in files] == [
        "20261221-090000-000001-reminder.eml",
        "20261221-090000-000003-reminder.eml",
    ]
    content = files[0].read_text(encoding="utf-8")
    assert "To: jean.roy@organisme.example.qc.ca" in content
    assert "L’échéance pour la réponse du dossier PLT-2026-00001" in content  # readable as is
    assert not list(folder.glob("*.part"))


def test_in_app_message_reaches_the_inbox_once(ctx, staff):
    due_reminders(ctx, staff, count=1)
    deliver_pending(ctx, worker="test")
    at(ctx, 2026, 12, 21, 10, 0)
    deliver_pending(ctx, worker="test")
    with read_session(ctx.engine) as session:
        (notification,) = session.execute(select(Notification)).scalars()
    assert notification.user_id == staff.agent.id
    assert notification.title.startswith("Rappel PLT-2026-00001")
    assert notification.link == "http://127.0.0.1:8000/cases/PLT-2026-00001"


def test_messages_wait_for_office_hours_on_business_days(ctx):
    assert not in_office_hours(ctx, at(ctx, 2026, 12, 21, 8, 29))
    assert in_office_hours(ctx, at(ctx, 2026, 12, 21, 8, 30))
    assert not in_office_hours(ctx, at(ctx, 2026, 12, 21, 12, 0))
    assert in_office_hours(ctx, at(ctx, 2026, 12, 21, 16, 29))
    assert not in_office_hours(ctx, at(ctx, 2026, 12, 24, 10, 0))  # closure
    # After Wednesday 23 December at 16:30, the next opening is Tuesday 29 December at 08:30.
    opening = next_opening(ctx, at(ctx, 2026, 12, 23, 16, 30))
    assert opening.isoformat() == "2026-12-29T08:30:00-05:00"


def test_two_delivery_passes_never_send_the_same_message(mail_ctx, staff, smtp, mailbox):
    ctx = mail_ctx
    due_reminders(ctx, staff, count=5)
    with unit_of_work(ctx.engine) as session:
        mine = outbox.claim(session, worker="one", now=ctx.now(), limit=3)
    with unit_of_work(ctx.engine) as session:
        theirs = outbox.claim(session, worker="two", now=ctx.now(), limit=100)
    assert len(mine) == 3 and len(theirs) == 7
    assert not {m.id for m in mine} & {m.id for m in theirs}
