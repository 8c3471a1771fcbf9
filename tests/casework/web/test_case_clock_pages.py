"""The case page as the case clock leaves it (issue 11), at a phone's width (390 px) and a
laptop's (1366 px), in French and English: a case whose answer was extended after its deadline,
an escalated case with the Protecteur du citoyen's reply date, and a closed case whose deadlines
were met and met late. Nothing wider than the screen, the OQLF's typography in French, each
deadline's state in words. Saved under test-artifacts/clock/ as <case>-<width>-<language>.png."""

from datetime import date

import pytest

from casework.services import cases
from tests.cases import OFFICER, fire, open_case
from tests.casework.web.conftest import ROOT
from tests.casework.web.test_every_page_fits import (
    FRENCH_FAULTS,
    LANGUAGES,
    WIDTHS,
    _overflow,
    _sign_in,
)
from tests.conftest import montreal

FOLDER = ROOT / "test-artifacts" / "clock"
SUBJECT = "Délai de traitement d’une demande de permis"


@pytest.fixture(scope="module")
def clock_cases(server):
    """The three cases, built as the days pass; the pages are seen on Wednesday 27 January
    2027."""
    ctx, clock = server.ctx, server.ctx.clock
    before = clock.current
    # Received Monday 2 November 2026: acknowledgment due Monday 16 November, sent Wednesday
    # 18 November (2 business days late); answered Friday 20 November (due the 30th), closed.
    clock.current = montreal(2026, 11, 2, 10, 0)
    closed = open_case(
        ctx, montreal(2026, 11, 2, 9, 0), kind="information_request", subject=SUBJECT
    )
    clock.current = montreal(2026, 11, 18, 10, 0)
    closed = fire(ctx, closed, "acknowledge")
    clock.current = montreal(2026, 11, 20, 10, 0)
    closed = fire(ctx, closed, "answer", answer_summary="Renseignements transmis.")
    closed = fire(ctx, closed, "close", outcome="founded")
    # Answered Friday 20 November, escalated Tuesday 1 December; the Protecteur's later letter
    # sets its reply date to Friday 5 February 2027.
    escalated = open_case(
        ctx, montreal(2026, 11, 20, 9, 0), kind="information_request", subject=SUBJECT
    )
    escalated = fire(ctx, escalated, "answer", answer_summary="Réponse.")
    clock.current = montreal(2026, 12, 1, 10, 0)
    escalated = fire(
        ctx,
        escalated,
        "escalate",
        protecteur_file_number="PC-2026-0099",
        escalated_on=date(2026, 12, 1),
        facts_known_on=date(2026, 10, 15),
    )
    cases.set_reply_date(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=escalated.reference,
        version=None,
        reply_due_on=date(2027, 2, 5),
    )
    # Received Friday 18 December 2026, acknowledged the 21st: answer due Monday 25 January
    # 2027; extended on Wednesday 27 January by 5 business days, announced for Monday
    # 1 February.
    clock.current = montreal(2026, 12, 18, 11, 0)
    late = open_case(ctx, montreal(2026, 12, 18, 10, 0), subject=SUBJECT)
    clock.current = montreal(2026, 12, 21, 10, 0)
    late = fire(ctx, late, "acknowledge")
    clock.current = montreal(2027, 1, 27, 10, 0)
    cases.extend(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=late.reference,
        version=late.version,
        days=5,
        reason="Consultation du service juridique",
    )
    yield {
        "late-extension": late.reference,
        "escalated": escalated.reference,
        "closed": closed.reference,
    }
    clock.current = before


# What each page must say of its deadlines, in French.
SAYS = {
    "late-extension": [
        "manquée le 25 janvier 2027; nouvelle date annoncée\u00a0: 1er février 2027"
    ],
    "escalated": [
        "Réponse au Protecteur du citoyen\u00a0: vendredi 5 février 2027",
        "respectée le 20 novembre 2026",
    ],
    "closed": [
        "respectée en retard le 18 novembre 2026 (2 jours ouvrables de retard)",
        "respectée le 20 novembre 2026",
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_case_clock_on_the_case_page_fits_and_says_each_state(
    browser, server, clock_cases, width, language
):
    FOLDER.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=server.url,
        locale="fr-CA" if language == "fr" else "en-CA",
        viewport={"width": width, "height": 900},
    )
    context.add_cookies([{"name": "lang", "value": language, "url": server.url}])
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    _sign_in(tab, "responsable")
    faults: list[str] = []
    for name, reference in clock_cases.items():
        tab.goto(f"/cases/{reference}")
        tab.screenshot(path=str(FOLDER / f"{name}-{width}-{language}.png"), full_page=True)
        wide = _overflow(tab)
        if wide:
            faults.append(f"{name} at {width} px is wider than the screen: {wide}")
        if language == "fr":
            text = tab.locator("body").inner_text()
            for fault, pattern in FRENCH_FAULTS.items():
                for found in pattern.finditer(text):
                    around = text[max(0, found.start() - 30) : found.end() + 30]
                    faults.append(f"{name}: {fault}: …{around!r}…")
            deadlines = tab.locator("ul.deadlines").first.inner_text()
            faults += [f"{name} does not say {s!r}" for s in SAYS[name] if s not in deadlines]
    context.close()
    assert faults == [], "\n".join(faults)
