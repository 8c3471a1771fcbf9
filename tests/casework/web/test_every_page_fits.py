"""Every page at a phone's width (390 px) and a laptop's (1366 px), in French and English: nothing
wider than the screen (a wide table scrolls inside its own box, its first column staying in
view), and, in French, the typography the OQLF asks for. Each page is saved under
test-artifacts/screenshots/ as <page>-<width>-<language>.png."""

import re

import pytest

from casework.context import Actor
from casework.repositories.cases import CaseFilters
from casework.services import cases as case_service
from casework.services import letters
from casework.services.door import CASEWORK
from tests.casework.web.conftest import PASSWORDS, screenshot

WIDTHS = (390, 1366)
LANGUAGES = ("fr", "en")
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
# What French text must not hold (issue 17, item 11), with the reason said when it does.
FRENCH_FAULTS = {
    "a first of the month without « er »": re.compile(rf"(?<![\d,])\b1 (?:{MONTHS})\b"),
    "« des » before a single date (« du » is meant)": re.compile(
        rf"\bdes (?:1er|\d{{1,2}}) (?:{MONTHS})\b"
    ),
    "a colon without a non-breaking space before it": re.compile(
        r"(?:[^\s\u00a0\u202f\d/]|\d(?!\d)):(?!\d|//)|[ ]:"
    ),
    "a space that can break inside « »": re.compile(r"« |[ ]»"),
    "an hour written with a leading zero": re.compile(r"\b0\d h\b"),
    "a straight apostrophe": re.compile(r"\w'\w"),
    "an English time": re.compile(r"\b[ap]\.m\."),
    "the username where the person's name belongs": re.compile(
        r"Session (?:de|ouverte par) [a-z]+\b(?! [A-Z])"
    ),
}


def _pages(ctx) -> list[tuple[str | None, str, str]]:
    """Return (who signs in, address, name) for every page, on a case that has a requester."""
    views, _ = case_service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(status=("acknowledged",)),
        limit=50,
        with_requesters=True,
    )
    case = next(v.case for v in views if v.requester is not None and v.case.assignee_id)
    escalated, _ = case_service.search(
        ctx,
        actor=CASEWORK,
        interface="scheduler",
        filters=CaseFilters(status=("escalated",)),
        limit=1,
        with_requesters=True,
    )
    officer = Actor("test", role="officer")
    first = letters.for_case(ctx, actor=officer, interface="web", reference=case.reference)
    return [
        (None, "/login", "login"),
        ("responsable", "/queue", "queue"),
        ("responsable", "/cases/new", "new-case"),
        ("responsable", f"/cases/{case.reference}", "case"),
        ("responsable", f"/cases/{escalated[0].case.reference}", "case-escalated"),
        ("responsable", f"/cases/{case.reference}/letters/{first.letters[0].id}", "letter"),
        ("responsable", "/letters/to-mail", "letters-to-mail"),
        ("agent", "/mine", "mine"),
        ("agent", "/me", "account"),
        ("superviseure", "/dashboard", "dashboard"),
        ("admin", "/admin", "admin-users"),
        ("admin", "/admin/calendar", "admin-calendar"),
        ("admin", "/admin/workflow", "admin-workflow"),
    ]


def _sign_in(tab, username: str) -> None:
    tab.goto("/login")
    tab.locator("#username").fill(username)
    tab.locator("#password").fill(PASSWORDS[username])
    tab.locator("form.login button[type=submit]").click()
    tab.wait_for_load_state()


def _overflow(tab) -> list[str]:
    """Return what sticks out of the screen (the page scrolls sideways), if anything."""
    return tab.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          const out = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 1) {
              out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
                       ' ' + Math.round(box.right) + 'px');
            }
          }
          const page = document.documentElement.scrollWidth;
          return out.length ? out.slice(0, 8) : ['the page is ' + page + 'px wide'];
        }"""
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_and_french_follows_its_typography(
    browser, server, width, language
):
    faults: list[str] = []
    signed_in_as = None
    context = None
    for username, path, name in _pages(server.ctx):
        if context is None or username != signed_in_as:
            if context is not None:
                context.close()
            context = browser.new_context(
                base_url=server.url,
                locale="fr-CA" if language == "fr" else "en-CA",
                viewport={"width": width, "height": 900},
            )
            context.add_cookies([{"name": "lang", "value": language, "url": server.url}])
            tab = context.new_page()
            tab.set_default_timeout(10_000)
            if username:
                _sign_in(tab, username)
            signed_in_as = username
        tab.goto(path)
        screenshot(tab, f"{name}-{width}-{language}")
        wide = _overflow(tab)
        if wide:
            faults.append(f"{path} at {width} px is wider than the screen: {wide}")
        if language == "fr":
            text = tab.locator("body").inner_text()
            for fault, pattern in FRENCH_FAULTS.items():
                for found in pattern.finditer(text):
                    around = text[max(0, found.start() - 30) : found.end() + 30]
                    faults.append(f"{path}: {fault}: …{around!r}…")
    if context is not None:
        context.close()
    assert faults == [], "\n".join(faults)


@pytest.mark.parametrize(
    ("fault", "wrong", "right"),
    [
        ("a first of the month without « er »", "jeudi 1 janvier 2026", "jeudi 1er janvier 2026"),
        (
            "« des » before a single date (« du » is meant)",
            "jours de fermeture des 12 octobre 2026",
            "jours de fermeture des 24 et 25 décembre 2026",
        ),
        (
            "a colon without a non-breaking space before it",
            "Réponse: 27 novembre",
            "Réponse\u00a0: 27 novembre, à 14:30, https://exemple.qc.ca",
        ),
        ("a colon without a non-breaking space before it", "Réponse : 27 novembre", "—"),
        ("a space that can break inside « »", "« Haute »", "«\u00a0Haute\u00a0»"),
        ("an hour written with a leading zero", "à 09 h 45", "à 9 h 45"),
        ("a straight apostrophe", "Jour de l'An", "Jour de l’An"),
        ("an English time", "à 2:30 p.m..", "à 14 h 30"),
        ("the username where the person's name belongs", "Session de admin", "—"),
        (
            "the username where the person's name belongs",
            "Session ouverte par responsable",
            "Session ouverte par Julie Lavoie",
        ),
    ],
)
def test_the_french_scan_finds_what_the_newcomer_found(fault, wrong, right):
    assert FRENCH_FAULTS[fault].search(wrong)
    assert not FRENCH_FAULTS[fault].search(right)
