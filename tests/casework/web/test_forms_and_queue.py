"""What a newcomer ran into, in the browser (issue 17, items 9 and 10): a form's error summary
takes the focus and each of its links moves it to the field; a "Done" banner does not come back
with the back button; the queue pages by twenty and sorts by its date columns."""

import re

from playwright.sync_api import expect

from casework.web.typed import read_date
from tests.casework.web.conftest import login, look


def test_an_error_summary_takes_the_focus_and_its_link_moves_it_to_the_field(page):
    login(page, "responsable")
    page.goto("/cases/new")
    page.get_by_label("Date de réception").fill("20/11/2026")
    page.get_by_label("Objet").fill("Lettre reçue au comptoir")
    page.get_by_role("button", name="Enregistrer le dossier").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Date de réception")
    expect(summary).to_contain_text("en commençant par l’année")
    # What was typed is still there, to correct rather than retype.
    expect(page.get_by_label("Date de réception")).to_have_value("20/11/2026")
    look(page, "new-case-error-summary")
    summary.get_by_role("link", name=re.compile("Date de réception")).click()
    expect(page.get_by_label("Date de réception")).to_be_focused()

    page.get_by_label("Date de réception").fill("2026/11/20")
    page.get_by_role("button", name="Enregistrer le dossier").click()
    expect(page.locator("p.notice")).to_contain_text("Le dossier est enregistré.")
    expect(page.locator(".summary").first).to_contain_text("20 novembre 2026")


def test_the_done_banner_does_not_come_back_with_the_back_button(page):
    login(page, "responsable")
    page.goto("/queue?status=received")
    page.locator("tbody td.key a").first.click()
    page.get_by_role("button", name="Accuser réception").click()
    expect(page.locator("p.notice")).to_contain_text("Fait\u00a0: Accuser réception.")
    assert "done=" not in page.url  # taken out of the address once said
    page.get_by_role("link", name="Retour aux dossiers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers")
    page.go_back()
    expect(page.locator(".summary").first).to_contain_text("Accusé de réception envoyé")
    expect(page.locator("p.notice")).to_have_count(0)


def test_the_queue_pages_by_twenty_and_sorts_by_its_date_columns(page):
    login(page, "responsable")
    page.goto("/queue?status=all")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(20)
    expect(page.locator("table.queue caption")).to_contain_text("page 1 de")
    page.get_by_role("link", name="Page suivante").click()
    expect(page.locator("table.queue caption")).to_contain_text("page 2 de")

    page.get_by_role("link", name="Reçue le", exact=True).click()
    header = page.locator("th[aria-sort]")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(header).to_contain_text("Reçue le")
    expect(page.locator("table.queue caption")).to_contain_text("page 1 de")
    days = [read_date(d) for d in page.locator("table.queue tbody td.date").all_inner_texts()]
    assert len(days) == 20
    assert days == sorted(days, reverse=True)
    look(page, "queue-sorted-by-receipt")

    page.get_by_role("link", name="Prochaine échéance", exact=True).click()
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#sort")).to_have_value("due")
    due = [read_date(d) for d in page.locator("table.queue tbody span.date").all_inner_texts()]
    assert due == sorted(due)


def test_the_queue_fits_a_laptop_screen_with_its_dates_on_one_line(page):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, "responsable")
    page.goto("/queue?status=all")
    box = page.locator(".table-wrap").first
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth"), "the queue scrolls sideways"
    lines = page.evaluate(
        """() => [...document.querySelectorAll('table.queue td.date, table.queue span.date')]
          .map(el => { const r = document.createRange(); r.selectNodeContents(el);
                       return [el.textContent, r.getClientRects().length]; })"""
    )
    assert lines and all(count == 1 for _, count in lines), lines
    # Each filter's label and chosen option are shown whole.
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.filters label')]
          .filter(el => el.scrollWidth > el.clientWidth).map(el => el.textContent.trim())"""
    )
    assert cut == []
