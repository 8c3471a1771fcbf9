"""Cases over the REST API: intake, deadlines, life cycle, audit trail, errors in two languages.

Dates are worked out by hand from DESIGN §2.3 (day of receipt is day 0; Quebec public-service
closures: in 2026, 12 October, 24, 25, 28 and 31 December; 1 and 4 January 2027).
"""

from sqlalchemy import func, select
from sqlmodel import Session

from casework.models import Case, CaseEvent

LETTER = {
    "kind": "complaint",
    "channel": "letter",
    "subject": "Délai de traitement d'une demande de permis",
    "description": "La citoyenne attend une réponse depuis trois mois.",
    "received_at": "2026-11-20T10:00:00-05:00",
    "requester": {"name": "Marie Tremblay", "email": "marie.tremblay@example.org"},
}


def create(client, **overrides):
    response = client.post("/api/cases", json={**LETTER, **overrides})
    assert response.status_code == 201, response.text
    return response.json()


def fire(client, case, trigger, **fields):
    return client.post(
        f"/api/cases/{case['reference']}/transitions",
        json={"trigger": trigger, "version": case["version"], **fields},
    )


def test_letter_received_friday_20_november_is_acknowledged_by_4_december(client):
    response = client.post("/api/cases", json=LETTER)
    assert response.status_code == 201
    case = response.json()
    assert case["reference"] == "PLT-2026-00001"
    assert response.headers["location"] == "/api/cases/PLT-2026-00001"
    assert case["status"] == "received"
    assert case["ack_due_on"] == "2026-12-04"
    assert case["answer_due_on"] == "2026-12-18"
    assert case["version"] == 1
    assert case["requester"]["name"] == "Marie Tremblay"


def test_phone_call_has_no_acknowledgment_deadline(client):
    case = create(client, channel="phone")
    assert case["ack_due_on"] is None
    assert case["answer_due_on"] == "2026-12-18"
    assert case["next_due_on"] == "2026-12-18"


def test_references_follow_a_sequence_per_kind_and_year(client):
    assert create(client)["reference"] == "PLT-2026-00001"
    assert create(client)["reference"] == "PLT-2026-00002"
    assert create(client, kind="information_request")["reference"] == "REN-2026-00001"
    assert create(client, received_at="2025-06-02T09:00:00-04:00")["reference"] == "PLT-2025-00001"


def test_request_received_31_december_2330_in_montreal_gets_that_years_reference(client):
    case = create(client, received_at="2025-12-31T23:30:00-05:00")
    assert case["reference"] == "PLT-2025-00001"
    assert case["received_on"] == "2025-12-31"
    # 31 Dec 2025 and 1-2 Jan 2026 are closures: day 1 is Monday 5 January, day 10 the 16th.
    assert case["ack_due_on"] == "2026-01-16"


def test_naive_receipt_time_means_montreal_time(client):
    case = create(client, received_at="2025-12-31T23:30:00")
    assert case["reference"] == "PLT-2025-00001"
    assert case["received_at"].startswith("2026-01-01T04:30:00")


def test_receipt_in_the_future_is_refused_in_french_naming_the_field(client):
    response = client.post("/api/cases", json={**LETTER, "received_at": "2027-01-05T10:00:00"})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "received_at"
    assert (
        "future"
        in client.post(
            "/api/cases",
            json={**LETTER, "received_at": "2027-01-05T10:00:00"},
            headers={"Accept-Language": "en"},
        ).json()["detail"]
    )
    assert "futur" in body["detail"]


def test_validation_errors_name_each_field_in_french_by_default(client):
    response = client.post(
        "/api/cases",
        json={"kind": "plainte", "channel": "letter", "subject": "", "received_at": "hier"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    fields = {error["field"]: error["message"] for error in body["errors"]}
    assert set(fields) == {"kind", "subject", "received_at"}
    assert fields["subject"] == "Ce champ ne peut pas être vide."
    assert "complaint" in fields["kind"]


def test_validation_errors_in_english_when_asked(client):
    response = client.post(
        "/api/cases",
        json={**LETTER, "subject": ""},
        headers={"Accept-Language": "en-CA,en;q=0.9"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "subject",
        "location": ["body", "subject"],
        "message": "This field cannot be empty.",
        "type": "string_too_short",
    }


def test_an_optional_text_too_long_or_blank_is_said_as_a_text(client):
    case = create(client)
    reference, version = case["reference"], case["version"]
    too_long = client.patch(
        f"/api/cases/{reference}", json={"version": version, "subject": "x" * 301}
    )
    blank = client.patch(f"/api/cases/{reference}", json={"version": version, "subject": "   "})
    comment = client.post(
        f"/api/cases/{reference}/transitions",
        json={"trigger": "acknowledge", "version": version, "comment": "x" * 5001},
        headers={"Accept-Language": "en"},
    )
    assert (too_long.status_code, blank.status_code, comment.status_code) == (422, 422, 422)
    assert too_long.json()["errors"][0]["message"] == (
        "Ce texte est trop long (300 caractères au plus)."
    )
    assert blank.json()["errors"][0]["message"] == "Ce champ ne peut pas être vide."
    assert comment.json()["errors"][0]["message"] == (
        "This text is too long (at most 5000 characters)."
    )
    assert client.get(f"/api/cases/{reference}").json()["version"] == version


def test_invalid_email_of_the_requester_is_named(client):
    response = client.post(
        "/api/cases", json={**LETTER, "requester": {"name": "X", "email": "pas-un-courriel"}}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "requester.email"


def test_refused_creation_writes_nothing(client, engine):
    client.post("/api/cases", json={**LETTER, "assignee_id": 999})
    with Session(engine) as session:
        assert session.execute(select(func.count(Case.id))).scalar_one() == 0
        assert session.execute(select(func.count(CaseEvent.id))).scalar_one() == 0
    # the refused request did not use up a reference number
    assert create(client)["reference"] == "PLT-2026-00001"


def test_acknowledge_answer_close_records_one_event_each(client):
    case = create(client)
    case = fire(client, case, "acknowledge", comment="Accusé de réception envoyé").json()
    assert case["status"] == "acknowledged"
    assert case["version"] == 2
    assert case["next_due_on"] == "2026-12-18"
    case = fire(client, case, "answer", answer_summary="Le permis a été délivré.").json()
    assert case["status"] == "answered"
    assert case["next_due_on"] is None
    case = fire(
        client,
        case,
        "close",
        outcome="founded",
        classification={
            "service": "support_advice",
            "commitment": "diligence",
            "root_cause": "delay",
            "remedy": "apology",
        },
    ).json()
    assert case["status"] == "closed"
    assert case["outcome"] == "founded"
    events = client.get(f"/api/cases/{case['reference']}/events").json()
    assert [(e["kind"], e["trigger"], e["from_state"], e["to_state"]) for e in events] == [
        ("created", None, None, "received"),
        ("transition", "acknowledge", "received", "acknowledged"),
        ("transition", "answer", "acknowledged", "answered"),
        ("classification", None, None, None),
        ("transition", "close", "answered", "closed"),
    ]
    assert all(e["actor"] for e in events)


def test_refused_transition_is_409_with_the_reason_and_the_allowed_triggers(client):
    case = create(client)
    response = fire(client, case, "resume")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert body["allowed"] == ["acknowledge", "answer", "request_information", "escalate", "close"]
    assert "reçue" in body["detail"].lower() or "received" in body["detail"].lower()
    assert client.get(f"/api/cases/{case['reference']}").json()["version"] == 1


def test_answer_without_summary_is_refused_naming_the_field(client):
    case = create(client)
    response = fire(client, case, "answer")
    assert response.status_code == 409
    assert response.json()["field"] == "answer_summary"
    english = client.post(
        f"/api/cases/{case['reference']}/transitions",
        json={"trigger": "answer", "version": 1},
        headers={"Accept-Language": "en"},
    )
    assert english.json()["detail"] == "An answer needs an answer summary."


def test_stale_version_is_a_conflict_with_the_current_version(client):
    case = create(client)
    fire(client, case, "acknowledge")
    response = fire(client, case, "answer", answer_summary="Réponse")
    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"
    assert response.json()["current_version"] == 2


def test_waiting_5_business_days_for_the_requester_moves_answer_to_30_december(client, clock):
    case = create(client)  # answer due Friday 18 December 2026
    case = fire(client, case, "acknowledge").json()
    case = fire(client, case, "request_information", comment="Numéro de dossier manquant").json()
    assert case["status"] == "awaiting_requester"
    assert case["next_due_on"] is None  # the clock stands still
    clock.current = clock.current.replace(day=30)  # Monday 30 November: 5 business days later
    case = fire(client, case, "resume").json()
    # 18 Dec + 5 business days: 21, 22, 23, (24, 25, 28 closed), 29, 30 December.
    assert case["answer_due_on"] == "2026-12-30"
    deadlines = client.get(f"/api/cases/{case['reference']}/deadlines").json()
    answer = next(d for d in deadlines if d["name"] == "answer")
    assert answer["explanation"]["paused_business_days"] == 5
    assert "5 jours ouvrables" in answer["explanation"]["text"]


def test_extension_with_reason_moves_the_answer_deadline_and_is_recorded(client):
    case = create(client)
    response = client.post(
        f"/api/cases/{case['reference']}/extensions",
        json={"version": 1, "days": 5, "reason": "Analyse juridique requise"},
    )
    assert response.status_code == 200
    assert response.json()["answer_due_on"] == "2026-12-30"
    events = client.get(f"/api/cases/{case['reference']}/events").json()
    assert events[-1]["kind"] == "deadline_changed"
    assert events[-1]["reason"] == "Analyse juridique requise"
    assert events[-1]["data"]["from"] == "2026-12-18"


def test_escalation_more_than_a_year_after_the_facts_warns_but_is_recorded(client):
    case = create(client, facts_known_on="2025-06-01")
    response = fire(
        client,
        case,
        "escalate",
        protecteur_file_number="PC-2026-0042",
        escalated_on="2026-11-20",
        protecteur_reply_due_on="2026-12-15",
    )
    assert response.status_code == 200
    case = response.json()
    assert case["status"] == "escalated"
    # The acknowledgment (due Friday 4 December) is still owed while the Protecteur is seized.
    assert case["protecteur_reply_due_on"] == "2026-12-15"
    assert case["next_due_on"] == "2026-12-04"
    assert len(case["warnings"]) == 1


def test_overdue_list_shows_late_cases_first_by_due_date(client):
    late = create(client, received_at="2026-10-01T09:00:00-04:00")  # ack due 16 October
    create(client)  # on track
    response = client.get("/api/cases", params={"overdue": "true"})
    body = response.json()
    assert body["total"] == 1
    assert body["items"][0]["reference"] == late["reference"]
    assert body["items"][0]["ack_due_on"] == "2026-10-16"
    assert body["items"][0]["overdue"] is True
    assert body["items"][0]["deadline"]["state"] == "overdue"


def test_list_filters_search_and_paginate_in_a_stable_order(client):
    first = create(client, subject="Bruit excessif du chantier")
    second = create(client, subject="Stationnement", kind="information_request")
    third = create(client, subject="Chantier fermé", channel="email")
    assert client.get("/api/cases", params={"q": "chantier"}).json()["total"] == 2
    assert (
        client.get("/api/cases", params={"kind": "information_request"}).json()["items"][0][
            "reference"
        ]
        == second["reference"]
    )
    assert client.get("/api/cases", params={"channel": "email"}).json()["total"] == 1
    page = client.get("/api/cases", params={"limit": 2, "offset": 0}).json()
    rest = client.get("/api/cases", params={"limit": 2, "offset": 2}).json()
    seen = [c["reference"] for c in page["items"] + rest["items"]]
    assert page["total"] == 3
    assert sorted(seen) == sorted(c["reference"] for c in (first, second, third))
    assert client.get("/api/cases", params={"q": "100%_"}).json()["total"] == 0


def test_search_ignores_the_case_of_accented_letters(client):
    found = create(client, subject="État du chantier de la rue Émile")
    for text in ("état", "ÉTAT", "émile"):
        items = client.get("/api/cases", params={"q": text}).json()["items"]
        assert [c["reference"] for c in items] == [found["reference"]], text


def test_patch_edits_subject_and_priority_with_version(client):
    case = create(client)
    response = client.patch(
        f"/api/cases/{case['reference']}",
        json={"version": 1, "subject": "Permis de construction", "priority": "high"},
    )
    assert response.status_code == 200
    assert response.json()["subject"] == "Permis de construction"
    assert response.json()["version"] == 2
    stale = client.patch(f"/api/cases/{case['reference']}", json={"version": 1, "priority": "low"})
    assert stale.status_code == 409


def test_unknown_case_is_404_in_french(client):
    response = client.get("/api/cases/PLT-2026-99999")
    assert response.status_code == 404
    assert "PLT-2026-99999" in response.json()["detail"]


def test_public_deadline_calculator_and_closure_list(client):
    due = client.get("/api/calendar/due", params={"received": "2025-12-19", "days": 10}).json()
    assert due["due_on"] == "2026-01-12"
    assert "12 janvier 2026" in due["explanation"]
    closures = client.get("/api/calendar/closures", params={"year": 2026}).json()["closures"]
    assert [c["date"] for c in closures] == [
        "2026-01-01",
        "2026-01-02",
        "2026-04-03",
        "2026-04-06",
        "2026-05-18",
        "2026-06-24",
        "2026-07-01",
        "2026-09-07",
        "2026-10-12",
        "2026-12-24",
        "2026-12-25",
        "2026-12-28",
        "2026-12-31",
    ]
    bad = client.get("/api/calendar/due", params={"received": "demain"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "received"


def test_workflow_describes_states_triggers_and_diagram(client):
    body = client.get("/api/workflow").json()
    assert {s["state"] for s in body["states"]} >= {"received", "closed"}
    assert body["diagram"].startswith("stateDiagram-v2")
