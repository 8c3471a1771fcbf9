"""The register of confidentiality incidents and the records officer's endpoints over HTTP, with
API keys of each role (Loi sur l'accès, arts. 63.8 to 63.11 and 73)."""

import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from casework.app import create_app
from casework.context import Actor
from casework.services import apikeys
from tests.conftest import montreal

SETUP = Actor(label="test:setup", role="admin")
INCIDENT = {
    "title": "Courriel envoyé au mauvais destinataire",
    "information": "Nom, adresse courriel et objet de la plainte",
    "circumstances": "Un accusé de réception a été envoyé à une autre personne.",
    "occurred_on": "2026-11-16",
    "known_on": "2026-11-17",
    "people_count": 1,
    "serious_injury_risk": "low",
    "measures": "Demande de suppression au destinataire; rappel de la procédure.",
    "cases": [],
}


@pytest.fixture
def as_role(ctx):
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)

    def client(role: str) -> TestClient:
        key = apikeys.create(ctx, actor=SETUP, name=f"key-{role}", role=role)[1]
        return TestClient(app, headers={"X-API-Key": key})

    return client


def test_an_officer_records_an_incident_linked_to_its_case_and_exports_the_register(
    as_role, client
):
    created = client.post(
        "/api/cases",
        json={
            "kind": "complaint",
            "channel": "email",
            "subject": "Délai",
            "received_at": montreal(2026, 11, 16, 9, 0).isoformat(),
            "requester": {"name": "Jean Roy", "email": "jean.roy@example.org"},
        },
    ).json()
    officer = as_role("officer")
    answer = officer.post("/api/incidents", json={**INCIDENT, "cases": [created["reference"]]})
    assert answer.status_code == 201, answer.text
    incident = answer.json()
    assert incident["cases"] == [created["reference"]]
    assert officer.get(f"/api/incidents/{incident['id']}").json()["title"] == INCIDENT["title"]
    changed = officer.put(
        f"/api/incidents/{incident['id']}",
        json={**INCIDENT, "cases": [created["reference"]], "people_notified_on": "2026-11-18"},
    )
    assert changed.json()["people_notified_on"] == "2026-11-18"
    csv = officer.get("/api/incidents.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,title,information,circumstances,occurred_on,known_on")
    assert created["reference"] in lines[1] and "2026-11-18" in lines[1]


def test_an_incident_with_bad_dates_or_an_unknown_case_is_refused_naming_the_field(as_role):
    officer = as_role("officer")
    before = officer.post("/api/incidents", json={**INCIDENT, "known_on": "2026-11-15"})
    assert (before.status_code, before.json()["field"]) == (422, "known_on")
    future = officer.post(
        "/api/incidents", json={**INCIDENT, "occurred_on": "2026-12-24", "known_on": "2026-12-24"}
    )
    assert future.status_code == 422
    assert future.json()["field"] == "occurred_on"
    unknown = officer.post("/api/incidents", json={**INCIDENT, "cases": ["PLT-2026-99999"]})
    assert unknown.status_code == 404
    assert officer.get("/api/incidents").json() == []


@pytest.mark.parametrize("role", ["agent", "supervisor", "integration"])
def test_the_register_is_for_officers_and_administrators_only(as_role, role):
    caller = as_role(role)
    assert caller.get("/api/incidents").status_code == 403
    assert caller.get("/api/retention/due").status_code == 403


def test_applying_the_schedule_needs_an_explicit_confirmation(as_role):
    admin = as_role("admin")
    assert admin.get("/api/retention/due", params={"as_of": "2040-01-01"}).json() == []
    refused = admin.post(
        "/api/retention/apply", json={"references": ["PLT-2026-00001"], "confirm": False}
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "confirm"
    certificate = admin.get(
        "/api/retention/certificate",
        params={"from": "2026-01-01", "to": date(2026, 12, 31).isoformat()},
    )
    assert certificate.content.decode("utf-8-sig").splitlines() == [
        "reference,kind,action,rule,planned_on,applied_on,confirmed_by"
    ]
    signed = admin.get(
        "/api/retention/certificate",
        params={"from": "2026-01-01", "to": "2026-12-31", "format": "pdf"},
        headers={"Accept-Language": "en"},
    )
    assert signed.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(signed.content)).pages[0].extract_text()
    assert "Destruction certificate" in text and "from January 1, 2026 to December 31, 2026" in text
    backwards = admin.get(
        "/api/retention/certificate",
        params={"from": "2026-12-31", "to": "2026-01-01", "format": "pdf"},
    )
    assert (backwards.status_code, backwards.json()["field"]) == (422, "to")
    assert "date de fin" in backwards.json()["detail"]
