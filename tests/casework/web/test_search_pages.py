"""An officer finds a person from the queue's search box and sees their other cases on the case
page, in a real browser, on a wide screen and on a phone, in French and in English."""

import pytest

from casework.context import Actor
from casework.schemas import CaseCreate
from casework.services import cases as service
from tests.casework.web.conftest import NOW, login, screenshot

PERSON = {"name": "Gaétane Bérubé", "email": "gaetane.berube@example.org", "phone": "418-555-0142"}


@pytest.fixture(scope="module")
def cases_of_one_person(server):
    """Two complaints of the same person, written two weeks apart."""
    opened = []
    for subject, day in (
        ("Attente au comptoir de Rimouski", 9),
        ("Lettre restée sans réponse", 20),
    ):
        data = CaseCreate(
            kind="complaint",
            channel="email",
            subject=subject,
            received_at=NOW.replace(day=day, hour=11),
            requester=PERSON,
        )
        opened.append(
            service.open_case(
                server.ctx, interface="api", actor=Actor("test", role="admin"), data=data
            ).case
        )
    return opened


@pytest.mark.parametrize(
    ("language", "width"), [("fr", 1366), ("fr", 390), ("en", 1366), ("en", 390)]
)
def test_an_officer_finds_a_person_without_accents_and_sees_their_other_cases(
    page, cases_of_one_person, language, width
):
    first, second = cases_of_one_person
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "responsable")
    if language == "en":
        page.goto("/language/en?next=/queue")
    page.goto("/queue?q=gaetane+berube")
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert {first.reference, second.reference} == {
        rows.nth(n).get_by_role("link").first.inner_text().strip() for n in range(2)
    }
    screenshot(page, f"search-person-{language}-{width}")

    page.goto(f"/cases/{second.reference}")
    heading = "Autres dossiers de la personne" if language == "fr" else "The person's other cases"
    others = page.locator("section", has=page.get_by_role("heading", name=heading))
    assert others.get_by_role("link", name=first.reference).is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow
    screenshot(page, f"case-other-cases-{language}-{width}")
