"""The access log: who saw a case's personal information, when, through which interface.

DESIGN §2.5: "Who viewed personal information is logged." Every answer that shows a requester
unredacted (a case read, each case of a list, the case returned by a command) adds one entry per
case, in the unit of work of the reading itself (`record_in`, called by casework.services.door),
before the answer leaves. The log is append-only: there is no
command to change or delete an entry, and the database refuses it (migration 0003).
"""

from collections.abc import Iterable

from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import read_session
from casework.i18n import N_
from casework.models import AccessLogEntry
from casework.repositories import access_log as repo
from casework.repositories import cases as cases_repo
from casework.security import policy
from casework.services.errors import NotFound

INTERFACES = ("api", "web", "cli", "portal")

# What each entry says was shown (`what`) and through which interface, as people read them.
WHAT_LABELS = {
    "read": N_("Case opened"),
    "list": N_("List of cases"),
    "create": N_("Case registered"),
    "update": N_("Case changed"),
    "transition": N_("Status change"),
    "extension": N_("Answer delay extended"),
    "events": N_("Timeline"),
    "letter": N_("Letter opened"),
    "letters": N_("List of letters"),
    "letters to mail": N_("Letters to mail"),
    "documents": N_("Documents listed"),
    "document": N_("Document downloaded"),
    "search": N_("Found by searching for a person"),
    "related": N_("Listed among the person's other cases"),
    "dossier": N_("Protecteur du citoyen dossier"),
    "person_export": N_("Export of a person's information (access request)"),
    "outbox": N_("Outbox listed (the requester's email address)"),
}

INTERFACE_LABELS = {
    "web": N_("Pages"),
    "api": N_("API"),
    "cli": N_("Command line"),
    "portal": N_("Status page (the requester)"),
}


def record_in(
    session: Session,
    ctx: AppContext,
    *,
    actor: Actor,
    case_ids: Iterable[int],
    interface: str,
    what: str,
) -> int:
    """Append one entry per case whose personal information the actor is shown, in the caller's
    unit of work, so that the read and its entries are written together or not at all (through
    casework.services.door.log); return how many."""
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
    repo.add_many(session, rows)
    return len(rows)


def for_case(
    ctx: AppContext, *, reference: str, actor: Actor | None = None
) -> list[AccessLogEntry]:
    """Return the access log of a case, oldest first; with an actor, only when the actor holds
    `access_log.read` (complaints officers and administrators)."""
    if actor is not None:
        policy.check(actor, "access_log.read")
    with read_session(ctx.engine) as session:
        case = cases_repo.get_by_reference(session, reference)
        if case is None:
            raise NotFound(N_("No case has the reference %(reference)s."), reference=reference)
        return repo.for_case(session, case.id)
