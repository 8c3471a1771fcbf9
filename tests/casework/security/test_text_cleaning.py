"""Required text is checked after control and format characters are taken out: a subject, a
note or a name made only of invisible characters is refused as empty, on every interface, and
nothing is written."""

import pytest
from fastapi.testclient import TestClient

from casework.context import Actor
from casework.services import closures, users
from casework.services.errors import InvalidInput
from tests.casework.security.conftest import PASSWORD, make_case, sign_in

INVISIBLE = "\u200b\u2060\u200e\u202e\x00\x1b"  # zero-width, joiners, direction marks, NUL, ESC
EMPTY = "Ce champ ne peut pas être vide."
CASE = {
    "kind": "complaint",
    "channel": "letter",
    "subject": "Bruit du chantier",
    "received_at": "2026-11-20T10:00:00-05:00",
}


def test_a_subject_of_invisible_characters_is_refused_and_no_case_is_made(client):
    response = client.post("/api/cases", json={**CASE, "subject": INVISIBLE})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "subject"
    assert response.json()["errors"][0]["message"] == EMPTY
    assert client.get("/api/cases").json()["total"] == 0


def test_a_requester_named_with_invisible_characters_is_refused(client):
    response = client.post("/api/cases", json={**CASE, "requester": {"name": " \u200b "}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "requester.name"


def test_invisible_characters_are_taken_out_of_what_is_kept(client):
    subject = "\u200bBruit\u00a0du\x00 chantier\u202e"
    response = client.post(
        "/api/cases", json={**CASE, "subject": subject, "description": "Ligne 1\r\nLigne\u200b 2"}
    )
    assert response.status_code == 201
    assert response.json()["subject"] == "Bruit du chantier"
    assert response.json()["description"] == "Ligne 1\nLigne 2"


def test_the_length_limit_counts_what_is_kept(client):
    # 300 characters of subject, each followed by an invisible one: 600 typed, 300 kept.
    response = client.post("/api/cases", json={**CASE, "subject": "é\u200b" * 300})
    assert response.status_code == 201
    assert response.json()["subject"] == "é" * 300


def test_an_empty_note_is_refused_and_not_added(client, ctx):
    reference = make_case(ctx).reference
    before = len(client.get(f"/api/cases/{reference}/events").json())
    response = client.post(f"/api/cases/{reference}/notes", json={"text": INVISIBLE})
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == EMPTY
    assert len(client.get(f"/api/cases/{reference}/events").json()) == before


def test_an_answer_whose_summary_is_invisible_is_refused(client, ctx):
    case = make_case(ctx)
    response = client.post(
        f"/api/cases/{case.reference}/transitions",
        json={"trigger": "answer", "version": case.version, "answer_summary": INVISIBLE},
    )
    assert response.status_code in (409, 422)
    assert client.get(f"/api/cases/{case.reference}").json()["status"] == "received"


def test_an_extension_with_an_invisible_reason_is_refused(client, ctx):
    case = make_case(ctx)
    response = client.post(
        f"/api/cases/{case.reference}/extensions",
        json={"version": case.version, "days": 5, "reason": INVISIBLE},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"


def test_the_new_case_form_refuses_an_invisible_subject(app, people):
    officer = sign_in(app, "officer")
    response = officer.post(
        "/cases/new",
        data={
            "csrf_token": officer.headers["X-CSRF-Token"],
            "kind": "complaint",
            "channel": "letter",
            "subject": INVISIBLE,
            "received_date": "2026-11-20",
            "received_time": "10:00",
        },
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert EMPTY in response.text
    assert officer.get("/api/cases").json()["total"] == 0


def test_an_account_named_with_invisible_characters_is_refused(ctx):
    with pytest.raises(InvalidInput) as refused:
        users.add(
            ctx,
            actor=Actor("test", role="admin"),
            username="fantome",
            full_name=INVISIBLE,
            password=PASSWORD,
        )
    assert refused.value.field == "full_name"
    assert [u.username for u in users.list_users(ctx)] == []


def test_a_closure_named_with_invisible_characters_is_refused(ctx):
    from datetime import date

    with pytest.raises(InvalidInput) as refused:
        closures.preview_closure_change(
            ctx, day=date(2026, 12, 7), action="add", name_fr=INVISIBLE, name_en="Closure"
        )
    assert refused.value.field == "name_fr"


def test_the_page_note_form_refuses_an_empty_note(app, people, ctx):
    reference = make_case(ctx).reference
    officer: TestClient = sign_in(app, "officer")
    response = officer.post(
        f"/cases/{reference}/notes",
        data={"csrf_token": officer.headers["X-CSRF-Token"], "text": INVISIBLE},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert EMPTY in response.text
