"""The API's contract holds at its edges: malformed JSON, numbers where a date is expected,
the calculator's years, HEAD and OPTIONS, unknown addresses and methods are all answered with a
documented Problem in the user's language."""

import pytest

CASE = {
    "kind": "complaint",
    "channel": "letter",
    "subject": "Bruit du chantier",
    "received_at": "2026-11-20T10:00:00-05:00",
}


def test_malformed_json_is_a_problem_naming_the_body_in_french(client):
    response = client.post(
        "/api/cases", content=b'{"kind": "complaint",', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["field"] == "body"
    assert response.json()["errors"][0]["message"] == (
        "Le corps de la requête n’est pas du JSON valide."
    )


def test_malformed_json_is_said_in_english_when_asked(client):
    response = client.post(
        "/api/cases",
        content=b"\xff\xfe",
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "The request body is not valid JSON."


@pytest.mark.parametrize("value", ["0", "1700000000", "20261120", "2026/11/20"])
def test_a_number_is_not_a_day_in_a_query(client, value):
    response = client.get("/api/cases", params={"received_to": value})
    assert response.status_code == 422
    assert response.json()["field"] == "received_to"
    assert "AAAA-MM-JJ" in response.json()["errors"][0]["message"]


def test_a_number_is_not_a_day_in_a_body(client):
    for field, value in (("facts_known_on", 0), ("received_at", 0), ("facts_known_on", "0")):
        response = client.post("/api/cases", json={**CASE, field: value})
        assert response.status_code == 422, (field, value)
        assert response.json()["field"] == field
    assert client.get("/api/cases").json()["total"] == 0


def test_a_day_written_as_iso_is_read(client):
    response = client.post("/api/cases", json={**CASE, "facts_known_on": "2026-11-02"})
    assert response.status_code == 201
    assert response.json()["facts_known_on"] == "2026-11-02"
    found = client.get("/api/cases", params={"received_to": "2026-11-20"})
    assert found.json()["total"] == 1


def test_the_calculator_documents_and_checks_the_years_of_a_receipt(anonymous_client):
    schema = anonymous_client.get("/openapi.json").json()
    received = next(
        p
        for p in schema["paths"]["/api/calendar/due"]["get"]["parameters"]
        if p["name"] == "received"
    )
    assert received["schema"]["pattern"] == "^20([0-8][0-9]|9[0-8])-"
    late = anonymous_client.get("/api/calendar/due", params={"received": "2099-03-02"})
    assert late.status_code == 422
    assert late.json()["field"] == "received"
    last = anonymous_client.get("/api/calendar/due", params={"received": "2098-12-31", "days": 365})
    assert last.status_code == 200
    assert last.json()["due_on"].startswith("2100-")


def test_options_lists_every_method_of_the_path(client):
    response = client.options("/api/cases")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/api/session").headers["allow"] == ("DELETE, GET, HEAD, OPTIONS, POST")


def test_head_answers_like_get_without_the_body(anonymous_client):
    get = anonymous_client.get("/api/calendar/closures", params={"year": 2026})
    head = anonymous_client.head("/api/calendar/closures", params={"year": 2026})
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["content-type"] == "application/json"


def test_a_method_the_path_does_not_answer_is_a_problem_listing_the_others(client):
    response = client.put("/api/cases")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert response.json() == {
        "code": "method_not_allowed",
        "detail": "Cette adresse ne répond pas à cette méthode.",
    }


def test_an_unknown_address_is_a_problem_for_the_api_and_a_page_for_the_pages(client):
    api = client.get("/api/nulle-part")
    assert api.status_code == 404
    assert api.json() == {"code": "not_found", "detail": "Il n’y a rien à cette adresse."}
    page = client.get("/nulle-part", headers={"Accept-Language": "en"})
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.text
    assert "There is nothing at this address." in page.text
