"""The pages without a browser: who may see what, the access log, forms and their refusals, the
CSV files, the language switch; on SQLite and PostgreSQL."""

import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from casework import demo
from casework.app import create_app
from casework.repositories.cases import CaseFilters
from casework.services import access_log
from casework.services import cases as case_service
from casework.services import users as user_service
from casework.services.door import CASEWORK

PASSWORDS = {user.username: user.password for user in demo.DEMO_USERS}


@pytest.fixture
def app(ctx):
    demo.load(ctx)
    return create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)


def _signed_in(app, username: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/login",
        data={
            "username": username,
            "password": PASSWORDS[username],
            "csrf_token": token,
            "next": "/",
        },
    )
    assert answer.status_code == 303
    return client


def _token(page_text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_text).group(1)


def _someone_elses_case(ctx, username: str):
    user = next(u for u in user_service.list_users(ctx) if u.username == username)
    views, _ = case_service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(),
        limit=200,
        with_requesters=True,
    )
    return next(
        v.case
        for v in views
        if v.requester is not None and v.case.assignee_id not in (None, user.id)
    )


def test_the_pages_stay_out_of_the_openapi_document(app):
    paths = TestClient(app).get("/openapi.json").json()["paths"]
    pages = ("/", "/queue", "/cases/new", "/cases/{reference}", "/mine", "/dashboard", "/admin")
    assert not [p for p in paths if p in pages or not p.startswith(("/api/", "/healthz"))]


def test_a_page_asked_without_signing_in_sends_to_the_login_page_and_back(app):
    client = TestClient(app, follow_redirects=False)
    answer = client.get("/dashboard?weeks=8")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fdashboard%3Fweeks%3D8"


@pytest.mark.parametrize(
    ("username", "home"),
    [
        ("responsable", "/queue"),
        ("agent", "/mine"),
        ("superviseure", "/dashboard"),
        ("admin", "/admin"),
    ],
)
def test_each_role_lands_on_its_own_page(app, username, home):
    assert _signed_in(app, username).get("/").headers["location"] == home


def test_a_requester_shown_on_a_page_is_written_in_the_access_log(app, ctx):
    case = _someone_elses_case(ctx, "agent")
    requester = case_service.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference, with_requester=True
    ).requester
    officer = _signed_in(app, "responsable").get(f"/cases/{case.reference}")
    assert requester.name in officer.text
    agent = _signed_in(app, "agent").get(f"/cases/{case.reference}")
    assert agent.status_code == 200
    assert requester.name not in agent.text
    entries = access_log.for_case(ctx, reference=case.reference)
    # The officer's page shows the requester and the letters written to them: one look, one
    # entry; the agent's shows neither.
    assert [(e.actor, e.interface, e.what) for e in entries] == [
        ("user:responsable", "web", "read"),
    ]


def test_the_case_page_does_not_draw_the_life_cycle_diagram_again(app, ctx, monkeypatch):
    from workflows import case_flow

    drawn = []
    draw = case_flow.mermaid_diagram
    monkeypatch.setattr(case_flow, "mermaid_diagram", lambda: drawn.append(1) or draw())
    case = _someone_elses_case(ctx, "agent")
    officer = _signed_in(app, "responsable")
    for _ in range(3):
        page = officer.get(f"/cases/{case.reference}")
        assert page.status_code == 200 and f"/cases/{case.reference}/fire/" in page.text
    assert len(drawn) <= 1


def test_a_page_the_role_does_not_allow_is_refused_with_a_page(app):
    agent = _signed_in(app, "agent")
    for path in ("/dashboard", "/admin", "/admin/calendar", "/cases/new"):
        answer = agent.get(path)
        assert answer.status_code == 403, path
        assert answer.headers["content-type"].startswith("text/html")
        assert "Votre rôle ne permet pas cette action." in answer.text


def _received_case(ctx, *, priority: str | None = None):
    """Return the newest demo case still received (of this priority, when given)."""
    views, _ = case_service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(status=("received",)),
        limit=100,
        with_requesters=True,
    )
    return next(v.case for v in views if priority in (None, v.case.priority))


def test_an_unknown_case_is_a_page_that_says_so(app):
    answer = _signed_in(app, "responsable").get("/cases/PLT-1999-00001")
    assert answer.status_code == 404
    assert "PLT-1999-00001" in answer.text


def test_a_transition_refused_by_the_life_cycle_shows_its_reason_next_to_the_form(app, ctx):
    case = _received_case(ctx)
    officer = _signed_in(app, "responsable")
    token = _token(officer.get(f"/cases/{case.reference}").text)
    answer = officer.post(
        f"/cases/{case.reference}/fire/close",
        data={"csrf_token": token, "version": case.version, "outcome": "founded"},
    )
    assert answer.status_code == 409
    assert "Consignez d’abord la réponse" in answer.text
    assert 'id="action-close" open' in answer.text


def test_a_stale_form_says_the_case_changed_and_shows_it_as_it_is(app, ctx):
    case = _received_case(ctx)
    officer = _signed_in(app, "responsable")
    token = _token(officer.get(f"/cases/{case.reference}").text)
    answer = officer.post(
        f"/cases/{case.reference}/fire/acknowledge",
        data={"csrf_token": token, "version": case.version - 1 or 99},
    )
    assert answer.status_code == 409
    assert "Quelqu’un a modifié ce dossier" in answer.text


def test_assigning_with_htmx_answers_the_cell_and_without_it_the_page(app, ctx):
    views, _ = case_service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(unassigned=True),
        limit=2,
        with_requesters=True,
    )
    agent_id = next(u.id for u in user_service.list_users(ctx) if u.username == "agente")
    officer = _signed_in(app, "responsable")
    token = _token(officer.get("/queue").text)
    first, second = (v.case for v in views)
    fragment = officer.post(
        f"/cases/{first.reference}/assign",
        data={
            "csrf_token": token,
            "version": first.version,
            "assignee_id": agent_id,
            "next": "/queue",
        },
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith("<form")
    assert "Assigné à Chloé Morin (agente)." in fragment.text
    page = officer.post(
        f"/cases/{second.reference}/assign",
        data={
            "csrf_token": token,
            "version": second.version,
            "assignee_id": agent_id,
            "next": "/queue",
        },
    )
    assert page.status_code == 303
    assert page.headers["location"] == f"/queue?assigned={second.reference}"
    assert (
        case_service.get(
            ctx,
            actor=CASEWORK,
            interface="scheduler",
            reference=second.reference,
            with_requester=True,
        ).case.assignee_id
        == agent_id
    )


def test_every_dashboard_list_downloads_as_a_spreadsheet_with_french_headers(app):
    supervisor = _signed_in(app, "superviseure")
    for name in ("overdue", "at-risk", "workload", "ageing", "weekly"):
        answer = supervisor.get(f"/dashboard/{name}.csv")
        assert answer.status_code == 200, name
        assert answer.headers["content-type"] == "text/csv; charset=utf-8"
        assert answer.content.startswith("\ufeff".encode())
        assert "attachment" in answer.headers["content-disposition"]
    header = supervisor.get("/dashboard/workload.csv").content.decode("utf-8-sig").splitlines()[0]
    assert header == "Assigné à,Dossiers ouverts,En retard,À risque"


def test_text_from_the_public_never_starts_a_formula_in_the_spreadsheet(app, ctx):
    from casework.context import Actor
    from casework.schemas import CaseCreate

    case_service.open_case(
        ctx,
        interface="api",
        actor=Actor("test", role="admin"),
        data=CaseCreate(
            kind="comment",
            channel="email",
            subject='=HYPERLINK("http://example.org")',
            received_at=ctx.now(),
        ),
    )
    text = _signed_in(app, "responsable").get("/queue?format=csv&q=hyperlink").text
    assert "'=HYPERLINK" in text


def test_the_language_switch_is_remembered_and_goes_back_to_the_page(app):
    officer = _signed_in(app, "responsable")
    answer = officer.get("/language/en?next=/mine")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/mine"
    assert "My cases" in officer.get("/mine").text
    assert officer.get("/language/en?next=https://evil.example").headers["location"] == "/"


def test_an_officer_corrects_the_subject_and_raises_the_priority_from_the_case_page(app, ctx):
    case = _received_case(ctx, priority="normal")
    officer = _signed_in(app, "responsable")
    page = officer.get(f"/cases/{case.reference}")
    assert f'id="edit-subject" name="subject" type="text" value="{escape(case.subject)}"' in (
        page.text
    )
    answer = officer.post(
        f"/cases/{case.reference}/edit",
        data={
            "csrf_token": _token(page.text),
            "version": case.version,
            "subject": "Délai de réponse à une plainte",
            "priority": "urgent",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/cases/{case.reference}?done=edited"
    stored = case_service.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference, with_requester=True
    ).case
    assert (stored.subject, stored.priority) == ("Délai de réponse à une plainte", "urgent")
    assert stored.version == case.version + 1
    shown = officer.get(answer.headers["location"]).text
    assert "L’objet et la priorité sont enregistrés." in shown
    assert (
        f"Objet\u00a0: de «\u00a0{escape(case.subject)}\u00a0» à "
        "«\u00a0Délai de réponse à une plainte\u00a0»." in shown
    )
    assert "Priorité\u00a0: de «\u00a0Normale\u00a0» à «\u00a0Urgente\u00a0»." in shown


def test_an_empty_subject_is_refused_next_to_the_field_and_nothing_changes(app, ctx):
    case = _received_case(ctx, priority="normal")
    officer = _signed_in(app, "responsable")
    token = _token(officer.get(f"/cases/{case.reference}").text)
    answer = officer.post(
        f"/cases/{case.reference}/edit",
        data={"csrf_token": token, "version": case.version, "subject": "  ", "priority": "high"},
    )
    assert answer.status_code == 422
    error = re.search(r'id="edit-subject-error"[^>]*>([^<]+)<', answer.text)
    assert error is not None and "vide" in error.group(1)
    assert '<option value="high" selected>' in answer.text  # what was chosen is kept
    stored = case_service.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference, with_requester=True
    ).case
    assert (stored.subject, stored.priority, stored.version) == (
        case.subject,
        case.priority,
        case.version,
    )


def test_an_agent_cannot_edit_a_case_assigned_to_someone_else(app, ctx):
    case = _someone_elses_case(ctx, "agent")
    agent = _signed_in(app, "agent")
    page = agent.get(f"/cases/{case.reference}")
    assert page.status_code == 200
    assert 'action="/cases/' + case.reference + '/edit"' not in page.text
    answer = agent.post(
        f"/cases/{case.reference}/edit",
        data={"csrf_token": _token(page.text), "version": case.version, "subject": "Autre"},
    )
    assert answer.status_code == 403
    assert (
        case_service.get(
            ctx,
            actor=CASEWORK,
            interface="scheduler",
            reference=case.reference,
            with_requester=True,
        ).case.subject
        == case.subject
    )


def test_an_officer_reads_on_the_case_page_who_was_shown_the_requester(app, ctx):
    case = _someone_elses_case(ctx, "agent")
    _signed_in(app, "superviseure").get(f"/cases/{case.reference}")
    officer = _signed_in(app, "responsable")
    page = officer.get(f"/cases/{case.reference}").text
    log = page[page.index('id="accesses-title"') :]
    # The supervisor's visit showed the requester and the letters to the requester (one entry);
    # the officer's own visit is logged before the page lists the log.
    assert "2 entrées" in log
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", log
    )
    assert [row[1:] for row in rows] == [
        ("Isabelle Fortin (superviseure)", "Pages", "Dossier consulté"),
        ("Julie Lavoie (responsable des plaintes)", "Pages", "Dossier consulté"),
    ]
    assert rows[0][0] == "23 novembre 2026 à 10 h 00"
    # An agent is shown neither the requester nor who saw it.
    agent = _signed_in(app, "agent").get(f"/cases/{case.reference}").text
    assert 'id="accesses-title"' not in agent


def test_an_administrator_adds_an_account_and_a_mistyped_address_is_refused_next_to_it(app, ctx):
    admin = _signed_in(app, "admin")
    form = {
        "csrf_token": _token(admin.get("/admin").text),
        "username": "paul.cote",
        "full_name": "Paul Côté",
        "email": "paul.cote@@organisme.gouv.qc.ca",
        "role": "agent",
        "language": "fr",
        "password": "une phrase de passe assez longue",
    }
    refused = admin.post("/admin/users", data=form)
    assert refused.status_code == 422
    assert (
        '<p class="field-error" id="email-error">Cette adresse courriel n’est pas valide.</p>'
        in (refused.text)
    )
    assert 'value="paul.cote@@organisme.gouv.qc.ca"' in refused.text  # kept, to be corrected
    assert "paul.cote" not in [u.username for u in user_service.list_users(ctx)]
    made = admin.post("/admin/users", data={**form, "email": "paul.cote@organisme.gouv.qc.ca"})
    assert made.status_code == 303
    paul = next(u for u in user_service.list_users(ctx) if u.username == "paul.cote")
    assert (paul.email, paul.role) == ("paul.cote@organisme.gouv.qc.ca", "agent")


def test_the_closure_preview_lists_the_first_moves_and_downloads_them_all(app, ctx, monkeypatch):
    from datetime import date

    from casework.services import closures
    from casework.web import admin

    day = date(2026, 11, 26)  # Thursday, three days after the tests' clock
    moves = closures.preview_closure_change(
        ctx, day=day, action="add", name_fr="Fermeture", name_en="Closure"
    ).moves
    assert len(moves) >= 2
    monkeypatch.setattr(admin, "PREVIEW_ROWS", 1)
    client = _signed_in(app, "admin")
    form = client.get("/admin/calendar")
    page = client.post(
        "/admin/calendar/preview",
        data={
            "day": day.isoformat(),
            "action": "add",
            "name_fr": "Fermeture",
            "name_en": "Closure",
            "csrf_token": _token(form.text),
        },
    )
    assert page.status_code == 200
    assert f"{len(moves)} échéances en cours seraient déplacées" in page.text
    assert page.text.count('<tr><th scope="row">') == 1
    link = re.search(r'href="(/admin/calendar/preview\.csv\?[^"]+)"', page.text).group(1)
    sheet = client.get(link.replace("&amp;", "&"))
    assert sheet.status_code == 200
    lines = sheet.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Dossier,Objet,État,Échéance,Actuellement,Après le changement"
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(m.reference for m in moves)
