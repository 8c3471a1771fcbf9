"""Email that becomes cases by itself, and replies that land on their case.

Issue 14: "A message whose subject carries a case reference (`PLT-2026-00042`) or whose
`In-Reply-To`/`References` matches a message casework sent is added to that case's trail as
correspondence, with its attachments as documents; if the case is awaiting the requester and the
sender is the requester, the case resumes, and its event says why. Otherwise a new case is
registered: channel email, kind `complaint` unless the configured address says otherwise,
requester from `From`, subject and the text body [...], attachments as documents, received at
the time the body's server received it". "Each message is processed once, identified by its
`Message-ID` (or a hash of the raw message when it has none), even when fetched twice or by two
processes at once". "A message that cannot be parsed is kept in a quarantine list that officers
can see, never lost." "Whether the acknowledgment of a new email case is sent automatically is a
setting (off by default: the officer reviews first)."

Exactly once: the message's row in `incoming_messages` (unique by key) is inserted in the same
unit of work as the case or the correspondence it makes. A second process inserting the same key
finds it (SQLite serializes writers; PostgreSQL makes the second insert wait for the first to
commit) and does nothing; a process killed after the commit, before the mailbox marked the
message seen, finds it on its next run. The resume is the life cycle's own `resume` transition
(casework.services.cases), which moves the answer deadline by the business days paused.

Batches: `mail fetch` hands the messages over in batches (`receive_batch`), one unit of work a
batch, each message in a savepoint of its own. A message refused as a case is kept in quarantine
and the others go on; an unexpected error (the database gone) rolls the whole batch back, and
the next run takes its messages again, none of them marked seen.
"""

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parseaddr

from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session

from casework import inbound
from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_, format_day, gettext
from casework.models import Case, CaseEvent, IncomingMessage, MessageOutcome, OutboxMessage
from casework.repositories import cases as cases_repo
from casework.repositories import documents as documents_repo
from casework.schemas import PREFIXES, CaseCreate, Channel, RequesterCreate, TransitionIn
from casework.security import policy
from casework.services import cases as case_service
from casework.services import documents, notices
from casework.services.errors import Forbidden, NotFound, ServiceError
from casework.storage import Received as StoredFile
from workflows.case_flow import CaseState, Trigger
from workflows.deadlines import receipt_date
from workflows.events import EventKind

log = logging.getLogger("casework.mail")
SYSTEM = Actor(label="system:email")
MAX_TEXT = 20000
MAX_SUBJECT = 300
REFERENCE = re.compile(r"\b(" + "|".join(PREFIXES.values()) + r")-(\d{4})-(\d{5})\b")
# The Message-ID casework gives what it sends (notifications.channels.emails.message_id).
SENT_ID = re.compile(r"^<casework\.(\d+)\.(\d{14})@")


@dataclass
class Received:
    """What became of one message."""

    key: str
    outcome: MessageOutcome | None  # None: processed before, nothing done now
    reference: str | None = None
    reason: str | None = None
    resumed: bool = False
    refused: list[str] = field(default_factory=list)

    @property
    def duplicate(self) -> bool:
        return self.outcome is None


def receive(ctx: AppContext, *, raw: bytes, internaldate: datetime | None = None) -> Received:
    """Process one raw message once: a new case, correspondence on its case, ignored, or kept in
    quarantine."""
    return receive_batch(ctx, messages=[Incoming(raw=raw, internaldate=internaldate)])[0]


@dataclass
class Incoming:
    """One raw message, and when the mailbox received it (its INTERNALDATE) when known."""

    raw: bytes
    internaldate: datetime | None = None


@dataclass
class _Read:
    """What is known of one message before the unit of work: read, its files written."""

    index: int
    key: str
    raw: bytes
    outcome: MessageOutcome  # NEW_CASE stands for a case or correspondence, decided later
    message: inbound.Inbound | None = None
    reason: str | None = None
    checked: list[documents.Checked] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)
    raw_file: StoredFile | None = None  # the bytes of a message kept in quarantine

    def files(self) -> list[StoredFile]:
        return [item.received for item in self.checked] + ([self.raw_file] if self.raw_file else [])


def receive_batch(ctx: AppContext, *, messages: Sequence[Incoming]) -> list[Received]:
    """Process a batch of raw messages, each once, in one unit of work; return what became of
    each, in order.

    The files of the whole batch are written, then flushed to disk together, then named, and
    their folders flushed, before the commit (casework.storage): a row never names a file a
    crash could take back, and a crash before the commit leaves only files no row names, which
    the orphan sweep removes. The messages' rows are claimed first, in the order of their keys,
    so that two processes taking overlapping batches wait for each other instead of locking
    each other out. Each message is processed in a savepoint of its own: one that cannot be
    registered is kept in quarantine without taking the others with it."""
    store = documents.store(ctx)
    keys = [inbound.message_key(item.raw) for item in messages]
    with read_session(ctx.engine) as session:
        known = documents_repo.known_keys(session, keys)
    results: list[Received | None] = [None] * len(messages)
    batch: list[_Read] = []
    named: list[str] = []
    try:
        for index, (item, key) in enumerate(zip(messages, keys, strict=True)):
            if key in known:
                results[index] = Received(key=key, outcome=None)
            else:
                batch.append(_read(ctx, index=index, key=key, item=item))
        store.make_durable(file for read in batch for file in read.files())
        now = ctx.now()
        with unit_of_work(ctx.engine) as session:
            claimed = _claim(session, batch, now=now)
            for read in batch:
                results[read.index] = _take(ctx, session, read, claimed.get(read.index), named)
            store.sync_names(named)
    except BaseException:
        store.discard(file for read in batch for file in read.files())
        raise
    # The files of messages processed before (by another process meanwhile) were not named.
    store.discard(file for read in batch for file in read.files())
    return results  # type: ignore[return-value]


def _read(ctx: AppContext, *, index: int, key: str, item: Incoming) -> _Read:
    """Read one message and write its files (not yet flushed, not yet named)."""
    try:
        message = inbound.parse(item.raw, internaldate=item.internaldate, key=key)
    except inbound.Unreadable as unreadable:
        raw_file = documents.store(ctx).receive(
            io.BytesIO(item.raw), limit=len(item.raw), durable=False
        )
        return _Read(
            index,
            key,
            item.raw,
            MessageOutcome.QUARANTINED,
            reason=str(unreadable),
            raw_file=raw_file,
        )
    ignored = message.automatic or _from_ourselves(ctx, message)
    if ignored:
        return _Read(index, key, item.raw, MessageOutcome.IGNORED, message, reason=ignored)
    checked, refused = _check_attachments(ctx, message)
    return _Read(
        index, key, item.raw, MessageOutcome.NEW_CASE, message, checked=checked, refused=refused
    )


def _claim(session: Session, batch: list[_Read], *, now: datetime) -> dict[int, int]:
    """Insert the row of each message not processed yet, in the order of their keys; return the
    id of each row claimed, by the message's place in the batch."""
    claimed = {}
    for read in sorted(batch, key=lambda read: read.key):
        row_id = documents_repo.claim_message(
            session,
            _row(
                read.key,
                outcome=read.outcome,
                now=now,
                message=read.message,
                reason=read.reason,
                raw_sha256=read.raw_file.sha256 if read.raw_file else None,
                raw_size=len(read.raw) if read.raw_file else None,
            ),
        )
        if row_id is not None:
            claimed[read.index] = row_id
    return claimed


def _take(
    ctx: AppContext, session: Session, read: _Read, claimed: int | None, named: list[str]
) -> Received:
    """Do what a claimed message asks for, in its own savepoint."""
    if claimed is None:  # the same message, taken by another process or earlier in the batch
        return Received(key=read.key, outcome=None)
    store = documents.store(ctx)
    if read.outcome is MessageOutcome.IGNORED:
        return Received(key=read.key, outcome=read.outcome, reason=read.reason)
    if read.outcome is MessageOutcome.QUARANTINED:
        if store.keep(read.raw_file):
            named.append(read.raw_file.sha256)
        return Received(key=read.key, outcome=read.outcome, reason=read.reason)
    new_files: list[str] = []
    savepoint = session.begin_nested()
    try:
        result = _process(
            ctx, session, read.message, read.checked, read.refused, new_files, claimed
        )
        savepoint.commit()
    except (ValidationError, ServiceError) as refusal:
        # A message read but refused as a case (a receipt outside the calendar's years, a
        # subject of control characters): nothing of it was written; keep it for an officer.
        savepoint.rollback()
        log.warning("message %s kept in quarantine: %s", read.key, refusal)
        return _quarantine(ctx, session, read, claimed, named)
    named.extend(new_files)
    return result


def _from_ourselves(ctx: AppContext, message: inbound.Inbound) -> str | None:
    """Say so when casework itself sent the message (a loop through an auto-forward)."""
    ours = parseaddr(ctx.settings.smtp.from_address)[1].lower()
    return "sent by casework itself" if message.sender_address == ours else None


def _row(
    key: str,
    *,
    outcome: MessageOutcome,
    now: datetime,
    message: inbound.Inbound | None = None,
    **fields,
) -> dict:
    """Return the `incoming_messages` row of a message (what was read of it, when there is)."""
    row = {
        "message_key": key,
        "outcome": outcome.value,
        "sender": message.sender_address[:320] if message else "",
        "subject": message.subject[:MAX_SUBJECT] if message else "",
        "received_at": message.received_at if message else None,
        "created_at": now,
        "case_id": None,
        "reason": None,
        "raw_sha256": None,
        "raw_size": None,
    }
    return {**row, **fields}


def _quarantine(
    ctx: AppContext, session: Session, read: _Read, claimed: int, named: list[str]
) -> Received:
    """Keep a message that cannot be registered: its bytes stored like a document, its row
    listed for the officers."""
    reason = N_("The message could not be registered as a case.")
    sha256, new = documents.store(ctx).put_bytes(read.raw)
    if new:
        named.append(sha256)
    documents_repo.set_outcome(
        session,
        claimed,
        outcome=MessageOutcome.QUARANTINED.value,
        sender="",
        subject="",
        received_at=None,
        reason=reason,
        raw_sha256=sha256,
        raw_size=len(read.raw),
    )
    return Received(key=read.key, outcome=MessageOutcome.QUARANTINED, reason=reason)


def _check_attachments(
    ctx: AppContext, message: inbound.Inbound
) -> tuple[list[documents.Checked], list[dict]]:
    """Receive and recognize each attachment; note those refused (kind or size) and why."""
    checked, refused = [], []
    for attachment in message.attachments:
        try:
            item = documents.check(
                ctx,
                filename=attachment.filename,
                stream=io.BytesIO(attachment.data),
                durable=False,
            )
        except ServiceError as refusal:
            refused.append(
                {
                    "filename": documents.clean_filename(attachment.filename),
                    "msgid": refusal.msgid,
                    "params": {k: str(v) for k, v in refusal.params.items()},
                }
            )
            continue
        item.description = message.subject[: documents.MAX_DESCRIPTION]
        checked.append(item)
    return checked, refused


def _target(session: Session, message: inbound.Inbound) -> Case | None:
    """Return the case a message answers, locked: by the reference in its subject, or by the
    message of casework it replies to."""
    for match in REFERENCE.finditer(message.subject):
        case = cases_repo.get_by_reference(session, match.group(0), for_update=True)
        if case is not None:
            return case
    outbox_ids = [int(m.group(1)) for i in message.in_reply_to if (m := SENT_ID.match(i))]
    if outbox_ids:
        query = select(OutboxMessage.case_id).where(
            OutboxMessage.id.in_(outbox_ids), OutboxMessage.case_id.is_not(None)
        )
        case_id = session.execute(query).scalars().first()
        if case_id is not None:
            return session.get(Case, case_id, with_for_update=True)
    return None


def _fitting(
    session: Session, ctx: AppContext, case_id: int | None, checked: list, refused: list
) -> list:
    """Keep the attachments that fit in the case's limit, in order; note and discard the others
    (`checked` keeps only those kept, so that a failure later discards the right files)."""
    room = ctx.settings.documents.max_case_bytes
    if case_id is not None:
        room -= documents_repo.total_size(session, case_id)
    kept = []
    for item in checked:
        if item.received.size <= room:
            kept.append(item)
            room -= item.received.size
        else:
            refused.append(
                {
                    "filename": item.filename,
                    "msgid": N_("The documents of a case may take %(limit)s MB in all."),
                    "params": {"limit": str(ctx.settings.documents.max_case_mb)},
                }
            )
            documents.store(ctx).discard([item.received])
    checked[:] = kept
    return kept


def _process(
    ctx: AppContext,
    session: Session,
    message: inbound.Inbound,
    checked: list[documents.Checked],
    refused: list[dict],
    new_files: list[str],
    claimed: int,
) -> Received:
    now = ctx.now()
    received_at = min(message.received_at or now, now)
    case = _target(session, message)
    resumed = False
    if case is None:
        outcome = MessageOutcome.NEW_CASE
        case = _new_case(ctx, session, message, received_at=received_at, now=now)
        from_requester = True
    else:
        outcome = MessageOutcome.CORRESPONDENCE
        requester = cases_repo.get_requester(session, case.requester_id)
        from_requester = bool(
            requester
            and requester.email
            and requester.email.lower() == message.sender_address.lower()
        )
    for item in checked:
        item.from_requester = from_requester
    kept = _fitting(
        session,
        ctx,
        case.id if outcome is MessageOutcome.CORRESPONDENCE else None,
        checked,
        refused,
    )
    rows, new = documents.record(
        ctx,
        session,
        case=case,
        files=kept,
        actor=SYSTEM,
        now=now,
        source="email",
        message_key=message.key,
        sync=False,
        stored=0 if outcome is MessageOutcome.NEW_CASE else None,
    )
    new_files.extend(new)
    facts = {
        "message_key": message.key,
        "subject": message.subject[:MAX_SUBJECT],
        "from_requester": from_requester,
        "received_at": received_at.isoformat(),
        "documents": documents.document_facts(rows),
        "refused": [
            {"filename": r["filename"], "reason": gettext(r["msgid"], "en", **r["params"])}
            for r in refused
        ],
    }
    if outcome is MessageOutcome.CORRESPONDENCE:
        cases_repo.add_event(
            session,
            CaseEvent(
                case_id=case.id,
                at=now,
                actor=SYSTEM.label,
                kind=EventKind.CORRESPONDENCE,
                reason=message.text[:MAX_TEXT] or None,
                data=facts,
            ),
        )
        received_on = receipt_date(received_at, ctx.tz)
        if from_requester and case.status == CaseState.AWAITING_REQUESTER.value:
            _resume(ctx, session, case, received_on=received_on, now=now)
            resumed = True
        # A reply nobody hears of waits unread: the assignee (or the officers) is told.
        notices.on_correspondence(
            ctx,
            session,
            case,
            now=now,
            received_on=received_on,
            email_subject=message.subject,
            from_requester=from_requester,
            resumed=resumed,
        )
    else:
        if rows or refused:
            documents_repo.insert_values(
                session,
                CaseEvent,
                {
                    "case_id": case.id,
                    "at": now,
                    "actor": SYSTEM.label,
                    "kind": EventKind.DOCUMENTS,
                    "trigger": None,
                    "from_state": None,
                    "to_state": None,
                    "reason": None,
                    "data": facts,
                },
            )
        if ctx.settings.mail.auto_acknowledge:
            case_service.fire_on(
                ctx,
                session,
                case,
                actor=SYSTEM,
                request=TransitionIn(trigger=Trigger.ACKNOWLEDGE, version=case.version),
                now=now,
            )
    documents_repo.set_outcome(session, claimed, outcome=outcome.value, case_id=case.id)
    return Received(
        key=message.key,
        outcome=outcome,
        reference=case.reference,
        resumed=resumed,
        refused=[r["filename"] for r in refused],
    )


def _new_case(
    ctx: AppContext, session: Session, message: inbound.Inbound, *, received_at, now
) -> Case:
    language = ctx.settings.i18n.default_language
    subject = " ".join(message.subject.split())[:MAX_SUBJECT]
    subject = (
        subject if subject.isprintable() and subject else gettext(N_("(no subject)"), language)
    )
    name = (message.sender_name or message.sender_address)[:200]
    try:
        person = RequesterCreate(name=name, email=message.sender_address, language=message.language)
    except ValidationError:
        # An address the validator refuses still names the person: keep the case, without it.
        person = RequesterCreate(name=name, language=message.language)
    data = CaseCreate(
        kind=ctx.settings.mail.kind_for(message.recipients),
        channel=Channel.EMAIL,
        subject=subject,
        description=message.text[:MAX_TEXT],
        received_at=received_at,
        requester=person,
    )
    registered = case_service.register(ctx, session, actor=SYSTEM, data=data, now=now).case
    if not ctx.settings.mail.auto_acknowledge:
        return registered
    # register() inserts without the session's bookkeeping: load the row the session tracks, so
    # that the transition fired next (the automatic acknowledgment) is written.
    return session.get(Case, registered.id)


def _resume(ctx: AppContext, session: Session, case: Case, *, received_on: date, now) -> None:
    """Resume a case awaiting the requester, from the day their reply reached the office."""
    language = ctx.settings.i18n.default_language
    today = max(received_on, case.paused_on) if case.paused_on else received_on
    reason = gettext(
        N_("The requester replied by email on %(day)s."),
        language,
        day=format_day(received_on, language),
    )
    case_service.fire_on(
        ctx,
        session,
        case,
        actor=SYSTEM,
        request=TransitionIn(trigger=Trigger.RESUME, version=case.version, reason=reason),
        now=now,
        today=today,
    )


def quarantined(ctx: AppContext, *, actor: Actor) -> list[IncomingMessage]:
    """Return the messages that could not be read, for the officers who look at them."""
    if not policy.can(actor, "mail.quarantine"):
        raise Forbidden()
    with read_session(ctx.engine) as session:
        return documents_repo.quarantined(session)


def quarantined_file(ctx: AppContext, *, actor: Actor, message_id: int):
    """Return a quarantined message and where its raw bytes are."""
    if not policy.can(actor, "mail.quarantine"):
        raise Forbidden()
    with read_session(ctx.engine) as session:
        row = session.get(IncomingMessage, message_id)
    if row is None or row.outcome != MessageOutcome.QUARANTINED.value or not row.raw_sha256:
        raise NotFound(N_("No message in quarantine has the id %(id)s."), id=message_id)
    return row, documents.store(ctx).path(row.raw_sha256)
