"""PDF documents (letters, reports, the Protecteur du citoyen dossier) from HTML, with WeasyPrint.

WeasyPrint needs Debian's pango at run time; `make` and `.ci/run` install it where missing. It is
imported on first use only, so that the rest of casework starts without it.
"""

from pathlib import Path


def render_pdf(html: str, *, base_url: str | Path | None = None) -> bytes:
    """Turn a complete HTML document (with its print CSS) into PDF bytes."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(base_url) if base_url else None).write_pdf()
