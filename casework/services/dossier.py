"""The dossier the Protecteur du citoyen asks for when a person takes a case to it.

Loi sur le Protecteur du citoyen (RLRQ, c. P-32), art. 24 et 25: the Protecteur may require the
body's documents and explanations about the case. For an escalated case the complaints officer
exports one PDF with the chronology (the receipt, every transition, every letter sent with its
date, each deadline and whether it was met, the answer) and a ZIP holding that PDF, the letters
sent and the documents the officer selects. Internal notes stay out unless the officer includes
them one by one. Officers only (`case.dossier`); the export is written to the access log and as
an event of the case in the same unit of work (DESIGN §2.5).

Letters and documents come through `AttachmentSource`s, so that letters stored as sent and the
documents of a case join the dossier by adding a source, without changing the export.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import select
from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_, format_day, format_moment, gettext
from casework.models import Case, CaseEvent
from casework.repositories import cases as cases_repo
from casework.repositories.reports import DeadlineRow, aware, left_received
from casework.services import door
from casework.services import reports as clock_figures
from casework.services.errors import InvalidInput, NotFound
from workflows import service_standards as standards
from workflows.case_flow import OUTCOME_LABELS, STATE_LABELS, TRIGGER_LABELS
from workflows.events import EventKind


@dataclass(frozen=True)
class Attachment:
    """A file the dossier can carry: a letter sent or a document of the case."""

    id: str  # stable within the case: "letter-12", "document-3"
    kind: str  # "letter" or "document"
    title: str
    dated: datetime
    filename: str
    media_type: str
    content: bytes
    event_id: int | None = None  # the event that sent it, for its place in the chronology


class AttachmentSource(Protocol):
    """Where the letters sent or the documents of a case come from."""

    def attachments(self, ctx: AppContext, session: Session, case: Case) -> list[Attachment]: ...


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "piece"


class LettersKeptWithEvents:
    """The letters sent so far, kept with the event that sent them (the acknowledgment, the
    extension notice), each printed to PDF as it was sent."""

    def attachments(self, ctx: AppContext, session: Session, case: Case) -> list[Attachment]:
        from casework.pdf import render_pdf

        found = []
        for event in cases_repo.events(session, case.id):
            letter = (event.data or {}).get("letter")
            if not isinstance(letter, dict) or not letter.get("html"):
                continue
            day = event.at.astimezone(ctx.tz).date()
            found.append(
                Attachment(
                    id=f"letter-event-{event.id}",
                    kind="letter",
                    title=letter.get("subject", ""),
                    dated=event.at,
                    filename=f"lettres/{day.isoformat()}-{_slug(letter.get('subject', ''))}.pdf",
                    media_type="application/pdf",
                    content=render_pdf(letter["html"]),
                    event_id=event.id,
                )
            )
        return found


class LettersAsSent:
    """The letters to the requester, each kept with the PDF as it was sent."""

    def attachments(self, ctx: AppContext, session: Session, case: Case) -> list[Attachment]:
        from casework.repositories import letters as letters_repo

        # A letter is made by the step that sends it, at the same moment: its place in the
        # chronology is right after that step's event.
        sent_by: dict[datetime, int] = {}
        for event in cases_repo.events(session, case.id):
            sent_by.setdefault(aware(event.at), event.id)
        return [
            Attachment(
                id=f"letter-{letter.id}",
                kind="letter",
                title=letter.subject,
                dated=letter.created_at,
                filename=f"lettres/{letter.letter_date.isoformat()}-{letter.id}-"
                f"{_slug(letter.subject)}.pdf",
                media_type="application/pdf",
                content=letter.pdf,
                event_id=sent_by.get(aware(letter.created_at)),
            )
            for letter in letters_repo.for_case(session, case.id)
        ]


class DocumentsOfTheCase:
    """The documents attached to the case (uploaded, or received by email), read from the
    document store; a file no longer there (destroyed at the end of its retention) is left out."""

    def attachments(self, ctx: AppContext, session: Session, case: Case) -> list[Attachment]:
        from casework.repositories import documents as documents_repo
        from casework.services.documents import store

        files = store(ctx)
        found = []
        for document in documents_repo.for_case(session, case.id):
            path = files.path(document.sha256)
            if not path.is_file():
                continue
            found.append(
                Attachment(
                    id=f"document-{document.id}",
                    kind="document",
                    title=document.description or document.filename,
                    dated=document.created_at,
                    filename=f"documents/{document.id}-{document.filename}",
                    media_type=document.media_type,
                    content=path.read_bytes(),
                )
            )
        return found


# Letters written before letters were stored on their own were kept with their events.
SOURCES: list[AttachmentSource] = [LettersKeptWithEvents(), LettersAsSent(), DocumentsOfTheCase()]


@dataclass(frozen=True)
class Contents:
    """What an officer can put in the dossier of a case."""

    case: Case
    letters: list[Attachment]
    documents: list[Attachment]
    notes: list[CaseEvent]


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    media_type: str
    files: list[str]


def _escalated_case(session: Session, reference: str, actor: Actor) -> Case:
    case = cases_repo.get_by_reference(session, reference, for_update=False)
    if case is None:
        raise NotFound(N_("No case has the reference %(reference)s."), reference=reference)
    door.check(actor, "case.dossier", case)
    if case.protecteur_file_number is None:
        raise NotFound(
            N_("Only a case taken to the Protecteur du citoyen has a dossier to send it.")
        )
    return case


def _gather(ctx: AppContext, session: Session, case: Case) -> Contents:
    attachments = [a for source in SOURCES for a in source.attachments(ctx, session, case)]
    return Contents(
        case=case,
        letters=[a for a in attachments if a.kind == "letter"],
        documents=[a for a in attachments if a.kind == "document"],
        notes=[e for e in cases_repo.events(session, case.id) if e.kind == EventKind.NOTE],
    )


def contents(ctx: AppContext, *, actor: Actor, reference: str) -> Contents:
    """Return the letters, documents and notes an officer can put in a case's dossier."""
    with read_session(ctx.engine) as session:
        case = _escalated_case(session, reference, actor)
        return _gather(ctx, session, case)


@dataclass(frozen=True)
class Line:
    at: datetime
    text: str
    # Order among lines at the same moment: the event's id, then a letter after its event.
    order: tuple[float, int] = (float("inf"), 0)


def _deadline_lines(ctx: AppContext, case: Case, left_received_at, language: str) -> list[str]:
    """Say each deadline of the case and whether it was met, as the case clock counts it."""

    def _(message: str, **params) -> str:
        return gettext(message, language, **params)

    row = DeadlineRow(
        status=case.status,
        ack_due_on=case.ack_due_on,
        answer_due_on=case.answer_due_on,
        answered_at=case.answered_at,
        closed_at=case.closed_at,
        left_received_at=left_received_at,
        ack_met_on=case.ack_met_on,
        ack_outcome=case.ack_outcome,
        answer_outcome=case.answer_outcome,
        answer_counted_on=case.answer_counted_on,
    )
    acknowledgments, answers = clock_figures.commitments(ctx, [row])
    today = ctx.today()
    lines = []
    for title, items in ((_("Acknowledgment of receipt"), acknowledgments), (_("Answer"), answers)):
        for item in items:
            rate = standards.on_time_rate([item], today=today)
            if rate.on_time:
                state = _("met on %(day)s", day=format_day(item.met_on, language))
            elif rate.met_late:
                state = _("met late, on %(day)s", day=format_day(item.met_on, language))
            elif rate.open_late:
                state = _("not met, overdue")
            elif item.running:
                state = _("running")
            else:
                state = _("not applicable")
            lines.append(
                _(
                    "%(deadline)s: due %(due)s, %(state)s.",
                    deadline=title,
                    due=format_day(item.due_on, language),
                    state=state,
                )
            )
    if case.protecteur_reply_due_on is not None:
        lines.append(
            _(
                "Reply to the Protecteur du citoyen: due %(due)s.",
                due=format_day(case.protecteur_reply_due_on, language),
            )
        )
    return lines


def _chronology(
    ctx: AppContext,
    case: Case,
    events: list[CaseEvent],
    letters: list[Attachment],
    notes: set[int],
    language: str,
) -> list[Line]:
    def _(message: str, **params) -> str:
        return gettext(message, language, **params)

    lines = []
    for event in events:
        if event.kind == EventKind.CREATED:
            lines.append(Line(case.received_at, _("Case received."), (event.id, 0)))
        elif event.kind == EventKind.TRANSITION:
            text = _(
                "%(action)s: %(from)s → %(to)s.",
                action=_(TRIGGER_LABELS.get(event.trigger, event.trigger or "")),
                **{
                    "from": _(STATE_LABELS.get(event.from_state, event.from_state or "")),
                    "to": _(STATE_LABELS.get(event.to_state, event.to_state or "")),
                },
            )
            data = event.data or {}
            if data.get("answer_summary"):
                text += " " + _("Answer: %(summary)s", summary=data["answer_summary"])
            if data.get("outcome"):
                text += " " + _(
                    "Outcome: %(outcome)s", outcome=_(OUTCOME_LABELS.get(data["outcome"], ""))
                )
            if event.reason:
                text += " " + _("Reason: %(reason)s", reason=event.reason)
            lines.append(Line(event.at, text, (event.id, 0)))
        elif event.kind == EventKind.DEADLINE_CHANGED:
            data = event.data or {}
            lines.append(
                Line(
                    event.at,
                    _(
                        "Deadline moved from %(from)s to %(to)s. Reason: %(reason)s",
                        reason=event.reason or "",
                        **{
                            "from": format_day(date.fromisoformat(data["from"]), language),
                            "to": format_day(date.fromisoformat(data["to"]), language),
                        },
                    ),
                    (event.id, 0),
                )
            )
        elif event.kind == EventKind.NOTE and event.id in notes:
            text = _("Internal note: %(text)s", text=event.reason or "")
            lines.append(Line(event.at, text, (event.id, 0)))
    for letter in letters:
        order = (letter.event_id if letter.event_id is not None else float("inf"), 1)
        text = _("Letter sent: %(subject)s", subject=letter.title)
        lines.append(Line(letter.dated, text, order))
    return sorted(lines, key=lambda line: (line.at, line.order))


def _chronology_pdf(
    ctx: AppContext,
    case: Case,
    lines: list[Line],
    deadlines: list[str],
    files: list[str],
    language: str,
) -> bytes:
    from casework.pdf import render_pdf
    from casework.templating import STATIC, templates

    def _(message: str, **params) -> str:
        return gettext(message, language, **params)

    template = templates().env.get_template("reports/dossier_print.html")
    html = template.render(
        _=_,
        language=language,
        case=case,
        escalated_on=format_day(case.escalated_on, language) if case.escalated_on else "—",
        received=format_moment(case.received_at, ctx.tz, language),
        lines=[(format_moment(line.at, ctx.tz, language), line.text) for line in lines],
        deadlines=deadlines,
        files=files,
        answer=case.answer_summary,
    )
    return render_pdf(html, base_url=STATIC)


def export(
    ctx: AppContext,
    *,
    actor: Actor,
    reference: str,
    documents: Iterable[str] = (),
    notes: Iterable[int] = (),
    interface: str,
    language: str = "fr",
) -> Export:
    """Build the dossier of an escalated case: the chronology PDF and a ZIP with it, the letters
    sent and the documents and notes the officer chose; log it and record it as an event."""
    chosen_documents, chosen_notes = list(dict.fromkeys(documents)), set(notes)
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        case = _escalated_case(session, reference, actor)
        found = _gather(ctx, session, case)
        known_documents = {d.id: d for d in found.documents}
        unknown = [d for d in chosen_documents if d not in known_documents]
        if unknown:
            raise InvalidInput(
                N_("Case %(reference)s has no document %(id)s."),
                field="documents",
                reference=reference,
                id=unknown[0],
            )
        known_notes = {n.id for n in found.notes}
        if chosen_notes - known_notes:
            raise InvalidInput(
                N_("Case %(reference)s has no note %(id)s."),
                field="notes",
                reference=reference,
                id=sorted(chosen_notes - known_notes)[0],
            )
        left = left_received()
        left_at = session.execute(
            select(left.c.left_at).where(left.c.case_id == case.id)
        ).scalar_one_or_none()
        events = cases_repo.events(session, case.id)
        attachments = [*found.letters, *(known_documents[d] for d in chosen_documents)]
        chronology_name = f"{case.reference}-chronologie.pdf"
        files = [chronology_name, *(a.filename for a in attachments)]
        pdf = _chronology_pdf(
            ctx,
            case,
            _chronology(ctx, case, events, found.letters, chosen_notes, language),
            _deadline_lines(ctx, case, aware(left_at), language),
            files,
            language,
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(chronology_name, pdf)
            for attachment in attachments:
                archive.writestr(attachment.filename, attachment.content)
        content = buffer.getvalue()
        door.log(session, ctx, actor=actor, interface=interface, case_ids=[case.id], what="dossier")
        cases_repo.add_event(
            session,
            CaseEvent(
                case_id=case.id,
                at=now,
                actor=actor.label,
                kind=EventKind.DOSSIER_EXPORTED,
                data={
                    "files": files,
                    "notes": sorted(chosen_notes),
                    "sha256": hashlib.sha256(content).hexdigest(),
                },
            ),
        )
    return Export(
        filename=f"{case.reference}-protecteur-du-citoyen.zip",
        content=content,
        media_type="application/zip",
        files=files,
    )
