"""The case page reads the case clock: the reply date form, the escalation's dates, a late
extension's wording and each deadline's state in words (issue 11), through HTTP."""

import re
from datetime import date

from casework.services import cases as case_service
from casework.services.door import CASEWORK
from tests.cases import fire, open_case
from tests.casework.web.test_web_account import app  # noqa: F401  (the fixture)
from tests.casework.web.test_web_pages import _signed_in, _token
from tests.conftest import montreal

NBSP = "\u00a0"


def _deadlines(page: str) -> str:
    return page[page.index('class="deadlines"') :]


def _escalated_without_reply_date(ctx, clock):
    # Received Friday 20 November 2026, answered the same day, escalated Tuesday 1 December.
    clock.current = montreal(2026, 11, 20, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 20, 9, 0))
    case = fire(ctx, case, "answer", answer_summary="Réponse.")
    clock.current = montreal(2026, 12, 1, 10, 0)
    return fire(
        ctx, case, "escalate", protecteur_file_number="PC-2026-0099", escalated_on=date(2026, 12, 1)
    )


def test_escalation_is_offered_on_answered_and_closed_cases_with_the_facts_and_reply_dates(
    app,  # noqa: F811
    ctx,
    clock,
):
    clock.current = montreal(2026, 11, 20, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 20, 9, 0), kind="information_request")
    case = fire(ctx, case, "answer", answer_summary="Réponse.")
    officer = _signed_in(app, "responsable")
    for status in ("answered", "closed"):
        if status == "closed":
            case = fire(ctx, case, "close", outcome="founded")
        page = officer.get(f"/cases/{case.reference}").text
        form = page[page.index('id="action-escalate"') :]
        form = form[: form.index("</details>")]
        assert 'id="escalate-escalated_on"' in form, status
        assert "Date où la personne a pris connaissance des faits" in form, status
        assert 'id="escalate-facts_known_on"' in form, status
        assert 'id="escalate-protecteur_reply_due_on"' in form, status
    # Escalated from the closed case on Thursday 3 December 2026, the dates typed as people
    # type them; the reply date, Friday 25 December (closed), carries to Tuesday 29 December.
    clock.current = montreal(2026, 12, 3, 10, 0)
    officer = _signed_in(app, "responsable")
    page = officer.get(f"/cases/{case.reference}").text
    answer = officer.post(
        f"/cases/{case.reference}/fire/escalate",
        data={
            "csrf_token": _token(page),
            "version": case.version,
            "protecteur_file_number": "PC-2026-0077",
            "escalated_on": "2026-12-03",
            "facts_known_on": "2026/10/01",
            "protecteur_reply_due_on": "25 décembre 2026",
        },
    )
    assert answer.status_code == 303, answer.text
    stored = case_service.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
    ).case
    assert stored.status == "escalated"
    assert stored.facts_known_on == date(2026, 10, 1)
    assert stored.protecteur_reply_due_on == date(2026, 12, 29)
    deadlines = _deadlines(officer.get(f"/cases/{case.reference}").text)
    # The answer, due Monday 21 December 2026, was given on Friday 20 November: met.
    assert "respectée le 20 novembre 2026" in deadlines
    assert f"Réponse au Protecteur du citoyen</strong>{NBSP}: mardi 29 décembre 2026" in deadlines


def test_a_facts_date_typed_day_first_at_escalation_is_refused_and_kept(app, ctx, clock):  # noqa: F811
    clock.current = montreal(2026, 11, 20, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 20, 9, 0))
    officer = _signed_in(app, "responsable")
    token = _token(officer.get(f"/cases/{case.reference}").text)
    refused = officer.post(
        f"/cases/{case.reference}/fire/escalate",
        data={
            "csrf_token": token,
            "version": case.version,
            "protecteur_file_number": "PC-2026-0077",
            "escalated_on": "2026-11-20",
            "facts_known_on": "01/10/2026",
        },
    )
    assert refused.status_code == 422
    assert 'id="escalate-facts_known_on-error"' in refused.text
    assert '<a href="#escalate-facts_known_on">' in refused.text
    assert 'value="01/10/2026"' in refused.text
    assert (
        case_service.get(
            ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
        ).case.status
        == "received"
    )


def test_a_reply_date_set_on_the_page_on_christmas_carries_to_tuesday_29_december(
    app,  # noqa: F811
    ctx,
    clock,
):
    case = _escalated_without_reply_date(ctx, clock)
    officer = _signed_in(app, "responsable")
    page = officer.get(f"/cases/{case.reference}").text
    assert 'id="action-reply"' in page
    answer = officer.post(
        f"/cases/{case.reference}/reply-date",
        data={"csrf_token": _token(page), "version": case.version, "reply_due_on": "2026/12/25"},
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].endswith("done=reply_date")
    stored = case_service.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
    ).case
    assert stored.protecteur_reply_due_on == date(2026, 12, 29)
    events = case_service.events(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
    )
    assert [
        (e.data["reply_due_on"], e.data["from"], e.data["to"])
        for e in events
        if e.kind == "reply_date_set"
    ] == [("2026-12-25", None, "2026-12-29")]
    shown = officer.get(answer.headers["location"]).text
    assert "La date de réponse du Protecteur du citoyen est enregistrée." in shown
    deadlines = _deadlines(shown)
    assert f"Réponse au Protecteur du citoyen</strong>{NBSP}: mardi 29 décembre 2026" in deadlines
    assert "vendredi 25 décembre 2026" in deadlines  # the explanation names the carry
    # The form proposes the date now recorded.
    assert re.search(
        r'id="reply-reply_due_on" name="reply_due_on" type="text" value="2026-12-29"', shown
    )


def test_a_reply_date_typed_day_first_or_before_the_escalation_is_refused_next_to_its_field(
    app,  # noqa: F811
    ctx,
    clock,
):
    case = _escalated_without_reply_date(ctx, clock)
    officer = _signed_in(app, "responsable")
    token = _token(officer.get(f"/cases/{case.reference}").text)
    label = "Réponse attendue par le Protecteur du citoyen au plus tard le"
    refused = officer.post(
        f"/cases/{case.reference}/reply-date",
        data={"csrf_token": token, "version": case.version, "reply_due_on": "25/12/2026"},
    )
    assert refused.status_code == 422
    assert 'id="reply-reply_due_on-error"' in refused.text
    assert f'<a href="#reply-reply_due_on">{label}{NBSP}: Écrivez la date' in refused.text
    assert 'value="25/12/2026"' in refused.text
    assert 'id="action-reply" open' in refused.text
    empty = officer.post(
        f"/cases/{case.reference}/reply-date",
        data={"csrf_token": token, "version": case.version, "reply_due_on": ""},
    )
    assert empty.status_code == 422
    assert 'id="reply-reply_due_on-error"' in empty.text
    before = officer.post(
        f"/cases/{case.reference}/reply-date",
        data={"csrf_token": token, "version": case.version, "reply_due_on": "2026-11-30"},
    )
    assert before.status_code == 422
    assert 'id="reply-reply_due_on-error"' in before.text
    assert "ne peut pas précéder la date du recours" in before.text
    assert 'value="2026-11-30"' in before.text
    assert (
        case_service.get(
            ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
        ).case.protecteur_reply_due_on
        is None
    )


def test_the_reply_date_form_is_only_on_an_escalated_case(app, ctx, clock):  # noqa: F811
    clock.current = montreal(2026, 11, 20, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 20, 9, 0))
    officer = _signed_in(app, "responsable")
    page = officer.get(f"/cases/{case.reference}").text
    assert 'id="action-reply"' not in page
    refused = officer.post(
        f"/cases/{case.reference}/reply-date",
        data={"csrf_token": _token(page), "version": case.version, "reply_due_on": "2027-01-15"},
    )
    assert refused.status_code == 422
    assert 'id="reply-reply_due_on-error"' in refused.text
    assert "Seul un dossier porté devant le Protecteur du citoyen a une date" in refused.text
    assert (
        case_service.get(
            ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
        ).case.status
        == "received"
    )


def test_the_page_says_an_answer_extended_after_its_deadline_was_missed(app, ctx, clock):  # noqa: F811
    # Received Friday 18 December 2026, acknowledged on the 21st: answer due Monday 25 January
    # 2027. Extended on Wednesday 27 January by 5 business days: announced for Monday
    # 1 February.
    clock.current = montreal(2026, 12, 18, 11, 0)
    case = open_case(ctx, montreal(2026, 12, 18, 10, 0))
    clock.current = montreal(2026, 12, 21, 10, 0)
    case = fire(ctx, case, "acknowledge")
    clock.current = montreal(2027, 1, 27, 10, 0)
    officer = _signed_in(app, "responsable")
    page = officer.get(f"/cases/{case.reference}").text
    answer = officer.post(
        f"/cases/{case.reference}/extensions",
        data={
            "csrf_token": _token(page),
            "version": case.version,
            "days": "5",
            "reason": "Consultation du service juridique",
        },
    )
    assert answer.status_code == 303, answer.text
    deadlines = _deadlines(officer.get(f"/cases/{case.reference}").text)
    assert f"manquée le 25 janvier 2027; nouvelle date annoncée{NBSP}: 1er février 2027" in (
        deadlines
    )
    assert " ; " not in deadlines
    assert f"Réponse</strong>{NBSP}: lundi 1er février 2027" in deadlines


def test_a_closed_case_page_says_when_each_deadline_was_met_and_how_late(app, ctx, clock):  # noqa: F811
    # Received Monday 2 November 2026: acknowledgment due Monday 16 November, sent Wednesday
    # 18 November (2 business days late); answered Friday 20 November (due the 30th), closed.
    clock.current = montreal(2026, 11, 2, 10, 0)
    case = open_case(ctx, montreal(2026, 11, 2, 9, 0), kind="information_request")
    clock.current = montreal(2026, 11, 18, 10, 0)
    case = fire(ctx, case, "acknowledge")
    clock.current = montreal(2026, 11, 20, 10, 0)
    case = fire(ctx, case, "answer", answer_summary="Renseignements transmis.")
    case = fire(ctx, case, "close", outcome="founded")
    officer = _signed_in(app, "responsable")
    deadlines = _deadlines(officer.get(f"/cases/{case.reference}").text)
    assert (
        'lundi 16 novembre 2026 <span class="muted">— respectée en retard le 18 novembre 2026 '
        "(2 jours ouvrables de retard)</span>"
    ) in deadlines
    assert (
        'lundi 30 novembre 2026 <span class="muted">— respectée le 20 novembre 2026</span>'
    ) in deadlines
