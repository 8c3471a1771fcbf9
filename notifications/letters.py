"""Write the letters to the requester: the letterhead, the date, the address block, the reference
line, the salutation, the body of each kind of letter and the signatory; as plain text, as an HTML
article to print and as the complete document the PDF is made from.

DESIGN §2.7: "Every step that the person must hear about produces a letter in their language
(acknowledgment, request for missing information, extension notice, answer with the recourse to
the Protecteur du citoyen for a complaint, closing without answer), with the body's letterhead and
signatory from the configuration." The service declaration promises "clear, precise and complete
information" and, for a complaint, the way to the Protecteur du citoyen.

Each kind has two templates under `notifications/templates/letters/`: `<kind>.subject.txt` (the
letter's object, one line) and `<kind>.txt` (its body: paragraphs separated by a blank line,
sentences marked for translation). The frame around the body (`_letter.txt`, `_letter.html`) is
shared. A body adapts them by putting templates of the same name in the folder named by
`organization.templates`. Quebec French typography comes from `casework.i18n`.
"""

import base64
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)

from casework.config import OfficePeriod, OrganizationSettings
from casework.i18n import colon, format_time, gettext, normalize_language, translations
from notifications.render import TEXT_WIDTH, _day

KINDS = (
    "acknowledgment",
    "information_request",
    "extension_notice",
    "answer",
    "closing",
    "survey_invitation",
)
STYLESHEET = Path(__file__).parent / "templates" / "letters" / "letter.css"


@dataclass(frozen=True)
class Addressee:
    """To whom a letter is written."""

    name: str
    title: str | None = None
    postal_address: str | None = None


@dataclass(frozen=True, slots=True)
class LetterText:
    """A letter in one language: its object, its plain text and its HTML article."""

    subject: str
    text: str
    html: str


@cache
def _environment(language: str, templates: Path | None) -> Environment:
    loaders = [PackageLoader("notifications", "templates/letters")]
    if templates is not None:
        loaders.insert(0, FileSystemLoader(str(templates)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("txt",), default=True
        ),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["day"] = partial(_day, language=language)
    env.filters["nobreak"] = _nobreak
    env.globals["lang"] = language
    env.globals["colon"] = colon(language)
    return env


def office_hours_text(periods: Sequence[OfficePeriod], language: str) -> str:
    """Say the office hours: `de 8 h 30 à 12 h et de 13 h 30 à 16 h 30`."""

    def at(moment: time) -> str:
        return format_time(datetime.combine(date(2000, 1, 1), moment), None, language)

    spans = [
        gettext("from %(start)s to %(end)s", language, start=at(p.start), end=at(p.end))
        for p in periods
    ]
    joiner = " et " if language == "fr" else " and "
    return joiner.join(spans)


def salutation(addressee: Addressee, language: str, style: str) -> tuple[str, str]:
    """Return how the letter greets the person and how its closing formula names them:
    « Madame, » and `Madame`; the full name when no title is known (or the body prefers it)."""
    if style == "title" and addressee.title == "ms":
        return gettext("Madam,", language), gettext("Madam", language)
    if style == "title" and addressee.title == "mr":
        return gettext("Sir,", language), gettext("Sir", language)
    return gettext("Dear %(name)s,", language, name=addressee.name), ""


def _paragraphs(text: str) -> list[list[str]]:
    """Split text into paragraphs (blank lines) of lines; the spaces inside a line are kept (two
    before a postal code, as Canada Post writes it)."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [[line.strip() for line in b.splitlines() if line.strip()] for b in blocks if b.strip()]


# The spaces inside a date are not broken: « 18 décembre 2026 », « 1er février », "January 25,
# 2027" (and so the space after any number: « 20 jours »).
_GLUED = re.compile(r"(?<=\d) |(?<=\der) | (?=\d{4}\b)| (?=\d{1,2}, \d{4})")
_GLUE = "\ue000"  # a private character that textwrap does not take for a space


def _nobreak(line: str) -> str:
    """Keep the parts of a date together on screen and on paper (non-breaking spaces)."""
    return _GLUED.sub("\u00a0", line)


def _wrapped(lines: list[str]) -> str:
    """Wrap the long lines of a paragraph for plain text, never breaking words, links or dates."""
    return "\n".join(
        line
        if len(line) <= TEXT_WIDTH
        else textwrap.fill(
            _GLUED.sub(_GLUE, line), TEXT_WIDTH, break_long_words=False, break_on_hyphens=False
        ).replace(_GLUE, " ")
        for line in lines
    )


def render_letter(
    kind: str,
    language: str,
    *,
    organization: OrganizationSettings,
    office_hours: Sequence[OfficePeriod],
    letter_date: date,
    reference: str,
    addressee: Addressee,
    **context: Any,
) -> LetterText:
    """Write one letter of `kind` in `language` (fr or en)."""
    if kind not in KINDS:
        raise ValueError(f"unknown letter kind {kind!r}")
    language = normalize_language(language)
    env = _environment(language, organization.templates)
    facts = {"reference": reference, "letter_date": letter_date, **context}
    subject = " ".join(env.get_template(f"{kind}.subject.txt").render(**facts).split())
    body = _paragraphs(env.get_template(f"{kind}.txt").render(**facts))
    greeting, named = salutation(addressee, language, organization.salutation)
    frame = {
        "logo": _logo(organization.logo),
        "org": organization,
        "identity": organization.in_language(language),
        "office_hours": office_hours_text(office_hours, language),
        "addressee": addressee,
        "address_lines": [
            line.strip() for line in (addressee.postal_address or "").splitlines() if line.strip()
        ],
        "greeting": greeting,
        "named": named,
        "subject": subject,
        "body": body,
        **facts,
    }
    text = env.get_template("_letter.txt").render(**frame)
    wrapped = "\n\n".join(_wrapped(block) for block in _paragraphs(text))
    html = env.get_template("_letter.html").render(**frame).strip() + "\n"
    return LetterText(subject=subject, text=wrapped + "\n", html=html)


@cache
def _logo(path: Path | None) -> str | None:
    """Return the logo as a data URI: the letter kept as sent carries it, whatever becomes of the
    file."""
    if path is None:
        return None
    kind = {".png": "image/png", ".svg": "image/svg+xml"}.get(path.suffix.lower(), "image/jpeg")
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def document(articles: Sequence[str], *, language: str, title: str) -> str:
    """Return a complete HTML document of one or more letters, one per sheet, with the print
    stylesheet inlined (what the PDF is made from)."""
    env = _environment(normalize_language(language), None)
    return env.get_template("_document.html").render(
        articles=articles, title=title, stylesheet=STYLESHEET.read_text(encoding="utf-8")
    )
