"""The letter pages without a browser: who may open them, the copy shown as it was kept, and the
mailing form's refusals (the reason next to the field, nothing written); on SQLite and
PostgreSQL. The demo data is built around Monday 23 November 2026."""

import re
from datetime import date

from casework.services import letters
from tests.casework.test_web_pages import _signed_in, _someone_elses_case, _token, app
from tests.letters.conftest import OFFICER

__all__ = ["app"]


def first_to_mail(ctx):
    return letters.to_mail(ctx, actor=OFFICER, interface="web")[0][:2]


def test_a_letter_page_shows_the_kept_copy_and_its_pdf_the_bytes_sent(app, ctx):
    letter, case = first_to_mail(ctx)
    officer = _signed_in(app, "responsable")
    page = officer.get(f"/cases/{case.reference}/letters/{letter.id}")
    assert page.status_code == 200
    assert "Lettre à poster, rédigée le" in page.text
    full = letters.get(
        ctx, actor=OFFICER, interface="web", reference=case.reference, letter_id=letter.id
    )[1]
    assert full.html_body in page.text
    pdf = officer.get(f"/cases/{case.reference}/letters/{letter.id}/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == full.pdf


def test_an_agent_cannot_open_the_letters_of_a_case_not_assigned_to_them(app, ctx):
    case = _someone_elses_case(ctx, "agent")
    agent = _signed_in(app, "agent")
    assert agent.get(f"/cases/{case.reference}/letters/1").status_code == 403
    assert agent.get(f"/cases/{case.reference}/letters/1/pdf").status_code == 403
    assert agent.get("/letters/to-mail").status_code == 403


def test_a_bad_mailing_date_is_refused_next_to_its_field_and_nothing_is_recorded(app, ctx):
    letter, case = first_to_mail(ctx)
    officer = _signed_in(app, "responsable")
    token = _token(officer.get("/letters/to-mail").text)
    for typed, message in (
        ("", "Ce champ est obligatoire."),
        ("23/11/2026", "Cette date n’est pas valide"),
        ("2026-11-24", "La date de mise à la poste ne peut pas être dans l’avenir."),
    ):
        refused = officer.post(
            f"/letters/{letter.id}/mailed", data={"mailed_on": typed, "csrf_token": token}
        )
        assert refused.status_code == 422
        field = re.search(
            rf'<p class="field-error" id="mailed_on-{letter.id}-error">([^<]+)</p>', refused.text
        )
        assert field is not None and message in field.group(1), typed
    assert first_to_mail(ctx)[0].mailed_on is None

    done = officer.post(
        f"/letters/{letter.id}/mailed", data={"mailed_on": "2026-11-23", "csrf_token": token}
    )
    assert done.status_code == 303
    kept = letters.get(
        ctx,
        actor=OFFICER,
        interface="web",
        reference=case.reference,
        letter_id=letter.id,
    )[1]
    assert kept.mailed_on == date(2026, 11, 23)


def test_every_letter_to_mail_prints_from_one_page_one_article_each(app, ctx):
    waiting = letters.to_mail(ctx, actor=OFFICER, interface="web")
    officer = _signed_in(app, "responsable")
    page = officer.get("/letters/to-mail/print")
    assert page.status_code == 200
    assert page.text.count('<article class="letter"') == len(waiting) > 1
    assert f"{len(waiting)} lettres à poster, les plus anciennes d’abord" in page.text
