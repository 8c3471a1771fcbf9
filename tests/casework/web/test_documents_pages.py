"""Documents on the case page and the email in quarantine, in a real browser (issue 14): an
officer attaches the scanned letter, a refused file is named next to the field, and the
confidentiality rule holds on downloads for each role; each page at 1366 px and 390 px, in French
and English."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from casework.models import AccessLogEntry
from casework.repositories.cases import CaseFilters
from casework.services import cases as case_service
from casework.services import intake
from casework.services import users as user_service
from casework.services.door import CASEWORK
from tests import documents_samples as samples
from tests import mail_corpus as corpus
from tests.casework.web.conftest import SCREENSHOTS, login, look, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _complaint_assigned_to_someone_else(ctx, username: str):
    me = next(u for u in user_service.list_users(ctx) if u.username == username)
    views, _ = case_service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(kind=("complaint",)),
        limit=200,
        with_requesters=True,
    )
    return next(
        v.case for v in views if v.requester is not None and v.case.assignee_id not in (None, me.id)
    )


def _downloads(ctx, case_id: int) -> list[tuple[str, str]]:
    with Session(ctx.engine) as session:
        query = select(AccessLogEntry).where(
            AccessLogEntry.case_id == case_id, AccessLogEntry.what == "document"
        )
        return [(row.actor, row.interface) for row in session.exec(query)]


def _attach(page, name: str, data: bytes, mime: str = "application/pdf", **fields) -> None:
    page.locator("#action-documents summary").click()
    page.locator("#documents-files").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}]
    )
    if fields.get("description"):
        page.locator("#documents-description").fill(fields["description"])
    if fields.get("from_requester"):
        page.get_by_label("Ces documents viennent de la personne elle-même").check()
    page.get_by_role("button", name="Joindre", exact=True).click()


def test_an_officer_attaches_a_scanned_letter_and_downloads_it(page, server):
    page.set_viewport_size(DESKTOP)
    case = _complaint_assigned_to_someone_else(server.ctx, "agent")
    login(page, "responsable")
    page.goto(f"/cases/{case.reference}")
    _attach(
        page,
        "lettre-numérisée.pdf",
        samples.PDF,
        description="Lettre reçue par la poste, numérisée",
        from_requester=True,
    )
    expect(page.locator("p.notice")).to_contain_text("Les documents sont joints au dossier.")
    documents = page.locator("ul.documents")
    expect(documents).to_contain_text("lettre-numérisée.pdf")
    expect(documents).to_contain_text("venant de la personne")
    expect(documents).to_contain_text("Lettre reçue par la poste, numérisée")
    expect(page.locator(".timeline")).to_contain_text("Documents joints")
    look(page, "case-documents-fr-1366")
    with page.expect_download() as download:
        page.get_by_role("link", name="lettre-numérisée.pdf").click()
    assert download.value.suggested_filename == "lettre-numérisée.pdf"
    assert Path(download.value.path()).read_bytes() == samples.PDF
    assert _downloads(server.ctx, case.id)[-1] == ("user:responsable", "web")

    page.set_viewport_size(PHONE)
    page.reload()
    page.locator("#action-documents summary").click()
    screenshot(page, "case-documents-fr-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a phone"

    page.goto("/language/en")
    page.goto(f"/cases/{case.reference}")
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    screenshot(page, "case-documents-en-390")
    page.set_viewport_size(DESKTOP)
    page.reload()
    look(page, "case-documents-en-1366")


def test_a_file_of_a_refused_kind_is_named_next_to_the_field(page, server):
    page.set_viewport_size(DESKTOP)
    case = _complaint_assigned_to_someone_else(server.ctx, "agent")
    login(page, "responsable")
    page.goto(f"/cases/{case.reference}")
    _attach(page, "facture.pdf", samples.EXECUTABLE)
    error = page.locator("#documents-files-error")
    expect(error).to_contain_text("facture.pdf n’est pas un type de fichier accepté")
    expect(page.locator("#action-documents")).to_have_attribute("open", "")
    look(page, "case-documents-refused-fr-1366")


@pytest.mark.parametrize(
    ("username", "allowed"),
    [("responsable", True), ("superviseure", True), ("admin", True), ("agent", False)],
)
def test_documents_are_downloaded_in_the_browser_only_under_the_confidentiality_rule(
    page, server, username, allowed
):
    from casework.services import documents
    from tests.casework.security.conftest import SYSTEM

    case = _complaint_assigned_to_someone_else(server.ctx, "agent")
    [letter] = documents.attach(
        server.ctx,
        actor=SYSTEM,
        interface="cli",
        reference=case.reference,
        uploads=[
            documents.Upload(filename=f"piece-{username}.pdf", stream=io.BytesIO(samples.PDF))
        ],
    )
    login(page, username)
    page.goto(f"/cases/{case.reference}")
    before = len(_downloads(server.ctx, case.id))
    response = page.request.get(f"/cases/{case.reference}/documents/{letter.id}")
    if allowed:
        expect(page.get_by_role("link", name=f"piece-{username}.pdf")).to_be_visible()
        assert response.status == 200
        assert response.body() == samples.PDF
        assert len(_downloads(server.ctx, case.id)) == before + 1
    else:
        expect(page.get_by_role("link", name=f"piece-{username}.pdf")).to_have_count(0)
        expect(page.locator("#documents-title + p")).to_contain_text("confidentiels")
        assert response.status == 403
        assert len(_downloads(server.ctx, case.id)) == before
        screenshot(page, "case-documents-agent-confidential-fr-1366")


def test_officers_see_the_email_in_quarantine_and_agents_do_not(page, server):
    page.set_viewport_size(DESKTOP)
    intake.receive(server.ctx, raw=corpus.malformed())
    login(page, "responsable")
    page.get_by_role("link", name="Courriels en quarantaine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courriels en quarantaine")
    expect(page.locator("ul.quarantine")).to_contain_text("aucun en-tête From")
    look(page, "quarantine-fr-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, "quarantine-fr-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.goto("/language/en")
    page.goto("/mail/quarantine")
    look(page, "quarantine-en-390")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "quarantine-en-1366")
    page.context.clear_cookies()
    login(page, "agent")
    expect(page.get_by_role("link", name=re.compile("quarantaine"))).to_have_count(0)
    assert page.request.get("/mail/quarantine").status == 403


def test_a_reply_by_email_shows_in_the_timeline_with_its_attachments(page, server):
    page.set_viewport_size(DESKTOP)
    case = _complaint_assigned_to_someone_else(server.ctx, "agent")
    raw = corpus.three_attachments(message_id=f"<timeline-{case.reference}@example.org>")
    raw = raw.replace(
        b"Subject: =?UTF-8?Q?Pi=C3=A8ces_au_soutien?=",
        f"Subject: Re: {case.reference}".encode(),
    )
    assert intake.receive(server.ctx, raw=raw).outcome == "correspondence"
    login(page, "responsable")
    page.goto(f"/cases/{case.reference}")
    entry = page.locator(".timeline li", has_text="Courriel reçu").last
    expect(entry).to_contain_text(f"Objet : Re: {case.reference}")
    expect(entry).to_contain_text("Vous trouverez ci-joint la facture")
    expect(entry).to_contain_text("facture-décembre.pdf")
    expect(entry).to_contain_text("Non conservé : calcul.pdf")
    entry.scroll_into_view_if_needed()
    look(page, "case-email-received-fr-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, "case-email-received-fr-390")
    entry.screenshot(path=str(SCREENSHOTS / "case-email-received-entry-fr-390.png"))
