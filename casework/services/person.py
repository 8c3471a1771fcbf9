"""A person's information: every case of a person, and what casework holds about them.

Loi sur l'accès aux documents des organismes publics et sur la protection des renseignements
personnels (RLRQ c. A-2.1), art. 83: "Every person has a right to be informed of the existence, in
a personal information file, of personal information concerning him and, where applicable, to
receive communication of such information." When a person asks, the access officer finds their
cases by their name, email address or telephone number, and hands them one file: each case with
its trail as the person may see it, the letters sent to them and the documents they sent.

How a case is found: the people's full-text index (migration 0010, the search that finds
requesters) gives the candidates; a case is the person's when its requester has the same name
(ignoring case, accents and spacing), the same email address (ignoring case) or the same
telephone number (its last ten digits). A homonym is listed too: the officer sees each case's
requester as recorded and chooses the cases to export.

The export is written to the access log (what `person_export`, one row per case) in the same
unit of work that reads it; the search that lists the cases with their requester is logged as a
search.
"""

import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import unit_of_work
from casework.i18n import N_
from casework.models import Case, CaseEvent, Document, Letter, Requester
from casework.repositories import cases as cases_repo
from casework.security import policy
from casework.services import documents, door
from casework.services.errors import InvalidInput, NotFound
from workflows.events import EventKind

# More candidates than this for one criterion says the criterion is too vague to be one person.
MAX_CANDIDATES = 500
# The trail as the person may see it: what happened to their case and what they were told, not
# the staff's notes, assignments, holds or internal analysis.
PERSON_VISIBLE_EVENTS = frozenset(
    {EventKind.CREATED, EventKind.TRANSITION, EventKind.DEADLINE_CHANGED, EventKind.LETTER_MAILED}
)
# Of those, the events whose reason was written to the person (an extension's reason, a closing
# or reopening reason).
TOLD_REASONS = frozenset({EventKind.TRANSITION, EventKind.DEADLINE_CHANGED})
# The same forms as the API's schema (casework/api/retention.py) says, in plain characters.
EMAIL_PATTERN = r"^[^@ ]+@[^@ ]+\.[^@ ]+$"
PHONE_PATTERN = r"^[^0-9]*([0-9][^0-9]*){7,}$"


@dataclass(frozen=True)
class Criteria:
    """Who is looked for: at least one of a name, an email address, a telephone number."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass(frozen=True)
class FoundCase:
    """A case of the person, with its requester as recorded (for the officer to check)."""

    reference: str
    kind: str
    status: str
    received_at: datetime
    name: str
    email: str | None
    phone: str | None
    matched: tuple[str, ...]  # which criteria matched: name, email, phone


@dataclass(frozen=True)
class PersonExport:
    filename: str
    content: bytes
    references: tuple[str, ...]


def _folded(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.split(r"[\s\-]+", plain.casefold().strip()))


def _digits(value: str) -> str:
    return re.sub(r"[^0-9]", "", value)[-10:]


def checked(criteria: Criteria) -> Criteria:
    """Return the criteria stripped; refuse none, an email that is not one, a telephone without
    its seven digits at least, naming the field."""
    name, email, phone = (
        (value or "").strip() or None for value in (criteria.name, criteria.email, criteria.phone)
    )
    if not (name or email or phone):
        raise InvalidInput(
            N_("Give the person's name, email address or telephone number."), field="name"
        )
    if name is not None and len(name) > 200:
        raise InvalidInput(N_("Write the person's name as it was recorded."), field="name")
    if email is not None and (len(email) > 320 or not re.match(EMAIL_PATTERN, email)):
        raise InvalidInput(N_("This is not a valid email address."), field="email")
    if phone is not None and (len(phone) > 40 or not re.match(PHONE_PATTERN, phone)):
        raise InvalidInput(
            N_("Write the telephone number with its area code, e.g. 418 555-0199."), field="phone"
        )
    return Criteria(name=name, email=email, phone=phone)


def _matched(requester: Requester, criteria: Criteria) -> tuple[str, ...]:
    matched = []
    if criteria.name and _folded(requester.name) == _folded(criteria.name):
        matched.append("name")
    if criteria.email and (requester.email or "").casefold() == criteria.email.casefold():
        matched.append("email")
    if criteria.phone and requester.phone and _digits(requester.phone) == _digits(criteria.phone):
        matched.append("phone")
    return tuple(matched)


def _searches(criteria: Criteria) -> list[str]:
    """Return the texts to ask the people's index: the name and the email as given; a telephone
    as its ten digits, the same with the country code, and its three groups (the index holds a
    number's digits alone and its groups as written)."""
    texts = [value for value in (criteria.name, criteria.email) if value]
    if criteria.phone:
        digits = _digits(criteria.phone)
        texts += [digits, f"1{digits}", f"{digits[:-7]} {digits[-7:-4]} {digits[-4:]}"]
    return texts


def _found(session: Session, criteria: Criteria) -> list[tuple[Case, Requester, tuple[str, ...]]]:
    candidates: dict[int, Case] = {}
    for value in _searches(criteria):
        for case in cases_repo.found_through_requester(
            session, text_=value, limit=MAX_CANDIDATES + 1
        ):
            candidates.setdefault(case.id, case)
    people = cases_repo.requesters_by_id(
        session, {c.requester_id for c in candidates.values() if c.requester_id}
    )
    found = []
    for case in sorted(candidates.values(), key=lambda c: (c.received_at, c.id)):
        requester = people.get(case.requester_id)
        matched = _matched(requester, criteria) if requester else ()
        if matched:
            found.append((case, requester, matched))
    return found


def _log(session: Session, ctx: AppContext, actor: Actor, cases, interface: str, what: str):
    door.log(
        session, ctx, actor=actor, interface=interface, case_ids=[c.id for c in cases], what=what
    )


def find(ctx: AppContext, *, actor: Actor, criteria: Criteria, interface: str) -> list[FoundCase]:
    """List the person's cases with their requester as recorded, oldest first; log the search."""
    policy.check(actor, "person.export")
    criteria = checked(criteria)
    with unit_of_work(ctx.engine) as session:
        found = _found(session, criteria)
        _log(session, ctx, actor, [case for case, _, _ in found], interface, "search")
    return [
        FoundCase(
            reference=case.reference,
            kind=case.kind,
            status=case.status,
            received_at=case.received_at,
            name=requester.name,
            email=requester.email,
            phone=requester.phone,
            matched=matched,
        )
        for case, requester, matched in found
    ]


def _event_json(ctx: AppContext, event: CaseEvent) -> dict:
    return {
        "at": event.at.astimezone(ctx.tz).isoformat(),
        "what": event.trigger or event.kind,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason if event.kind in TOLD_REASONS else None,
    }


def _case_json(ctx: AppContext, session: Session, case: Case, requester: Requester) -> tuple:
    """Return a case as the person may see it, and the files that go with it."""
    files: dict[str, bytes] = {}
    letters = []
    for letter in session.execute(
        select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)
    ).scalars():
        name = f"{case.reference}/lettres/{letter.id}-{letter.kind}.pdf" if letter.pdf else None
        if name:
            files[name] = letter.pdf
        letters.append(
            {
                "kind": letter.kind,
                "date": letter.letter_date.isoformat(),
                "channel": letter.channel,
                "mailed_on": letter.mailed_on.isoformat() if letter.mailed_on else None,
                "subject": letter.subject,
                "file": name,
            }
        )
    sent = []
    store = documents.store(ctx)
    for document in session.execute(
        select(Document)
        .where(Document.case_id == case.id, Document.from_requester.is_(True))
        .order_by(Document.id)
    ).scalars():
        name = f"{case.reference}/documents/{document.id}-{document.filename}"
        path = store.path(document.sha256)
        if path.is_file():
            files[name] = path.read_bytes()
        sent.append(
            {
                "filename": document.filename,
                "received_at": document.created_at.astimezone(ctx.tz).isoformat(),
                "description": document.description,
                "file": name if path.is_file() else None,
            }
        )
    trail = [
        _event_json(ctx, event)
        for event in cases_repo.events(session, case.id)
        if event.kind in PERSON_VISIBLE_EVENTS
    ]
    data = {
        "reference": case.reference,
        "kind": case.kind,
        "channel": case.channel,
        "received_at": case.received_at.astimezone(ctx.tz).isoformat(),
        "status": case.status,
        "subject": case.subject,
        "description": case.description,
        "answer": case.answer_summary,
        "outcome": case.outcome,
        "closed_at": case.closed_at.astimezone(ctx.tz).isoformat() if case.closed_at else None,
        "requester": {
            "name": requester.name,
            "email": requester.email,
            "phone": requester.phone,
            "postal_address": requester.postal_address,
            "language": requester.language,
            "by_mail": requester.by_mail,
        },
        "trail": trail,
        "letters": letters,
        "documents": sent,
    }
    return data, files


def export(
    ctx: AppContext,
    *,
    actor: Actor,
    criteria: Criteria,
    references: list[str] | None = None,
    interface: str,
) -> PersonExport:
    """Write what casework holds about the person (all their cases, or the chosen ones) as a ZIP:
    `renseignements.json` and, per case, the letters' PDFs and the documents they sent; log
    each case in the access log in the same unit of work."""
    policy.check(actor, "person.export")
    criteria = checked(criteria)
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        found = _found(session, criteria)
        if references is not None:
            wanted = list(dict.fromkeys(r.strip().upper() for r in references if r.strip()))
            if not wanted:
                raise InvalidInput(N_("Choose at least one case to export."), field="cases")
            known = {case.reference for case, _, _ in found}
            stray = [r for r in wanted if r not in known]
            if stray:
                raise NotFound(
                    N_("The case %(reference)s is not one of this person's cases."),
                    field="cases",
                    reference=stray[0],
                )
            found = [item for item in found if item[0].reference in wanted]
        if not found:
            raise NotFound(N_("No case of this person was found."), field="name")
        buffer = io.BytesIO()
        cases = []
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for case, requester, _ in found:
                data, files = _case_json(ctx, session, case, requester)
                cases.append(data)
                for name, content in files.items():
                    archive.writestr(name, content)
            summary = {
                "law": "RLRQ c. A-2.1, art. 83",
                "produced_at": now.astimezone(ctx.tz).isoformat(),
                "produced_by": actor.label,
                "criteria": criteria.as_dict(),
                "cases": cases,
            }
            archive.writestr(
                "renseignements.json", json.dumps(summary, ensure_ascii=False, indent=2)
            )
        _log(session, ctx, actor, [case for case, _, _ in found], interface, "person_export")
    day = now.astimezone(ctx.tz).date().isoformat()
    return PersonExport(
        filename=f"renseignements-personnels-{day}.zip",
        content=buffer.getvalue(),
        references=tuple(case.reference for case, _, _ in found),
    )
