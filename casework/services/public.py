"""The citizen's side: the public form, the private status page and its additions.

Issue 15 and DESIGN §2.8: "A person can send a complaint, request or comment from public pages
without an account, follow it on a private status page (a random token, stored hashed), add
information". Every rule of that side is here, for the pages and the API alike:

- Robots: a hidden field `website` filled, or a form sent sooner than `public.minimum_fill_seconds`
  after it was shown, is refused and nothing is written; each client address may send
  `public.submissions_per_hour` forms in a moving hour (the body-size limit is the middleware's).
- The link: `secrets.token_urlsafe(32)` (256 bits), stored only as its SHA-256 and compared in
  constant time. It holds while the case keeps its personal information: until the planned date
  of the retention schedule (casework.services.retention) and never after the final action. A
  wrong, expired or unknown link answers the same "no such page", after the same work (one lookup
  by hash), and each counts against the address (`public.wrong_links_per_hour`).
- What the status page shows: the reference, the kind, the state in plain words, the answer date
  the body committed to, the letters sent, the documents and additions the person gave, and the
  way to the Protecteur du citoyen for a complaint. Never the staff's notes or names (a letter
  carries its signatory, as sent), nor anything the person did not give.
- An addition goes to the case's trail; when the case awaits the requester it resumes it (the
  life cycle's own `resume`), and the event says so. Each reading through a link writes an
  access-log row (interface "portal").
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_, format_day, gettext
from casework.models import (
    Case,
    CaseClassification,
    CaseEvent,
    Disposition,
    Document,
    Letter,
    LetterChannel,
    MessageChannel,
    PortalToken,
    Requester,
    TokenPurpose,
)
from casework.repositories import cases as cases_repo
from casework.repositories import documents as documents_repo
from casework.repositories import letters as letters_repo
from casework.schemas import (
    CaseCreate,
    Channel,
    PreferredChannel,
    PublicSubmissionIn,
    RequesterCreate,
    TransitionIn,
    clean_text,
)
from casework.services import cases as case_service
from casework.services import documents, door, notices
from casework.services import retention as retention_service
from casework.services.errors import InvalidInput, NotFound, TooManyAttempts
from notifications import outbox
from notifications.outbox import NewMessage
from workflows.case_clock import DeadlineName, running_deadlines
from workflows.case_flow import CaseState, Trigger
from workflows.events import EventKind

PORTAL = "portal"
TOKEN_BYTES = 32  # 256 bits
MAX_ADDITION = 20000
MAX_FILES = 5

# The state of a case as the person reads it.
PLAIN_STATES = {
    CaseState.RECEIVED: N_("Received: it will be examined."),
    CaseState.ACKNOWLEDGED: N_("Being examined."),
    CaseState.AWAITING_REQUESTER: N_("Waiting for information from you."),
    CaseState.ANSWERED: N_("Answered."),
    CaseState.ESCALATED: N_("Referred to the Protecteur du citoyen."),
    CaseState.CLOSED: N_("Closed."),
}
KIND_NOUNS = {
    "complaint": N_("Complaint"),
    "information_request": N_("Request for information"),
    "media_request": N_("Media request"),
    "supplier_complaint": N_("Supplier complaint"),
    "comment": N_("Comment"),
}
PROTECTEUR_KINDS = frozenset({"complaint"})


class TooManyRequests(TooManyAttempts):
    """Too many forms or wrong links from one client address in the last hour."""

    code = "too_many_requests"

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(retry_after=retry_after)
        self.msgid = N_(
            "Too many attempts from this address in the last hour. Try again later (in about "
            "%(minutes)s min)."
        )


def unknown_link() -> NotFound:
    """The one answer to a link that leads nowhere (unknown, wrong or expired)."""
    return NotFound(N_("This link leads to no case. Check that it was copied whole."))


# -- tokens -----------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(session: Session, *, case_id: int, purpose: TokenPurpose, now: datetime) -> str:
    """Make a private link's token for a case in the caller's unit of work; keep only its hash."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    cases_repo.insert_row(
        session,
        PortalToken(
            case_id=case_id, purpose=purpose.value, token_hash=_digest(token), created_at=now
        ),
    )
    return token


def _still_kept(ctx: AppContext, session: Session, case: Case) -> bool:
    """Tell whether the case still keeps the person's information (the link's lifetime)."""
    if session.get(Disposition, case.id) is not None:
        return False
    planned = retention_service.disposition(ctx, session, case).planned_on
    return planned is None or ctx.today() < planned


def find_link(
    ctx: AppContext, session: Session, *, token: str, purpose: TokenPurpose, address: str
) -> tuple[PortalToken, Case]:
    """Return the token row and case of a link; refuse a wrong one like an unknown one."""
    throttle = ctx.public_throttle
    wait = throttle.wait(throttle.wrong_links, address)
    if wait is not None:
        raise TooManyRequests(retry_after=wait)
    wanted = _digest(token[:200])
    row = session.execute(
        select(PortalToken).where(PortalToken.token_hash == wanted)
    ).scalar_one_or_none()
    stored = row.token_hash if row is not None else "0" * 64
    case = session.get(Case, row.case_id) if row is not None else None
    valid = (
        hmac.compare_digest(stored, wanted)
        and row is not None
        and row.purpose == purpose.value
        and case is not None
        and _still_kept(ctx, session, case)
    )
    if not valid:
        throttle.hit(throttle.wrong_links, address)
        raise unknown_link()
    return row, case


def public_url(ctx: AppContext, path: str) -> str:
    """Return the absolute address of a public path."""
    return ctx.settings.server.base_url.rstrip("/") + path


def status_url(ctx: AppContext, token: str) -> str:
    return public_url(ctx, f"{ctx.settings.public.status_path}/{token}")


# -- the form ---------------------------------------------------------------------------------


def form_stamp(ctx: AppContext) -> str:
    """Return the signed moment a form was shown (its hidden field), to measure the fill time."""
    shown = f"{time.time():.3f}"
    return f"{shown}.{_sign(ctx, shown)}"


def _sign(ctx: AppContext, text: str) -> str:
    key = ctx.settings.security.secret_key.get_secret_value().encode()
    return hmac.new(key, b"public-form:" + text.encode(), hashlib.sha256).hexdigest()[:32]


def _filled_too_fast(ctx: AppContext, stamp: str | None) -> bool:
    """Tell whether a form came back sooner than a person can fill it (or without its stamp)."""
    try:
        shown, signature = (stamp or "").rsplit(".", 1)
        seconds = time.time() - float(shown)
    except ValueError:
        return True
    if not hmac.compare_digest(signature, _sign(ctx, shown)):
        return True
    return seconds < ctx.settings.public.minimum_fill_seconds


@dataclass
class Submitted:
    """A case registered from a public page or the public API."""

    reference: str
    kind: str
    answer_due_on: date | None
    token: str
    status_url: str
    emailed: bool


def answer_date(case: Case) -> date | None:
    """Return the date by which the body committed to answer while the case clock
    (`workflows.case_clock.running_deadlines`) says the answer is owed and its clock runs (None
    once answered, closed or while the body waits for the person)."""
    running = running_deadlines(
        status=case.status,
        ack_due_on=case.ack_due_on,
        answer_due_on=case.answer_due_on,
        protecteur_reply_due_on=case.protecteur_reply_due_on,
        ack_outcome=case.ack_outcome,
        answer_met_on=case.answer_met_on,
    )
    return next((d.due_on for d in running if d.name == DeadlineName.ANSWER), None)


def _check_submission(ctx: AppContext, data: PublicSubmissionIn) -> None:
    if data.website.strip():
        raise InvalidInput(
            N_("This form was filled in by a robot: it was not sent."), field="website"
        )
    if ctx.settings.public.form_of(data.kind) is None:
        raise InvalidInput(N_("This kind of request cannot be sent here."), field="kind")
    if data.service is not None and data.service not in ctx.settings.public.services:
        raise InvalidInput(N_("Choose a service from the list."), field="service")
    person = data.requester
    if not (person.email or person.phone or person.postal_address):
        raise InvalidInput(
            N_("Give an email address, a telephone number or a postal address."),
            field="requester.email",
        )
    wanted = {
        PreferredChannel.EMAIL: ("email", person.email),
        PreferredChannel.PHONE: ("phone", person.phone),
        PreferredChannel.MAIL: ("postal_address", person.postal_address),
    }[person.preferred_channel]
    if not wanted[1]:
        raise InvalidInput(
            N_("Give the contact details of the way you prefer to be reached."),
            field=f"requester.{wanted[0]}",
        )


def submit(
    ctx: AppContext,
    *,
    data: PublicSubmissionIn,
    address: str,
    uploads: list[documents.Upload] | None = None,
    stamp: str | None = None,
    from_page: bool = False,
) -> Submitted:
    """Register a case sent from a public page (`from_page`: fill time checked) or from a
    body's website through the API; email the person their private link."""
    throttle = ctx.public_throttle
    wait = throttle.wait(throttle.submissions, address)
    if wait is not None:
        raise TooManyRequests(retry_after=wait)
    throttle.hit(throttle.submissions, address)
    _check_submission(ctx, data)
    if from_page and _filled_too_fast(ctx, stamp):
        raise InvalidInput(
            N_(
                "The form was sent too quickly to have been filled in by a person. Check it and "
                "send it again."
            ),
            field="form",
        )
    uploads = [u for u in uploads or () if u.filename]
    if len(uploads) > MAX_FILES:
        raise InvalidInput(N_("Send at most %(n)s files."), field="files", n=MAX_FILES)
    person = data.requester
    requester = RequesterCreate(
        name=person.name,
        email=person.email,
        phone=person.phone,
        postal_address=person.postal_address,
        language=data.language,
        by_mail=person.preferred_channel == PreferredChannel.MAIL,
    )
    checked: list[documents.Checked] = []
    actor = Actor(label="public:" + ("form" if from_page else "api"))
    try:
        for upload in uploads:
            item = documents.check(ctx, filename=upload.filename, stream=upload.stream)
            item.from_requester = True
            checked.append(item)
        now = ctx.now()
        with unit_of_work(ctx.engine) as session:
            view = case_service.register(
                ctx,
                session,
                actor=actor,
                data=CaseCreate(
                    kind=data.kind,
                    channel=Channel.WEB_FORM,
                    subject=data.subject,
                    description=data.description,
                    received_at=now,
                    requester=requester,
                ),
                now=now,
            )
            case = session.get(Case, view.case.id)
            row = session.get(Requester, case.requester_id)
            row.preferred_channel = person.preferred_channel.value
            if data.service:
                session.add(
                    CaseClassification(
                        case_id=case.id,
                        service=data.service,
                        updated_by=actor.label,
                        updated_at=now,
                    )
                )
            if checked:
                rows, _ = documents.record(
                    ctx, session, case=case, files=checked, actor=actor, now=now, source=PORTAL
                )
                cases_repo.add_event(
                    session,
                    CaseEvent(
                        case_id=case.id,
                        at=now,
                        actor=actor.label,
                        kind=EventKind.DOCUMENTS,
                        data={"documents": documents.document_facts(rows), "interface": PORTAL},
                    ),
                )
            token = issue_token(session, case_id=case.id, purpose=TokenPurpose.STATUS, now=now)
            link = status_url(ctx, token)
            emailed = bool(person.email)
            if emailed:
                _email_link(
                    ctx,
                    session,
                    case,
                    email=person.email,
                    language=data.language,
                    link=link,
                    now=now,
                )
            submitted = Submitted(
                reference=case.reference,
                kind=case.kind,
                answer_due_on=answer_date(case),
                token=token,
                status_url=link,
                emailed=emailed,
            )
    except BaseException:
        documents.store(ctx).discard(item.received for item in checked)
        raise
    return submitted


def _email_link(
    ctx: AppContext, session: Session, case: Case, *, email: str, language: str, link: str, now
) -> None:
    """Enqueue the email that gives the person their reference and private link."""
    organization = ctx.settings.organization
    service = organization.service if language == "fr" else organization.service_en
    due = answer_date(case)
    lines = [
        gettext(N_("Hello,"), language),
        "",
        gettext(
            N_("We have received your message. Its reference is %(reference)s."),
            language,
            reference=case.reference,
        ),
    ]
    if due is not None:
        lines.append(
            gettext(
                N_("We will answer by %(day)s at the latest."),
                language,
                day=format_day(due, language, weekday=True),
            )
        )
    lines += [
        "",
        gettext(
            N_(
                "Follow your file, and add information or documents, at this private address "
                "(keep it to yourself):"
            ),
            language,
        ),
        link,
        "",
        service,
        organization.email,
    ]
    outbox.enqueue(
        session,
        message=NewMessage(
            kind="portal_link",
            channel=MessageChannel.EMAIL.value,
            language=language,
            subject=gettext(N_("Your file %(reference)s"), language, reference=case.reference),
            text_body="\n".join(lines),
            recipient=email,
            case_id=case.id,
            dedup_key=f"portal-link:{case.id}",
        ),
        now=now,
    )


# -- the status page --------------------------------------------------------------------------


@dataclass
class StatusView:
    """What the person may see of their case through their link."""

    reference: str
    kind: str
    status: str
    received_on: date
    answer_due_on: date | None
    subject: str
    letters: list[Letter] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    additions: list[tuple[datetime, str, bool]] = field(default_factory=list)
    protecteur: bool = False
    may_add: bool = True
    awaiting: bool = False


def _sent(letter: Letter) -> bool:
    return letter.channel == LetterChannel.EMAIL.value or letter.mailed_on is not None


def status(ctx: AppContext, *, token: str, address: str) -> StatusView:
    """Return what the person sees of their case; log the reading with it (one unit of work)."""
    with unit_of_work(ctx.engine) as session:
        _, case = find_link(ctx, session, token=token, purpose=TokenPurpose.STATUS, address=address)
        letters = [letter for letter in letters_repo.for_case(session, case.id) if _sent(letter)]
        given = [d for d in documents_repo.for_case(session, case.id) if d.from_requester]
        additions = [
            (event.at, event.reason or "", bool((event.data or {}).get("resumed")))
            for event in cases_repo.events(session, case.id)
            if event.kind == EventKind.PORTAL_ADDITION
        ]
        view = StatusView(
            reference=case.reference,
            kind=case.kind,
            status=case.status,
            received_on=case.received_at.astimezone(ctx.tz).date(),
            answer_due_on=answer_date(case),
            subject=case.subject,
            letters=letters,
            documents=given,
            additions=additions,
            protecteur=case.kind in PROTECTEUR_KINDS,
            may_add=case.status != CaseState.CLOSED,
            awaiting=case.status == CaseState.AWAITING_REQUESTER,
        )
        door.log(
            session, ctx, actor=_reader(case), interface=PORTAL, case_ids=[case.id], what="read"
        )
    return view


def _reader(case: Case) -> Actor:
    return Actor(label=f"public:{case.reference}")


def letter(ctx: AppContext, *, token: str, address: str, letter_id: int) -> tuple[str, bytes]:
    """Return the file name and bytes of one letter sent to the person; log the reading with it
    (one unit of work)."""
    from casework.services.letters import letter_file_name

    with unit_of_work(ctx.engine) as session:
        _, case = find_link(ctx, session, token=token, purpose=TokenPurpose.STATUS, address=address)
        row = letters_repo.get(session, letter_id)
        if row is None or row.case_id != case.id or not _sent(row):
            raise unknown_link()
        door.log(
            session, ctx, actor=_reader(case), interface=PORTAL, case_ids=[case.id], what="letter"
        )
        return letter_file_name(row, case.reference), row.pdf


def add_information(
    ctx: AppContext,
    *,
    token: str,
    address: str,
    text: str,
    uploads: list[documents.Upload] | None = None,
) -> bool:
    """Add the person's information or documents to the trail; resume the case when it awaits
    them. Return whether it resumed."""
    text = clean_text(text or "")
    uploads = [u for u in uploads or () if u.filename]
    if not text and not uploads:
        raise InvalidInput(N_("Write the information to add, or choose a file."), field="text")
    if len(text) > MAX_ADDITION:
        raise InvalidInput(N_("A text has at most %(n)s characters."), field="text", n=MAX_ADDITION)
    if len(uploads) > MAX_FILES:
        raise InvalidInput(N_("Send at most %(n)s files."), field="files", n=MAX_FILES)
    with read_session(ctx.engine) as session:
        find_link(ctx, session, token=token, purpose=TokenPurpose.STATUS, address=address)
    checked: list[documents.Checked] = []
    try:
        for upload in uploads:
            item = documents.check(ctx, filename=upload.filename, stream=upload.stream)
            item.from_requester = True
            checked.append(item)
        now = ctx.now()
        with unit_of_work(ctx.engine) as session:
            _, case = find_link(
                ctx, session, token=token, purpose=TokenPurpose.STATUS, address=address
            )
            case = cases_repo.get_by_reference(session, case.reference, for_update=True)
            if case.status == CaseState.CLOSED:
                raise InvalidInput(
                    N_("This file is closed: write to us to reopen it."), field="text"
                )
            actor = _reader(case)
            rows = []
            if checked:
                rows, _ = documents.record(
                    ctx, session, case=case, files=checked, actor=actor, now=now, source=PORTAL
                )
            resumed = case.status == CaseState.AWAITING_REQUESTER
            cases_repo.add_event(
                session,
                CaseEvent(
                    case_id=case.id,
                    at=now,
                    actor=actor.label,
                    kind=EventKind.PORTAL_ADDITION,
                    reason=text or None,
                    data={
                        "documents": documents.document_facts(rows),
                        "interface": PORTAL,
                        "resumed": resumed,
                    },
                ),
            )
            today = now.astimezone(ctx.tz).date()
            if resumed:
                language = ctx.settings.i18n.default_language
                reason = gettext(
                    N_("The requester added information on the status page on %(day)s."),
                    language,
                    day=format_day(today, language),
                )
                case_service.fire_on(
                    ctx,
                    session,
                    case,
                    actor=actor,
                    request=TransitionIn(
                        trigger=Trigger.RESUME, version=case.version, reason=reason
                    ),
                    now=now,
                    today=today,
                )
            notices.on_correspondence(
                ctx,
                session,
                case,
                now=now,
                received_on=today,
                email_subject=gettext(
                    N_("Information added on the status page"), ctx.settings.i18n.default_language
                ),
                from_requester=True,
                resumed=resumed,
            )
    except BaseException:
        documents.store(ctx).discard(item.received for item in checked)
        raise
    return resumed
