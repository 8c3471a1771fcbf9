"""Pages check their addresses and queries exactly like the API (the same types, limits and
cleaning), and say what is wrong on a page in the user's language: never a server error, on
either database (PostgreSQL refuses a NUL byte in text; a huge number overflows a column)."""

import pytest
from fastapi.testclient import TestClient

from tests.casework.security.conftest import make_case, sign_in

WHOLE_NUMBER = "Ce champ doit être un nombre entier."


@pytest.fixture
def officer(app, people) -> TestClient:
    client = sign_in(app, "officer", raise_server_exceptions=False)
    client.follow_redirects = False
    return client


@pytest.fixture
def admin(app, people) -> TestClient:
    client = sign_in(app, "admin", raise_server_exceptions=False)
    client.follow_redirects = False
    return client


def form(client: TestClient, **fields) -> dict:
    return {"csrf_token": client.headers["X-CSRF-Token"], **fields}


def test_an_assignee_that_is_no_number_gets_the_apis_message_on_a_page(officer, integration_key):
    page = officer.get("/queue", params={"assignee": "²"})
    api = officer.get("/api/cases", params={"assignee": "²"})
    assert api.status_code == page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert api.json()["errors"][0]["message"] == WHOLE_NUMBER
    assert f"assignee\u00a0: {WHOLE_NUMBER}" in page.text
    assert "<h1>Requête non valide</h1>" in page.text


def test_an_assignee_beyond_any_id_is_refused_like_the_api(officer):
    page = officer.get("/queue", params={"assignee": "99999999999999999999"})
    api = officer.get("/api/cases", params={"assignee": "99999999999999999999"})
    assert api.status_code == page.status_code == 422
    assert api.json()["errors"][0]["message"] in page.text


def test_a_notification_number_beyond_any_id_is_a_page_naming_it(officer):
    response = officer.post("/notifications/99999999999999999999/read", data=form(officer))
    assert response.status_code == 422
    assert "notification_id\u00a0: Ce nombre doit être d’au plus 2147483647." in response.text


def test_a_nul_byte_in_the_search_is_cleaned_like_the_api(officer, ctx):
    reference = make_case(ctx, subject="Bruit du chantier").reference
    page = officer.get("/queue", params={"q": "chan\x00tier"})
    api = officer.get("/api/cases", params={"q": "chan\x00tier"})
    assert page.status_code == api.status_code == 200
    assert api.json()["total"] == 1  # "chantier" once the NUL byte is taken out
    assert reference in page.text


def test_a_nul_byte_in_a_case_reference_is_a_page_naming_it(officer, ctx):
    make_case(ctx)
    for response in (
        officer.get("/cases/PLT-2026-00001%00"),
        officer.post("/cases/PLT-2026-00001%00/notes", data=form(officer, text="Appel")),
    ):
        assert response.status_code == 422
        assert "reference\u00a0: " in response.text


def test_a_nul_byte_in_a_username_is_a_page_naming_it(admin):
    response = admin.post("/admin/users/offi%00cer/role", data=form(admin, role="agent"))
    assert response.status_code == 422
    assert "username\u00a0: " in response.text


def test_the_page_speaks_english_when_asked(app, people):
    client = sign_in(app, "officer", headers={"Accept-Language": "en"})
    response = client.get("/queue", params={"assignee": "x"})
    assert response.status_code == 422
    assert "<h1>Invalid request</h1>" in response.text
    assert "assignee: This field must be a whole number." in response.text
