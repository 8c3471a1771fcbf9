"""The pages of casework: server-rendered, French first, usable without JavaScript.

One module per area: `home` (the landing page by role, the language switch), `queue` (the triage
queue and assignment in place), `case` (the case page, its forms, the new case form), `letters`
(each letter as sent, the letters to mail), `documents` (a case's documents, the email in
quarantine), `mine` (my cases and my inbox), `dashboard` (the supervisor's figures and their CSV
files), `admin` (accounts, the calendar and its closures, the life cycle), `account` (« Mon
compte »: one's password, language and the calendar of one's deadlines), `records` (the retention
schedule and the register of confidentiality incidents). `router` gathers them.
"""

from fastapi import APIRouter

from casework.web import (
    account,
    admin,
    case,
    dashboard,
    documents,
    home,
    letters,
    mine,
    queue,
    records,
    reports,
)

router = APIRouter(include_in_schema=False)
for _module in (
    home,
    queue,
    case,
    letters,
    documents,
    mine,
    dashboard,
    reports,
    admin,
    account,
    records,
):
    router.include_router(_module.router)
