"""Applying the retention schedule: the records officer's list, the preview, the anonymization,
the holds and the destruction certificate.

Loi sur les archives (RLRQ c. A-21.1), art. 7, and Loi sur l'accès (RLRQ c. A-2.1), art. 73: at
the end of the periods of the schedule (workflows/retention.py), a closed case's personal
information is anonymized or destroyed; "the statistics surviving" (DESIGN §2.5).

What anonymization removes: the requester (identity and contact details), the subject, the
description and the answer, every free text of the audit trail (reasons, notes, comments, letters
kept with events), the reasons of extensions, the messages written to the requester or about the
case (outbox and in-app inbox). What it keeps: the reference, kind, channel, dates, states,
deadlines and whether each was met, the outcome, and the trail's structure (who did what, when,
from which state to which). Destruction removes the same and, beyond it, the records that exist
only for their content: the notes of the trail and the case's messages. Each case is one unit of
work, recorded as an event and as a row of the destruction certificate.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import time as wall_clock
from typing import Any

from sqlalchemy import delete, exists, or_, select, text, update
from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.exports import csv_text
from casework.i18n import N_, format_day, gettext, ngettext
from casework.models import (
    AnonymizationPermit,
    Case,
    CaseEvent,
    CaseExtension,
    CaseHold,
    CorrectiveMeasure,
    Disposition,
    Document,
    IncomingMessage,
    Letter,
    Notification,
    OutboxMessage,
    PortalToken,
    ProtecteurFinding,
    Requester,
    SurveyComment,
)
from casework.repositories import cases as cases_repo
from casework.repositories import claims
from casework.security import policy
from casework.services import documents
from casework.services.errors import InvalidInput, NotFound
from workflows import retention as rules
from workflows.deadlines import CaseKind
from workflows.events import EventKind

REMOVED = "[Retiré selon le calendrier de conservation, règle %(rule)s]"
# Values of an event's data that say nothing about the person: kept by anonymization.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?$")
_STRUCTURAL_KEYS = frozenset({"outcome", "deadline", "unit", "interface", "field", "trigger"})


@dataclass(frozen=True)
class DueCase:
    """A closed case whose final action has come."""

    reference: str
    kind: str
    closed_on: date
    planned_on: date
    action: str
    rule: str


@dataclass(frozen=True)
class HeldCase(DueCase):
    """A closed case whose planned date has come, kept by its holds (HoldReason values)."""

    holds: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreviewItem:
    """One kind of information the final action removes from a case, and how much of it."""

    what: str  # a message id, translated by the adapter's language
    count: int


@dataclass(frozen=True)
class Preview:
    reference: str
    planned_on: date | None
    action: str
    rule: str
    holds: tuple[str, ...]
    items: tuple[PreviewItem, ...]


def _closed_on(ctx: AppContext, case: Case) -> date | None:
    return case.closed_at.astimezone(ctx.tz).date() if case.closed_at else None


def _held(case_id) -> Any:
    """The condition that a case is held in the database: a legal or access-request hold not
    lifted, or a corrective measure not done (the Protecteur's hold is the case's state)."""
    return or_(
        exists().where(CaseHold.case_id == case_id, CaseHold.lifted_at.is_(None)),
        exists().where(CorrectiveMeasure.case_id == case_id, CorrectiveMeasure.done_on.is_(None)),
    )


def _active_holds(session: Session, case_id: int) -> tuple[rules.HoldReason, ...]:
    kinds = list(
        session.execute(
            select(CaseHold.reason_kind).where(
                CaseHold.case_id == case_id, CaseHold.lifted_at.is_(None)
            )
        ).scalars()
    )
    open_measure = exists().where(
        CorrectiveMeasure.case_id == case_id, CorrectiveMeasure.done_on.is_(None)
    )
    if session.execute(select(open_measure)).scalar():
        kinds.append(rules.HoldReason.CORRECTIVE_MEASURE.value)
    return tuple(rules.HoldReason(kind) for kind in dict.fromkeys(kinds))


def disposition(ctx: AppContext, session: Session, case: Case) -> rules.Disposition:
    """Return where a case stands in the schedule (its planned date, action, rule, holds)."""
    return rules.disposition(
        status=case.status,
        closed_on=_closed_on(ctx, case),
        rule=ctx.settings.retention.for_kind(case.kind),
        holds=_active_holds(session, case.id),
    )


def _start_of_day_after(ctx: AppContext, day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ctx.tz).astimezone(UTC)


def due(ctx: AppContext, *, actor: Actor, as_of: date | None = None) -> list[DueCase]:
    """List the closed cases whose planned date has come by `as_of` (today by default), not
    held and not yet disposed of, by planned date."""
    policy.check(actor, "retention.manage")
    return _reached(ctx, as_of=as_of or ctx.today(), held=False)


def held(ctx: AppContext, *, actor: Actor, as_of: date | None = None) -> list[HeldCase]:
    """List the closed cases whose planned date has come by `as_of` but that a hold keeps, with
    the holds that keep them, by planned date."""
    policy.check(actor, "retention.manage")
    found = _reached(ctx, as_of=as_of or ctx.today(), held=True)
    with read_session(ctx.engine) as session:
        ids = dict(
            session.execute(
                select(Case.reference, Case.id).where(
                    Case.reference.in_([item.reference for item in found])
                )
            ).all()
        )
        return [
            HeldCase(
                **vars(item),
                holds=tuple(h.value for h in _active_holds(session, ids[item.reference])),
            )
            for item in found
        ]


def _reached(ctx: AppContext, *, as_of: date, held: bool) -> list[DueCase]:
    found: list[DueCase] = []
    with read_session(ctx.engine) as session:
        for kind in CaseKind:
            rule = ctx.settings.retention.for_kind(kind)
            last_closing = rules.latest_closing_due(
                as_of, rule.active_years + rule.semi_active_years
            )
            done = exists().where(Disposition.case_id == Case.id)
            query = (
                select(Case.reference, Case.closed_at)
                .where(
                    Case.kind == kind.value,
                    Case.status == "closed",
                    Case.closed_at < _start_of_day_after(ctx, last_closing),
                    _held(Case.id) if held else ~_held(Case.id),
                    ~done,
                )
                .order_by(Case.closed_at, Case.id)
            )
            for reference, closed_at in session.execute(query):
                closed_on = closed_at.astimezone(ctx.tz).date()
                found.append(
                    DueCase(
                        reference=reference,
                        kind=kind.value,
                        closed_on=closed_on,
                        planned_on=rules.planned_on(closed_on, rule),
                        action=rule.action.value,
                        rule=rule.rule,
                    )
                )
    return sorted(found, key=lambda item: (item.planned_on, item.reference))


def _case(session: Session, reference: str, *, for_update: bool = False) -> Case:
    case = cases_repo.get_by_reference(session, reference, for_update=for_update)
    if case is None:
        raise NotFound(
            N_("No case has the reference %(reference)s."), field="reference", reference=reference
        )
    return case


def _what_is_removed(session: Session, case: Case, action: rules.FinalAction) -> list[PreviewItem]:
    def count(query) -> int:
        return session.execute(query).scalar_one()

    from sqlalchemy import func

    events = select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
    items = [
        PreviewItem(N_("Requester's identity and contact details"), int(bool(case.requester_id))),
        PreviewItem(N_("Subject, description and answer"), 1),
        PreviewItem(N_("Free texts of the audit trail"), count(events)),
        PreviewItem(
            N_("Letters sent to the requester (their text and PDF)"),
            count(select(func.count()).select_from(Letter).where(Letter.case_id == case.id)),
        ),
        PreviewItem(
            N_("Reasons of extensions"),
            count(
                select(func.count())
                .select_from(CaseExtension)
                .where(CaseExtension.case_id == case.id)
            ),
        ),
        PreviewItem(
            N_("Messages about the case (emails and inbox)"),
            count(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.case_id == case.id)
            )
            + count(
                select(func.count())
                .select_from(Notification)
                .where(Notification.case_id == case.id)
            ),
        ),
    ]
    if action is rules.FinalAction.DESTROY:
        notes = events.where(CaseEvent.kind == EventKind.NOTE)
        items.append(PreviewItem(N_("Notes of the audit trail, deleted"), count(notes)))
    return [item for item in items if item.count]


def preview(ctx: AppContext, *, actor: Actor, reference: str) -> Preview:
    """Say exactly what the final action would remove from a case, and whether it may apply."""
    policy.check(actor, "retention.manage")
    with read_session(ctx.engine) as session:
        case = _case(session, reference)
        state = disposition(ctx, session, case)
        items = _what_is_removed(session, case, state.action)
    return Preview(
        reference=case.reference,
        planned_on=state.planned_on,
        action=state.action.value,
        rule=state.rule,
        holds=tuple(hold.value for hold in state.holds),
        items=tuple(items),
    )


def _scrub(value: Any, key: str, removed: str) -> Any:
    """Keep what says nothing about the person (dates, numbers, codes); replace every text."""
    if isinstance(value, dict):
        return {k: _scrub(v, k, removed) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, key, removed) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    if key in _STRUCTURAL_KEYS or _DATE.match(str(value)):
        return value
    return removed


def _dispose(
    ctx: AppContext, session: Session, case: Case, state: rules.Disposition, actor: Actor
) -> set[str]:
    """Remove the case's personal information; return the hashes of the document files that no
    row names any more (removed from disk once the unit of work has committed)."""
    removed = REMOVED % {"rule": state.rule}
    now = ctx.now()
    session.add(AnonymizationPermit(case_id=case.id))
    session.flush()
    requester_id = case.requester_id
    case.requester_id = None
    case.subject = removed[:300]
    case.description = removed
    if case.answer_summary is not None:
        case.answer_summary = removed
    case.version += 1
    case.updated_at = now
    session.flush()
    if requester_id is not None:
        session.execute(delete(Requester).where(Requester.id == requester_id))
    if state.action is rules.FinalAction.DESTROY:
        session.execute(
            delete(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.NOTE)
        )
        session.execute(delete(Notification).where(Notification.case_id == case.id))
        session.execute(delete(OutboxMessage).where(OutboxMessage.case_id == case.id))
    else:
        session.execute(
            update(Notification)
            .where(Notification.case_id == case.id)
            .values(title=removed, body=removed)
        )
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.case_id == case.id)
            .values(recipient=None, subject=removed, text_body=removed, html_body=None, context={})
        )
    for event in session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalars():
        if event.reason is not None:
            event.reason = removed
        event.data = _scrub(event.data, "", removed)
    session.execute(
        update(CaseExtension).where(CaseExtension.case_id == case.id).values(reason=removed)
    )
    session.execute(
        update(ProtecteurFinding)
        .where(ProtecteurFinding.case_id == case.id, ProtecteurFinding.recommendations != "")
        .values(recommendations=removed)
    )
    session.execute(
        update(CorrectiveMeasure)
        .where(CorrectiveMeasure.case_id == case.id)
        .values(description=removed)
    )
    # The person's private links die with their information; a survey comment is free text.
    session.execute(delete(PortalToken).where(PortalToken.case_id == case.id))
    session.execute(
        update(SurveyComment).where(SurveyComment.case_id == case.id).values(text=removed)
    )
    gone = _remove_documents(session, case, state.action, removed)
    # The letters stay listed (their kind, date and channel), without their words or their PDF.
    session.execute(
        update(Letter)
        .where(Letter.case_id == case.id)
        .values(
            recipient=None, subject=removed, text_body=removed, html_body="", pdf=b"", sha256=""
        )
    )
    session.add(
        CaseEvent(
            case_id=case.id,
            at=now,
            actor=actor.label,
            kind=EventKind.of_final_action(state.action),
            reason=None,
            data={"rule": state.rule, "planned_on": state.planned_on.isoformat()},
        )
    )
    session.add(
        Disposition(
            case_id=case.id,
            action=state.action.value,
            rule=state.rule,
            planned_on=state.planned_on,
            applied_at=now,
            confirmed_by=actor.label,
        )
    )
    session.flush()
    session.execute(delete(AnonymizationPermit).where(AnonymizationPermit.case_id == case.id))
    _purge_search_index(session)
    return gone


def _purge_search_index(session: Session) -> None:
    """Rewrite SQLite's full-text indexes (migration 0010) without the words just removed.

    FTS5 records a deletion as a marker beside the old entry: the words are no longer found, but
    stay in the index's pages until its segments are merged. Merging them all, in the unit of
    work that removes the words, leaves nothing behind. PostgreSQL's `search_vector` columns are
    generated from the row itself and change with it."""
    if session.get_bind().dialect.name != "sqlite":
        return
    for index in ("cases_fts", "requesters_fts"):
        session.execute(text(f"INSERT INTO {index} ({index}) VALUES ('optimize')"))


def _remove_documents(
    session: Session, case: Case, action: rules.FinalAction, removed: str
) -> set[str]:
    """Delete the documents from the requester (every document, for a destruction) and blank
    the incoming emails' sender and subject; return the hashes no other document shares."""
    query = select(Document).where(Document.case_id == case.id)
    if action is rules.FinalAction.ANONYMIZE:
        query = query.where(Document.from_requester.is_(True))
    rows = list(session.execute(query).scalars())
    hashes = {row.sha256 for row in rows}
    for row in rows:
        session.delete(row)
    session.execute(
        update(IncomingMessage)
        .where(IncomingMessage.case_id == case.id)
        .values(sender="", subject=removed[:300], reason=None)
    )
    session.flush()
    shared = set(
        session.execute(select(Document.sha256).where(Document.sha256.in_(hashes))).scalars()
    )
    return hashes - shared


# A file younger than this may belong to an upload whose row is not committed yet.
ORPHAN_AGE = timedelta(hours=1)


def remove_orphan_files(ctx: AppContext) -> int:
    """Remove the document files that no row names (left by a crash between an anonymization's
    commit and the removal of its files, or by a crash of an intake or an upload before its
    commit) and the half-written files of the spool; return how many. The bytes of a message
    kept in quarantine are named by its row."""
    folder = documents.store(ctx).root
    if not folder.is_dir():
        return 0
    with read_session(ctx.engine) as session:
        known = set(session.execute(select(Document.sha256)).scalars())
        known.update(
            session.execute(
                select(IncomingMessage.raw_sha256).where(IncomingMessage.raw_sha256.is_not(None))
            ).scalars()
        )
    limit = wall_clock() - ORPHAN_AGE.total_seconds()
    count = 0
    spool = folder / "tmp"
    for path in folder.rglob("*"):
        if not path.is_file() or (path.name in known and spool not in path.parents):
            continue
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            count += 1
    return count


def apply(
    ctx: AppContext, *, actor: Actor, references: Iterable[str], confirm: bool
) -> list[DueCase]:
    """Apply the schedule's final action to each case, one unit of work per case; refuse a
    case that is not due, is held or was already disposed of, naming it."""
    policy.check(actor, "retention.manage")
    if not confirm:
        raise InvalidInput(N_("Confirm the final action: it cannot be undone."), field="confirm")
    today = ctx.today()
    applied: list[DueCase] = []
    for reference in dict.fromkeys(references):
        with unit_of_work(ctx.engine) as session:
            case = _case(session, reference, for_update=True)
            state = disposition(ctx, session, case)
            if session.get(Disposition, case.id) is not None:
                raise InvalidInput(
                    N_("The case %(reference)s was already anonymized or destroyed."),
                    field="reference",
                    reference=reference,
                )
            if state.holds:
                raise InvalidInput(
                    N_("The case %(reference)s is under a hold: it cannot be anonymized."),
                    field="reference",
                    reference=reference,
                )
            if not state.due(today):
                raise InvalidInput(
                    N_("The case %(reference)s has not reached its planned date."),
                    field="reference",
                    reference=reference,
                )
            files = _dispose(ctx, session, case, state, actor)
            done = DueCase(
                reference=case.reference,
                kind=case.kind,
                closed_on=_closed_on(ctx, case),
                planned_on=state.planned_on,
                action=state.action.value,
                rule=state.rule,
            )
        # After the commit: a crash here leaves only orphan files, removed by the next run.
        documents.store(ctx).forget(files)
        applied.append(done)
    return applied


# Who confirms the final action in automatic mode: the body's decision to turn it on.
AUTOMATIC = Actor(label="scheduler:retention", role="admin")


def apply_due(ctx: AppContext, *, worker: str) -> int:
    """Apply the schedule to every case due today, once a day, when the body turned automatic
    mode on (the scheduler's job); return how many cases were anonymized or destroyed. The
    orphan files are swept once a day whether automatic mode is on or not: a crash of an
    intake or an upload before its commit leaves them too."""
    today = ctx.today()
    with unit_of_work(ctx.engine) as session:
        sweep = claims.claim(
            session, job="orphan_files", slot=today.isoformat(), worker=worker, now=ctx.now()
        )
    if sweep:
        remove_orphan_files(ctx)
    if not ctx.settings.retention.automatic:
        return 0
    with unit_of_work(ctx.engine) as session:
        if not claims.claim(
            session, job="retention", slot=today.isoformat(), worker=worker, now=ctx.now()
        ):
            return 0
    done = 0
    for item in due(ctx, actor=AUTOMATIC, as_of=today):
        try:
            done += len(apply(ctx, actor=AUTOMATIC, references=[item.reference], confirm=True))
        except InvalidInput:
            continue  # held or disposed of since the list was read
    return done


def place_hold(
    ctx: AppContext, *, actor: Actor, reference: str, kind: str, reason: str
) -> CaseHold:
    """Put a case under a legal or access-request hold; the hold is an event of its trail."""
    policy.check(actor, "case.hold")
    try:
        hold_kind = rules.HoldReason(kind)
    except ValueError:
        hold_kind = None
    if hold_kind not in (rules.HoldReason.LEGAL, rules.HoldReason.ACCESS_REQUEST):
        raise InvalidInput(N_("A hold is either legal or for an access request."), field="kind")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(N_("Say why the case is held."), field="reason")
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        case = _case(session, reference, for_update=True)
        hold = CaseHold(
            case_id=case.id,
            reason_kind=hold_kind.value,
            reason=reason,
            set_at=now,
            set_by=actor.label,
        )
        session.add(hold)
        session.add(
            CaseEvent(
                case_id=case.id,
                at=now,
                actor=actor.label,
                kind=EventKind.HOLD_PLACED,
                reason=reason,
                data={"hold": hold_kind.value},
            )
        )
        session.flush()
    return hold


def lift_hold(ctx: AppContext, *, actor: Actor, reference: str, hold_id: int) -> CaseHold:
    """Lift a hold; the lifting is an event of the trail."""
    policy.check(actor, "case.hold")
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        case = _case(session, reference, for_update=True)
        hold = session.get(CaseHold, hold_id)
        if hold is None or hold.case_id != case.id or hold.lifted_at is not None:
            raise NotFound(N_("This case has no such hold in force."), field="hold_id")
        hold.lifted_at = now
        hold.lifted_by = actor.label
        session.add(
            CaseEvent(
                case_id=case.id,
                at=now,
                actor=actor.label,
                kind=EventKind.HOLD_LIFTED,
                data={"hold": hold.reason_kind},
            )
        )
        session.flush()
    return hold


def holds(ctx: AppContext, *, actor: Actor, reference: str) -> list[CaseHold]:
    """Return a case's holds, in force and lifted, oldest first."""
    policy.check(actor, "case.hold")
    with read_session(ctx.engine) as session:
        case = _case(session, reference)
        return list(
            session.execute(
                select(CaseHold).where(CaseHold.case_id == case.id).order_by(CaseHold.id)
            ).scalars()
        )


CERTIFICATE_HEADER = (
    "reference",
    "kind",
    "action",
    "rule",
    "planned_on",
    "applied_on",
    "confirmed_by",
)


def certificate_rows(
    ctx: AppContext, *, actor: Actor, start: date, end: date
) -> list[tuple[str, str, str, str, date, date, str]]:
    """Return the destruction certificate's lines: the cases disposed of between two days."""
    policy.check(actor, "retention.manage")
    if end < start:
        raise InvalidInput(N_("The end date cannot come before the start date."), field="to")
    with read_session(ctx.engine) as session:
        query = (
            select(Case.reference, Case.kind, Disposition)
            .join(Disposition, Disposition.case_id == Case.id)
            .where(
                Disposition.applied_at >= _start_of_day_after(ctx, start - timedelta(days=1)),
                Disposition.applied_at < _start_of_day_after(ctx, end),
            )
            .order_by(Disposition.applied_at, Case.reference)
        )
        return [
            (
                reference,
                kind,
                row.action,
                row.rule,
                row.planned_on,
                row.applied_at.astimezone(ctx.tz).date(),
                row.confirmed_by,
            )
            for reference, kind, row in session.execute(query)
        ]


def certificate_csv(rows: list[tuple]) -> str:
    """Write the certificate's lines as a CSV file."""
    return csv_text(CERTIFICATE_HEADER, rows)


def certificate_pdf(
    ctx: AppContext, *, actor: Actor, start: date, end: date, language: str
) -> bytes:
    """Write the destruction certificate of a period as a PDF for the records officer to sign:
    the body, the period, the legal basis, each case with its rule and dates."""
    from casework.labels import KIND_LABELS
    from casework.pdf import render_pdf
    from casework.templating import STATIC, templates

    rows = certificate_rows(ctx, actor=actor, start=start, end=end)
    organization = ctx.settings.organization
    english = language == "en"

    def _(message: str, **params) -> str:
        return gettext(message, language, **params)

    html = (
        templates()
        .env.get_template("reports/certificate_print.html")
        .render(
            _=_,
            language=language,
            body=(organization.name_en or organization.name) if english else organization.name,
            service=organization.service_en if english else organization.service,
            period=_(
                "Cases anonymized or destroyed from %(start)s to %(end)s",
                start=format_day(start, language),
                end=format_day(end, language),
            ),
            count=ngettext("%(num)s case", "%(num)s cases", len(rows), language, num=len(rows)),
            rows=[
                (
                    reference,
                    _(KIND_LABELS.get(kind, kind)),
                    _(rules.ACTION_LABELS[rules.FinalAction(action)]),
                    rule,
                    format_day(planned, language),
                    format_day(applied, language),
                    confirmed_by,
                )
                for reference, kind, action, rule, planned, applied, confirmed_by in rows
            ],
            issued=format_day(ctx.today(), language),
            issued_by=actor.label,
        )
    )
    return render_pdf(html, base_url=STATIC)
