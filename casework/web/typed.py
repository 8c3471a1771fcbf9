"""Dates and times as people type them in the pages' forms.

Issue 17, item 10: "a date typed as `2026/11/05` gets a technical message [...] and the typed
value is lost. Accept the common typed forms or explain the expected one in words, keep what was
typed." The API keeps ISO 8601 (its contract); the pages read what an officer types and hand the
services the ISO form.

Accepted dates put the year first (`2026-11-05`, `2026/11/05`, `2026.11.05`, `2026 11 05`) or
spell the month (`5 novembre 2026`, `1er novembre 2026`, `November 5, 2026`); a date followed by a
time (`2026-11-05 14:30`, `2026-11-05T14:30`) gives both. Day-first and month-first numbers
(`05/11/2026`) are refused: in Quebec both orders are in use, and guessing would move a deadline
by months. Accepted times: `14:30`, `14 h 30`, `14h30`, `14 h`, `9.45`, `2:30 pm`, `2:30 p.m.`.
"""

import re
import unicodedata
from datetime import date, time

from casework.i18n import N_, gettext

DATE_WORDS = N_("Write the date with the year first, for example 2026-11-05 (year, month, day).")
TIME_WORDS = N_("Write the time as hours and minutes, for example 14:30 or 14 h 30.")

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("janvier", "january", "janv", "jan"),
            ("fevrier", "february", "fevr", "feb"),
            ("mars", "march", "mar"),
            ("avril", "april", "avr", "apr"),
            ("mai", "may"),
            ("juin", "june", "jun"),
            ("juillet", "july", "juil", "jul"),
            ("aout", "august", "aug"),
            ("septembre", "september", "sept", "sep"),
            ("octobre", "october", "oct"),
            ("novembre", "november", "nov"),
            ("decembre", "december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_YEAR_FIRST = re.compile(r"(\d{4})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{1,2})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_TIME = re.compile(r"(\d{1,2})\s*(?:[:h.]\s*(\d{2})?)?\s*(am|pm|a\.m\.?|p\.m\.?)?")


def _plain(text: str) -> str:
    """Lowercase, without accents, with single spaces (« Août » and "aout" are one month)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare)


def _read_time(text: str) -> time | None:
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    hour, minute, suffix = int(match[1]), int(match[2] or 0), (match[3] or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def read_time(text: str) -> time:
    """Read a typed time of day; ValueError when it is not one."""
    found = _read_time(_plain(text))
    if found is None:
        raise ValueError(text)
    return found


def read_moment(text: str) -> tuple[date, time | None]:
    """Read a typed date, perhaps followed by a time; ValueError when it is not one."""
    plain = _plain(text)
    for pattern, order in (
        (_YEAR_FIRST, "ymd"),
        (_DAY_MONTH_YEAR, "dmy"),
        (_MONTH_DAY_YEAR, "mdy"),
    ):
        match = pattern.match(plain)
        if match is None:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = parts["m"] if parts["m"].isdigit() else MONTHS.get(parts["m"])
        try:
            day = date(int(parts["y"]), int(month), int(parts["d"]))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(text) from None
        rest = plain[match.end() :].strip().removeprefix("t").removeprefix("a ").strip()
        if not rest:
            return day, None
        moment = _read_time(rest)
        if moment is None:
            raise ValueError(text)
        return day, moment
    raise ValueError(text)


def read_date(text: str) -> date:
    """Read a typed date (a time after it is an error); ValueError when it is not one."""
    day, moment = read_moment(text)
    if moment is not None:
        raise ValueError(text)
    return day


def iso_dates(
    form: dict[str, str], names: dict[str, str], language: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Return the form with the named date fields in ISO form, and the errors of those that are
    not dates (`names`: form field -> error key)."""
    values, errors = dict(form), {}
    for name, key in names.items():
        typed = (form.get(name) or "").strip()
        if not typed:
            continue
        try:
            values[name] = read_date(typed).isoformat()
        except ValueError:
            errors[key] = gettext(DATE_WORDS, language)
    return values, errors
