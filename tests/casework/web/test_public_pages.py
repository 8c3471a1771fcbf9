"""The citizen's side in a real browser (Debian's chromium through Playwright), against a real
casework server and a real SMTP server (aiosmtpd).

The journey: a person sends a complaint with a document from a telephone-sized screen, receives
the email with their private link, opens the status page, adds the information an officer asked
for (the case resumes), and, once the case is closed, receives the survey and answers it. Then
every public page, in French and in English, at 390 and 1366 pixels: no horizontal scrolling,
no serious or critical axe violation, and a screenshot under test-artifacts/public/.

Hand-worked: received on Monday 23 November 2026 at 10:00, the complaint is answered at the
latest on Monday 21 December 2026 (20 business days, no closure in between).
"""

import re
import shutil
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from casework.app import create_app
from casework.config import DatabaseSettings, Settings
from casework.context import Actor, AppContext, FixedClock
from casework.db import make_engine
from casework.schemas import TransitionIn
from casework.services import cases, citizen_survey
from casework.services import outbox as outbox_service
from casework.services.calendar import refresh
from casework.services.door import CASEWORK
from tests.casework.web.conftest import ROOT, _free_port, assert_accessible
from tests.casework.web.test_every_page_fits import FRENCH_FAULTS
from tests.conftest import TEST_SECURITY
from tests.documents_samples import PDF
from tests.notifications.conftest import Mailbox, SmtpServer

MONTREAL = ZoneInfo("America/Toronto")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=MONTREAL)
ARTIFACTS = ROOT / "test-artifacts" / "public"
OFFICER = Actor("user:lucie.martin", role="officer")
CLASSIFICATION = {
    "service": "support_advice",
    "commitment": "diligence",
    "root_cause": "delay",
    "remedy": "apology",
}


class PublicServer:
    def __init__(self, url: str, ctx: AppContext, mailbox: Mailbox) -> None:
        self.url, self.ctx, self.mailbox = url, ctx, mailbox


@pytest.fixture(scope="module")
def public_server(sqlite_template, tmp_path_factory):
    """casework on a free port, sending its email to a real SMTP server; a form may be sent one
    second after it is shown."""
    import uvicorn

    mailbox = Mailbox()
    smtp = SmtpServer(mailbox)
    smtp.start()
    folder = tmp_path_factory.mktemp("public")
    database = folder / "casework.db"
    shutil.copyfile(sqlite_template, database)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite:///{database}"),
        data_dir=folder / "var",
        security=TEST_SECURITY,
        smtp=smtp.settings(),
        server={"base_url": url},
        public={"minimum_fill_seconds": 1},
    )
    engine = make_engine(settings.database)
    ctx = AppContext(settings=settings, engine=engine, clock=FixedClock(NOW))
    refresh(ctx)
    app = create_app(settings, engine=engine, clock=ctx.clock)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the casework server did not start")
        time.sleep(0.05)
    yield PublicServer(url, ctx, mailbox)
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()
    smtp.stop()


def tab(browser, server, *, width: int, locale: str = "fr-CA"):
    context = browser.new_context(
        base_url=server.url, locale=locale, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def no_horizontal_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px"


def french_typography(page) -> None:
    """Check the page's French against the OQLF's rules the other pages follow."""
    text = page.locator("body").inner_text()
    faults = [
        f"{fault}: …{text[max(0, m.start() - 30) : m.end() + 30]!r}…"
        for fault, pattern in FRENCH_FAULTS.items()
        for m in pattern.finditer(text)
    ]
    assert faults == [], f"{page.url}:\n" + "\n".join(faults)


def shoot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def link_in_last_email(server: PublicServer, address: str, part: str) -> str:
    outbox_service.deliver(server.ctx, worker="test")
    text = server.mailbox.to(address)[-1].words
    return re.search(rf"{re.escape(server.url)}/{part}/[A-Za-z0-9_-]+", text).group(0)


def fire(ctx, reference, trigger, **fields):
    version = cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=reference
    ).case.version
    request = TransitionIn(trigger=trigger, version=version, **fields)
    return cases.fire(
        ctx, interface="api", actor=OFFICER, reference=reference, request=request
    ).case


def fill_complaint(page, *, email: str) -> None:
    page.get_by_label("Objet").fill("Attente au comptoir")
    page.get_by_label("Votre message").fill("J’ai attendu deux heures au comptoir de Québec.")
    page.locator("#files").set_input_files(
        files=[{"name": "billet.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Votre nom").fill("Marie Tremblay")
    page.get_by_label("Adresse courriel").fill(email)
    page.get_by_label("Par courriel").check()


def test_a_citizen_complains_follows_adds_information_and_answers_the_survey_from_a_phone(
    browser, public_server
):
    server, ctx = public_server, public_server.ctx
    context, page = tab(browser, server, width=390)
    email = "marie.tremblay@example.com"

    page.goto("/plainte")
    assert page.get_by_role("heading", level=1).inner_text() == "Porter plainte"
    fill_complaint(page, email=email)
    page.wait_for_timeout(1100)  # a person takes at least the minimum fill time
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_load_state()

    sent = page.locator("main").inner_text()
    reference = re.search(r"PLT-2026-\d{5}", sent).group(0)
    assert "Nous vous répondrons au plus tard le lundi 21 décembre 2026." in sent
    no_horizontal_scroll(page)

    status_link = link_in_last_email(server, email, "suivi")
    assert reference in server.mailbox.to(email)[-1].words

    fire(ctx, reference, "acknowledge")
    fire(ctx, reference, "request_information", comment="Il manque la date de votre visite.")
    page.goto(status_link)
    assert "Nous attendons des renseignements de votre part." in page.locator("main").inner_text()
    assert "billet.pdf" in page.locator("main").inner_text()
    page.get_by_label("Renseignements à ajouter").fill("Ma visite a eu lieu le 12 novembre.")
    page.get_by_role("button", name="Ajouter à mon dossier").click()
    page.wait_for_load_state()
    assert "Nous examinons de nouveau votre dossier." in page.locator("main").inner_text()
    assert (
        cases.get(ctx, actor=CASEWORK, interface="scheduler", reference=reference).case.status
        == "acknowledged"
    )

    fire(ctx, reference, "answer", answer_summary="Nous avons revu l’accueil au comptoir.")
    fire(ctx, reference, "close", outcome="founded", classification=CLASSIFICATION)
    ctx.clock.current = datetime(2026, 11, 25, 10, 0, tzinfo=MONTREAL)  # two business days
    try:
        assert citizen_survey.invite_due(ctx, worker="test").invited == 1
        survey_link = link_in_last_email(server, email, "sondage")
    finally:
        ctx.clock.current = NOW
    page.goto(survey_link)
    for question in page.locator("fieldset.choices").all():
        question.get_by_label("Plutôt satisfait").check()
    page.get_by_label("Commentaire").fill("Merci pour la réponse.")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Merci"
    page.goto(survey_link)  # a second use shows the thanks page
    assert page.get_by_role("heading", level=1).inner_text() == "Merci"
    context.close()


def test_the_form_is_usable_with_the_keyboard_alone_and_skips_the_robots_field(
    browser, public_server
):
    context, page = tab(browser, public_server, width=1366)
    page.goto("/plainte")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.id || document.activeElement.textContent.trim()"
        )
        reached.append(focused)
        if focused == "Envoyer":
            break
    context.close()
    assert reached[-1] == "Envoyer"
    for field in ("subject", "description", "files", "name", "email", "phone", "postal_address"):
        assert field in reached
    assert "website" not in reached


def _status_and_survey_links(server: PublicServer, language: str) -> tuple[str, str]:
    """A case sent through the API, answered and closed, with its links."""
    from fastapi.testclient import TestClient

    with TestClient(
        create_app(server.ctx.settings, engine=server.ctx.engine, clock=server.ctx.clock)
    ) as client:
        sent = client.post(
            "/api/public/submissions",
            json={
                "kind": "complaint",
                "subject": "Courtesy at the counter" if language == "en" else "Accueil au comptoir",
                "description": "…",
                "language": language,
                "requester": {"name": "Alex Martin", "email": f"alex.{language}@example.com"},
            },
        ).json()
    reference = sent["reference"]
    fire(server.ctx, reference, "acknowledge")
    return sent["status_url"], reference


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_public_page_fits_a_phone_and_a_desktop_and_passes_axe(
    browser, public_server, language
):
    server = public_server
    locale = "fr-CA" if language == "fr" else "en-CA"
    status_link, reference = _status_and_survey_links(server, language)
    form_paths = (
        ("complaint", "/plainte" if language == "fr" else "/complaint"),
        ("request", "/demande" if language == "fr" else "/request"),
        ("comment", "/commentaire" if language == "fr" else "/comment"),
    )
    fire(server.ctx, reference, "answer", answer_summary="…")
    fire(server.ctx, reference, "close", outcome="founded", classification=CLASSIFICATION)
    server.ctx.clock.current = datetime(2026, 11, 25, 10, 0, tzinfo=MONTREAL)
    try:
        citizen_survey.invite_due(server.ctx, worker="test")
        survey_link = link_in_last_email(server, f"alex.{language}@example.com", "sondage")
    finally:
        server.ctx.clock.current = NOW
    pages = [
        *form_paths,
        ("status", status_link),
        ("survey", survey_link),
        ("unknown-link", f"{server.url}/suivi/{'A' * 43}"),
    ]
    for width in (1366, 390):
        context, page = tab(browser, server, width=width, locale=locale)
        for name, path in pages:
            page.goto(path)
            assert page.locator("html").get_attribute("lang").startswith(language)
            no_horizontal_scroll(page)
            if width == 390:
                assert_accessible(page)
            if language == "fr":
                french_typography(page)
            shoot(page, f"{name}-{language}-{width}")
        if width == 390:
            # The form's answer to a mistake, and the thanks page once the survey is answered.
            page.goto(form_paths[0][1])
            page.wait_for_timeout(1100)
            page.get_by_role("button", name="Envoyer" if language == "fr" else "Send").click()
            page.wait_for_load_state()
            assert page.locator("#form-errors").is_visible()
            assert_accessible(page)
            if language == "fr":
                french_typography(page)
            no_horizontal_scroll(page)
            shoot(page, f"complaint-errors-{language}-{width}")
            page.goto(survey_link)
            for question in page.locator("fieldset.choices").all():
                question.locator("input[type=radio]").first.check()
            page.locator("form button[type=submit]").click()
            page.wait_for_load_state()
            assert_accessible(page)
            shoot(page, f"thanks-{language}-{width}")
        context.close()
