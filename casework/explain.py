"""Explain a due date in a sentence, in French or English.

DESIGN §2.3: "Every computed deadline can be explained: the receipt, the calendar and its
version, the closure days skipped, pauses and extensions."
"""

from datetime import date

from casework.i18n import format_day, format_days, gettext, ngettext, normalize_language
from workflows.case_clock import ClockState, DeadlineClock, DeadlineName
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
    if e.delay.unit == DayUnit.CALENDAR:
        # Calendar days count the weekends and the closures; only the end carries (C.p.c.,
        # art. 83; Loi d'interprétation, art. 52).
        parts.append(
            gettext("%(delay)s, weekends and closure days included", language, delay=delay)
        )
    elif e.closures_skipped:
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
        for pause in e.pauses:
            if pause.end is not None:
                parts.append(
                    gettext(
                        "awaiting the requester from %(start)s to %(end)s",
                        language,
                        start=format_day(pause.start, language),
                        end=format_day(pause.end, language),
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


def _clock_parts(item: DeadlineClock, language: str) -> list[str]:
    parts = []
    if item.after_hours:
        parts.append(
            gettext(
                "received outside office hours: counted from the next business day",
                language,
            )
        )
    if item.reopened_on is not None:
        parts.append(
            gettext(
                "a new answer is owed since the case was reopened on %(day)s",
                language,
                day=format_day(item.reopened_on, language),
            )
        )
    for late in item.late_extensions:
        parts.append(
            # OQLF: no space before the semicolon, a non-breaking one before the colon.
            gettext(
                "missed on %(missed)s; new date announced: %(new)s",
                language,
                missed=format_day(late.missed_on, language),
                new=format_day(late.new_due_on, language),
            )
        )
    if item.state is ClockState.MET and item.met_on is not None:
        parts.append(gettext("met on %(day)s", language, day=format_day(item.met_on, language)))
    elif item.state is ClockState.MET_LATE and item.met_on is not None:
        parts.append(
            ngettext(
                "met late on %(day)s, %(n)s business day late",
                "met late on %(day)s, %(n)s business days late",
                item.late_by or 1,
                language,
                day=format_day(item.met_on, language),
            )
        )
    elif item.state is ClockState.PAUSED:
        parts.append(gettext("the clock stands still while awaiting the requester", language))
    return parts


def clock_sentence(item: DeadlineClock, language: str = "fr") -> str:
    """Explain one deadline of the case clock: how its date was computed and where it stands."""
    language = normalize_language(language)
    if item.state is ClockState.NOT_APPLICABLE and item.due_on is None:
        if item.name is DeadlineName.ACKNOWLEDGMENT:
            return gettext(
                "No acknowledgment of receipt is owed: only written requests get one.", language
            )
        if item.name is DeadlineName.PROTECTEUR_REPLY:
            return gettext("No reply date set by the Protecteur du citoyen.", language)
        return gettext("Does not apply to this case.", language)
    if item.state is ClockState.NOT_APPLICABLE:
        return gettext(
            "Not applicable: the case was closed without an answer before %(day)s.",
            language,
            day=format_day(item.due_on, language),
        )
    if item.explanation is None:
        # The Protecteur du citoyen's reply date.
        text = gettext(
            "Set by the Protecteur du citoyen: %(day)s",
            language,
            day=format_day(item.due_on, language, weekday=True),
        )
        parts = [text]
        if item.carried_from is not None:
            parts.append(
                gettext(
                    "the date set, %(day)s, is not a business day, so it carries to the next one",
                    language,
                    day=format_day(item.carried_from, language, weekday=True),
                )
            )
        parts += _clock_parts(item, language)
        return "; ".join(parts) + "."
    text = sentence(item.explanation, language)
    extra = _clock_parts(item, language)
    if not extra:
        return text
    return text[:-1] + "; " + "; ".join(extra) + "."


def running_words(state: str, business_days: int, language: str = "fr") -> str:
    """Say where a deadline whose clock runs stands today, in words (never colour alone):
    overdue by n business days, due today, due soon with n left, or on track with n left."""
    n = business_days
    if state == ClockState.OVERDUE:
        return ngettext(
            "Overdue by %(n)s business day", "Overdue by %(n)s business days", n, language
        )
    if state == ClockState.DUE_TODAY:
        return gettext("Due today", language)
    if state == ClockState.DUE_SOON:
        return ngettext(
            "Due soon: %(n)s business day left", "Due soon: %(n)s business days left", n, language
        )
    return ngettext(
        "On track: %(n)s business day left", "On track: %(n)s business days left", n, language
    )


def state_words(item: DeadlineClock, language: str = "fr") -> str | None:
    """Say where one deadline of the case clock stands: running (as `running_words`), met, met
    late, paused awaiting the requester, or not applicable; None when it has no due date."""
    if item.due_on is None:
        return None
    if item.running:
        return running_words(item.state, item.business_days or 0, language)
    met_on = format_day(item.met_on, language) if item.met_on else "—"
    if item.state is ClockState.MET:
        return gettext("Met on %(day)s", language, day=met_on)
    if item.state is ClockState.MET_LATE:
        return ngettext(
            "Met late on %(day)s (%(n)s business day late)",
            "Met late on %(day)s (%(n)s business days late)",
            item.late_by or 1,
            language,
            day=met_on,
        )
    if item.state is ClockState.PAUSED:
        return gettext("Paused: awaiting the requester", language)
    return gettext("Not applicable", language)
