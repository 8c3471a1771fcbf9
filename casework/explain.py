"""Explain a due date in a sentence, in French or English.

DESIGN §2.3: "Every computed deadline can be explained: the receipt, the calendar and its
version, the closure days skipped, pauses and extensions."
"""

from datetime import date

from casework.i18n import format_day, format_days, gettext, ngettext, normalize_language
from workflows.deadlines import DayUnit, Explanation


def closure_days(days: list[date], language: str) -> str:
    """Say a list of days compactly: `24, 25, 26 et 31 décembre 2025 et 1er et 2 janvier 2026`."""
    return format_days(days, language)


def _delay(days: int, unit: DayUnit, language: str) -> str:
    if unit == DayUnit.BUSINESS:
        return ngettext("%(n)s business day", "%(n)s business days", days, language)
    return ngettext("%(n)s calendar day", "%(n)s calendar days", days, language)


def sentence(explanation: Explanation, language: str = "fr") -> str:
    """Explain how a due date was computed, in one sentence."""
    language = normalize_language(language)
    e = explanation
    parts = [
        gettext(
            "received %(day)s (day 0, not counted)",
            language,
            day=format_day(e.received_on, language, weekday=True),
        )
    ]
    delay = _delay(e.delay.days, e.delay.unit, language)
    if e.closures_skipped:
        skipped = [c.day for c in e.closures_skipped]
        parts.append(
            # One day is « du 12 octobre 2026 », several are « des 24 et 25 décembre 2026 ».
            ngettext(
                "%(delay)s, not counting the weekends and the closure day of %(days)s",
                "%(delay)s, not counting the weekends and the closure days %(days)s",
                len(set(skipped)),
                language,
                delay=delay,
                days=closure_days(skipped, language),
            )
        )
    else:
        parts.append(gettext("%(delay)s, not counting the weekends", language, delay=delay))
    if e.rolled_forward_from is not None:
        parts.append(
            gettext(
                "the delay ended on %(day)s, not a business day, so it moves to the next one",
                language,
                day=format_day(e.rolled_forward_from, language, weekday=True),
            )
        )
    if e.paused_business_days:
        parts.append(
            ngettext(
                "plus %(n)s business day spent awaiting the requester",
                "plus %(n)s business days spent awaiting the requester",
                e.paused_business_days,
                language,
            )
        )
    for extension in e.extensions:
        parts.append(
            gettext(
                "extended by %(delay)s (%(reason)s)",
                language,
                delay=_delay(extension.days, extension.unit, language),
                reason=extension.reason,
            )
        )
    parts.append(gettext("due %(day)s", language, day=format_day(e.due_on, language, weekday=True)))
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]
