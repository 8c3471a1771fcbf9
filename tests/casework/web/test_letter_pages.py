"""The letter pages as their users see them: the letters to mail, one letter as sent and the case
page's letters, at 1366 and 390 pixels wide, in French and in English; nothing wider than the
screen, no serious accessibility violation (axe-core), a screenshot of each."""

import pytest
from playwright.sync_api import expect

from tests.casework.web.conftest import login, look

WIDTHS = {"desktop": 1366, "phone": 390}


def fits(page, width: int) -> None:
    """Fail when the page is wider than the screen (a sideways scroll on a phone)."""
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow} px wide on a {width} px screen"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_the_letters_to_mail_a_letter_and_the_case_letters_fit_and_read_well(
    page, device, language
):
    width = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "responsable")
    if language == "en":
        page.get_by_role("link", name="English").click()
    words = {
        "fr": ("Lettres à poster", "Lettres à la personne requérante", "Imprimer la lettre"),
        "en": ("Letters to mail", "Letters to the requester", "Print the letter"),
    }[language]

    page.goto("/letters/to-mail")
    expect(page.get_by_role("heading", level=1)).to_have_text(words[0])
    fits(page, width)
    look(page, f"letters-to-mail-{device}-{language}")

    first = page.locator("ul.to-mail > li").first
    reference = first.get_by_role("link").nth(1).inner_text()
    first.get_by_role("link").first.click()
    expect(page.locator("article.letter")).to_contain_text(reference)
    expect(page.get_by_role("button", name=words[2])).to_be_visible()
    fits(page, width)
    look(page, f"letter-{device}-{language}")

    page.goto(f"/cases/{reference}")
    expect(page.locator("section[aria-labelledby=letters-title]")).to_contain_text(words[1])
    fits(page, width)
    look(page, f"case-letters-{device}-{language}")
