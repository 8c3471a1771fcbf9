"""The citizen's side through its real interfaces (the API and the pages, over HTTP): sending,
the private link, the status page and its additions, robots, and the satisfaction survey.

Hand-worked: a complaint sent on Friday 20 November 2026 at 10:00 is answered at the latest on
Friday 18 December 2026: 20 business days, none of them a closure (23 to 27 November, 30 November
to 4 December, 7 to 11 and 14 to 18 December).
"""

import hashlib
import re
import statistics
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casework.app import create_app
from casework.context import Actor
from casework.db import read_session, unit_of_work
from casework.models import (
    AccessLogEntry,
    Case,
    CaseEvent,
    Disposition,
    Document,
    Letter,
    OutboxMessage,
    PortalToken,
    Requester,
    SurveyAnswer,
    SurveyComment,
)
from casework.schemas import TransitionIn
from casework.services import cases, citizen_survey
from casework.services.door import CASEWORK
from casework.services.errors import Forbidden
from tests.conftest import montreal
from tests.documents_samples import PDF

OFFICER = Actor("user:lucie.martin", role="officer")
AGENT = Actor("user:jean.roy", role="agent")
PERSON = {"name": "Marie Tremblay", "email": "marie.tremblay@example.com"}
COMPLAINT = {
    "kind": "complaint",
    "subject": "Attente au comptoir",
    "description": "J’ai attendu deux heures sans réponse.",
    "requester": PERSON,
    "website": "",
}


@pytest.fixture
def public_app(ctx, clock):
    """The application on a Friday morning, 20 November 2026 at 10:00 in Montreal, with a form
    that may be sent as soon as it is shown (robots' fill time is tested on its own)."""
    clock.current = montreal(2026, 11, 20, 10, 0)
    ctx.settings = ctx.settings.model_copy(
        update={
            "public": ctx.settings.public.model_copy(update={"minimum_fill_seconds": 0}),
            "server": ctx.settings.server.model_copy(
                update={"base_url": "https://plaintes.example.qc.ca"}
            ),
        }
    )
    return create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)


@pytest.fixture
def visitor(public_app):
    with TestClient(public_app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


def counts(ctx) -> dict[str, int]:
    with read_session(ctx.engine) as session:
        return {
            table.__name__: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Case, Requester, OutboxMessage, PortalToken, Document, CaseEvent)
        }


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?")[0]


def csrf_and_stamp(client, path: str) -> dict[str, str]:
    page = client.get(path).text
    return {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        "started": re.search(r'name="started" value="([^"]+)"', page).group(1),
    }


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def send_complaint(client, **changes) -> dict:
    answer = client.post("/api/public/submissions", json={**COMPLAINT, **changes})
    assert answer.status_code == 201, answer.text
    return answer.json()


# -- sending ------------------------------------------------------------------------------------


def test_a_complaint_sent_by_a_website_gets_its_reference_and_an_absolute_private_link(
    ctx, visitor
):
    sent = send_complaint(visitor)

    assert sent["reference"] == "PLT-2026-00001"
    assert re.fullmatch(
        r"https://plaintes\.example\.qc\.ca/suivi/[A-Za-z0-9_-]{43}", sent["status_url"]
    )
    with read_session(ctx.engine) as session:
        case = session.execute(select(Case)).scalar_one()
        requester = session.get(Requester, case.requester_id)
        tokens = session.execute(select(PortalToken)).scalars().all()
        email = session.execute(select(OutboxMessage)).scalar_one()
    assert (case.channel, case.kind, case.answer_due_on.isoformat()) == (
        "web_form",
        "complaint",
        "2026-12-18",
    )
    assert (requester.name, requester.preferred_channel) == ("Marie Tremblay", "email")
    # The token is kept only as its SHA-256.
    token = token_of(sent["status_url"])
    assert [t.token_hash for t in tokens] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in repr([t.model_dump() for t in tokens])
    # The email gives the reference, the answer date and the private link.
    assert email.recipient == "marie.tremblay@example.com"
    assert "PLT-2026-00001" in email.text_body
    assert "vendredi 18 décembre 2026" in email.text_body
    assert sent["status_url"] in email.text_body


def test_the_page_after_sending_says_the_reference_and_the_answer_date_in_words(ctx, visitor):
    fields = csrf_and_stamp(visitor, "/plainte")
    answer = visitor.post(
        "/plainte",
        data={
            **fields,
            "subject": "Attente au comptoir",
            "description": "J’ai attendu deux heures.",
            "name": "Marie Tremblay",
            "email": "marie.tremblay@example.com",
            "preferred_channel": "email",
            "website": "",
        },
        files={"files": ("constat.pdf", PDF, "application/pdf")},
    )
    assert answer.status_code == 303
    page = visitor.get(answer.headers["location"])

    text = words(page.text)
    assert "PLT-2026-00001" in text
    assert "Nous vous répondrons au plus tard le vendredi 18 décembre 2026." in text
    assert page.headers["cache-control"] == "no-store"
    with read_session(ctx.engine) as session:
        document = session.execute(select(Document)).scalar_one()
    assert (document.filename, document.from_requester, document.source) == (
        "constat.pdf",
        True,
        "portal",
    )


def test_a_complaint_written_slowly_is_kept_after_the_visitor_session_expired(
    ctx, public_app, clock
):
    """A person may take hours to write: the form does not depend on the visitor's session, so
    nothing they wrote is lost to an expired one."""
    with TestClient(public_app, base_url="https://testserver", follow_redirects=False) as first:
        fields = csrf_and_stamp(first, "/plainte")
    clock.current += timedelta(hours=3)
    with TestClient(public_app, base_url="https://testserver", follow_redirects=False) as later:
        answer = later.post(
            "/plainte",
            data={
                "started": fields["started"],
                "subject": "Attente au comptoir",
                "description": "J’ai mis trois heures à écrire ceci.",
                "name": "Marie Tremblay",
                "email": "marie.tremblay@example.com",
                "preferred_channel": "email",
                "website": "",
            },
        )
    assert answer.status_code == 303, answer.text
    assert counts(ctx)["Case"] == 1


def test_the_english_form_sends_an_english_request(ctx, visitor):
    fields = csrf_and_stamp(visitor, "/request")
    answer = visitor.post(
        "/request",
        data={
            **fields,
            "subject": "Opening hours",
            "description": "When is the office open?",
            "name": "John Smith",
            "phone": "418 555-0199",
            "preferred_channel": "phone",
        },
    )
    assert answer.status_code == 303
    page = words(visitor.get(answer.headers["location"]).text)
    assert "REN-2026-00001" in page
    assert "We will answer you by Friday, December 18, 2026 at the latest." in page
    with read_session(ctx.engine) as session:
        requester = session.execute(select(Requester)).scalar_one()
        assert session.execute(select(OutboxMessage)).first() is None  # no email address given
    assert (requester.language, requester.preferred_channel) == ("en", "phone")


def test_a_preferred_channel_without_its_contact_is_refused_naming_the_field(ctx, visitor):
    person = {"name": "Marie Tremblay", "phone": "418 555-0100", "preferred_channel": "mail"}
    answer = visitor.post("/api/public/submissions", json={**COMPLAINT, "requester": person})

    assert answer.status_code == 422
    assert answer.json()["field"] == "requester.postal_address"
    assert counts(ctx)["Case"] == 0


def test_a_kind_the_body_does_not_offer_is_refused(ctx, visitor):
    answer = visitor.post("/api/public/submissions", json={**COMPLAINT, "kind": "media_request"})
    assert (answer.status_code, answer.json()["field"]) == (422, "kind")


def test_a_form_missing_its_message_says_so_next_to_the_field_in_french(ctx, visitor):
    fields = csrf_and_stamp(visitor, "/plainte")
    answer = visitor.post(
        "/plainte",
        data={**fields, "subject": "Sujet", "name": "Marie", "email": "m@example.com"},
    )
    assert answer.status_code == 422
    assert 'id="description-error"' in answer.text
    assert "champs demandent votre attention" in answer.text or "champ demande" in answer.text
    assert counts(ctx)["Case"] == 0


# -- robots -------------------------------------------------------------------------------------


def test_the_hidden_field_filled_refuses_the_submission_and_writes_nothing(ctx, visitor):
    before = counts(ctx)
    answer = visitor.post("/api/public/submissions", json={**COMPLAINT, "website": "http://x"})

    assert (answer.status_code, answer.json()["field"]) == (422, "website")
    fields = csrf_and_stamp(visitor, "/plainte")
    page = visitor.post(
        "/plainte",
        data={
            **fields,
            "subject": "S",
            "description": "D",
            "name": "N",
            "email": "n@example.com",
            "website": "spam",
        },
    )
    assert page.status_code == 422
    assert "robot" in page.text
    assert counts(ctx) == before


def test_a_form_sent_too_fast_is_refused_and_writes_nothing(ctx, public_app):
    ctx.settings.public.minimum_fill_seconds = 3
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        fields = csrf_and_stamp(client, "/plainte")
        answer = client.post(
            "/plainte",
            data={
                **fields,
                "subject": "S",
                "description": "D",
                "name": "N",
                "email": "n@example.com",
            },
        )
    assert answer.status_code == 422
    assert "trop rapidement" in answer.text
    assert counts(ctx)["Case"] == 0


def test_the_sixth_submission_in_an_hour_from_one_address_is_refused(ctx, visitor):
    for _ in range(5):
        send_complaint(visitor)
    refused = visitor.post("/api/public/submissions", json=COMPLAINT)

    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert counts(ctx)["Case"] == 5


def test_a_20_mb_body_is_refused_with_413_and_writes_nothing(ctx, visitor):
    before = counts(ctx)
    body = b"x" * (20 * 1024 * 1024)
    on_the_api = visitor.post(
        "/api/public/submissions", content=body, headers={"Content-Type": "application/json"}
    )
    fields = csrf_and_stamp(visitor, "/plainte")
    on_the_page = visitor.post(
        "/plainte",
        data={**fields, "subject": "S", "description": "D", "name": "N", "email": "n@example.com"},
        files={"files": ("big.pdf", PDF + body, "application/pdf")},
    )
    assert (on_the_api.status_code, on_the_page.status_code) == (413, 413)
    assert counts(ctx) == before


# -- the private link ---------------------------------------------------------------------------


def test_a_wrong_or_expired_link_answers_exactly_like_an_unknown_one(ctx, visitor, clock):
    sent = send_complaint(visitor)
    token = token_of(sent["status_url"])
    closed = send_complaint(visitor, subject="Fermée")
    with unit_of_work(ctx.engine) as session:
        case = session.execute(
            select(Case).where(Case.reference == closed["reference"])
        ).scalar_one()
        # The retention schedule's final action was applied: the link died with the information.
        session.add(
            Disposition(
                case_id=case.id,
                action="anonymize",
                rule="PLAINTES",
                planned_on=clock.current.date(),
                applied_at=clock.current,
                confirmed_by="test",
            )
        )

    unknown = visitor.get("/suivi/" + "A" * 43)
    wrong = visitor.get("/suivi/" + token[:-1] + ("A" if token[-1] != "A" else "B"))
    expired = visitor.get("/suivi/" + token_of(closed["status_url"]))

    assert unknown.status_code == wrong.status_code == expired.status_code == 404
    assert unknown.text == wrong.text == expired.text
    assert visitor.get("/suivi/" + token).status_code == 200


def test_a_link_expires_with_the_retention_of_a_closed_case(ctx, visitor, clock):
    sent = send_complaint(visitor)
    reference, token = sent["reference"], token_of(sent["status_url"])
    fire(ctx, reference, "answer", answer_summary="Nous avons revu l’accueil.")
    fire(
        ctx,
        reference,
        "close",
        outcome="founded",
        classification={
            "service": "support_advice",
            "commitment": "diligence",
            "root_cause": "delay",
            "remedy": "apology",
        },
    )
    assert visitor.get("/suivi/" + token).status_code == 200
    # Complaints are kept 2 + 5 years after their closing (config.toml, retention.complaint).
    clock.current = clock.current + timedelta(days=7 * 366)
    assert visitor.get("/suivi/" + token).status_code == 404


def test_checking_a_wrong_link_takes_as_long_as_checking_an_unknown_one(ctx, visitor):
    sent = send_complaint(visitor)
    token = token_of(sent["status_url"])
    wrong = token[:-4] + "AAAA"
    ctx.settings.public.wrong_links_per_hour = 10_000
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)

    timings: dict[str, list[float]] = {"unknown": [], "wrong": []}
    paths = {"unknown": "/suivi/" + "Z" * 43, "wrong": "/suivi/" + wrong}
    with TestClient(app, base_url="https://testserver") as client:
        for _ in range(5):  # warm up: templates compiled, connections opened
            client.get(paths["unknown"])
            client.get(paths["wrong"])
        for _ in range(30):  # interleaved, so that the machine's load weighs on both alike
            for name, path in paths.items():
                started = time.perf_counter()
                client.get(path)
                timings[name].append((time.perf_counter() - started) * 1000)
    unknown, near = (statistics.median(timings[name]) for name in ("unknown", "wrong"))
    assert abs(unknown - near) < max(5.0, 0.5 * unknown), (unknown, near)


def test_wrong_links_from_one_address_are_rate_limited_even_before_a_right_one(ctx, visitor):
    sent = send_complaint(visitor)
    for _ in range(10):
        assert visitor.get("/suivi/" + "B" * 43).status_code == 404
    refused = visitor.get(sent["status_url"].replace("https://plaintes.example.qc.ca", ""))
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


# -- the status page ----------------------------------------------------------------------------


def fire(ctx, reference, trigger, **fields):
    version = cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=reference
    ).case.version
    request = TransitionIn(trigger=trigger, version=version, **fields)
    return cases.fire(
        ctx, interface="api", actor=OFFICER, reference=reference, request=request
    ).case


def test_the_status_page_shows_nothing_of_the_staff_but_the_letters_signatory(ctx, visitor):
    sent = send_complaint(visitor)
    reference = sent["reference"]
    cases.add_note(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=reference,
        text="Personne difficile, note interne",
    )
    fire(ctx, reference, "acknowledge")

    page = visitor.get(sent["status_url"].replace("https://plaintes.example.qc.ca", ""))
    text = words(page.text)
    assert "Personne difficile" not in text
    assert "lucie.martin" not in text
    assert "Being examined." in text or "En cours d’examen." in text
    assert "Accusé de réception" in text  # the letter sent, downloadable
    letter_link = re.search(r'href="(/suivi/[^"]+/letters/\d+)"', page.text).group(1)
    pdf = visitor.get(letter_link)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "Protecteur du citoyen" in text
    with read_session(ctx.engine) as session:
        logged = session.execute(select(AccessLogEntry.interface, AccessLogEntry.what)).all()
    assert ("portal", "read") in logged and ("portal", "letter") in logged


def test_information_added_to_a_paused_case_resumes_it_and_the_trail_says_so(ctx, visitor, clock):
    sent = send_complaint(visitor)
    reference, path = (
        sent["reference"],
        sent["status_url"].replace("https://plaintes.example.qc.ca", ""),
    )
    fire(ctx, reference, "acknowledge")
    fire(ctx, reference, "request_information", comment="Il manque la date de la visite.")
    assert "Waiting for information from you." in words(visitor.get(path).text) or (
        "Nous attendons des renseignements de votre part." in words(visitor.get(path).text)
    )
    clock.current = montreal(2026, 11, 24, 14, 0)  # Tuesday: two business days later
    token_page = visitor.get(path).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', token_page).group(1)

    added = visitor.post(
        path,
        data={"csrf_token": csrf, "text": "La visite a eu lieu le 12 novembre."},
        files={"files": ("recu.pdf", PDF, "application/pdf")},
    )

    assert added.status_code == 303
    case = cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=reference).case
    assert case.status == "acknowledged"
    trail = cases.events(ctx, actor=CASEWORK, interface="scheduler", reference=reference)
    addition = next(e for e in trail if e.kind == "portal_addition")
    resume = trail[-1]
    assert addition.reason == "La visite a eu lieu le 12 novembre."
    assert addition.data["resumed"] is True
    assert [d["filename"] for d in addition.data["documents"]] == ["recu.pdf"]
    assert resume.trigger == "resume"
    assert "page de suivi" in resume.reason and "24 novembre 2026" in resume.reason


# -- the satisfaction survey --------------------------------------------------------------------


CLASSIFICATION = {
    "service": "support_advice",
    "commitment": "diligence",
    "root_cause": "delay",
    "remedy": "apology",
}


def closed_case(ctx, visitor, clock, **requester) -> str:
    sent = send_complaint(visitor, requester={**PERSON, **requester})
    fire(ctx, sent["reference"], "answer", answer_summary="Nous avons revu l’accueil.")
    fire(ctx, sent["reference"], "close", outcome="founded", classification=CLASSIFICATION)
    return sent["reference"]


def survey_links(ctx) -> list[str]:
    with read_session(ctx.engine) as session:
        bodies = session.execute(
            select(OutboxMessage.text_body).where(OutboxMessage.kind == "survey_invitation")
        ).scalars()
        return [re.search(r"https://\S+/sondage/\S+", body).group(0) for body in bodies]


def test_the_survey_is_sent_after_its_delay_in_office_hours_once_and_reminded_once(
    ctx, visitor, clock
):
    closed_case(ctx, visitor, clock)  # closed on Friday 20 November
    worker = "test"
    clock.current = montreal(2026, 11, 23, 10, 0)  # one business day later: too soon
    assert citizen_survey.invite_due(ctx, worker=worker).invited == 0
    clock.current = montreal(2026, 11, 24, 7, 0)  # two business days later, before the office
    assert citizen_survey.invite_due(ctx, worker=worker).outside_office_hours
    clock.current = montreal(2026, 11, 24, 9, 0)
    assert citizen_survey.invite_due(ctx, worker=worker).invited == 1
    assert citizen_survey.invite_due(ctx, worker=worker).invited == 0  # once
    assert len(survey_links(ctx)) == 1
    clock.current = montreal(2026, 12, 1, 9, 0)  # five business days after the invitation
    assert citizen_survey.invite_due(ctx, worker=worker).reminded == 1
    clock.current = montreal(2026, 12, 15, 9, 0)
    assert citizen_survey.invite_due(ctx, worker=worker).reminded == 0  # at most one
    assert len(survey_links(ctx)) == 2


def test_a_person_who_asked_for_mail_gets_a_letter_with_the_link_printed(ctx, visitor, clock):
    closed_case(
        ctx,
        visitor,
        clock,
        postal_address="12, rue des Érables\nQuébec (Québec)  G1R 2B5",
        preferred_channel="mail",
    )
    clock.current = montreal(2026, 11, 24, 9, 0)
    assert citizen_survey.invite_due(ctx, worker="test").invited == 1
    with read_session(ctx.engine) as session:
        letter = session.execute(
            select(Letter).where(Letter.kind == "survey_invitation")
        ).scalar_one()
    assert letter.channel == "mail"
    assert re.search(
        r"https://plaintes\.example\.qc\.ca/sondage/[A-Za-z0-9_-]{43}",
        letter.text_body.replace("\n", ""),
    )


def test_one_answer_per_case_kept_apart_from_identity_and_the_second_use_says_thanks(
    ctx, visitor, clock
):
    closed_case(ctx, visitor, clock)
    clock.current = montreal(2026, 11, 24, 9, 0)
    citizen_survey.invite_due(ctx, worker="test")
    path = survey_links(ctx)[0].replace("https://plaintes.example.qc.ca", "")
    form = visitor.get(path)
    assert "Accès au personnel" in form.text and "Plutôt satisfait" in form.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    ratings = {
        "aspect_access_to_staff": "very_satisfied",
        "aspect_courtesy": "somewhat_satisfied",
        "aspect_clarity_of_language": "somewhat_dissatisfied",
        "aspect_relevance": "very_dissatisfied",
        "aspect_response_time": "not_applicable",
    }
    missing = visitor.post(path, data={"csrf_token": csrf, "aspect_courtesy": "very_satisfied"})
    assert missing.status_code == 422 and 'id="aspect_access_to_staff-error"' in missing.text

    answered = visitor.post(
        path, data={"csrf_token": csrf, **ratings, "comment": "Le commis m’a manqué de respect."}
    )
    again = visitor.post(path, data={"csrf_token": csrf, **ratings})

    assert answered.status_code == again.status_code == 303
    assert "Merci" in visitor.get(path).text
    with read_session(ctx.engine) as session:
        answers = session.execute(select(SurveyAnswer)).scalars().all()
        comment = session.execute(select(SurveyComment)).scalar_one()
    assert sorted((a.aspect, a.rating) for a in answers) == sorted(
        (code.removeprefix("aspect_"), rating) for code, rating in ratings.items()
    )
    assert {(a.source, a.service, a.respondent) for a in answers} == {
        ("citizen_web", "support_advice", None)
    }
    assert comment.text == "Le commis m’a manqué de respect."

    with pytest.raises(Forbidden):
        citizen_survey.comment_to_case(ctx, actor=AGENT, comment_id=comment.id)
    reference = citizen_survey.comment_to_case(ctx, actor=OFFICER, comment_id=comment.id)
    new = cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=reference)
    assert (new.case.kind, new.case.description, new.requester) == (
        "complaint",
        "Le commis m’a manqué de respect.",
        None,
    )


# -- settings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"public": {"status_path": "/login"}}, "public: the path /login belongs to casework"),
        ({"public": {"minimum_fill_seconds": -1}}, "public.minimum_fill_seconds"),
        ({"public": {"services": ["nowhere"]}}, "public.services: unknown service 'nowhere'"),
        ({"survey": {"aspects": ["mood"]}}, "survey.aspects: unknown aspect 'mood'"),
        ({"survey": {"kinds": ["gossip"]}}, "survey.kinds"),
    ],
)
def test_an_invalid_public_or_survey_setting_stops_start_up_naming_the_key(overrides, named):
    from casework.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match=re.escape(named)):
        load_settings(**overrides)
