"""The accountability pages in a real browser: a supervisor reads the annual management report
and the declaration's results, follows a figure to its cases, in French and English, on a
desktop and on a phone."""

import re

from playwright.sync_api import expect

from casework.services.door import CASEWORK
from tests.casework.web.conftest import login, look


def _fits(page, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow} px wide on a {width} px screen"


def test_a_supervisor_reads_the_annual_report_and_follows_a_figure_to_its_cases(page, server):
    login(page, "superviseure")
    page.get_by_role("link", name="Reddition de comptes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport annuel de gestion")
    expect(page.locator(".lead")).to_contain_text("exercice 2026–2027")
    expect(page.get_by_role("heading", name="Fiabilité des données")).to_be_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    look(page, "annual-report-fr-1366")
    total = page.locator("table").first.locator("tr", has_text="Total").locator("a")
    count = int(total.inner_text())
    assert count > 0
    total.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers derrière une donnée")
    expect(page.locator("ul.references li")).to_have_count(count)
    look(page, "cases-behind-a-figure-fr-1366")

    page.goto("/reports/declaration")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Résultats de la déclaration de services"
    )
    expect(page.locator("tbody tr")).not_to_have_count(0)
    look(page, "declaration-fr-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    look(page, "declaration-fr-390")
    _fits(page, 390)
    page.goto("/reports/annual")
    look(page, "annual-report-fr-390")
    _fits(page, 390)

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual management report")
    look(page, "annual-report-en-390")
    _fits(page, 390)
    page.set_viewport_size({"width": 1366, "height": 900})
    look(page, "annual-report-en-1366")
    page.goto("/reports/declaration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results of the service declaration")
    look(page, "declaration-en-1366")
    with page.expect_download() as download:
        page.goto("/reports/annual")
        page.get_by_role("link", name=re.compile("Download the report")).click()
    assert download.value.suggested_filename == "rapport-annuel-2026-2027.pdf"


def test_an_officer_records_what_a_case_is_about_and_a_corrective_measure(page, server):
    login(page, "responsable")
    page.goto("/queue")
    page.locator("table a[href^='/cases/PLT-']").first.click()
    expect(page.get_by_role("heading", name="Objet du dossier")).to_be_visible()
    page.locator("#action-classify summary").click()
    form = page.locator("#action-classify")
    form.get_by_label("Service visé").select_option("reference_documents")
    form.get_by_label("Engagement visé").select_option("clarity")
    form.get_by_role("button", name="Enregistrer l’objet du dossier").click()
    expect(page.locator("p.notice")).to_contain_text("L’objet du dossier est enregistré.")
    expect(page.locator("section", has_text="Objet du dossier").first).to_contain_text(
        "Documents de référence"
    )
    page.locator("#action-measure summary").click()
    page.get_by_label("Ce que l’organisme changera").fill("Réviser le guide de l’usager.")
    page.get_by_label("Responsable").fill("Direction des communications")
    page.get_by_label("Date d’échéance").fill("2027-01-29")
    page.get_by_role("button", name="Ajouter la mesure").click()
    expect(page.locator("ul.measures")).to_contain_text("Réviser le guide de l’usager.")
    expect(page.locator("ul.measures")).to_contain_text("En cours")
    page.set_viewport_size({"width": 1366, "height": 900})
    look(page, "case-about-fr-1366")
    page.get_by_role("button", name="Marquer comme réalisée aujourd’hui").click()
    expect(page.locator("ul.measures")).to_contain_text("Réalisée le")
    page.set_viewport_size({"width": 390, "height": 844})
    look(page, "case-about-fr-390")
    _fits(page, 390)


def test_an_officer_downloads_the_protecteur_dossier_of_an_escalated_case(page, server):
    from casework.repositories.cases import CaseFilters
    from casework.services import cases as case_service

    views, _ = case_service.search(
        server.ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(status=("escalated",)),
    )
    reference = views[0].case.reference
    login(page, "responsable")
    page.goto(f"/cases/{reference}")
    section = page.locator("section", has_text="Dossier pour le Protecteur du citoyen")
    expect(section.get_by_role("button", name="Télécharger le dossier (ZIP)")).to_be_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    look(page, "case-dossier-fr-1366")
    with page.expect_download() as download:
        section.get_by_role("button", name="Télécharger le dossier (ZIP)").click()
    assert download.value.suggested_filename == f"{reference}-protecteur-du-citoyen.zip"
    page.goto(f"/cases/{reference}")
    expect(page.locator(".timeline")).to_contain_text("Dossier transmis au Protecteur du citoyen")
    page.set_viewport_size({"width": 390, "height": 844})
    look(page, "case-dossier-fr-390")
    _fits(page, 390)


def test_an_officer_imports_a_survey_file_and_a_bad_one_imports_nothing(page, server, tmp_path):
    good = tmp_path / "sondage.csv"
    good.write_text(
        "respondent,answered_on,service,aspect,rating\n"
        "Q-901,2026-11-02,reference_documents,ease_of_finding,4\n"
        "Q-901,2026-11-02,reference_documents,relevance,na\n",
        encoding="utf-8",
    )
    bad = tmp_path / "mauvais.csv"
    bad.write_text(
        "respondent,answered_on,service,aspect,rating\nQ-902,2026-11-02,reference_documents,ease_of_finding,9\n",
        encoding="utf-8",
    )
    login(page, "responsable")
    page.goto("/reports/survey")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer les résultats d’un sondage")
    page.get_by_label("Fichier du sondage (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Importer").click()
    expect(page.locator(".field-error")).to_contain_text("Ligne 2")
    page.set_viewport_size({"width": 390, "height": 844})
    look(page, "survey-import-error-fr-390")
    _fits(page, 390)
    page.get_by_label("Fichier du sondage (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("p.notice")).to_have_text("2 réponses importées.")
    page.set_viewport_size({"width": 1366, "height": 900})
    look(page, "survey-import-fr-1366")
