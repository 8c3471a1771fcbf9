"""Calendar checks shared by the commands that compute deadlines."""

from datetime import date

from casework.context import AppContext
from casework.i18n import N_
from casework.services.errors import InvalidInput


def ensure_covered(ctx: AppContext, day: date, *, field: str) -> None:
    """Refuse a day outside the years the business calendar covers, naming the field."""
    calendar = ctx.calendar
    if not calendar.first_year <= day.year <= calendar.last_year:
        raise InvalidInput(
            N_("The calendar covers %(first)s to %(last)s."),
            field=field,
            first=calendar.first_year,
            last=calendar.last_year,
        )
