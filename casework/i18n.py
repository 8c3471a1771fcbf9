"""Translations: French first, English second (DESIGN: "French comes first; English is the second
language everywhere").

Messages are written in English in the code (gettext message ids) and translated through the
catalogs under `casework/locales/<lang>/LC_MESSAGES/messages.po`. Catalogs are read lazily on
first use, never at import.
"""

from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LOCALES = {"fr": "fr_CA", "en": "en_CA"}
CATALOGS = Path(__file__).parent / "locales"


def N_(message: str) -> str:
    """Mark a message for translation without translating it yet."""
    return message


@cache
def translations(language: str) -> Translations:
    """Return the compiled catalog of one language (the message ids are English)."""
    language = normalize_language(language)
    path = CATALOGS / language / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return Translations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=LOCALES[language])
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(message: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """Translate a message and fill its %(name)s placeholders."""
    text = translations(language).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, language: str = DEFAULT_LANGUAGE, **params) -> str:
    """Translate a message that depends on a count."""
    text = translations(language).ngettext(singular, plural, n)
    return text % {"n": n, **params}


def normalize_language(value: str | None) -> str:
    """Map a language tag (`fr-CA`, `en_US`, `EN`) to a supported language, French by default."""
    if not value:
        return DEFAULT_LANGUAGE
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def negotiate(accept_language: str | None) -> str:
    """Choose fr or en from an Accept-Language header, by quality; French when unsure."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, index, primary))
    return min(choices)[2] if choices else DEFAULT_LANGUAGE


def format_day(day: date, language: str = DEFAULT_LANGUAGE, *, weekday: bool = False) -> str:
    """Format a date the Quebec way: `5 décembre 2026` (`lundi 12 janvier 2026` with weekday)."""
    locale = LOCALES[normalize_language(language)]
    if weekday:
        return format_date(
            day, "EEEE d MMMM y" if locale == "fr_CA" else "EEEE, MMMM d, y", locale=locale
        )
    return format_date(day, "long", locale=locale)


def format_moment(moment: datetime, tz, language: str = DEFAULT_LANGUAGE) -> str:
    """Format an aware timestamp in local time: `5 décembre 2026 à 14 h 05`."""
    locale = LOCALES[normalize_language(language)]
    local = moment.astimezone(tz)
    if locale == "fr_CA":
        return f"{format_date(local, 'long', locale=locale)} à {local:%H} h {local:%M}"
    return format_datetime(local, "MMMM d, y 'at' h:mm a", locale=locale)
