"""The business calendar of a process, and the calendar checks shared by the commands that
compute deadlines.

The calendar is the configuration's base and closures with the closure changes decided in
casework (DESIGN §2.3: "an official yearly notice always wins over the computed default"). Each
adapter loads it with `refresh` (the web application before a request, a command line command at
its start, the scheduler before each job); the services then read `ctx.calendar`, which never
touches the database.
"""

import time
from datetime import date

from casework.context import AppContext, shared_calendar
from casework.db import read_session
from casework.i18n import N_
from casework.repositories import closures as closures_repo
from casework.services.errors import InvalidInput
from workflows.calendar import BusinessCalendar

# How long a process trusts its calendar before checking whether another process changed the
# closures (one cheap query); the process that makes a change rebuilds its own at once.
CALENDAR_RECHECK_SECONDS = 30.0


def is_fresh(ctx: AppContext) -> bool:
    """Tell whether the context's calendar was read less than CALENDAR_RECHECK_SECONDS ago, so
    that `refresh` would not read it again (a check that never touches the database)."""
    changes, checked = ctx.calendar_state()
    return changes is not None and time.monotonic() - checked < CALENDAR_RECHECK_SECONDS


def refresh(ctx: AppContext, *, force: bool = False) -> BusinessCalendar:
    """Load the closure changes decided in casework and adopt the calendar they make; read again
    only after CALENDAR_RECHECK_SECONDS unless forced."""
    if not force and is_fresh(ctx):
        return ctx.calendar
    moment = time.monotonic()
    # A read session of its own: called before a command's unit of work, it never waits for it.
    with read_session(ctx.engine) as session:
        current = tuple(closures_repo.changes(session))
    ctx.use_calendar(shared_calendar(ctx.settings, current), changes=current, checked=moment)
    return ctx.calendar


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
