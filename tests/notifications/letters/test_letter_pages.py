"""The letter pages without a browser: who may open them, the copy shown as it was kept, and the
mailing form's refusals (the reason next to the field, nothing written); on SQLite and
PostgreSQL. The demo data is built around Monday 23 November 2026."""

import re
from datetime import date

from casework.services import letters
from casework.services.door import CASEWORK
from tests.casework.web.test_web_pages import _signed_in, _someone_elses_case, _token, app
from tests.notifications.letters.conftest import OFFICER

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


def _address_error(page_text: str, letter_id: int) -> str | None:
    found = re.search(
        rf'<p class="field-error" id="postal_address-{letter_id}-error"[^>]*>([^<]+)</p>', page_text
    )
    return found.group(1) if found else None


def test_a_letter_to_mail_without_postal_address_gets_one_from_the_list_and_the_trail_says_so(
    app, ctx
):
    from casework.services import cases

    letter, case = next(
        item[:2] for item in letters.to_mail(ctx, actor=OFFICER, interface="web") if not item[2]
    )
    officer = _signed_in(app, "responsable")
    listing = officer.get("/letters/to-mail").text
    assert f'id="postal_address-{letter.id}"' in listing
    token = _token(listing)
    for typed, message in (
        ("  ", "Ce champ est obligatoire."),
        ("12, rue des Érables Québec G1R 2B5", "sur deux lignes au moins"),
        ("x" * 300 + "\n" + "y" * 300, "plus de 500 caractères"),
    ):
        refused = officer.post(
            f"/letters/{letter.id}/address", data={"postal_address": typed, "csrf_token": token}
        )
        assert refused.status_code == 422, typed
        assert message in (_address_error(refused.text, letter.id) or ""), typed
    assert (
        cases.get(
            ctx,
            actor=CASEWORK,
            interface="scheduler",
            reference=case.reference,
            with_requester=True,
        ).requester.postal_address
        is None
    )

    address = "12, rue des Érables\r\n  Québec (Québec)  G1R 2B5  "
    done = officer.post(
        f"/letters/{letter.id}/address", data={"postal_address": address, "csrf_token": token}
    )
    assert (done.status_code, done.headers["location"]) == (
        303,
        f"/letters/to-mail?address={letter.id}",
    )
    kept = cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference, with_requester=True
    ).requester
    assert kept.postal_address == "12, rue des Érables\nQuébec (Québec)  G1R 2B5"
    assert next(
        i for i in letters.to_mail(ctx, actor=OFFICER, interface="web") if i[0].id == letter.id
    )[2]
    event = cases.events(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference)[-1]
    assert (event.kind, event.actor, event.data) == (
        "address_added",
        "user:responsable",
        {"letter_id": letter.id},
    )
    shown = officer.get(f"/letters/to-mail?address={letter.id}").text
    assert "Adresse postale ajoutée" in officer.get(f"/cases/{case.reference}").text
    assert f'id="postal_address-{letter.id}"' not in shown
    again = officer.post(
        f"/letters/{letter.id}/address", data={"postal_address": address, "csrf_token": token}
    )
    assert again.status_code == 422
    assert "a déjà une adresse postale" in (_address_error(again.text, letter.id) or "")
    agent = _signed_in(app, "agent")
    agent_token = _token(agent.get("/mine").text)
    assert (
        agent.post(
            f"/letters/{letter.id}/address",
            data={"postal_address": address, "csrf_token": agent_token},
        ).status_code
        == 403
    )
