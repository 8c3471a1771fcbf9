"""The door to a case: who may act on it, what a reader sees of its requester, and the access-log
entry of each look. The one place that applies the confidentiality rule.

DESIGN §2.5: "Complaints are handled in confidence. The person's identity and contact details of
a complaint are visible to complaints officers, the assignee and administrators, not to every
staff member. [...] Who viewed personal information is logged."

Every service that reads or changes a case is given the actor and the interface it came through
(api, web, cli, portal, scheduler) and goes through here:
- `check` refuses with Forbidden unless the actor holds the permission of the one table
  (casework.security.policy), on this very case for a permission held on own cases only;
- `shown` hands back the cases as the actor may see them (the requester kept where
  `policy.can_see_requester` allows it, else replaced by a redacted stand-in) and writes one
  access-log entry per requester shown, in the reader's own unit of work;
- `trail` redacts the event trail the same way (the documents and emails of the requester, the
  letters kept in old events).
The API routers, the pages and the command line never redact, log or check a case themselves.

casework itself (`Actor.system()`: the scheduler, the intake of email, the tests' set-up) holds
every permission; it is nobody, so its reads are not logged.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.models import Case, CaseEvent, Requester
from casework.security import policy
from casework.services import access_log
from casework.services.errors import Forbidden
from workflows.events import EventKind

if TYPE_CHECKING:
    from casework.services.cases import CaseView

INTERFACES = (*access_log.INTERFACES, "scheduler")
CASEWORK = Actor.system()
# Events that carry the requester's documents, emails or what they wrote on their status page:
# shown under the documents' rule.
DOCUMENT_EVENTS = (EventKind.DOCUMENTS, EventKind.CORRESPONDENCE, EventKind.PORTAL_ADDITION)


def _is_casework(actor: Actor) -> bool:
    return actor == CASEWORK


def may(actor: Actor, permission: str, case: Case | None = None) -> bool:
    """Tell whether the actor may do this (on this case, for a permission on own cases)."""
    return _is_casework(actor) or policy.can(actor, permission, case)


def check(actor: Actor, permission: str, case: Case | None = None) -> None:
    """Refuse with Forbidden unless the actor may do this."""
    if not may(actor, permission, case):
        raise Forbidden()


def check_somewhere(actor: Actor, permission: str) -> None:
    """Refuse with Forbidden when the actor holds the permission on no case at all."""
    if not _is_casework(actor):
        policy.check_somewhere(actor, permission)


def sees_requester(actor: Actor, case: Case) -> bool:
    """Tell whether the actor may see this case's requester (`policy.can_see_requester`)."""
    return _is_casework(actor) or policy.can_see_requester(actor, case)


def check_interface(interface: str) -> str:
    if interface not in INTERFACES:
        raise ValueError(f"unknown interface {interface!r}")
    return interface


@contextmanager
def reading(ctx: AppContext, actor: Actor, interface: str) -> Iterator[Session]:
    """Open the session of a read: a unit of work when the actor may be shown personal
    information (its access-log entries are written with the read, or not at all), a read-only
    session otherwise."""
    check_interface(interface)
    logs = not _is_casework(actor) and policy.scope(actor, "requester.read") is not None
    with (unit_of_work if logs else read_session)(ctx.engine) as session:
        yield session


def log(
    session: Session,
    ctx: AppContext,
    *,
    actor: Actor,
    interface: str,
    case_ids: Iterable[int],
    what: str,
) -> None:
    """Write who was shown the personal information of these cases, in the caller's unit of
    work (nothing for casework itself)."""
    ids = list(case_ids)
    if ids and not _is_casework(actor):
        access_log.record_in(
            session, ctx, actor=actor, case_ids=ids, interface=check_interface(interface), what=what
        )


def hidden(requester: Requester) -> Requester:
    """Return the stand-in of a requester the reader may not see: only the language of the
    letters, which the case's handling needs."""
    return Requester(name="", language=requester.language)


def redacted(actor: Actor, views: "Iterable[CaseView]") -> "tuple[list[CaseView], list[int]]":
    """Return the cases as the actor may see them (a requester the actor may not see replaced by
    its stand-in), and the ids of the cases whose requester they show."""
    result, seen = [], []
    for view in views:
        if view.requester is None:
            result.append(view)
        elif sees_requester(actor, view.case):
            result.append(view)
            seen.append(view.case.id)
        else:
            result.append(replace(view, requester=hidden(view.requester), redacted=True))
    return result, seen


def shown(
    session: Session,
    ctx: AppContext,
    views: "Iterable[CaseView]",
    *,
    actor: Actor,
    interface: str,
    what: str | None,
) -> "list[CaseView]":
    """Return the cases as the actor may see them and log each requester shown (`what`); with
    `what` None the caller shows no requester: none is returned, none is logged."""
    check_interface(interface)
    if what is None:
        return [replace(view, requester=None) for view in views]
    result, seen = redacted(actor, views)
    log(session, ctx, actor=actor, interface=interface, case_ids=seen, what=what)
    return result


def trail(actor: Actor, case: Case, events: Iterable[CaseEvent]) -> tuple[list[CaseEvent], bool]:
    """Return the trail of a case as the actor may see it, and whether it shows the person's
    information: their documents, emails or status-page additions, or a letter to them (events
    written before letters had their own table kept the letter itself, with the requester's name
    and address). The events returned are copies: what is hidden is never written back."""
    documents = may(actor, "document.read", case)
    requester = sees_requester(actor, case)
    result, personal = [], False
    for event in events:
        data = dict(event.data or {})
        reason = event.reason
        if event.kind in DOCUMENT_EVENTS:
            if documents:
                personal = True
            else:
                reason = None
                data = {
                    "redacted": True,
                    "documents": len(data.get("documents") or ()),
                    # Whether the case resumed is the case's own fact, not the person's words.
                    **({"resumed": data["resumed"]} if "resumed" in data else {}),
                }
        if "letter" in data:
            if requester:
                personal = True
            else:
                data["letter"] = {"redacted": True}
        result.append(CaseEvent(**{**event.model_dump(), "data": data, "reason": reason}))
    return result, personal
