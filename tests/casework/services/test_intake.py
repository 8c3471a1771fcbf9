"""Email intake (issue 14): each message of the corpus becomes a case, correspondence on its
case, nothing (machines' messages) or a quarantined message, once."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from casework.config import MailSettings
from casework.context import Actor
from casework.models import Case, CaseEvent, Document, IncomingMessage, OutboxMessage, Requester
from casework.services import cases as case_service
from casework.services import intake
from casework.services.door import CASEWORK
from casework.services.errors import Forbidden
from notifications.channels.emails import message_id as sent_message_id
from tests import mail_corpus as corpus
from tests.casework.security.conftest import make_case

MONTREAL = ZoneInfo("America/Toronto")
OFFICER = Actor(label="user:responsable", role="officer")


def all_rows(ctx, model, *where) -> list:
    with Session(ctx.engine) as session:
        return list(session.exec(select(model).where(*where)))


def only_case(ctx) -> Case:
    [case] = all_rows(ctx, Case)
    return case


@pytest.mark.parametrize(
    ("message", "subject", "text", "requester"),
    [
        (
            corpus.utf8_quoted_printable,
            "Contestation d’une décision de la Régie",
            "Bonjour, j’ai reçu un avis de la Régie le 12 novembre; je conteste la décision "
            "« sans délai ».",
            "Marie Tremblay",
        ),
        (
            corpus.latin1_8bit,
            "Reçu à l'accueil : délai trop long",
            "Mon cœur n’y est plus : ça fait trois mois que j’attends ma réponse.",
            "André Bélanger",
        ),
        (
            corpus.windows1252_base64,
            "Frais exigés – demande de remboursement",
            "« Les frais exigés sont injustifiés », écrit-elle.",
            "Marie Tremblay",
        ),
    ],
)
def test_a_new_email_in_each_quebec_charset_becomes_a_complaint_received_when_the_server_got_it(
    ctx, message, subject, text, requester
):
    result = intake.receive(ctx, raw=message())
    assert result.outcome == "new_case"
    case = only_case(ctx)
    assert (case.reference, case.kind, case.channel, case.status) == (
        "PLT-2026-00001",
        "complaint",
        "email",
        "received",
    )
    assert case.subject == subject
    assert case.description == text
    # The topmost Received header (Monday 23 November, 9:12), not the sender's Date (30 November).
    assert case.received_at.astimezone(MONTREAL) == datetime(2026, 11, 23, 9, 12, tzinfo=MONTREAL)
    assert case.ack_due_on == date(2026, 12, 7)
    [person] = all_rows(ctx, Requester)
    assert person.name == requester


def test_the_mailbox_internaldate_wins_over_the_received_header(ctx):
    internaldate = datetime(2026, 11, 20, 16, 45, tzinfo=MONTREAL)
    intake.receive(ctx, raw=corpus.utf8_quoted_printable(), internaldate=internaldate)
    assert only_case(ctx).received_at.astimezone(MONTREAL) == internaldate


def test_the_kind_comes_from_the_address_it_was_sent_to(ctx):
    ctx.settings.mail = MailSettings(kinds={"Renseignements@example.qc.ca": "information_request"})
    raw = corpus.utf8_quoted_printable().replace(
        b"To: plaintes@example.qc.ca", b"To: renseignements@example.qc.ca"
    )
    intake.receive(ctx, raw=raw)
    case = only_case(ctx)
    assert (case.kind, case.reference) == ("information_request", "REN-2026-00001")


def test_an_outlook_html_only_message_becomes_safe_text(ctx):
    intake.receive(ctx, raw=corpus.outlook_html_only())
    case = only_case(ctx)
    assert case.description == (
        "Bonjour,\n\nLe délai de traitement de mon dossier dépasse « 90 jours ».\n\n"
        "Jean Roy\n514 555-0100"
    )
    assert "<" not in case.description and "alert" not in case.description


def test_a_forwarded_message_is_kept_as_an_eml_document(ctx):
    intake.receive(ctx, raw=corpus.forwarded())
    [document] = all_rows(ctx, Document)
    assert (document.filename, document.media_type, document.source) == (
        "Plainte à transmettre.eml",
        "message/rfc822",
        "email",
    )


def test_three_attachments_keep_two_and_name_the_refused_one_in_the_trail(ctx):
    result = intake.receive(ctx, raw=corpus.three_attachments())
    assert result.refused == ["calcul.pdf"]
    documents = all_rows(ctx, Document)
    assert [(d.filename, d.media_type, d.from_requester) for d in documents] == [
        ("facture-décembre.pdf", "application/pdf", True),
        ("photo.png", "image/png", True),
    ]
    [event] = all_rows(ctx, CaseEvent, CaseEvent.kind == "documents")
    assert [r["filename"] for r in event.data["refused"]] == ["calcul.pdf"]
    assert "OpenDocument" in event.data["refused"][0]["reason"]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (corpus.auto_reply, "Auto-Submitted: auto-replied"),
        (corpus.bounce, "sent by mailer-daemon"),
        (corpus.mailing_list, "Precedence: bulk"),
    ],
)
def test_auto_replies_bounces_and_mailing_lists_make_no_case(ctx, message, reason):
    result = intake.receive(ctx, raw=message())
    assert (result.outcome, result.reason) == ("ignored", reason)
    assert all_rows(ctx, Case) == []
    [row] = all_rows(ctx, IncomingMessage)
    assert row.outcome == "ignored"


def test_a_malformed_message_is_kept_in_quarantine_for_the_officers(ctx):
    raw = corpus.malformed()
    result = intake.receive(ctx, raw=raw)
    assert result.outcome == "quarantined"
    assert all_rows(ctx, Case) == []
    [row] = intake.quarantined(ctx, actor=OFFICER)
    assert row.reason == "The message has no sender (no From header)."
    _row, path = intake.quarantined_file(ctx, actor=OFFICER, message_id=row.id)
    assert path.read_bytes() == raw
    with pytest.raises(Forbidden):
        intake.quarantined(ctx, actor=Actor(label="user:agent", role="agent"))


@pytest.mark.parametrize("message", [corpus.utf8_quoted_printable, corpus.no_message_id])
def test_a_message_received_twice_makes_one_case(ctx, message):
    first = intake.receive(ctx, raw=message())
    second = intake.receive(ctx, raw=message())
    assert (first.outcome, second.outcome) == ("new_case", None)
    assert len(all_rows(ctx, Case)) == 1
    assert len(all_rows(ctx, IncomingMessage)) == 1


def test_a_reply_carrying_the_reference_lands_on_its_case(ctx):
    case = make_case(ctx)
    result = intake.receive(ctx, raw=corpus.reply(subject=f"RE: Votre plainte {case.reference}"))
    assert (result.outcome, result.reference) == ("correspondence", case.reference)
    assert len(all_rows(ctx, Case)) == 1
    [event] = all_rows(ctx, CaseEvent, CaseEvent.kind == "correspondence")
    assert event.data["from_requester"] is True
    assert event.reason.startswith("Voici le numéro de dossier demandé")


def test_a_reply_to_the_acknowledgment_lands_on_its_case_by_in_reply_to(ctx):
    case = make_case(ctx, channel="email", path=["acknowledge"])
    # The acknowledgment goes out as a letter emailed to the requester.
    [sent] = all_rows(ctx, OutboxMessage, OutboxMessage.kind == "letter")
    header = sent_message_id(
        outbox_id=sent.id,
        created_at=sent.created_at,
        from_address=ctx.settings.smtp.from_address,
    )
    result = intake.receive(
        ctx, raw=corpus.reply(subject="Re: Accusé de réception", in_reply_to=header)
    )
    assert (result.outcome, result.reference) == ("correspondence", case.reference)


def test_a_reply_from_the_requester_resumes_the_paused_case_and_moves_the_answer_by_the_days_paused(
    ctx, clock
):
    # Received Friday 20 November 2026: answer due 18 December (20 business days).
    case = make_case(ctx, path=["request_information"])  # paused Monday 23 November
    assert case.answer_due_on == date(2026, 12, 18)
    clock.current = datetime(2026, 11, 26, 10, 0, tzinfo=MONTREAL)
    reply_at = datetime(2026, 11, 26, 9, 12, tzinfo=MONTREAL)  # Thursday: 3 business days paused
    result = intake.receive(
        ctx,
        raw=corpus.reply(subject=f"Re: {case.reference} information manquante", moment=reply_at),
    )
    assert result.resumed
    resumed = case_service.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
    ).case
    # It was never acknowledged: it returns to the state it left, the acknowledgment still owed.
    assert resumed.status == "received"
    # 18 December + 3 business days (21, 22, 23 December) = Wednesday 23 December.
    assert resumed.answer_due_on == date(2026, 12, 23)
    [event] = all_rows(ctx, CaseEvent, CaseEvent.trigger == "resume")
    assert event.actor == "system:email"
    assert event.reason == "La personne a répondu par courriel le 26 novembre 2026."


def test_a_reply_from_someone_else_does_not_resume_the_case(ctx):
    case = make_case(ctx, path=["request_information"])
    result = intake.receive(
        ctx,
        raw=corpus.reply(subject=f"Re: {case.reference}", sender="Quelqu'un <autre@example.org>"),
    )
    assert (result.outcome, result.resumed) == ("correspondence", False)
    assert (
        case_service.get(
            ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
        ).case.status
        == "awaiting_requester"
    )


def test_the_acknowledgment_of_a_new_email_case_waits_for_the_officer_unless_set(ctx):
    intake.receive(ctx, raw=corpus.utf8_quoted_printable())
    assert only_case(ctx).status == "received"
    ctx.settings.mail = MailSettings(auto_acknowledge=True)
    intake.receive(ctx, raw=corpus.windows1252_base64())
    acknowledged = all_rows(ctx, Case, Case.reference == "PLT-2026-00002")[0]
    assert acknowledged.status == "acknowledged"
    assert [m.recipient for m in all_rows(ctx, OutboxMessage)] == ["marie.tremblay@example.org"]


def test_the_assignee_is_told_when_the_requesters_reply_resumes_their_case(ctx, clock):
    from casework.services import users

    agent = users.add(
        ctx,
        actor=Actor(label="test", role="admin"),
        username="chloe",
        full_name="Chloé Morin",
        role="agent",
        password="un mot de passe assez long",
        email="chloe.morin@example.qc.ca",
    )
    case = make_case(ctx, assignee_id=agent.id, path=["request_information"])
    clock.current = datetime(2026, 11, 26, 10, 0, tzinfo=MONTREAL)
    reply_at = datetime(2026, 11, 26, 9, 12, tzinfo=MONTREAL)
    intake.receive(ctx, raw=corpus.reply(subject=f"Re: {case.reference}", moment=reply_at))
    told = all_rows(ctx, OutboxMessage, OutboxMessage.kind == "correspondence_notice")
    assert sorted((m.channel, m.user_id, m.recipient) for m in told) == [
        ("email", agent.id, "chloe.morin@example.qc.ca"),
        ("inapp", agent.id, None),
    ]
    assert told[0].subject == (
        f"Réponse de la personne au dossier {case.reference} : le dossier reprend"
    )
    text = " ".join(told[0].text_body.replace("\xa0", " ").split())
    assert "il reprend, et la réponse est maintenant due le 23 décembre 2026." in text
