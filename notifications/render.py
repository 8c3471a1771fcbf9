"""Render notifications from Jinja2 templates, in French or in English.

DESIGN §4: "Templates escape by default (`autoescape`, `StrictUndefined`): complaint text comes
from the public." DESIGN: "French comes first; English is the second language everywhere."

Each kind of message has three templates under `notifications/templates/`: `<kind>.subject.txt`
(one line), `<kind>.txt` (the plain-text body) and `<kind>.html` (the HTML body, extending
`_layout.html`). Their sentences are written in English as `{{ _("...", name=value) }}` calls:
gettext message ids with named placeholders, which casework's catalogs translate (`make
messages` extracts them), so every message exists in French and in English, French by default.
HTML is escaped, variables inside translated sentences too; plain text is not (escaping would
corrupt it); a missing variable is an error, never an empty string.
"""

import textwrap
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache, partial
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from casework.i18n import format_day, normalize_language, translations

# Letters to the requester are written by notifications.letters.
KINDS = (
    "reminder",
    "overdue_alert",
    "digest",
    "escalation_notice",
    "correspondence_notice",
)
TEXT_WIDTH = 76


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message in one language: its subject line, its plain text and its HTML."""

    subject: str
    text: str
    html: str

    def as_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict (kept with the event of a letter, for printing)."""
        return {"subject": self.subject, "text": self.text, "html": self.html}


@lru_cache(maxsize=4096)
def _day(day: date | str, language: str, weekday: bool = False) -> str:
    # A date, or its ISO form when the context was kept as JSON in the outbox.
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return format_day(day, language, weekday=weekday)


def _paragraph(text: str) -> str:
    """Wrap plain text at TEXT_WIDTH columns, never breaking words or links; the line breaks
    it has (a reason typed on several lines) are kept."""
    return "\n".join(
        textwrap.fill(
            " ".join(line.split()), TEXT_WIDTH, break_long_words=False, break_on_hyphens=False
        )
        for line in str(text).strip().splitlines()
    )


@cache
def environment(language: str) -> Environment:
    """Return the template environment of one language (built once, then shared)."""
    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("txt",), default=True
        ),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the package: no need to check their files at every use.
        auto_reload=False,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["day"] = partial(_day, language=language)
    env.filters["weekday_day"] = partial(_day, language=language, weekday=True)
    env.filters["paragraph"] = _paragraph
    env.globals["lang"] = language
    return env


def render(kind: str, language: str, **context: Any) -> Rendered:
    """Render the subject, text and HTML of a message of `kind` in `language` (fr or en)."""
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    env = environment(normalize_language(language))
    subject = " ".join(env.get_template(f"{kind}.subject.txt").render(**context).split())
    text = env.get_template(f"{kind}.txt").render(subject=subject, **context).strip() + "\n"
    html = env.get_template(f"{kind}.html").render(subject=subject, **context).strip() + "\n"
    return Rendered(subject=subject, text=_tidy(text), html=html)


def _tidy(text: str) -> str:
    """Keep at most one blank line between paragraphs of plain text."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line == "" and (not tidy or tidy[-1] == ""):
            continue
        tidy.append(line)
    return "\n".join(tidy).strip() + "\n"
