"""The records officer's pages and the incident register in a real browser: the list of cases at
the end of their retention, the preview, the confirmation, and an incident recorded; each page
screenshotted at 1366 and 390 px in French and English and checked with axe-core."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from pypdf import PdfReader

from casework.context import Actor
from casework.services import retention
from tests.casework.web.conftest import NOW, login, look, screenshot

RECORDS = Actor(label="user:admin", role="admin")
FAR = datetime(2034, 6, 1, 10, 0, tzinfo=ZoneInfo("America/Toronto"))


def _fits_a_phone(page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide at 390 px"


def test_the_records_officer_previews_and_anonymizes_a_case_at_the_end_of_its_retention(
    page, server
):
    server.ctx.clock.current = FAR  # seven and a half years after the demo's cases closed
    try:
        login(page, "admin")
        page.get_by_role("link", name="Renseignements personnels").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Calendrier de conservation")
        look(page, "records-fr-1366")
        _fits_a_phone(page)
        screenshot(page, "records-fr-390")
        page.set_viewport_size({"width": 1366, "height": 900})
        first = page.locator("tbody th a").first
        reference = first.inner_text()
        first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
        expect(
            page.get_by_text("Identité et coordonnées de la personne requérante")
        ).to_be_visible()
        look(page, "records-preview-fr-1366")
        _fits_a_phone(page)
        screenshot(page, "records-preview-fr-390")
        page.get_by_label("Je confirme : cette action est irréversible.").check()
        page.get_by_role("button", name=re.compile(r"^Anonymiser")).click()
        expect(page.locator("p.notice")).to_contain_text("sort final")
        expect(page.locator("tbody")).not_to_contain_text(reference)
        page.goto(f"/cases/{reference}")
        expect(page.locator("main")).to_contain_text("Retiré selon le calendrier de conservation")
        page.goto("/records")
        with page.expect_download() as download:
            page.get_by_role("button", name="Télécharger en PDF").click()
        signed = PdfReader(download.value.path()).pages[0].extract_text()
        assert "Certificat de destruction" in signed and reference in signed
        kept = retention.due(server.ctx, actor=RECORDS)[0].reference
        retention.place_hold(
            server.ctx, actor=RECORDS, reference=kept, kind="legal", reason="Recours en cour"
        )
        page.goto("/records")
        held = page.locator("table", has=page.locator("caption", has_text="retenu"))
        expect(held.locator("tbody tr")).to_have_count(1)
        expect(held.locator("tbody tr")).to_contain_text(kept)
        expect(held.locator("tbody tr")).to_contain_text("Suspension juridique")
        look(page, "records-held-fr-1366")
        _fits_a_phone(page)
        screenshot(page, "records-held-fr-390")
    finally:
        server.ctx.clock.current = NOW


def test_an_officer_records_an_incident_in_english_and_on_a_phone(page, server):
    login(page, "responsable")
    page.goto("/language/en")
    page.goto("/incidents")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Register of confidentiality incidents"
    )
    page.get_by_label("Title").fill("Letter mailed to the wrong address")
    page.get_by_label("Personal information concerned").fill("Name and address")
    page.get_by_label("Circumstances").fill("Two envelopes were swapped.")
    page.get_by_label("Occurred on").fill("2026-11-16")
    page.get_by_label("Known on").fill("2026-11-18")
    page.get_by_label("Number of people concerned").fill("2")
    page.get_by_role("button", name="Record the incident").click()
    expect(page.locator("p.notice")).to_contain_text("recorded")
    expect(page.locator("tbody")).to_contain_text("Letter mailed to the wrong address")
    look(page, "incidents-en-1366")
    _fits_a_phone(page)
    screenshot(page, "incidents-en-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("Known on").fill("2026-11-10")
    page.get_by_label("Occurred on").fill("2026-11-16")
    page.get_by_label("Title").fill("x")
    page.get_by_label("Personal information concerned").fill("x")
    page.get_by_label("Circumstances").fill("x")
    page.get_by_role("button", name="Record the incident").click()
    expect(page.locator("#known_on-error, .field-error").first).to_be_visible()
    page.goto("/language/fr")
    page.goto("/incidents")
    look(page, "incidents-fr-1366")


def test_the_access_officer_finds_a_persons_cases_and_exports_them(page, server):
    import json
    import zipfile

    login(page, "admin")
    page.goto("/records")
    page.get_by_role("link", name="Renseignements d’une personne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Renseignements d’une personne")
    page.get_by_label("Téléphone").fill("555")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator(".field-error").first).to_contain_text("indicatif régional")
    page.get_by_label("Téléphone").fill("")
    page.get_by_label("Courriel").fill("marie.tremblay@example.org")
    page.get_by_role("button", name="Rechercher").click()
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Marie Tremblay")
    found = rows.count()
    look(page, "records-person-fr-1366")
    _fits_a_phone(page)
    screenshot(page, "records-person-fr-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter les renseignements de la personne (ZIP)").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        summary = json.loads(archive.read("renseignements.json"))
    assert len(summary["cases"]) == found
    assert {c["requester"]["name"] for c in summary["cases"]} == {"Marie Tremblay"}
    page.goto("/language/en")
    page.goto("/records/person")
    page.get_by_label("Name").fill("Marie Tremblay")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("tbody tr").first).to_contain_text("Marie Tremblay")
    look(page, "records-person-en-1366")
