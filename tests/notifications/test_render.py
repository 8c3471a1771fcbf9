"""Templates: French by default and English, HTML escaped, plain text as written, and a missing
variable is an error rather than a blank in a letter (DESIGN §4)."""

from datetime import date

import pytest
from jinja2 import UndefinedError

from casework.config import CalendarSettings, OrganizationSettings
from notifications.letters import KINDS as LETTER_KINDS
from notifications.letters import Addressee, render_letter
from notifications.render import KINDS

SUBJECT = "Permis <b>refusé</b> & recours"


def acknowledgment(language: str, *, name: str = "Marie Tremblay", **overrides):
    context = {
        "request_noun": "votre plainte" if language == "fr" else "your complaint",
        "case_subject": SUBJECT,
        "received_on": date(2026, 12, 18),
        "answer_due_on": date(2027, 1, 25),
        "answer_delay": "20 jours ouvrables" if language == "fr" else "20 business days",
        "org_email": "plaintes@example.qc.ca",
        "protecteur": True,
        **overrides,
    }
    return render_letter(
        "acknowledgment",
        language,
        organization=OrganizationSettings(),
        office_hours=CalendarSettings().office_hours,
        letter_date=date(2026, 12, 21),
        reference="PLT-2026-00001",
        addressee=Addressee(name=name),
        **context,
    )


def test_acknowledgment_is_written_in_french_with_quebec_dates():
    letter = acknowledgment("fr")
    assert letter.subject == "Accusé de réception"
    assert "Québec, le 21 décembre 2026\n\nMarie Tremblay\n\n" in letter.text
    assert '<article class="letter" lang="fr-CA">' in letter.html


def test_unknown_language_falls_back_to_french():
    assert acknowledgment("de").subject == "Accusé de réception"


def test_public_text_is_escaped_in_html_and_kept_as_written_in_plain_text():
    letter = acknowledgment("en")
    assert "Permis &lt;b&gt;refusé&lt;/b&gt; &amp; recours" in letter.html
    assert SUBJECT in letter.text


def test_variables_inside_translated_sentences_are_escaped_too():
    letter = acknowledgment("fr", name="<img src=x onerror=alert(1)>")
    assert "<img" not in letter.html
    assert "Bonjour &lt;img src=x onerror=alert(1)&gt;," in letter.html


def test_missing_variable_is_an_error_not_a_blank():
    with pytest.raises(UndefinedError):  # an answer letter without the officer's text
        render_letter(
            "answer",
            "fr",
            organization=OrganizationSettings(),
            office_hours=[],
            letter_date=date(2026, 12, 21),
            reference="PLT-2026-00001",
            addressee=Addressee(name="Marie Tremblay"),
        )


def test_plain_text_is_wrapped_without_breaking_links():
    letter = acknowledgment("fr")
    assert all(len(line) <= 76 or "http" in line for line in letter.text.splitlines())


def test_every_kind_of_message_has_its_three_templates():
    from importlib.resources import files

    names = {p.name for p in files("notifications").joinpath("templates").iterdir()}
    for kind in KINDS:
        assert {f"{kind}.subject.txt", f"{kind}.txt", f"{kind}.html"} <= names
    letters = {p.name for p in files("notifications").joinpath("templates/letters").iterdir()}
    for kind in LETTER_KINDS:
        assert {f"{kind}.subject.txt", f"{kind}.txt"} <= letters
