"""The access log: who saw a case's personal information, when, through which interface.

DESIGN §2.5: "Who viewed personal information is logged." Every answer that shows a requester
unredacted (a case read, each case of a list, the case returned by a command) adds one entry per
case, in its own unit of work, before the answer leaves. The log is append-only: there is no
command to change or delete an entry, and the database refuses it (migration 0003).
"""

from collections.abc import Iterable

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models import AccessLogEntry
from casework.repositories import access_log as repo
from casework.repositories import cases as cases_repo
from casework.services.errors import NotFound

INTERFACES = ("api", "web", "cli", "portal")


def record(
    ctx: AppContext, *, actor: Actor, case_ids: Iterable[int], interface: str, what: str
) -> int:
    """Append one entry per case whose personal information the actor is shown; return how
    many."""
    if interface not in INTERFACES:
        raise ValueError(f"unknown interface {interface!r}")
    now = ctx.now()
    rows = [
        {
            "at": now,
            "actor": actor.label,
            "user_id": actor.user_id,
            "api_key_id": actor.api_key_id,
            "case_id": case_id,
            "interface": interface,
            "what": what,
        }
        for case_id in dict.fromkeys(case_ids)
    ]
    if rows:
        with unit_of_work(ctx.engine) as session:
            repo.add_many(session, rows)
    return len(rows)


def for_case(ctx: AppContext, *, reference: str) -> list[AccessLogEntry]:
    """Return the access log of a case, oldest first."""
    with read_session(ctx.engine) as session:
        case = cases_repo.get_by_reference(session, reference)
        if case is None:
            raise NotFound(N_("No case has the reference %(reference)s."), reference=reference)
        return repo.for_case(session, case.id)
