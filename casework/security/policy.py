"""Who may do what: the permission table, the one place where the rules are written.

DESIGN §1 (who uses casework) and §2.5: "Complaints are handled in confidence. The person's
identity and contact details of a complaint are visible to complaints officers, the assignee and
administrators, not to every staff member." The issue adds supervisors to those who see them.

Each permission maps a role to a scope: `ALL` (on every case) or `OWN` (only on the cases
assigned to that user). Who asks: the services, with the actor they are given; on a case, through
casework.services.door, which also redacts the requester with `can_see_requester` and logs each
look. The API's routes may refuse a role early (`require`); routers, pages and the command line
(which acts as the account of `casework --as`) never decide on a case themselves.
docs/security.md shows this table (`as_markdown()`; a test keeps the two equal).

Decisions the rules left open:
- The requester of every kind of case is treated as a complaint's: personal information is
  personal information (Loi sur l'accès, art. 53 et 59), so the same redaction applies to an
  information request, a media request, a supplier complaint and a comment.
- Agents work the cases assigned to them: on those they acknowledge, answer, ask the requester
  for information, resume, edit, add notes and see the requester. Escalating, closing, reopening,
  extending a delay and assigning are for complaints officers (and administrators); supervisors
  also assign, to balance the workload, and otherwise read.
- API keys carry a role. `integration` (a web form, a mail gateway) registers cases and reads
  their status, never the requester; a key may carry a staff role when an integration needs it.
"""

from enum import StrEnum
from typing import Protocol

from casework.models.users import Role
from casework.services.errors import Forbidden
from workflows import case_flow


class Scope(StrEnum):
    ALL = "all"
    OWN = "own"  # only on the cases assigned to the user


INTEGRATION = "integration"
USER_ROLES: tuple[str, ...] = tuple(role.value for role in Role)
KEY_ROLES: tuple[str, ...] = (INTEGRATION, *USER_ROLES)
ROLES: tuple[str, ...] = (*USER_ROLES, INTEGRATION)

AGENT, OFFICER, SUPERVISOR, ADMIN = (r.value for r in Role)
ALL, OWN = Scope.ALL, Scope.OWN

_STAFF_READ = {AGENT: ALL, OFFICER: ALL, SUPERVISOR: ALL, ADMIN: ALL}
_WORK_ON_OWN = {AGENT: OWN, OFFICER: ALL, ADMIN: ALL}
_OFFICERS = {OFFICER: ALL, ADMIN: ALL}

# THE table: permission -> {role: scope}. A role not named has no such permission.
PERMISSIONS: dict[str, dict[str, Scope]] = {
    "case.read": {**_STAFF_READ, INTEGRATION: ALL},
    "case.history": dict(_STAFF_READ),
    "case.create": {OFFICER: ALL, ADMIN: ALL, INTEGRATION: ALL},
    "case.update": dict(_WORK_ON_OWN),
    "case.assign": {OFFICER: ALL, SUPERVISOR: ALL, ADMIN: ALL},
    "case.note": {AGENT: OWN, OFFICER: ALL, SUPERVISOR: ALL, ADMIN: ALL},
    "case.fire.acknowledge": dict(_WORK_ON_OWN),
    "case.fire.answer": dict(_WORK_ON_OWN),
    "case.fire.request_information": dict(_WORK_ON_OWN),
    "case.fire.resume": dict(_WORK_ON_OWN),
    "case.fire.escalate": dict(_OFFICERS),
    "case.fire.close": dict(_OFFICERS),
    "case.fire.reopen": dict(_OFFICERS),
    "case.extend": dict(_OFFICERS),
    "case.classify": dict(_WORK_ON_OWN),
    "case.dossier": {OFFICER: ALL},
    "survey.record": dict(_OFFICERS),
    "requester.read": {AGENT: OWN, OFFICER: ALL, SUPERVISOR: ALL, ADMIN: ALL},
    # The documents are the requester's letters and papers: the same confidentiality rule.
    "document.read": {AGENT: OWN, OFFICER: ALL, SUPERVISOR: ALL, ADMIN: ALL},
    "document.attach": dict(_WORK_ON_OWN),
    "mail.quarantine": dict(_OFFICERS),
    "access_log.read": dict(_OFFICERS),
    "letters.mail": dict(_OFFICERS),
    "workflow.read": {**_STAFF_READ, INTEGRATION: ALL},
    "notifications.read_own": dict(_STAFF_READ),
    "account.own": dict(_STAFF_READ),
    "reports.read": {OFFICER: ALL, SUPERVISOR: ALL, ADMIN: ALL},
    "users.manage": {ADMIN: ALL},
    "calendar.manage": {ADMIN: ALL},
    "case.hold": dict(_OFFICERS),
    "retention.manage": {ADMIN: ALL},
    "person.export": {ADMIN: ALL},
    "incidents.manage": dict(_OFFICERS),
}

DESCRIPTIONS: dict[str, str] = {
    "case.read": "read a case, its deadlines, find cases",
    "case.history": "read a case's event trail",
    "case.create": "register a case",
    "case.update": "edit a case's subject or priority",
    "case.assign": "assign, reassign or unassign a case",
    "case.note": "add a note to a case",
    "case.fire.acknowledge": "acknowledge receipt",
    "case.fire.answer": "record the answer",
    "case.fire.request_information": "ask the requester for information",
    "case.fire.resume": "resume after the requester's reply",
    "case.fire.escalate": "record an escalation to the Protecteur du citoyen",
    "case.fire.close": "close a case",
    "case.fire.reopen": "reopen a case",
    "case.extend": "extend the answer delay",
    "case.classify": "record what a case is about and its corrective measures",
    "case.dossier": "export the Protecteur du citoyen dossier of a case",
    "survey.record": "record or import satisfaction survey answers",
    "requester.read": "see the requester's name, contact details and address",
    "document.read": "list and download a case's documents",
    "document.attach": "attach documents to a case",
    "mail.quarantine": "see the email messages that could not be read",
    "access_log.read": "read who saw a case's personal information",
    "letters.mail": "list the letters to print and mail, and record their mailing",
    "workflow.read": "read the life cycle",
    "notifications.read_own": "read one's own notifications",
    "account.own": "change one's own password and language, subscribe to one's deadlines",
    "reports.read": "see the dashboard, the declaration's results and the annual report",
    "users.manage": "manage accounts, roles and API keys",
    "calendar.manage": "add or remove calendar closures",
    "case.hold": "put a case under a legal or access-request hold, or lift it",
    "retention.manage": "apply the retention schedule: list, preview, anonymize, certificate",
    "person.export": (
        "find a person's cases and export what casework holds about them (A-2.1, art. 83)"
    ),
    "incidents.manage": "keep the register of confidentiality incidents",
}


class Principal(Protocol):
    """Who asks: a user or an API key (casework.context.Actor has these)."""

    role: str | None
    user_id: int | None


class Assignable(Protocol):
    assignee_id: int | None


def scope(principal: Principal, permission: str) -> Scope | None:
    """Return where a principal holds a permission: everywhere, on its own cases, or nowhere."""
    return PERMISSIONS[permission].get(principal.role or "")


def can(principal: Principal, permission: str, case: Assignable | None = None) -> bool:
    """Tell whether the principal may do this (on this case, for a permission on own cases)."""
    held = scope(principal, permission)
    if held is Scope.ALL:
        return True
    if held is Scope.OWN:
        return (
            case is not None
            and principal.user_id is not None
            and case.assignee_id == principal.user_id
        )
    return False


def fire_permission(trigger: str) -> str:
    """Return the permission that firing `trigger` takes: its specification names it
    (workflows.case_flow.SPECS)."""
    return case_flow.SPEC_OF[case_flow.Trigger(trigger)].permission


def can_see_requester(principal: Principal, case: Assignable) -> bool:
    """Tell whether the principal may see this case's requester: officers, supervisors,
    administrators, and the agent it is assigned to; never an integration key."""
    return can(principal, "requester.read", case)


def needs_the_case(principal: Principal, permission: str) -> bool:
    """Tell whether deciding takes the case (the principal holds the permission on its own cases
    only)."""
    return scope(principal, permission) is Scope.OWN


def check(principal: Principal, permission: str, case: Assignable | None = None) -> None:
    """Refuse with Forbidden unless the principal may do this."""
    if not can(principal, permission, case):
        raise Forbidden()


def check_somewhere(principal: Principal, permission: str) -> None:
    """Refuse with Forbidden when the principal holds the permission on no case at all."""
    if scope(principal, permission) is None:
        raise Forbidden()


def as_markdown() -> str:
    """Render the table for docs/security.md: ✓ everywhere, "own" on assigned cases, – never."""
    header = "| permission | what it allows | " + " | ".join(ROLES) + " |"
    rule = "|---|---|" + "---|" * len(ROLES)
    marks = {Scope.ALL: "✓", Scope.OWN: "own", None: "–"}
    rows = [
        f"| `{name}` | {DESCRIPTIONS[name]} | "
        + " | ".join(marks[PERMISSIONS[name].get(role)] for role in ROLES)
        + " |"
        for name in PERMISSIONS
    ]
    return "\n".join([header, rule, *rows])
