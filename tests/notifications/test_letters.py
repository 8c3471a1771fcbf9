"""What the case commands tell people: the acknowledgment of receipt (emailed, and kept with its
event for a postal reply), the extension notice, the escalation notice.

DESIGN §2.3: "The acknowledgment of receipt [...] states the delay for the answer"; "the person
is told of any extension". Hand-worked: a letter received Friday 18 December 2026 at 15:00 is
answered by Monday 25 January 2027 — 20 business days: 21, 22, 23, 29, 30 December; 5, 6, 7, 8,
11, 12, 13, 14, 15, 18, 19, 20, 21, 22 and 25 January (the public service is closed on 24, 25,
28 and 31 December and on 1 and 4 January).
"""

from datetime import date

from casework.context import Actor
from casework.schemas import TransitionIn
from casework.services import cases
from notifications.delivery import deliver_pending
from tests.notifications.conftest import at, open_case, outbox_rows

OFFICER = Actor("user:lucie.martin")


def letter_of_18_december(ctx, **requester):
    at(ctx, 2026, 12, 18, 16, 0)
    return open_case(
        ctx,
        channel="letter",
        received_at="2026-12-18T15:00:00-05:00",
        requester={"name": "Marie Tremblay", **requester},
    )


def acknowledge(ctx, case):
    at(ctx, 2026, 12, 21, 9, 30)
    request = TransitionIn(trigger="acknowledge", version=case.version)
    return cases.fire(ctx, actor=OFFICER, reference=case.reference, request=request).case


def last_event(ctx, case):
    return cases.events(ctx, reference=case.reference)[-1]


def test_acknowledgment_of_letter_received_18_december_says_answer_by_25_january_2027(
    mail_ctx, mailbox
):
    ctx = mail_ctx
    case = letter_of_18_december(ctx, email="marie.tremblay@example.org")
    assert case.answer_due_on == date(2027, 1, 25)
    acknowledge(ctx, case)
    deliver_pending(ctx, worker="test")

    (mail,) = mailbox.received
    assert mail.rcpt_tos == ["marie.tremblay@example.org"]
    assert mail.message["Subject"] == "Accusé de réception — PLT-2026-00001"
    assert "Bonjour Marie Tremblay," in mail.words
    assert "Nous avons bien reçu votre plainte le 18 décembre 2026." in mail.words
    assert (
        "Nous vous répondrons au plus tard le 25 janvier 2027, soit dans un délai de "
        "20 jours ouvrables suivant sa réception" in mail.words
    )
    assert "25 janvier 2027" in mail.html and "20 jours ouvrables" in mail.html
    # The letter is kept with the transition's event, as sent.
    letter = last_event(ctx, case).data["letter"]
    assert letter["language"] == "fr"
    assert letter["text"].replace("\n", "\r\n") == mail.text
    assert last_event(ctx, case).data["emailed"] is True


def test_english_requester_is_acknowledged_in_english(mail_ctx, mailbox):
    ctx = mail_ctx
    case = letter_of_18_december(ctx, email="m.tremblay@example.org", language="en")
    acknowledge(ctx, case)
    deliver_pending(ctx, worker="test")
    (mail,) = mailbox.received
    assert mail.message["Subject"] == "Acknowledgment of receipt — PLT-2026-00001"
    assert mail.message["Content-Language"] == "en"
    assert "We received your complaint on December 18, 2026." in mail.words
    assert (
        "We will answer you by January 25, 2027 at the latest, that is within 20 business days "
        "of its receipt" in mail.words
    )


def test_requester_without_email_gets_a_letter_to_print_and_no_email(ctx):
    case = letter_of_18_december(
        ctx, postal_address="12, rue des Érables\nQuébec (Québec)  G1R 2B5"
    )
    acknowledge(ctx, case)
    assert outbox_rows(ctx) == []
    event = last_event(ctx, case)
    assert event.data["emailed"] is False
    text = event.data["letter"]["text"]
    assert text.startswith("21 décembre 2026\n\nMarie Tremblay\n12, rue des Érables\n")
    assert "25 janvier 2027" in text
    assert "12, rue des Érables<br>Québec (Québec)  G1R 2B5" in event.data["letter"]["html"]


def test_extension_is_told_to_the_requester_with_the_new_date_and_the_reason(mail_ctx, mailbox):
    ctx = mail_ctx
    case = acknowledge(ctx, letter_of_18_december(ctx, email="marie.tremblay@example.org"))
    at(ctx, 2027, 1, 18, 10, 0)
    case = cases.extend(
        ctx,
        actor=OFFICER,
        reference=case.reference,
        version=case.version,
        days=5,
        reason="Nous devons obtenir l'avis d'un autre ministère.",
    ).case
    assert case.answer_due_on == date(2027, 2, 1)  # 26, 27, 28, 29 January, 1 February
    deliver_pending(ctx, worker="test")
    extension = mailbox.received[-1]
    assert extension.message["Subject"] == "Prolongation du délai de réponse — PLT-2026-00001"
    assert (
        "Nous vous répondrons au plus tard le 1er février 2027, au lieu du 25 janvier 2027."
        in extension.words
    )
    assert "Nous devons obtenir l'avis d'un autre ministère." in extension.words
    assert last_event(ctx, case).data["letter"]["subject"] == extension.message["Subject"]


def test_escalation_to_the_protecteur_is_told_to_the_assignee_and_the_officers(
    mail_ctx, staff, mailbox
):
    ctx = mail_ctx
    at(ctx, 2026, 12, 18, 16, 0)
    case = open_case(ctx, received_at="2026-12-18T15:00:00-05:00", assignee_id=staff.agent.id)
    at(ctx, 2027, 1, 12, 10, 0)
    request = TransitionIn(
        trigger="escalate",
        version=case.version,
        protecteur_file_number="PC-2027-0042",
        escalated_on=date(2027, 1, 11),
        protecteur_reply_due_on=date(2027, 2, 10),
    )
    cases.fire(ctx, actor=OFFICER, reference=case.reference, request=request)
    assert last_event(ctx, case).data["notified"] == [staff.agent.id, staff.officer.id]
    deliver_pending(ctx, worker="test")

    jean = mailbox.to("jean.roy@organisme.example.qc.ca")[0]
    assert jean.message["Subject"] == (
        "Recours au Protecteur du citoyen pour le dossier PLT-2026-00001 (n° PC-2027-0042)"
    )
    assert "Le Protecteur du citoyen attend notre réponse au plus tard le 10 février 2027." in (
        jean.words
    )
    lucie = mailbox.to("lucie.martin@organisme.example.qc.ca")[0]
    assert "The Protecteur du citoyen expects our reply by February 10, 2027." in lucie.words
    assert "You receive this notice as a complaints officer." in lucie.words
    inapp = [row.user_id for row in outbox_rows(ctx) if row.channel == "inapp"]
    assert sorted(inapp) == sorted([staff.agent.id, staff.officer.id])
