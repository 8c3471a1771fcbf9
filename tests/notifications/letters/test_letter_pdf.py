"""Each letter is kept as sent: a PDF that opens, with the reference, the date and the person's
name, whose SHA-256 is the stored one, and that reads the same byte for byte after the case or the
calendar changed.

The hand-worked case of tests/notifications/letters/conftest.py. Each letter's first page is also
rendered to PNG with pdftoppm under test-artifacts/letters/, to be looked at.
"""

import hashlib
import shutil
import subprocess
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from casework.context import Actor
from casework.services import closures, letters
from tests import ROOT
from tests.conftest import require
from tests.notifications.conftest import at
from tests.notifications.letters.conftest import OFFICER, extend, fire, letter_of_18_december

ARTIFACTS = ROOT / "test-artifacts" / "letters"


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def read_back(ctx, case, letter_id):
    return letters.get(
        ctx, actor=OFFICER, interface="api", reference=case.reference, letter_id=letter_id
    )[1]


def test_the_acknowledgment_pdf_opens_with_reference_date_and_name_and_its_hash(ctx):
    case = letter_of_18_december(ctx, title="ms")
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)
    letter = read_back(ctx, case, 1)
    assert letter.pdf.startswith(b"%PDF-")
    assert hashlib.sha256(letter.pdf).hexdigest() == letter.sha256
    text = pdf_text(letter.pdf)
    assert "PLT-2026-00001" in text
    assert "Québec, le 21 décembre 2026" in text
    assert "Marie Tremblay" in text
    assert "Nous vous répondrons au plus tard le 25 janvier 2027" in text
    assert len(PdfReader(BytesIO(letter.pdf)).pages) == 1


def test_a_letter_reopened_after_an_extension_and_a_closure_change_is_the_same_bytes(ctx):
    case = letter_of_18_december(ctx)
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)
    sent = read_back(ctx, case, 1)

    # An extension moves the answer from Monday 25 January to Monday 1 February 2027...
    extended = extend(ctx, case, 5, "Nous devons consulter un autre ministère.", 2027, 1, 18, 9, 0)
    assert extended.answer_due_on == date(2027, 2, 1)
    # ...and an exceptional closure on Wednesday 27 January moves it again, to 2 February.
    at(ctx, 2027, 1, 19, 9, 0)
    closures.apply_closure_change(
        ctx,
        actor=Actor("user:admin", role="admin"),
        day=date(2027, 1, 27),
        action="add",
        name_fr="Fermeture exceptionnelle",
        name_en="Exceptional closure",
    )
    assert letters.for_case(ctx, actor=OFFICER, interface="api", reference=case.reference)
    again = read_back(ctx, case, 1)
    assert again.pdf == sent.pdf
    assert hashlib.sha256(again.pdf).hexdigest() == sent.sha256
    assert "au plus tard le 25 janvier 2027" in pdf_text(again.pdf)
    notice = read_back(ctx, case, 2)
    assert "Nous vous répondrons au plus tard le 1er février 2027, au lieu du 25 janvier 2027" in (
        pdf_text(notice.pdf)
    )


def every_letter(ctx, language: str):
    """Write one letter of each kind to the same person; return them by kind."""
    requester = {"title": "ms", "language": language}
    case = letter_of_18_december(ctx, **requester)
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)
    fire(
        ctx,
        case,
        "request_information",
        2027,
        1,
        5,
        10,
        0,
        comment="Une copie de la lettre de refus du permis, datée du 2 décembre 2026.",
    )
    fire(ctx, case, "resume", 2027, 1, 11, 10, 0)
    extend(
        ctx, case, 5, "Nous devons obtenir l'avis de la Direction des permis.", 2027, 1, 25, 10, 0
    )
    fire(
        ctx,
        case,
        "answer",
        2027,
        2,
        3,
        14,
        0,
        answer_summary="Nous avons examiné votre dossier avec la Direction des permis.\n\n"
        "Votre demande de permis sera traitée d'ici le 15 février 2027.",
    )
    redirected = letter_of_18_december(ctx, **requester)
    fire(
        ctx,
        redirected,
        "close",
        2027,
        1,
        6,
        11,
        0,
        outcome="redirected",
        redirected_to="Régie du bâtiment du Québec\n545, boulevard Crémazie Est, 3e étage\n"
        "Montréal (Québec)  H2M 2V2\n1 800 361-0761",
    )
    found = {}
    for each in (case, redirected):
        for letter in letters.for_case(
            ctx, actor=OFFICER, interface="api", reference=each.reference
        ).letters:
            found[letter.kind] = read_back(ctx, each, letter.id)
    return found


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_letter_renders_to_one_page_that_pdftoppm_can_draw(ctx, language, database_url):
    if shutil.which("pdftoppm") is None:
        require("pdftoppm", "apt-get install poppler-utils")
    found = every_letter(ctx, language)
    assert sorted(found) == sorted(
        ["acknowledgment", "information_request", "extension_notice", "answer", "closing"]
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for kind, letter in found.items():
        assert hashlib.sha256(letter.pdf).hexdigest() == letter.sha256
        assert len(PdfReader(BytesIO(letter.pdf)).pages) == 1, kind
        if not database_url.startswith("sqlite"):
            continue
        source = ARTIFACTS / f"{kind}-{language}.pdf"
        source.write_bytes(letter.pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-singlefile",
                str(source),
                str(source.with_suffix("")),
            ],
            check=True,
            timeout=60,
        )
        assert source.with_suffix(".png").stat().st_size > 10_000
