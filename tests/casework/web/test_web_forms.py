"""The pages' forms as people fill them in: dates typed the common ways, errors said in words
with what was typed kept, a summary that names and links each field, the receipt time proposed
by the office's hours; on SQLite and PostgreSQL."""

import re
from datetime import date, time

import pytest

from casework.repositories.cases import CaseFilters
from casework.services import cases as case_service
from casework.services.door import CASEWORK
from casework.web.typed import read_date, read_moment, read_time
from tests.casework.web.test_web_account import app  # noqa: F401  (the fixture)
from tests.casework.web.test_web_pages import _signed_in, _token
from tests.conftest import montreal

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("typed", "day", "moment"),
    [
        ("2026-11-05", date(2026, 11, 5), None),
        ("2026/11/05", date(2026, 11, 5), None),
        ("2026.11.5", date(2026, 11, 5), None),
        ("5 novembre 2026", date(2026, 11, 5), None),
        ("1er août 2026", date(2026, 8, 1), None),
        ("November 5, 2026", date(2026, 11, 5), None),
        ("2026-11-05 14:30", date(2026, 11, 5), time(14, 30)),
        ("2026-11-05T14:30", date(2026, 11, 5), time(14, 30)),
        ("2026-11-05 à 9 h 45", date(2026, 11, 5), time(9, 45)),
    ],
)
def test_common_typed_dates_are_read_as_the_day_meant(typed, day, moment):
    assert read_moment(typed) == (day, moment)


@pytest.mark.parametrize("typed", ["05/11/2026", "11/05/2026", "2026-02-30", "hier", "2026-13-01"])
def test_ambiguous_or_impossible_dates_are_refused(typed):
    with pytest.raises(ValueError):
        read_date(typed)


@pytest.mark.parametrize(
    ("typed", "moment"),
    [
        ("14:30", time(14, 30)),
        ("14 h 30", time(14, 30)),
        ("14h", time(14)),
        ("9.45", time(9, 45)),
        ("2:30 p.m.", time(14, 30)),
        ("12 am", time(0, 0)),
    ],
)
def test_common_typed_times_are_read(typed, moment):
    assert read_time(typed) == moment


def _new_case(client, **fields):
    token = _token(client.get("/cases/new").text)
    data = {
        "csrf_token": token,
        "channel": "letter",
        "kind": "complaint",
        "priority": "normal",
        "subject": "Attente au comptoir",
        "requester_language": "fr",
        **fields,
    }
    return client.post("/cases/new", data=data)


def test_a_receipt_date_typed_with_slashes_registers_the_case_on_that_day(app, ctx):  # noqa: F811
    officer = _signed_in(app, "responsable")
    answer = _new_case(officer, received_date="2026/11/20", received_time="14 h 30")
    assert answer.status_code == 303
    reference = answer.headers["location"].split("/")[-1].split("?")[0]
    case = case_service.get(ctx, actor=CASEWORK, interface="scheduler", reference=reference).case
    assert case.received_at == montreal(2026, 11, 20, 14, 30)
    # Received Friday 20 November 2026 (day 0): 10 business days later is Friday 4 December.
    assert case.ack_due_on == date(2026, 12, 4)


def test_a_day_first_date_is_refused_in_words_named_in_the_summary_and_kept(app):  # noqa: F811
    officer = _signed_in(app, "responsable")
    answer = _new_case(officer, received_date="20/11/2026", received_time="14:30")
    assert answer.status_code == 422
    words = "Écrivez la date en commençant par l’année, par exemple 2026-11-05 (année, mois, jour)."
    assert words in answer.text
    assert "AAAA" not in answer.text and "décalage" not in answer.text
    assert f'<a href="#received_date">Date de réception{NBSP}: {words}</a>' in answer.text
    assert re.search(
        r'id="received_date" name="received_date" type="text" value="20/11/2026"', answer.text
    )
    assert "data-focus-on-load" in answer.text


def test_a_date_of_learning_of_the_facts_after_the_receipt_is_refused(app, ctx):  # noqa: F811
    officer = _signed_in(app, "responsable")
    answer = _new_case(
        officer, received_date="2026-11-20", received_time="9:00", facts_known_on="2026-11-23"
    )
    assert answer.status_code == 422
    assert 'id="facts_known_on-error"' in answer.text
    assert "ne peut pas être postérieure au jour de la réception" in answer.text


def test_the_api_refuses_a_date_of_learning_of_the_facts_in_the_future(client):
    answer = client.post(
        "/api/cases",
        json={
            "kind": "complaint",
            "channel": "email",
            "subject": "Attente",
            "received_at": "2026-11-23T09:00:00-05:00",
            "facts_known_on": "2026-12-01",
        },
    )
    assert answer.status_code == 422
    assert "facts_known_on" in answer.text


def test_an_email_without_a_name_says_the_name_is_needed(app):  # noqa: F811
    officer = _signed_in(app, "responsable")
    form = officer.get("/cases/new").text
    assert "Dès que l’un d’eux est rempli, le nom est nécessaire aussi." in form
    answer = _new_case(
        officer, received_date="2026-11-20", received_time="9:00", requester_email="a@example.org"
    )
    assert answer.status_code == 422
    assert "Donnez le nom de la personne requérante avec ses coordonnées" in answer.text
    assert 'value="a@example.org"' in answer.text


@pytest.mark.parametrize(
    ("now", "proposed"),
    [
        (montreal(2026, 11, 23, 10, 0), "10:00"),  # office open: now
        (montreal(2026, 11, 23, 12, 40), "12:40"),  # lunch: the office is open today
        (montreal(2026, 11, 23, 21, 15), "08:30"),  # evening: the mail came in the day
        (montreal(2026, 11, 23, 6, 50), ""),  # before the office opens: typed by the officer
        (montreal(2026, 11, 28, 11, 0), ""),  # Saturday: typed by the officer
    ],
)
def test_the_receipt_time_proposed_follows_the_office_hours(app, clock, now, proposed):  # noqa: F811
    clock.current = now
    page = _signed_in(app, "responsable").get("/cases/new").text
    assert (
        f'id="received_date" name="received_date" type="text" value="{now.date().isoformat()}"'
        in page
    )
    assert f'id="received_time" name="received_time" type="text" value="{proposed}"' in page


def test_a_phone_call_says_why_it_has_no_acknowledgment_deadline(app, ctx):  # noqa: F811
    officer = _signed_in(app, "responsable")
    answer = _new_case(officer, channel="phone", received_date="2026-11-20", received_time="9:10")
    assert answer.status_code == 303
    page = officer.get(answer.headers["location"]).text
    deadlines = page[page.index('class="deadlines"') :]
    assert f"Accusé de réception</strong>{NBSP}: sans objet" in deadlines
    assert (
        "Aucun accusé de réception n’est dû\u00a0: seules les demandes écrites (lettre, courriel, "
        "formulaire Web) en reçoivent un, et celle-ci est arrivée par «\u00a0Appel "
        "téléphonique\u00a0»." in deadlines
    )
    # Received Friday 20 November 2026: the answer is still due 20 business days later.
    assert "Réponse</strong>\u00a0: vendredi 18 décembre 2026" in deadlines


def test_an_escalation_date_typed_with_slashes_is_read_and_a_day_first_one_explained(app, ctx):  # noqa: F811
    views, _ = case_service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(status=("acknowledged",)),
        limit=1,
    )
    case = views[0].case
    officer = _signed_in(app, "responsable")
    token = _token(officer.get(f"/cases/{case.reference}").text)
    refused = officer.post(
        f"/cases/{case.reference}/fire/escalate",
        data={
            "csrf_token": token,
            "version": case.version,
            "protecteur_file_number": "PC-2026-1234",
            "escalated_on": "23/11/2026",
        },
    )
    assert refused.status_code == 422
    assert 'id="escalate-escalated_on-error"' in refused.text
    assert 'value="23/11/2026"' in refused.text
    assert '<a href="#escalate-escalated_on">' in refused.text
    assert (
        case_service.get(
            ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
        ).case.status
        == "acknowledged"
    )
    accepted = officer.post(
        f"/cases/{case.reference}/fire/escalate",
        data={
            "csrf_token": token,
            "version": case.version,
            "protecteur_file_number": "PC-2026-1234",
            "escalated_on": "2026/11/23",
        },
    )
    assert accepted.status_code == 303
    stored = case_service.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
    ).case
    assert (stored.status, stored.escalated_on) == ("escalated", date(2026, 11, 23))


def test_a_closure_day_typed_with_slashes_is_previewed(app):  # noqa: F811
    admin = _signed_in(app, "admin")
    token = _token(admin.get("/admin/calendar").text)
    answer = admin.post(
        "/admin/calendar/preview",
        data={
            "csrf_token": token,
            "action": "add",
            "day": "2026/11/27",
            "name_fr": "Fermeture exceptionnelle",
            "name_en": "Exceptional closure",
        },
    )
    assert answer.status_code == 200
    assert "vendredi 27 novembre 2026" in answer.text
    refused = admin.post(
        "/admin/calendar/preview",
        data={"csrf_token": token, "action": "add", "day": "27/11/2026", "name_fr": "F"},
    )
    assert refused.status_code == 422
    assert "en commençant par l’année" in refused.text
    assert 'value="27/11/2026"' in refused.text
