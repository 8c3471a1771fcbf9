"""Documents on a case: attach, list, download.

Issue 14: "upload one or several files (the scanned letter, the person's documents, the body's own
documents), each with a description and whether it came from the requester [...]. Limits in
configuration (default 10 MB a file, 75 MB a case [...]), type checked from the content, not the
name [...]. Documents of a complaint fall under the confidentiality rule and every download
writes an access-log row." DESIGN §2.5: the documents the person sent are visible to complaints
officers, the assignee and administrators (and supervisors, casework.security.policy), and who
viewed them is logged with the reading, through casework.services.door, for every interface.

An attachment is all or nothing: every file is received, checked and named on disk before the
rows are written in one unit of work; a refused file is removed before anything is named, and a
failure after the files were named leaves them to the orphan sweep (casework.services.retention),
which removes files no row names once they are an hour old: a concurrent command may have found
the same bytes stored and be naming them. Nothing half-written stays.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session

from casework import filetypes
from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models import Case, CaseEvent, Document
from casework.repositories import cases as cases_repo
from casework.repositories import documents as repo
from casework.services import door
from casework.services.errors import InvalidInput, NotFound, TooLarge
from casework.storage import DocumentStore, OverLimit, Received
from workflows.events import EventKind

MAX_DESCRIPTION = 500
MAX_FILENAME = 255


@dataclass
class Upload:
    """One file to attach, as its sender named and described it."""

    filename: str
    stream: BinaryIO
    description: str = ""
    from_requester: bool = False


@dataclass
class Checked:
    """A file received, hashed and recognized, not yet named on disk."""

    filename: str
    received: Received
    media_type: str
    description: str = ""
    from_requester: bool = False


@dataclass
class DocumentsView:
    """The documents of a case as one reader may see them: listed, or only counted."""

    shown: bool
    count: int
    items: list[Document] = field(default_factory=list)


@dataclass
class DocumentFile:
    document: Document
    path: Path


def store(ctx: AppContext) -> DocumentStore:
    """Return the document store of this deployment."""
    return DocumentStore.under(ctx.settings.data_dir)


def clean_filename(name: str) -> str:
    """Return a file name safe to keep and to send back: no folders, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    return name[:MAX_FILENAME] or "document"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def check(ctx: AppContext, *, filename: str, stream: BinaryIO, durable: bool = True) -> Checked:
    """Receive one file and recognize it; refuse it when too large or of a kind not accepted.
    With `durable=False` the caller flushes it (with others) before `keep` names it."""
    filename = clean_filename(filename)
    limit = ctx.settings.documents.max_file_bytes
    try:
        received = store(ctx).receive(stream, limit=limit, durable=durable)
    except OverLimit:
        raise TooLarge(
            N_("%(name)s is larger than %(limit)s MB, the most a file may be."),
            field="files",
            name=filename,
            limit=ctx.settings.documents.max_file_mb,
        ) from None
    media_type = filetypes.detect(received.temporary)
    if media_type is None or received.size == 0:
        store(ctx).discard([received])
        raise InvalidInput(filetypes.REFUSED, field="files", name=filename)
    return Checked(filename=filename, received=received, media_type=media_type)


def _case_or_404(session: Session, reference: str, *, for_update: bool = False) -> Case:
    case = cases_repo.get_by_reference(session, reference, for_update=for_update)
    if case is None:
        raise NotFound(N_("No case has the reference %(reference)s."), reference=reference)
    return case


def record(
    ctx: AppContext,
    session: Session,
    *,
    case: Case,
    files: Sequence[Checked],
    actor: Actor,
    now: datetime,
    source: str = "upload",
    message_key: str | None = None,
    sync: bool = True,
    stored: int | None = None,
) -> tuple[list[dict], list[str]]:
    """Name checked files on disk and write their rows in the caller's unit of work; return the
    rows' values (with their ids) and the hashes stored for the first time (their names are flushed
    before the commit). The new names are made durable here, unless the caller does it for a batch
    (`sync=False`) before its commit. `stored`: the bytes the case's documents take already, when
    the caller knows them (none for a case registered in this unit of work)."""
    limit = ctx.settings.documents.max_case_bytes
    if stored is None:
        stored = repo.total_size(session, case.id)
    total = stored + sum(f.received.size for f in files)
    if total > limit:
        raise TooLarge(
            N_("The documents of a case may take %(limit)s MB in all; with these, %(total)s MB."),
            field="files",
            limit=ctx.settings.documents.max_case_mb,
            total=_megabytes(total),
        )
    documents_store = store(ctx)
    new: list[str] = []
    rows = []
    for item in files:
        if documents_store.keep(item.received):
            new.append(item.received.sha256)
        values = {
            "case_id": case.id,
            "sha256": item.received.sha256,
            "size": item.received.size,
            "media_type": item.media_type,
            "filename": item.filename,
            "description": item.description[:MAX_DESCRIPTION],
            "from_requester": item.from_requester,
            "source": source,
            "message_key": message_key,
            "created_at": now,
            "created_by": actor.label,
        }
        rows.append({"id": repo.insert_values(session, Document, values), **values})
    if sync:
        documents_store.sync_names(new)
    return rows, new


def document_facts(rows: Sequence[dict]) -> list[dict]:
    """Return what the trail keeps of added documents (no contents)."""
    return [
        {
            "id": row["id"],
            "filename": row["filename"],
            "size": row["size"],
            "from_requester": row["from_requester"],
        }
        for row in rows
    ]


def attach(
    ctx: AppContext,
    *,
    actor: Actor,
    interface: str,
    reference: str,
    uploads: Sequence[Upload],
) -> list[Document]:
    """Attach one or several files to a case, all or none."""
    if not uploads:
        raise InvalidInput(N_("Choose at least one file."), field="files")
    for upload in uploads:
        if len(upload.description) > MAX_DESCRIPTION:
            raise InvalidInput(
                N_("A description has at most %(n)s characters."),
                field="description",
                n=MAX_DESCRIPTION,
            )
    with read_session(ctx.engine) as session:
        case = _case_or_404(session, reference)
    door.check(actor, "document.attach", case)
    checked: list[Checked] = []
    try:
        for upload in uploads:
            item = check(ctx, filename=upload.filename, stream=upload.stream)
            item.description = upload.description.strip()
            item.from_requester = upload.from_requester
            checked.append(item)
        now = ctx.now()
        with unit_of_work(ctx.engine) as session:
            case = _case_or_404(session, reference, for_update=True)
            rows, _ = record(ctx, session, case=case, files=checked, actor=actor, now=now)
            cases_repo.add_event(
                session,
                CaseEvent(
                    case_id=case.id,
                    at=now,
                    actor=actor.label,
                    kind=EventKind.DOCUMENTS,
                    data={"documents": document_facts(rows), "interface": interface},
                ),
            )
    except BaseException:
        store(ctx).discard(item.received for item in checked)
        raise
    return [Document(**row) for row in rows]


def listed(session: Session, actor: Actor, case: Case) -> DocumentsView:
    """Return the documents of a case as the actor may see them: listed with `document.read`,
    else only counted (the caller logs what it shows)."""
    if not door.may(actor, "document.read", case):
        return DocumentsView(shown=False, count=repo.count(session, case.id))
    items = repo.for_case(session, case.id)
    return DocumentsView(shown=True, count=len(items), items=items)


def for_case(ctx: AppContext, *, actor: Actor, interface: str, reference: str) -> DocumentsView:
    """Return the documents of a case as the actor may see them; log the look when they are
    listed."""
    with door.reading(ctx, actor, interface) as session:
        case = _case_or_404(session, reference)
        door.check(actor, "case.read", case)
        found = listed(session, actor, case)
        door.log(
            session,
            ctx,
            actor=actor,
            interface=interface,
            case_ids=[case.id] if found.items else [],
            what="documents",
        )
    return found


def download(
    ctx: AppContext, *, actor: Actor, interface: str, reference: str, document_id: int
) -> DocumentFile:
    """Return a document and where its bytes are, once the actor's look is logged."""
    with door.reading(ctx, actor, interface) as session:
        case = _case_or_404(session, reference)
        document = repo.get(session, case_id=case.id, document_id=document_id)
        if document is None:
            raise NotFound(
                N_("Case %(reference)s has no document %(id)s."),
                reference=reference,
                id=document_id,
            )
        door.check(actor, "document.read", case)
        door.log(
            session, ctx, actor=actor, interface=interface, case_ids=[case.id], what="document"
        )
    return DocumentFile(document=document, path=store(ctx).path(document.sha256))
