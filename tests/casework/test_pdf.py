"""PDF rendering: the document opens and holds its text, accents and French quotes included."""

from io import BytesIO

from pypdf import PdfReader

from casework.pdf import render_pdf
from tests.conftest import require


def _needs_pango() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        require("pango (WeasyPrint)", f"apt-get install libpango-1.0-0 libpangoft2-1.0-0 ({exc})")


def test_a_french_letter_becomes_a_pdf_that_holds_its_words():
    _needs_pango()
    pdf = render_pdf(
        "<html lang='fr'><body><p>Référence : PLT-2026-00042</p>"
        "<p>Reçue le 1er décembre 2026 à 9 h 45 « Plainte »</p></body></html>"
    )
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert pdf.startswith(b"%PDF-")
    assert "PLT-2026-00042" in text
    assert "1er décembre 2026" in text
