"""The pages of casework: server-rendered, French first, usable without JavaScript.

One module per area: `home` (the landing page by role, the language switch), `queue` (the triage
queue and assignment in place), `case` (the case page, its forms, the new case form, the letter
to print), `mine` (my cases and my inbox), `dashboard` (the supervisor's figures and their CSV
files), `admin` (accounts, the calendar and its closures, the life cycle). `router` gathers them.
"""

from fastapi import APIRouter

from casework.web import admin, case, dashboard, home, mine, queue, reports

router = APIRouter(include_in_schema=False)
for _module in (home, queue, case, mine, dashboard, reports, admin):
    router.include_router(_module.router)
