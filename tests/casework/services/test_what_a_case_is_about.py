"""What a complaint is about, its corrective measures and the Protecteur du citoyen's findings,
over the REST API (ISO 10002: analyse what complaints are about and what was changed)."""

import pytest

from casework.context import Actor
from casework.schemas import ClassificationIn
from casework.services import accountability, users
from casework.services.errors import Forbidden
from tests.casework.api.test_cases_api import create, fire

ABOUT = {
    "service": "support_advice",
    "commitment": "diligence",
    "root_cause": "delay",
    "remedy": "apology",
}


def answered(client, **overrides):
    case = create(client, **overrides)
    return fire(client, case, "answer", answer_summary="Le permis a été délivré.").json()


def test_a_complaint_closed_as_founded_without_what_it_was_about_is_refused(client):
    case = answered(client)
    response = fire(client, case, "close", outcome="founded")
    assert response.status_code == 409
    body = response.json()
    assert body["field"] == "service"
    assert "cause première" in body["detail"]
    after = client.get(f"/api/cases/{case['reference']}").json()
    assert (after["status"], after["outcome"], after["version"]) == ("answered", None, 2)


def test_what_the_complaint_is_about_closes_it_and_stays_with_it(client):
    case = answered(client)
    closed = fire(client, case, "close", outcome="founded", classification=ABOUT)
    assert closed.status_code == 200, closed.text
    about = client.get(f"/api/cases/{case['reference']}/about").json()
    assert {k: about["classification"][k] for k in ABOUT} == ABOUT
    assert about["measures"] == [] and about["finding"] is None


def test_what_was_recorded_before_closing_is_enough_to_close(client):
    case = answered(client)
    saved = client.put(f"/api/cases/{case['reference']}/classification", json=ABOUT)
    assert saved.status_code == 200, saved.text
    assert fire(client, case, "close", outcome="unfounded").status_code == 200


def test_a_withdrawn_complaint_closes_without_what_it_was_about(client):
    case = create(client)
    assert fire(client, case, "close", outcome="withdrawn").status_code == 200


def test_an_information_request_answered_closes_without_what_it_was_about(client):
    case = answered(client, kind="information_request")
    assert fire(client, case, "close", outcome="founded").status_code == 200


def test_a_code_not_on_its_list_is_refused_naming_the_field_in_french(client):
    case = create(client)
    response = client.put(
        f"/api/cases/{case['reference']}/classification", json={**ABOUT, "remedy": "refund"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "remedy"
    assert "«\u00a0refund\u00a0»" in response.json()["detail"]
    about = client.get(f"/api/cases/{case['reference']}/about").json()
    assert about["classification"] is None


def test_a_corrective_measure_is_followed_until_done(client, clock):
    case = create(client)
    reference = case["reference"]
    added = client.post(
        f"/api/cases/{reference}/measures",
        json={
            "description": "Publier les délais de traitement sur le site Web.",
            "owner": "Direction des communications",
            "due_on": "2027-01-29",
        },
    )
    assert added.status_code == 201, added.text
    measure = added.json()
    assert measure["done_on"] is None
    future = client.post(
        f"/api/cases/{reference}/measures/{measure['id']}/done", json={"done_on": "2026-11-24"}
    )
    assert future.status_code == 422 and future.json()["field"] == "done_on"
    done = client.post(
        f"/api/cases/{reference}/measures/{measure['id']}/done", json={"done_on": "2026-11-23"}
    )
    assert done.json()["done_on"] == "2026-11-23"
    kinds = [e["kind"] for e in client.get(f"/api/cases/{reference}/events").json()]
    assert kinds == ["created", "measure", "measure_done"]
    missing = client.post(
        f"/api/cases/{reference}/measures/999/done", json={"done_on": "2026-11-23"}
    )
    assert missing.status_code == 404


def test_an_agent_records_what_their_own_cases_are_about_only(ctx, client):
    agent = users.add(
        ctx,
        actor=Actor("test", role="admin"),
        username="agente",
        full_name="Agente",
        role="agent",
        password="un-mot-de-passe-solide",
    )
    case = create(client)
    actor = Actor(label="user:agente", user_id=agent.id, role="agent")
    with pytest.raises(Forbidden):
        accountability.classify(
            ctx, actor=actor, reference=case["reference"], data=ClassificationIn(**ABOUT)
        )
    client.patch(f"/api/cases/{case['reference']}", json={"version": 1, "assignee_id": agent.id})
    row = accountability.classify(
        ctx, actor=actor, reference=case["reference"], data=ClassificationIn(**ABOUT)
    )
    assert row.service == "support_advice"


def test_closing_an_escalated_case_records_the_protecteur_findings(client):
    case = answered(client)
    case = fire(
        client,
        case,
        "escalate",
        protecteur_file_number="PC-2026-0042",
        escalated_on="2026-11-20",
    ).json()
    refused = fire(client, case, "close", outcome="founded", classification=ABOUT)
    assert refused.status_code == 409
    assert refused.json()["field"] == "protecteur_conclusion"
    closed = fire(
        client,
        case,
        "close",
        outcome="founded",
        classification=ABOUT,
        protecteur_conclusion="partly_founded",
        protecteur_recommendations="Revoir le gabarit de l’accusé de réception.",
    )
    assert closed.status_code == 200, closed.text
    finding = client.get(f"/api/cases/{case['reference']}/about").json()["finding"]
    assert finding["conclusion"] == "partly_founded"
    assert finding["recommendations"] == "Revoir le gabarit de l’accusé de réception."
