"""Letters to the requester: written and kept as sent in the unit of work of the step that causes
them, emailed with their PDF or listed for mailing, read back as the copy that was sent.

DESIGN §2.7: "A letter is stored exactly as sent (PDF bytes and their hash) and sent by email
through the outbox, or listed for printing and mailing." DESIGN §2.5: "the letters sent to them
[...] are visible to complaints officers, the assignee and administrators, not to every staff
member. Who viewed personal information is logged." These functions check the permission and
write the access log with the reading (casework.services.door), for every interface.

- A letter goes by email (the PDF attached, through the outbox, exactly once: the outbox message
  carries the key `letter:<id>`) when the requester has an address and did not ask for mail;
  otherwise it waits in the list of letters to mail until an officer marks it mailed, with the
  mailing date (the date the notice counts from).
- Its PDF, SHA-256 and text never change: re-opening it returns the same bytes, whatever became
  of the case, the calendar or the configuration since.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import unit_of_work
from casework.i18n import N_, gettext, normalize_language
from casework.models import Case, CaseEvent, Letter, LetterChannel, MessageChannel, Requester
from casework.pdf import render_pdf
from casework.repositories import cases as cases_repo
from casework.repositories import letters as repo
from casework.schemas import clean_text
from casework.services import door
from casework.services.errors import Forbidden, InvalidInput, NotFound
from notifications import outbox
from notifications.letters import Addressee, document, render_letter
from notifications.outbox import NewMessage
from workflows.deadlines import receipt_date
from workflows.events import EventKind

REQUEST_NOUNS = {
    "complaint": N_("your complaint"),
    "information_request": N_("your request for information"),
    "media_request": N_("your request"),
    "supplier_complaint": N_("your complaint"),
    "comment": N_("your comment"),
}
KIND_LABELS = {
    "acknowledgment": N_("Acknowledgment of receipt"),
    "information_request": N_("Request for missing information"),
    "extension_notice": N_("Extension of the answer delay"),
    "answer": N_("Answer"),
    "closing": N_("Closing without an answer"),
    "survey_invitation": N_("Invitation to the satisfaction survey"),
}
# The service declaration points the person not satisfied with the answer to a complaint to the
# Protecteur du citoyen; the answer to a request for information or a comment does not.
PROTECTEUR_KINDS = frozenset({"complaint"})
TO_MAIL_LIMIT = 500


def letter_file_name(letter: Letter, reference: str) -> str:
    """Return the file name of a letter's PDF: `PLT-2026-00001-3-acknowledgment.pdf`."""
    return f"{reference}-{letter.id}-{letter.kind}.pdf"


def issue(
    ctx: AppContext,
    session: Session,
    case: Case,
    *,
    kind: str,
    actor: Actor,
    now: datetime,
    today: date,
    **context,
) -> Letter | None:
    """Write a letter to the case's requester inside the caller's unit of work, keep it as sent,
    and email it or list it for mailing; None when the case has no requester to write to."""
    requester = session.get(Requester, case.requester_id) if case.requester_id else None
    if requester is None:
        return None
    language = normalize_language(requester.language)
    written = render_letter(
        kind,
        language,
        organization=ctx.settings.organization,
        office_hours=ctx.settings.calendar.office_hours,
        letter_date=today,
        reference=case.reference,
        addressee=Addressee(
            name=requester.name, title=requester.title, postal_address=requester.postal_address
        ),
        request_noun=gettext(REQUEST_NOUNS[case.kind], language),
        received_on=receipt_date(case.received_at, ctx.tz),
        case_subject=case.subject,
        org_email=ctx.settings.organization.email,
        protecteur=case.kind in PROTECTEUR_KINDS,
        **context,
    )
    title = f"{written.subject} — {case.reference}"
    pdf = render_pdf(document([written.html], language=language, title=title))
    by_email = bool(requester.email) and not requester.by_mail
    letter = repo.add(
        session,
        Letter(
            case_id=case.id,
            kind=kind,
            language=language,
            channel=(LetterChannel.EMAIL if by_email else LetterChannel.MAIL).value,
            recipient=requester.email if by_email else None,
            letter_date=today,
            subject=written.subject,
            text_body=written.text,
            html_body=written.html,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            created_by=actor.label,
            created_at=now,
        ),
    )
    if by_email:
        outbox.enqueue(
            session,
            message=NewMessage(
                kind="letter",
                channel=MessageChannel.EMAIL.value,
                language=language,
                subject=title,
                text_body=written.text,
                recipient=requester.email,
                case_id=case.id,
                letter_id=letter.id,
                dedup_key=f"letter:{letter.id}",
            ),
            now=now,
        )
    return letter


def event_data(letter: Letter | None) -> dict:
    """Return what the event of the step keeps about its letter."""
    if letter is None:
        return {}
    return {"letter_id": letter.id, "letter_channel": letter.channel}


# -- reading the letters: checked and logged here, for every interface ------------------------


@dataclass
class CaseLetters:
    case: Case
    letters: list[Letter]


def _readable_case(session: Session, actor: Actor, reference: str) -> Case:
    case = cases_repo.get_by_reference(session, reference)
    if case is None:
        raise NotFound(N_("No case has the reference %(reference)s."), reference=reference)
    door.check(actor, "case.read", case)
    if not door.sees_requester(actor, case):
        raise Forbidden()
    return case


def for_case(ctx: AppContext, *, actor: Actor, interface: str, reference: str) -> CaseLetters:
    """Return the letters of a case, oldest first (without their PDF bytes); log the access."""
    with door.reading(ctx, actor, interface) as session:
        case = _readable_case(session, actor, reference)
        letters = repo.for_case(session, case.id)
        door.log(
            session,
            ctx,
            actor=actor,
            interface=interface,
            case_ids=[case.id] if letters else [],
            what="letters",
        )
    return CaseLetters(case=case, letters=letters)


def get(
    ctx: AppContext, *, actor: Actor, interface: str, reference: str, letter_id: int
) -> tuple[Case, Letter]:
    """Return one letter of a case as it was sent, PDF bytes included; log the access."""
    with door.reading(ctx, actor, interface) as session:
        case = _readable_case(session, actor, reference)
        letter = repo.get(session, letter_id)
        if letter is None or letter.case_id != case.id:
            raise NotFound(
                N_("Case %(reference)s has no letter %(id)s."), reference=reference, id=letter_id
            )
        door.log(session, ctx, actor=actor, interface=interface, case_ids=[case.id], what="letter")
    return case, letter


def to_mail(ctx: AppContext, *, actor: Actor, interface: str) -> list[repo.ToMail]:
    """Return the letters waiting to be printed and mailed, oldest first; log each case shown."""
    door.check(actor, "letters.mail")
    with door.reading(ctx, actor, interface) as session:
        items = repo.to_mail(session, limit=TO_MAIL_LIMIT)
        door.log(
            session,
            ctx,
            actor=actor,
            interface=interface,
            case_ids=[item.case.id for item in items],
            what="letters to mail",
        )
    return items


def mark_mailed(
    ctx: AppContext, *, actor: Actor, interface: str, letter_id: int, on: date
) -> tuple[Letter, Case]:
    """Record that a letter was mailed on a given day (not in the future, not before it was
    written); marking it again with the same day changes nothing."""
    door.check(actor, "letters.mail")
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        letter = repo.get(session, letter_id, for_update=True)
        if letter is None:
            raise NotFound(N_("No letter has the id %(id)s."), id=letter_id)
        case = session.get(Case, letter.case_id)
        if letter.channel != LetterChannel.MAIL:
            raise InvalidInput(
                N_("Letter %(id)s was sent by email: there is nothing to mail."),
                field="letter_id",
                id=letter_id,
            )
        if on > ctx.today():
            raise InvalidInput(N_("The mailing date is in the future."), field="mailed_on")
        if on < letter.letter_date:
            raise InvalidInput(
                N_("The mailing date is before the letter's date."), field="mailed_on"
            )
        if letter.mailed_on is not None and letter.mailed_on != on:
            raise InvalidInput(
                N_("Letter %(id)s is already recorded as mailed on another day."),
                field="mailed_on",
                id=letter_id,
            )
        if letter.mailed_on is None:
            letter.mailed_on = on
            letter.mailed_by = actor.label
            letter.mailed_at = now
            session.add(letter)
            cases_repo.add_event(
                session,
                CaseEvent(
                    case_id=case.id,
                    at=now,
                    actor=actor.label,
                    kind=EventKind.LETTER_MAILED,
                    data={"letter_id": letter.id, "mailed_on": on.isoformat()},
                ),
            )
        door.log(session, ctx, actor=actor, interface=interface, case_ids=[case.id], what="letter")
    return letter, case


ADDRESS_MAX = 500


def add_postal_address(
    ctx: AppContext, *, actor: Actor, interface: str, letter_id: int, address: str
) -> tuple[Letter, Case]:
    """Give the requester of a letter to mail the postal address it lacks (the street, then the
    city, province and postal code: two lines at least); the addition is an event of the case's
    trail. A letter already written keeps its PDF as written: the address goes on the envelope,
    and on every letter written after it."""
    door.check(actor, "letters.mail")
    address = "\n".join(line.strip() for line in clean_text(address).splitlines() if line.strip())
    if not address:
        raise InvalidInput(N_("This field is required."), field="postal_address")
    if len(address) > ADDRESS_MAX:
        raise InvalidInput(
            N_("The address is longer than %(max)s characters."),
            field="postal_address",
            max=ADDRESS_MAX,
        )
    if len(address.splitlines()) < 2:
        raise InvalidInput(
            N_(
                "Write the address on two lines at least: the number and street, then the city, "
                "the province and the postal code."
            ),
            field="postal_address",
        )
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        letter = repo.get(session, letter_id, for_update=True)
        if letter is None or letter.channel != LetterChannel.MAIL or letter.mailed_on is not None:
            raise NotFound(N_("No letter to mail has the id %(id)s."), id=letter_id)
        case = session.get(Case, letter.case_id)
        requester = cases_repo.get_requester(session, case.requester_id)
        if requester is None:
            raise InvalidInput(
                N_("Case %(reference)s has no requester to write to."),
                field="postal_address",
                reference=case.reference,
            )
        if requester.postal_address:
            raise InvalidInput(
                N_("The requester of case %(reference)s already has a postal address."),
                field="postal_address",
                reference=case.reference,
            )
        requester.postal_address = address
        session.add(requester)
        cases_repo.add_event(
            session,
            CaseEvent(
                case_id=case.id,
                at=now,
                actor=actor.label,
                kind=EventKind.ADDRESS_ADDED,
                data={"letter_id": letter.id},
            ),
        )
        door.log(session, ctx, actor=actor, interface=interface, case_ids=[case.id], what="update")
    return letter, case
