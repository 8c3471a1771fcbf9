"""Letters sent by email through the outbox, with their PDF attached, exactly once; the others
listed for mailing.

The issue: "by email with the PDF attached when the requester has an address and did not ask for
mail (through the existing outbox, exactly once); otherwise into a *Lettres à poster* list".
A real SMTP server (aiosmtpd) and real `casework scheduler` processes; the hand-worked case of
tests/notifications/letters/conftest.py, acknowledged Monday 21 December 2026 at 9:30.
"""

import hashlib
from collections import Counter
from io import BytesIO

from pypdf import PdfReader

from casework.services import letters
from notifications.delivery import deliver_pending
from tests.notifications.conftest import (
    at,
    casework_process,
    open_case,
    outbox_rows,
    process_env,
    wait_for,
)
from tests.notifications.letters.conftest import OFFICER, fire, letter_of_18_december


def the_letters(ctx, case):
    return letters.for_case(ctx, actor=OFFICER, interface="api", reference=case.reference).letters


def test_acknowledgment_is_emailed_once_with_its_pdf_attached_and_a_french_subject(
    mail_ctx, mailbox
):
    ctx = mail_ctx
    case = letter_of_18_december(ctx, email="marie.tremblay@example.org", title="ms")
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)
    deliver_pending(ctx, worker="test")
    deliver_pending(ctx, worker="test")  # a second pass has nothing left to send

    (mail,) = mailbox.received
    assert mail.rcpt_tos == ["marie.tremblay@example.org"]
    assert mail.message["Subject"] == "Accusé de réception — PLT-2026-00001"
    assert b"Subject: =?utf-8?q?Accus=C3=A9_de_r=C3=A9ception" in mail.raw
    assert "Nous vous répondrons au plus tard le 25 janvier 2027" in mail.words
    attachments = list(mail.message.iter_attachments())
    assert [a.get_content_type() for a in attachments] == ["application/pdf"]
    assert attachments[0].get_filename() == "PLT-2026-00001-1-acknowledgment.pdf"
    pdf = attachments[0].get_content()
    (letter,) = the_letters(ctx, case)
    assert letter.channel == "email" and letter.recipient == "marie.tremblay@example.org"
    assert hashlib.sha256(pdf).hexdigest() == letter.sha256
    assert "25 janvier 2027" in " ".join(PdfReader(BytesIO(pdf)).pages[0].extract_text().split())
    assert letters.to_mail(ctx, actor=OFFICER, interface="api") == []


def test_english_requester_gets_an_english_subject_and_letter(mail_ctx, mailbox):
    ctx = mail_ctx
    case = letter_of_18_december(ctx, email="m.tremblay@example.org", language="en")
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)
    deliver_pending(ctx, worker="test")
    (mail,) = mailbox.received
    assert mail.message["Subject"] == "Acknowledgment of receipt — PLT-2026-00001"
    assert mail.message["Content-Language"] == "en"
    assert "We will answer you by January 25, 2027 at the latest" in mail.words


def test_a_person_who_asked_for_mail_gets_no_email_but_a_letter_to_mail(mail_ctx, mailbox):
    ctx = mail_ctx
    case = letter_of_18_december(ctx, email="marie.tremblay@example.org", by_mail=True)
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)
    deliver_pending(ctx, worker="test")
    assert mailbox.received == [] and outbox_rows(ctx) == []
    ((letter, listed, has_address),) = letters.to_mail(ctx, actor=OFFICER, interface="api")
    assert (letter.kind, listed.reference, has_address) == (
        "acknowledgment",
        "PLT-2026-00001",
        True,
    )


def test_a_person_without_email_gets_a_letter_to_mail(ctx):
    case = letter_of_18_december(ctx)
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)
    assert outbox_rows(ctx) == []
    (letter,) = the_letters(ctx, case)
    assert (letter.channel, letter.recipient, letter.mailed_on) == ("mail", None, None)


def test_a_scheduler_killed_between_enqueue_and_send_sends_the_letter_once(
    ctx, smtp, mailbox, tmp_path
):
    case = letter_of_18_december(ctx, email="marie.tremblay@example.org")
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)  # enqueued with the transition
    (row,) = outbox_rows(ctx)
    assert (row.status, row.dedup_key, row.letter_id) == ("pending", "letter:1", 1)
    env = process_env(ctx, smtp, tmp_path)
    mailbox.hold_next = True  # the server keeps the email waiting...
    first = casework_process(
        "scheduler", "--once", "--now", "2026-12-21T09:40:00-05:00", env=env, cwd=tmp_path
    )
    wait_for(mailbox.holding.is_set)
    first.kill()  # ...and the scheduler dies before the server accepted it
    first.communicate(timeout=30)
    mailbox.release.set()
    assert [r.status for r in outbox_rows(ctx)] == ["sending"] and mailbox.received == []

    for moment in ("2026-12-21T09:45:00-05:00", "2026-12-21T10:00:00-05:00"):
        later = casework_process("scheduler", "--once", "--now", moment, env=env, cwd=tmp_path)
        _, err = later.communicate(timeout=120)
        assert later.returncode == 0, err
    assert [r.status for r in outbox_rows(ctx)] == ["sent"]
    (mail,) = mailbox.received
    attachments = list(mail.message.iter_attachments())
    assert len(attachments) == 1
    (letter,) = the_letters(ctx, case)
    assert hashlib.sha256(attachments[0].get_content()).hexdigest() == letter.sha256
    assert Counter(m.outbox_id for m in mailbox.received) == Counter({row.id: 1})


def test_a_letter_to_mail_for_a_person_without_postal_address_is_flagged(ctx):
    at(ctx, 2026, 12, 18, 16, 0)
    case = open_case(
        ctx,
        received_at="2026-12-18T15:00:00-05:00",
        requester={"name": "Jean Roy", "phone": "418 555-0101"},
    )
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)
    ((_, listed, has_address),) = letters.to_mail(ctx, actor=OFFICER, interface="api")
    assert (listed.reference, has_address) == (case.reference, False)
