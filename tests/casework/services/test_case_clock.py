"""The case clock on a real database, through the services and the API: each deadline's date and
state across a case's life, with dates counted by hand.

The year-end closures of the Quebec public service in 2026–2027: Thursday 24, Friday 25, Monday
28 and Thursday 31 December 2026, Friday 1 and Monday 4 January 2027.
"""

from datetime import date

from casework.context import Actor
from casework.services import cases, closures
from casework.services.calendar import refresh
from casework.services.door import CASEWORK
from casework.services.errors import InvalidInput
from tests.cases import OFFICER, fire, open_case
from tests.conftest import montreal

ADMIN = Actor(label="user:admin", role="admin")


def _items(ctx, case):
    return {
        d.name.value: d
        for d in cases.deadlines(
            ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
        )
    }


def _api_items(client, reference):
    response = client.get(f"/api/cases/{reference}/deadlines")
    assert response.status_code == 200, response.text
    return {d["name"]: d for d in response.json()}


def _headline_equals_items(client, reference):
    case = client.get(f"/api/cases/{reference}").json()
    items = _api_items(client, reference)
    assert case["ack_due_on"] == items["acknowledgment"]["due_on"]
    assert case["answer_due_on"] == items["answer"]["due_on"]
    assert case["protecteur_reply_due_on"] == items["protecteur_reply"]["due_on"]
    return case, items


# 1. A closure added after an escalation moves the case's dates once, the same everywhere.
def test_a_closure_added_moves_an_escalated_case_the_same_in_its_headline_and_explanation(
    ctx, clock, client
):
    # Received Thursday 26 November 2026: acknowledgment 10 business days later, Thursday
    # 10 December; answer 20 business days later, Tuesday 29 December (24, 25 and 28 closed),
    # extended by 10 business days: 30 December, 5–8 and 11–15 January (31, 1 and 4 closed),
    # Friday 15 January 2027.
    clock.current = montreal(2026, 11, 26, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 26, 9, 0))
    clock.current = montreal(2026, 11, 27, 10, 0)
    case = cases.extend(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        version=case.version,
        days=10,
        reason="Analyse juridique",
    ).case
    assert case.answer_due_on == date(2027, 1, 15)
    clock.current = montreal(2026, 11, 30, 10, 0)
    case = fire(
        ctx,
        case,
        "escalate",
        protecteur_file_number="PC-2026-0042",
        escalated_on=date(2026, 11, 30),
        protecteur_reply_due_on=date(2027, 1, 29),
    )
    preview = closures.preview_closure_change(
        ctx, day=date(2026, 12, 7), action="add", name_fr="Fermeture", name_en="Closure"
    )
    applied = closures.apply_closure_change(
        ctx,
        actor=ADMIN,
        day=date(2026, 12, 7),
        action="add",
        name_fr="Fermeture",
        name_en="Closure",
    )
    # Monday 7 December closed: one business day more for each, Friday 11 December and Monday
    # 18 January 2027; the Protecteur's date (a Friday) does not move.
    expected = [
        (case.reference, "acknowledgment", date(2026, 12, 10), date(2026, 12, 11)),
        (case.reference, "answer", date(2027, 1, 15), date(2027, 1, 18)),
    ]
    assert [(m.reference, m.deadline, m.before, m.after) for m in preview.moves] == expected
    assert [(m.reference, m.deadline, m.before, m.after) for m in applied.moves] == expected
    headline, items = _headline_equals_items(client, case.reference)
    assert (headline["ack_due_on"], headline["answer_due_on"]) == ("2026-12-11", "2027-01-18")
    assert "vendredi 11 décembre 2026" in items["acknowledgment"]["explanation"]["text"]
    assert "lundi 18 janvier 2027" in items["answer"]["explanation"]["text"]
    assert items["acknowledgment"]["state"] == "on_track"


# 2. Waiting for the requester does not acknowledge the request.
def test_a_pause_before_the_acknowledgment_leaves_it_owed(ctx, clock, client):
    # Received Friday 18 December 2026: acknowledgment due Monday 11 January 2027 (21, 22, 23,
    # 29, 30 December, 5, 6, 7, 8, 11 January). Answer: 20 business days, Monday 25 January,
    # plus the 5 business days spent waiting (23, 29, 30 December, 5, 6 January): Monday
    # 1 February 2027.
    clock.current = montreal(2026, 12, 18, 11, 0)
    case = open_case(ctx, montreal(2026, 12, 18, 10, 0))
    clock.current = montreal(2026, 12, 22, 10, 0)
    case = fire(ctx, case, "request_information", comment="Il manque le numéro de dossier.")
    clock.current = montreal(2027, 1, 6, 10, 0)
    case = fire(ctx, case, "resume")
    assert case.status == "received"
    assert case.acknowledged_at is None
    assert (case.ack_due_on, case.answer_due_on) == (date(2027, 1, 11), date(2027, 2, 1))
    assert (case.next_deadline, case.next_due_on) == ("acknowledgment", date(2027, 1, 11))
    items = _api_items(client, case.reference)
    assert items["acknowledgment"]["state"] == "due_soon"  # 7, 8, 11 January left
    assert items["acknowledgment"]["met_on"] is None
    clock.current = montreal(2027, 1, 11, 9, 0)
    assert _api_items(client, case.reference)["acknowledgment"]["state"] == "due_today"
    assert "acknowledge" in [str(t) for t in _allowed(client, case.reference)]


def _allowed(client, reference):
    return client.get(f"/api/cases/{reference}").json()["allowed_triggers"]


# 3. Reopening owes a new answer from the reopening day; the first answer stays on time.
def test_reopening_an_answered_case_starts_a_new_answer_deadline_not_an_overdue_one(
    ctx, clock, client
):
    # Received Monday 2 November 2026, answer due Monday 30 November; answered Friday
    # 20 November, closed, reopened Tuesday 1 December: a new answer is due 20 business days
    # later (2–4, 7–11, 14–18, 21–23, 29, 30 December, 5, 6 January), Wednesday 6 January 2027.
    clock.current = montreal(2026, 11, 2, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 2, 9, 0), kind="information_request")
    clock.current = montreal(2026, 11, 20, 10, 0)
    case = fire(ctx, case, "answer", answer_summary="Renseignements transmis.")
    case = fire(ctx, case, "close", outcome="founded")
    clock.current = montreal(2026, 12, 1, 10, 0)
    case = fire(ctx, case, "reopen", reason="Nouvelle question de la personne.")
    assert case.answer_due_on == date(2027, 1, 6)
    assert case.answer_summary is None  # the first answer stays in the trail
    assert (case.answer_outcome, case.answer_counted_on) == ("on_time", date(2026, 11, 30))
    headline, items = _headline_equals_items(client, case.reference)
    assert headline["overdue"] is False
    assert items["answer"]["state"] == "on_track"
    assert items["answer"]["explanation"]["reopened_on"] == "2026-12-01"
    # The acknowledgment (due Monday 16 November) was replaced by the answer, 4 days late.
    ack = items["acknowledgment"]
    assert (ack["state"], ack["met_on"], ack["late_by"]) == ("met_late", "2026-11-20", 4)
    overdue = client.get("/api/cases", params={"overdue": "true"}).json()
    assert case.reference not in [c["reference"] for c in overdue.get("items", [])]


# 4. and 8. Escalating a closed case, with the date the person learned of the facts.
def test_an_escalation_is_recorded_on_a_closed_case_without_reopening_its_answer(
    ctx, clock, client
):
    clock.current = montreal(2026, 11, 2, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 2, 9, 0), kind="information_request", channel="phone")
    clock.current = montreal(2026, 11, 20, 10, 0)
    case = fire(ctx, case, "answer", answer_summary="Renseignements transmis.")
    case = fire(ctx, case, "close", outcome="founded")
    clock.current = montreal(2026, 12, 3, 10, 0)
    response = client.post(
        f"/api/cases/{case.reference}/transitions",
        json={
            "trigger": "escalate",
            "version": case.version,
            "protecteur_file_number": "PC-2026-0077",
            "escalated_on": "2026-12-03",
            "facts_known_on": "2025-10-01",
            "protecteur_reply_due_on": "2027-01-15",
        },
    )
    assert response.status_code == 200, response.text
    escalated = response.json()
    assert escalated["status"] == "escalated"
    assert escalated["facts_known_on"] == "2025-10-01"
    assert len(escalated["warnings"]) == 1  # more than one year after the facts (art. 19)
    _, items = _headline_equals_items(client, case.reference)
    assert items["answer"]["state"] == "met"
    assert items["answer"]["met_on"] == "2026-11-20"
    assert items["protecteur_reply"]["state"] == "on_track"
    assert items["acknowledgment"]["state"] == "not_applicable"  # a call owes none
    # The Protecteur sets a new date in a later letter: recorded, with an event each time.
    response = client.post(
        f"/api/cases/{case.reference}/reply-date", json={"reply_due_on": "2027-02-05"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["protecteur_reply_due_on"] == "2027-02-05"
    events = client.get(f"/api/cases/{case.reference}/events").json()
    assert [e["data"]["reply_due_on"] for e in events if e["kind"] == "reply_date_set"] == [
        "2027-02-05"
    ]


def test_a_reply_date_cannot_be_set_on_a_case_not_escalated(ctx, clock, client):
    case = open_case(ctx, montreal(2026, 11, 20, 9, 0))
    response = client.post(
        f"/api/cases/{case.reference}/reply-date", json={"reply_due_on": "2027-02-05"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "reply_due_on" or "reply_due_on" in response.text


# 5. An extension given after the deadline is told, but the deadline stays missed.
def test_an_extension_after_the_deadline_keeps_the_answer_missed(ctx, clock, client):
    # Received Friday 18 December 2026, acknowledged on the 21st: answer due Monday 25 January
    # 2027. Extended on Wednesday 27 January by 5 business days: announced for Monday
    # 1 February. Answered Friday 29 January: met late, 4 business days after the 25th.
    clock.current = montreal(2026, 12, 18, 11, 0)
    case = open_case(ctx, montreal(2026, 12, 18, 10, 0))
    clock.current = montreal(2026, 12, 21, 10, 0)
    case = fire(ctx, case, "acknowledge")
    assert case.answer_due_on == date(2027, 1, 25)
    clock.current = montreal(2027, 1, 27, 10, 0)
    case = cases.extend(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        version=case.version,
        days=5,
        reason="Consultation du service juridique",
    ).case
    assert case.answer_due_on == date(2027, 2, 1)
    assert case.answer_counted_on == date(2027, 1, 25)
    extension = [
        e
        for e in cases.events(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference)
        if e.kind == "deadline_changed"
    ]
    assert extension[-1].data["late"] is True
    items = _api_items(client, case.reference)
    assert (
        "manquée le 25 janvier 2027; nouvelle date annoncée\u00a0: 1er février 2027"
        in (items["answer"]["explanation"]["text"])
    )
    letters = client.get(f"/api/cases/{case.reference}/letters").json()
    text = next(x for x in letters if x["kind"] == "extension_notice")["text"]
    assert "au lieu du" not in text
    assert "25 janvier 2027" in text
    clock.current = montreal(2027, 1, 29, 10, 0)
    case = fire(ctx, case, "answer", answer_summary="Réponse transmise.")
    answer = _api_items(client, case.reference)["answer"]
    assert (answer["state"], answer["met_on"], answer["late_by"]) == ("met_late", "2027-01-29", 4)
    assert case.answer_outcome == "late"


# 6. Calendar days count the weekends and closures; only the end carries.
def test_a_calendar_day_answer_ending_on_a_closure_carries_to_the_next_business_day(
    settings, engine, clock
):
    from casework.context import AppContext

    settings.deadlines.complaint.answer.days = 20
    settings.deadlines.complaint.answer.unit = "calendar"
    ctx = AppContext(settings=settings, engine=engine, clock=clock)
    refresh(ctx)
    # Received Friday 4 December 2026: 20 calendar days end Thursday 24 December (closed); 25,
    # 26, 27 and 28 are not business days either: Tuesday 29 December 2026.
    clock.current = montreal(2026, 12, 4, 11, 0)
    case = open_case(ctx, montreal(2026, 12, 4, 10, 0))
    assert case.answer_due_on == date(2026, 12, 29)
    answer = _items(ctx, case)["answer"]
    assert answer.explanation.rolled_forward_from == date(2026, 12, 24)
    from casework.explain import clock_sentence

    text = clock_sentence(answer, "fr")
    assert "fins de semaine" not in text or "compris" in text
    assert "sans compter" not in text
    assert "jeudi 24 décembre 2026" in text


# 7. A Protecteur reply date on a closure day carries to the next business day.
def test_a_protecteur_reply_date_on_christmas_carries_to_tuesday_29_december(ctx, clock, client):
    clock.current = montreal(2026, 11, 20, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 20, 9, 0))
    case = fire(ctx, case, "answer", answer_summary="Réponse.")
    clock.current = montreal(2026, 12, 1, 10, 0)
    case = fire(
        ctx,
        case,
        "escalate",
        protecteur_file_number="PC-2026-0099",
        escalated_on=date(2026, 12, 1),
        protecteur_reply_due_on=date(2026, 12, 25),
    )
    assert case.protecteur_reply_due_on == date(2026, 12, 29)
    clock.current = montreal(2026, 12, 29, 10, 0)
    reply = _api_items(client, case.reference)["protecteur_reply"]
    assert (reply["due_on"], reply["state"], reply["late_by"]) == ("2026-12-29", "due_today", None)
    assert reply["explanation"]["carried_from"] == "2026-12-25"
    assert "vendredi 25 décembre 2026" in reply["explanation"]["text"]


# 10. A finished deadline says when it was met, and whether late.
def test_a_closed_case_shows_when_each_deadline_was_met(ctx, clock, client):
    # Received Monday 2 November 2026: acknowledgment due Monday 16 November, sent Wednesday
    # 18 November (2 business days late); answered Friday 20 November (due the 30th).
    clock.current = montreal(2026, 11, 2, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 2, 9, 0), kind="information_request")
    clock.current = montreal(2026, 11, 18, 10, 0)
    case = fire(ctx, case, "acknowledge")
    clock.current = montreal(2026, 11, 20, 10, 0)
    case = fire(ctx, case, "answer", answer_summary="Renseignements transmis.")
    case = fire(ctx, case, "close", outcome="founded")
    items = _api_items(client, case.reference)
    ack, answer = items["acknowledgment"], items["answer"]
    assert (ack["state"], ack["met_on"], ack["late_by"]) == ("met_late", "2026-11-18", 2)
    assert (answer["state"], answer["met_on"], answer["late_by"]) == ("met", "2026-11-20", None)
    assert "18 novembre 2026" in ack["explanation"]["text"]


def test_a_case_withdrawn_before_its_deadlines_makes_them_not_applicable(ctx, clock, client):
    clock.current = montreal(2026, 11, 2, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 2, 9, 0))
    clock.current = montreal(2026, 11, 5, 10, 0)
    case = fire(ctx, case, "close", outcome="withdrawn")
    items = _api_items(client, case.reference)
    assert items["acknowledgment"]["state"] == "not_applicable"
    assert items["answer"]["state"] == "not_applicable"
    assert (case.ack_outcome, case.answer_outcome) == ("not_applicable", "not_applicable")


def test_only_an_answer_still_owed_can_be_extended(ctx, clock):
    case = open_case(ctx, montreal(2026, 11, 20, 9, 0))
    case = fire(ctx, case, "answer", answer_summary="Réponse.")
    try:
        cases.extend(
            ctx,
            interface="api",
            actor=OFFICER,
            reference=case.reference,
            version=case.version,
            days=5,
            reason="Trop tard",
        )
    except InvalidInput as refused:
        assert refused.field == "days"
    else:  # pragma: no cover - the refusal is the point
        raise AssertionError("an answered case was extended")


# 9. The on-time rates count what the clock says, on eight cases worked out by hand.
def test_on_time_rates_of_eight_cases_as_of_15_february_2027(ctx, clock, client):
    """Business days of 2027 (no closure after 4 January until Good Friday): a letter received
    Monday 11 January owes its acknowledgment Monday 25 January and its answer Monday
    8 February; received Monday 25 January: 8 and 22 February; Monday 1 February: 15 February
    and 1 March.

    Acknowledgments due from 1 January to 15 February 2027: A, D, G on time; B late (the pause
    did not acknowledge it) and H late; C escalated without one, open and late; E withdrawn
    before it, not applicable; F a call, owes none. 3 / 6 = 50 %.
    Answers: A on time; C escalated and never answered, open and late; D extended after its
    date, late; E and F withdrawn before it, not applicable; B due today (15 February: not
    late yet), G and H due after the period. 1 / 3 = 33.3 %.
    """

    def on(day, month=1):
        clock.current = montreal(2027, month, day, 10, 0)

    on(11)
    a, b, c, d, e = (open_case(ctx, montreal(2027, 1, 11, 9, 0)) for _ in range(5))
    f = open_case(ctx, montreal(2027, 1, 11, 9, 0), channel="phone")
    on(13)
    a = fire(ctx, a, "acknowledge")
    b = fire(ctx, b, "request_information", comment="Il manque la facture.")
    on(14)
    d = fire(ctx, d, "acknowledge")
    on(15)
    e = fire(ctx, e, "close", outcome="withdrawn")
    f = fire(ctx, f, "close", outcome="withdrawn")
    on(18)
    c = fire(
        ctx, c, "escalate", protecteur_file_number="PC-2027-0001", escalated_on=date(2027, 1, 18)
    )
    on(20)
    b = fire(ctx, b, "resume")
    on(25)
    h = open_case(ctx, montreal(2027, 1, 25, 9, 0))
    on(27)
    b = fire(ctx, b, "acknowledge")
    on(1, 2)
    g = open_case(ctx, montreal(2027, 2, 1, 9, 0))
    on(3, 2)
    g = fire(ctx, g, "acknowledge")
    on(5, 2)
    a = fire(ctx, a, "answer", answer_summary="Réponse.")
    on(9, 2)
    h = fire(ctx, h, "acknowledge")
    on(10, 2)
    d = cases.extend(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=d.reference,
        version=d.version,
        days=5,
        reason="Expertise",
    ).case
    on(12, 2)
    d = fire(ctx, d, "answer", answer_summary="Réponse.")
    on(15, 2)

    response = client.get(
        "/api/reports/service-standards", params={"from": "2027-01-01", "to": "2027-02-15"}
    )
    assert response.status_code == 200, response.text
    figures = response.json()
    assert figures == {
        "acknowledgment": {
            "on_time": 3,
            "late": 2,
            "open_late": 1,
            "not_applicable": 1,
            "rate": 0.5,
        },
        "answer": {
            "on_time": 1,
            "late": 1,
            "open_late": 1,
            "not_applicable": 2,
            "rate": 1 / 3,
        },
    }
    from casework.services import reports

    dashboard = reports.dashboard(ctx)
    assert dashboard.acknowledgment_rate.percent == 50.0
    assert round(dashboard.answer_rate.percent, 1) == 33.3
    bad = client.get(
        "/api/reports/service-standards", params={"from": "2027-02-15", "to": "2027-01-01"}
    )
    assert bad.status_code == 422


def test_the_acknowledgment_of_a_calendar_day_answer_states_the_delay_not_the_carry(
    settings, engine, clock
):
    from casework.context import AppContext
    from casework.services import letters

    settings.deadlines.complaint.answer.days = 20
    settings.deadlines.complaint.answer.unit = "calendar"
    ctx = AppContext(settings=settings, engine=engine, clock=clock)
    refresh(ctx)
    clock.current = montreal(2026, 12, 4, 11, 0)
    case = open_case(ctx, montreal(2026, 12, 4, 10, 0))
    clock.current = montreal(2026, 12, 7, 10, 0)
    fire(ctx, case, "acknowledge")
    found = letters.for_case(ctx, actor=ADMIN, interface="cli", reference=case.reference)
    body = found.letters[0].text_body
    assert "29 décembre 2026" in body
    assert "20 jours civils" in body
    assert "25 jours civils" not in body
