"""Templates: French by default and English, HTML escaped, plain text as written, and a missing
variable is an error rather than a blank in a letter (DESIGN §4)."""

from datetime import date

import pytest
from jinja2 import UndefinedError

from notifications.render import KINDS, render

CASE = {
    "reference": "PLT-2026-00001",
    "subject": "Permis <b>refusé</b> & recours",
    "link": "http://127.0.0.1:8000/cases/PLT-2026-00001",
}


def acknowledgment(language: str, **overrides):
    context = {
        "letter_date": date(2026, 12, 21),
        "requester_name": "Marie Tremblay",
        "postal_address": None,
        "request_noun": "votre plainte" if language == "fr" else "your complaint",
        "case": CASE,
        "received_on": date(2026, 12, 18),
        "answer_due_on": date(2027, 1, 25),
        "answer_delay": "20 jours ouvrables" if language == "fr" else "20 business days",
        **overrides,
    }
    return render("acknowledgment", language, **context)


def test_acknowledgment_is_written_in_french_with_quebec_dates():
    letter = acknowledgment("fr")
    assert letter.subject == "Accusé de réception — PLT-2026-00001"
    assert letter.text.startswith("21 décembre 2026\n\nMarie Tremblay\n\nBonjour Marie Tremblay,")
    assert '<html lang="fr">' in letter.html


def test_unknown_language_falls_back_to_french():
    assert acknowledgment("de").subject == "Accusé de réception — PLT-2026-00001"


def test_public_text_is_escaped_in_html_and_kept_as_written_in_plain_text():
    letter = acknowledgment("en")
    assert "Permis &lt;b&gt;refusé&lt;/b&gt; &amp; recours" in letter.html
    assert "Permis <b>refusé</b> & recours" in letter.text


def test_variables_inside_translated_sentences_are_escaped_too():
    letter = acknowledgment("fr", requester_name="<img src=x onerror=alert(1)>")
    assert "<img" not in letter.html
    assert "Bonjour &lt;img src=x onerror=alert(1)&gt;," in letter.html


def test_missing_variable_is_an_error_not_a_blank():
    with pytest.raises(UndefinedError):
        render("acknowledgment", "fr", case=CASE)


def test_plain_text_is_wrapped_without_breaking_links():
    letter = acknowledgment("fr")
    assert all(len(line) <= 76 or "http" in line for line in letter.text.splitlines())


def test_every_kind_of_message_has_its_three_templates():
    from importlib.resources import files

    names = {p.name for p in files("notifications").joinpath("templates").iterdir()}
    for kind in KINDS:
        assert {f"{kind}.subject.txt", f"{kind}.txt", f"{kind}.html"} <= names
