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

from babel.dates import format_date
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


NBSP = "\u00a0"
NNBSP = "\u202f"


def _day_number(day: date, language: str) -> str:
    """Return the day of the month, `1er` for the first in French (OQLF)."""
    return "1er" if language == "fr" and day.day == 1 else str(day.day)


def format_day(
    day: date, language: str = DEFAULT_LANGUAGE, *, weekday: bool = False, year: bool = True
) -> str:
    """Format a date the Quebec way (OQLF): `1er février 2027`, `lundi 1er février 2027`;
    in English `February 1, 2027`, `Monday, February 1, 2027`."""
    language = normalize_language(language)
    locale = LOCALES[language]
    month = format_date(day, "MMMM", locale=locale)
    if language == "fr":
        text = f"{_day_number(day, language)} {month}" + (f" {day.year}" if year else "")
        if weekday:
            text = f"{format_date(day, 'EEEE', locale=locale)} {text}"
        return text
    text = f"{month} {day.day}" + (f", {day.year}" if year else "")
    if weekday:
        text = f"{format_date(day, 'EEEE', locale=locale)}, {text}"
    return text


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    last = "et" if language == "fr" else "and"
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def format_days(days: list[date], language: str = DEFAULT_LANGUAGE) -> str:
    """Say several dates with each year once (OQLF): `24 juin et 1er juillet 2027`,
    `24, 25, 26 et 31 décembre 2026 et 1er et 2 janvier 2027`; `June 24 and July 1, 2027`."""
    language = normalize_language(language)
    locale = LOCALES[language]
    ordered = sorted(set(days))
    by_year = []
    for year in sorted({d.year for d in ordered}):
        months = []
        in_year = [d for d in ordered if d.year == year]
        for month in sorted({d.month for d in in_year}):
            members = [d for d in in_year if d.month == month]
            name = format_date(members[0], "MMMM", locale=locale)
            numbers = _join([_day_number(d, language) for d in members], language)
            months.append(f"{numbers} {name}" if language == "fr" else f"{name} {numbers}")
        joined = _join(months, language)
        by_year.append(f"{joined} {year}" if language == "fr" else f"{joined}, {year}")
    return _join(by_year, language)


def format_time(moment: datetime, tz=None, language: str = DEFAULT_LANGUAGE) -> str:
    """Format a time of day (OQLF): `9 h 45`, `14 h`; in English `9:45 a.m.`."""
    local = moment.astimezone(tz) if tz is not None else moment
    if normalize_language(language) == "fr":
        return f"{local.hour} h" + (f" {local.minute:02d}" if local.minute else "")
    hour = local.hour % 12 or 12
    suffix = "a.m." if local.hour < 12 else "p.m."
    return f"{hour}:{local.minute:02d} {suffix}"


def format_moment(moment: datetime, tz, language: str = DEFAULT_LANGUAGE) -> str:
    """Format an aware timestamp in local time: `1er décembre 2026 à 9 h 05`,
    `December 1, 2026 at 9:05 a.m.`."""
    language = normalize_language(language)
    local = moment.astimezone(tz)
    if language == "fr":
        clock = f"{local.hour} h {local.minute:02d}"
        return f"{format_day(local.date(), language)} à {clock}"
    return f"{format_day(local.date(), language)} at {format_time(local, None, language)}"


def format_size(size: int, language: str = DEFAULT_LANGUAGE) -> str:
    """Format a file size: `850 o`, `34 ko`, `1,2 Mo` in French; `850 B`, `34 KB`, `1.2 MB`."""
    from babel.numbers import format_decimal

    language = normalize_language(language)
    units = ("o", "ko", "Mo", "Go") if language == "fr" else ("B", "KB", "MB", "GB")
    value, unit = float(size), 0
    while value >= 1024 and unit < len(units) - 1:
        value, unit = value / 1024, unit + 1
    pattern = "#,##0" if unit < 2 or value >= 10 else "#,##0.#"
    number = format_decimal(value, format=pattern, locale="fr_CA" if language == "fr" else "en_CA")
    return f"{number}\u00a0{units[unit]}"


def colon(language: str = DEFAULT_LANGUAGE) -> str:
    """Return a colon as the language writes it: a non-breaking space before it in French."""
    return NBSP + ":" if normalize_language(language) == "fr" else ":"


def quoted(text: str, language: str = DEFAULT_LANGUAGE) -> str:
    """Quote a text: `« texte »` with non-breaking spaces in French, “text” in English."""
    if normalize_language(language) == "fr":
        return f"«{NBSP}{text}{NBSP}»"
    return f"\u201c{text}\u201d"
