"""The pages, driven in a real browser against a real server: what each person of DESIGN §1 does
in a day, each main page screenshotted and checked with axe-core."""

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from casework.repositories.cases import CaseFilters
from casework.services import cases as case_service
from casework.services.door import CASEWORK
from tests.casework.web.conftest import login, look, screenshot


def _case_not_assigned_to(ctx, username: str):
    from casework.services import users

    user = next(u for u in users.list_users(ctx) if u.username == username)
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


def test_an_officer_registers_a_letter_acknowledges_answers_prints_mails_and_closes_it(
    page, server
):
    login(page, "responsable")
    expect(page).to_have_url(re.compile(r"/queue$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers")
    look(page, "queue-officer")

    page.get_by_role("link", name="Nouveau dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enregistrer un dossier")
    look(page, "new-case")
    page.get_by_label("Lettre", exact=True).check()
    page.get_by_label("Date de réception").fill("2026-11-20")
    page.get_by_label("Heure de réception").fill("14:30")
    page.get_by_label("Type").select_option("complaint")
    page.get_by_label("Objet").fill("Lettre sur l’attente au comptoir de service")
    page.get_by_label("Ce que la personne a écrit ou dit").fill("Deux heures d’attente.")
    page.locator("#requester_name").fill("Gabrielle Lavoie")
    page.locator("#requester_address").fill("12, rue des Érables\nQuébec (Québec) G1R 1A1")
    page.get_by_role("button", name="Enregistrer le dossier").click()

    expect(page.locator("p.notice")).to_contain_text("Le dossier est enregistré.")
    heading = page.get_by_role("heading", level=1).inner_text()
    reference = heading.split(" — ")[0]
    assert re.fullmatch(r"PLT-2026-\d{5}", reference), heading
    # Received Friday 20 November 2026 (day 0): 10 business days later is Friday 4 December.
    expect(page.locator(".deadlines")).to_contain_text("vendredi 4 décembre 2026")
    expect(page.locator(".deadlines")).to_contain_text("jour 0, non compté")
    expect(page.get_by_text("Gabrielle Lavoie")).to_be_visible()
    look(page, "case-received")

    page.get_by_role("button", name="Accuser réception").click()
    expect(page.locator("p.notice")).to_contain_text("Fait : Accuser réception.")
    expect(page.locator(".summary").first).to_contain_text("Accusé")

    # The subject was typed in a hurry: the officer words it better and raises the priority.
    page.get_by_role("textbox", name="Objet").fill("Attente de deux heures au comptoir de service")
    page.get_by_role("combobox", name="Priorité").select_option("high")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("p.notice")).to_contain_text("L’objet et la priorité sont enregistrés.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Attente de deux heures")
    expect(page.locator(".timeline")).to_contain_text("Priorité : de « Normale » à « Haute ».")

    letters = page.locator("section[aria-labelledby=letters-title]")
    expect(letters).to_contain_text("Lettre à poster, rédigée le 23 novembre 2026")
    letters.get_by_role("link", name="Accusé de réception").click()
    expect(page.locator("article.letter")).to_contain_text(reference)
    expect(page.locator("article.letter")).to_contain_text("Gabrielle Lavoie")
    # Received Friday 20 November 2026: the answer is due 20 business days later, Friday
    # 18 December.
    expect(page.locator("article.letter")).to_contain_text("au plus tard le 18 décembre 2026")
    expect(page.get_by_role("button", name="Imprimer la lettre")).to_be_visible()
    look(page, "letter")
    page.get_by_role("link", name=f"Retour au dossier {reference}").click()

    # The person wrote by mail: the officer writes the answer, in paragraphs, on the case page.
    page.locator("summary", has_text="Consigner la réponse").click()
    page.get_by_label("La réponse à la personne requérante").fill(
        "Nous avons vérifié l’attente au comptoir du 18 novembre.\n\n"
        "Un deuxième guichet ouvrira le lundi; nous vous prions d’excuser ce délai."
    )
    page.get_by_role("button", name="Consigner la réponse").click()
    expect(page.locator("p.notice")).to_contain_text("Consigner la réponse")
    expect(page.locator(".summary").first).to_contain_text("Répondue")

    # The answer letter: printed as it was kept, with the recourse to the Protecteur du citoyen.
    letters.get_by_role("link", name="Réponse").click()
    letter = page.locator("article.letter")
    expect(letter).to_contain_text("Objet\u00a0: Réponse à votre plainte")
    expect(letter).to_contain_text("Un deuxième guichet ouvrira le lundi")
    expect(letter).to_contain_text("525, boulevard René-Lévesque Est, bureau 1.25")
    expect(page.locator("p.notice")).to_contain_text("Lettre à poster, rédigée le 23 novembre 2026")
    look(page, "letter-answer")
    page.emulate_media(media="print")
    screenshot(page, "letter-answer-print")
    printed = page.pdf(format="Letter")
    assert printed.startswith(b"%PDF-")
    page.emulate_media(media="screen")

    # Then it goes in the envelope, and the officer records the day it was mailed.
    page.get_by_role("link", name="Lettres à poster").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lettres à poster")
    row = page.locator("li", has_text=reference).filter(has_text="Réponse")
    look(page, "letters-to-mail")
    row.get_by_label("Jour de la mise à la poste").fill("2026-11-23")
    row.get_by_role("button", name="Inscrire comme postée").click()
    expect(page.locator("p.notice")).to_contain_text("est inscrite comme postée")
    expect(page.locator("li", has_text=reference).filter(has_text="Réponse")).to_have_count(0)
    page.goto(f"/cases/{reference}")
    expect(letters).to_contain_text("Copie de la lettre postée le 23 novembre 2026")

    page.locator("summary", has_text="Fermer le dossier").click()
    page.get_by_label("Fondée", exact=True).check()
    close_form = page.locator("#action-close")
    close_form.get_by_label("Service visé").select_option("support_advice")
    close_form.get_by_label("Engagement visé").select_option("courtesy")
    close_form.get_by_label("Cause première").select_option("conduct")
    close_form.get_by_label("Mesure de réparation accordée").select_option("apology")
    page.get_by_role("button", name="Fermer le dossier").click()
    expect(page.locator(".summary").first).to_contain_text("Fermée")
    timeline = page.locator(".timeline")
    for step in ("Dossier enregistré", "Accuser réception", "Consigner la réponse"):
        expect(timeline).to_contain_text(step)
    look(page, "case-closed")

    case = case_service.get(
        server.ctx, actor=CASEWORK, interface="scheduler", reference=reference, with_requester=True
    ).case
    assert (case.status, case.outcome, case.channel) == ("closed", "founded", "letter")
    assert (case.subject, case.priority) == (
        "Attente de deux heures au comptoir de service",
        "high",
    )


def test_a_refused_form_shows_the_reason_next_to_the_field_and_keeps_what_was_typed(page):
    login(page, "responsable")
    page.goto("/cases/new")
    page.get_by_label("Objet").fill("")
    page.get_by_label("Date de réception").fill("")
    page.get_by_label("Ce que la personne a écrit ou dit").fill("Texte gardé")
    page.get_by_role("button", name="Enregistrer le dossier").click()
    expect(page.get_by_role("alert")).to_contain_text("demandent votre attention")
    subject = page.get_by_label("Objet")
    expect(subject).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#subject-error")).to_be_visible()
    expect(page.locator("#received_date-error")).to_be_visible()
    expect(page.get_by_label("Ce que la personne a écrit ou dit")).to_have_value("Texte gardé")
    look(page, "new-case-errors")


def test_an_agent_opening_a_case_assigned_to_someone_else_does_not_see_the_requester(page, server):
    case = _case_not_assigned_to(server.ctx, "agent")
    requester = case_service.get(
        server.ctx,
        actor=CASEWORK,
        interface="scheduler",
        reference=case.reference,
        with_requester=True,
    ).requester
    login(page, "agent")
    expect(page).to_have_url(re.compile(r"/mine$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    look(page, "my-cases-agent")

    page.goto(f"/cases/{case.reference}")
    panel = page.locator("section[aria-labelledby=requester-title]")
    expect(panel).to_contain_text("confidentielles")
    assert requester.name not in page.content()
    assert "Accuser réception" not in panel.inner_text()
    look(page, "case-agent-not-assigned")
    # The letter carries the requester's name and address: refused too.
    response = page.goto(f"/cases/{case.reference}/letters/1")
    assert response.status == 403
    assert requester.name not in page.content()


def test_a_supervisor_finds_an_overdue_case_on_the_dashboard_and_downloads_the_csv(page, server):
    login(page, "superviseure")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    overdue = page.locator("section[aria-labelledby=overdue-title] tbody tr")
    first = overdue.first.locator("td").first.inner_text()
    assert re.fullmatch(r"[A-Z]{3}-\d{4}-\d{5}", first), first
    expect(overdue.first).to_contain_text("En retard de")
    look(page, "dashboard")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger les dossiers en retard (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("en-retard-2026-11-23")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Référence", "Objet", "Type"]
    assert first in [row[0] for row in rows[1:]]
    assert all(row[8].startswith("En retard de") for row in rows[1:])


def test_a_form_without_its_csrf_token_is_refused(page, server):
    login(page, "responsable")
    case = _case_not_assigned_to(server.ctx, "agent")
    page.goto(f"/cases/{case.reference}")
    before = len(
        case_service.events(
            server.ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
        )
    )
    form = page.locator("form[action$='/notes']")
    form.locator("textarea").fill("Note envoyée sans jeton")
    form.locator("input[name=csrf_token]").evaluate("input => input.remove()")
    form.get_by_role("button", name="Ajouter la note").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Formulaire expiré")
    screenshot(page, "csrf-refused")
    assert (
        len(
            case_service.events(
                server.ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
            )
        )
        == before
    )


def test_an_officer_assigns_a_case_in_place_from_the_queue(page, server):
    login(page, "responsable")
    page.goto("/queue?assignee=none")
    row = page.locator("tbody tr").first
    reference = row.locator("td a").first.inner_text()
    row.get_by_label(f"Assigner le dossier {reference} à").select_option(
        label="Chloé Morin (agente)"
    )
    row.get_by_role("button", name="Assigner").click()
    expect(row.get_by_role("status")).to_have_text("Assigné à Chloé Morin (agente).")
    assert page.url.endswith("/queue?assignee=none")  # no page load: htmx swapped the cell
    case = case_service.get(
        server.ctx, actor=CASEWORK, interface="scheduler", reference=reference, with_requester=True
    ).case
    assert case.assignee_id is not None


def test_the_language_switch_shows_the_pages_in_english_and_remembers_it(page):
    login(page, "responsable")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    page.goto("/mine")
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    look(page, "my-cases-english")
    page.get_by_role("link", name="Français").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")


def test_an_administrator_sees_which_deadlines_a_new_closure_moves_before_confirming_it(
    page, server
):
    login(page, "admin")
    expect(page).to_have_url(re.compile(r"/admin$"))
    look(page, "admin-users")
    page.get_by_role("link", name="Calendrier et jours de fermeture").first.click()
    expect(page.locator("table").first).to_contain_text("Noël")
    look(page, "admin-calendar")

    page.get_by_label("Date").fill("2026-11-27")
    page.get_by_label("Nom en français").fill("Fermeture exceptionnelle")
    page.get_by_label("Nom en anglais").fill("Exceptional closure")
    page.get_by_role("button", name="Voir ce que cela change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Confirmer le changement de fermeture"
    )
    moves = page.locator("tbody tr")
    assert moves.count() > 0
    look(page, "admin-calendar-preview")
    moved_reference = moves.first.locator("th a").inner_text()
    before = case_service.get(
        server.ctx,
        actor=CASEWORK,
        interface="scheduler",
        reference=moved_reference,
        with_requester=True,
    ).case

    page.get_by_role("button", name="Confirmer le changement").click()
    expect(page.locator("p.notice")).to_contain_text("échéances en cours")
    after = case_service.get(
        server.ctx,
        actor=CASEWORK,
        interface="scheduler",
        reference=moved_reference,
        with_requester=True,
    ).case
    assert after.version == before.version + 1
    events = case_service.events(
        server.ctx, actor=CASEWORK, interface="scheduler", reference=moved_reference
    )
    assert events[-1].kind == "deadline_changed"

    page.get_by_role("link", name="Cycle de vie").first.click()
    expect(page.locator("svg.workflow")).to_be_visible()
    look(page, "admin-workflow")


def test_the_login_page_is_accessible(page):
    page.goto("/queue")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fqueue$"))
    look(page, "login")
