"""Case commands: open, fire a transition, assign and edit, note, extend; and the case queries.

DESIGN §2.1–2.3. Each command is one unit of work: the case, its events and what follows from
them are written together or not at all. Time comes from the context's clock so that every rule
can be checked on a chosen day.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import unit_of_work
from casework.i18n import N_
from casework.models import Case, CaseEvent, CaseExtension, CasePause, Requester
from casework.repositories import cases as repo
from casework.repositories import letters as letters_repo
from casework.repositories.cases import CaseFilters
from casework.schemas import PREFIXES, CaseCreate, CaseUpdate, TransitionIn
from casework.security import policy
from casework.services import accountability, clock, documents, door, notices
from casework.services.calendar import ensure_covered
from casework.services.errors import InvalidInput, NotFound, TransitionNotAllowed, VersionConflict
from workflows import case_flow
from workflows.accountability import people_who_handled
from workflows.case_clock import UNANSWERED_STATES, CaseClock, DeadlineClock, Step
from workflows.deadlines import receipt_date
from workflows.events import EventKind


@dataclass
class CaseView:
    """A case with what its readers need beside it (its requester; warnings of the command).

    Returned by the services as the reader may see it (casework.services.door): `redacted` when
    the case has a requester the reader may not see, whose stand-in carries only the language."""

    case: Case
    requester: Requester | None
    warnings: tuple[case_flow.Message, ...] = ()
    redacted: bool = False


def _check_assignee(session: Session, assignee_id: int | None) -> None:
    from casework.models import User

    if assignee_id is None:
        return
    user = session.get(User, assignee_id)
    if user is None or not user.is_active:
        raise InvalidInput(
            N_("No active user has the id %(id)s."), field="assignee_id", id=assignee_id
        )


def _event(case: Case, *, actor: Actor, at: datetime, kind: EventKind, **fields) -> CaseEvent:
    return CaseEvent(case_id=case.id, at=at, actor=actor.label, kind=kind, **fields)


def open_case(
    ctx: AppContext,
    *,
    actor: Actor,
    interface: str,
    data: CaseCreate,
    with_requester: bool = False,
) -> CaseView:
    """Register a case: give it its reference, compute its deadlines, record its first event
    (`case.create`). The case comes back as the actor may see it (casework.services.door)."""
    door.check(actor, "case.create")
    with unit_of_work(ctx.engine) as session:
        view = register(ctx, session, actor=actor, data=data, now=ctx.now())
        return _shown(session, ctx, view, actor, interface, "create" if with_requester else None)


def register(
    ctx: AppContext, session: Session, *, actor: Actor, data: CaseCreate, now: datetime
) -> CaseView:
    """Register a case in the caller's unit of work (open_case, or an email that becomes a
    case together with the record that it was read)."""
    received_at = data.received_at
    if received_at > now:
        raise InvalidInput(N_("The receipt time is in the future."), field="received_at")
    calendar = ctx.calendar
    received_on = receipt_date(received_at, ctx.tz)
    ensure_covered(ctx, received_on, field="received_at")
    if data.facts_known_on is not None and data.facts_known_on > received_on:
        raise InvalidInput(
            N_(
                "The date the person learned of the facts cannot be later than the day the "
                "request was received."
            ),
            field="facts_known_on",
        )
    _check_assignee(session, data.assignee_id)
    requester = None
    if data.requester is not None:
        requester = repo.insert_row(session, Requester(**data.requester.model_dump()))
    sequence = repo.next_sequence(session, kind=data.kind.value, year=received_on.year)
    case = Case(
        reference=f"{PREFIXES[data.kind]}-{received_on.year}-{sequence:05d}",
        kind=data.kind.value,
        channel=data.channel.value,
        subject=data.subject,
        description=data.description,
        priority=data.priority.value,
        status=case_flow.CaseState.RECEIVED.value,
        received_at=received_at.astimezone(UTC),
        requester_id=requester.id if requester else None,
        assignee_id=data.assignee_id,
        # An assignee given at registration is the first person who handled it.
        handlers=len(people_who_handled([], data.assignee_id)),
        facts_known_on=data.facts_known_on,
        calendar_version=calendar.version,
        created_at=now,
        updated_at=now,
    )
    clock.write_columns(
        case,
        clock.derive_clock(ctx, case, [], today=now.astimezone(ctx.tz).date()),
        calendar_version=calendar.version,
    )
    repo.insert_row(session, case)
    repo.insert_row(
        session,
        _event(
            case,
            actor=actor,
            at=now,
            kind=EventKind.CREATED,
            to_state=case.status,
            data={
                "ack_due_on": case.ack_due_on.isoformat() if case.ack_due_on else None,
                "answer_due_on": case.answer_due_on.isoformat(),
                "calendar_version": case.calendar_version,
                "channel": case.channel,
            },
        ),
    )
    return CaseView(case=case, requester=requester)


def _found(session: Session, reference: str, *, for_update: bool = False) -> Case:
    case = repo.get_by_reference(session, reference, for_update=for_update)
    if case is None:
        raise NotFound(N_("No case has the reference %(reference)s."), reference=reference)
    return case


def _locked(
    session: Session, reference: str, version: int | None, *, actor: Actor, permissions: tuple
) -> Case:
    """Lock the case a command changes, once the actor may (each permission, on this case for an
    own-cases one), and it is still at the version the actor saw."""
    case = _found(session, reference, for_update=True)
    for permission in permissions:
        door.check(actor, permission, case)
    if version is not None and case.version != version:
        raise VersionConflict(current_version=case.version, given_version=version)
    return case


def _shown(
    session: Session,
    ctx: AppContext,
    view: CaseView,
    actor: Actor,
    interface: str,
    what: str | None,
) -> CaseView:
    """Return the view as the actor may see it, its requester logged when shown (`what` None:
    the caller shows no requester)."""
    (shown,) = door.shown(session, ctx, [view], actor=actor, interface=interface, what=what)
    return shown


def _read(session: Session, reference: str, actor: Actor, permission: str) -> Case:
    case = _found(session, reference)
    door.check(actor, permission, case)
    return case


def _touch(case: Case, now: datetime) -> None:
    case.version += 1
    case.updated_at = now


def recompute_deadlines(
    ctx: AppContext,
    session: Session,
    case: Case,
    *,
    actor: Actor,
    now: datetime,
    history: Sequence[clock.Step] | None = None,
    clocks: clock.Clocks | None = None,
) -> list[dict]:
    """Recompute the deadlines of a case with the current calendar (DESIGN §2.3: "When the
    calendar changes, open deadlines are recomputed and every change is recorded as an event");
    return the changes, each also recorded as an event (casework.services.clock.recompute, with
    the case's trail and the batch's clocks when many cases are recomputed at once)."""
    changes = clock.recompute(
        ctx,
        session,
        case,
        actor=actor,
        now=now,
        reason=clock.CALENDAR_CHANGED,
        history=history,
        clocks=clocks,
    )
    if changes:
        _touch(case, now)
    return changes


def fire(
    ctx: AppContext,
    *,
    actor: Actor,
    interface: str,
    reference: str,
    request: TransitionIn,
    with_requester: bool = False,
) -> CaseView:
    """Move a case through its life cycle (`case.fire.<trigger>`); a refused transition changes
    nothing. The case comes back as the actor may see it."""
    with unit_of_work(ctx.engine) as session:
        case = _locked(
            session,
            reference,
            request.version,
            actor=actor,
            permissions=(policy.fire_permission(request.trigger),),
        )
        view = fire_on(ctx, session, case, actor=actor, request=request, now=ctx.now())
        return _shown(
            session, ctx, view, actor, interface, "transition" if with_requester else None
        )


def fire_on(
    ctx: AppContext,
    session: Session,
    case: Case,
    *,
    actor: Actor,
    request: TransitionIn,
    now: datetime,
    today: date | None = None,
) -> CaseView:
    """Fire a transition on a case locked in the caller's unit of work (`today`, when given, is
    the day it takes effect: the day a reply reached the office)."""
    today = today or now.astimezone(ctx.tz).date()
    source = case.status
    before = clock.clock_of(ctx, session, case, today=today)
    given = request.given(case_flow.SPEC_OF[request.trigger])
    if "facts_known_on" in given:  # the date recorded with the case, unless given again
        given["facts_known_on"] = given["facts_known_on"] or case.facts_known_on
    try:
        result = case_flow.fire(
            case,
            case_flow.TransitionRequest(
                trigger=request.trigger.value,
                today=today,
                acknowledgment_owed=before.acknowledgment.owed,
                **given,
            ),
        )
    except case_flow.TransitionRefused as refused:
        raise TransitionNotAllowed(
            reason=refused.message, allowed=[str(t) for t in refused.allowed]
        ) from None
    # The dates the deadlines had when this step settles them stay with it (the trail).
    judged = {
        item.name.value: item.due_on.isoformat()
        for item in (before.acknowledgment, before.answer)
        if item.owed and item.due_on is not None
    }
    step = Step(
        kind=result.trigger.value,
        on=today,
        outcome=request.outcome.value if request.outcome else None,
        reply_due_on=request.protecteur_reply_due_on,
        ack_due_on=before.acknowledgment.due_on if before.acknowledgment.owed else None,
        answer_due_on=before.answer.due_on if before.answer.owed else None,
    )
    clock.recompute(ctx, session, case, actor=actor, now=now, extra=[step])
    firing = Firing(ctx, session, case, request, source=source, actor=actor, now=now, today=today)
    data = EFFECTS[request.trigger](firing)
    # A close that lacks what the case is about is refused here: the unit of work rolls back.
    data.update(
        accountability.on_transition(
            ctx, session, case, request, source=source, actor=actor, now=now
        )
    )
    _touch(case, now)
    repo.add_event(
        session,
        _event(
            case,
            actor=actor,
            at=now,
            kind=EventKind.TRANSITION,
            trigger=result.trigger.value,
            from_state=source,
            to_state=case.status,
            reason=given.get("reason") or given.get("comment"),
            data={
                "on": today.isoformat(),
                "judged_due_on": judged,
                **data,
                "warnings": [w.render() for w in result.warnings],
            },
        ),
    )
    requester = repo.get_requester(session, case.requester_id)
    return CaseView(case=case, requester=requester, warnings=result.warnings)


def _end_pause(ctx: AppContext, session: Session, case: Case, today: date) -> None:
    """End the running pause of a case on `today` (resume, or an escalation while waiting)."""
    pause = repo.open_pause(session, case.id)
    if pause is not None:
        pause.end = today
        session.flush()
        case.paused_business_days += ctx.calendar.business_days_between(pause.start, today)
    case.paused_on = None


@dataclass(frozen=True)
class Firing:
    """A transition the life cycle allowed, as its effect sees it (the status already moved)."""

    ctx: AppContext
    session: Session
    case: Case
    request: TransitionIn
    source: str
    actor: Actor
    now: datetime
    today: date


def _acknowledged(f: Firing) -> dict:
    f.case.acknowledged_at = f.now
    return {
        "answer_due_on": f.case.answer_due_on.isoformat(),
        **notices.on_acknowledged(
            f.ctx, f.session, f.case, actor=f.actor, now=f.now, today=f.today
        ),
    }


def _answered(f: Firing) -> dict:
    f.case.answered_at = f.now
    f.case.answer_summary = f.request.answer_summary
    return {
        "answer_summary": f.request.answer_summary,
        **notices.on_answered(
            f.ctx,
            f.session,
            f.case,
            answer=f.request.answer_summary or "",
            actor=f.actor,
            now=f.now,
            today=f.today,
        ),
    }


def _information_requested(f: Firing) -> dict:
    f.case.paused_on = f.today
    f.session.add(CasePause(case_id=f.case.id, start=f.today))
    return {
        "paused_on": f.today.isoformat(),
        **notices.on_information_requested(
            f.ctx,
            f.session,
            f.case,
            missing=f.request.comment or "",
            actor=f.actor,
            now=f.now,
            today=f.today,
        ),
    }


def _resumed(f: Firing) -> dict:
    _end_pause(f.ctx, f.session, f.case, f.today)
    return {"answer_due_on": f.case.answer_due_on.isoformat()}


def _escalated(f: Firing) -> dict:
    case, request = f.case, f.request
    if f.source == case_flow.CaseState.AWAITING_REQUESTER:
        _end_pause(f.ctx, f.session, case, f.today)  # escalating ends the pause
    if f.source == case_flow.CaseState.CLOSED:
        case.closed_at = None
    case.protecteur_file_number = request.protecteur_file_number
    case.escalated_on = request.escalated_on
    if request.facts_known_on is not None:
        case.facts_known_on = request.facts_known_on
    return {
        "facts_known_on": case.facts_known_on.isoformat() if case.facts_known_on else None,
        "notified": notices.on_escalated(f.ctx, f.session, case, now=f.now),
        "protecteur_file_number": request.protecteur_file_number,
        "escalated_on": request.escalated_on.isoformat() if request.escalated_on else None,
        "protecteur_reply_due_on": request.protecteur_reply_due_on.isoformat()
        if request.protecteur_reply_due_on
        else None,
    }


def _closed(f: Firing) -> dict:
    case, request = f.case, f.request
    case.closed_at = f.now
    case.outcome = request.outcome.value if request.outcome else None
    data = {"outcome": case.outcome}
    if request.redirected_to:
        data["redirected_to"] = request.redirected_to
    if f.source in UNANSWERED_STATES:
        _end_pause(f.ctx, f.session, case, f.today)
        # Closed before any answer: the person learns why (DESIGN §2.7).
        data.update(
            notices.on_closed_without_answer(
                f.ctx,
                f.session,
                case,
                outcome=case.outcome or "",
                redirected_to=request.redirected_to,
                comment=request.comment,
                actor=f.actor,
                now=f.now,
                today=f.today,
            )
        )
    return data


def _reopened(f: Firing) -> dict:
    # A new answer is owed from today; the first answer stays in the trail.
    f.case.closed_at = None
    f.case.outcome = None
    f.case.answer_summary = None
    return {"answer_due_on": f.case.answer_due_on.isoformat()}


# What each trigger records once the life cycle allowed it; each returns what its event keeps.
EFFECTS: dict[case_flow.Trigger, Callable[[Firing], dict]] = {
    case_flow.Trigger.ACKNOWLEDGE: _acknowledged,
    case_flow.Trigger.ANSWER: _answered,
    case_flow.Trigger.REQUEST_INFORMATION: _information_requested,
    case_flow.Trigger.RESUME: _resumed,
    case_flow.Trigger.ESCALATE: _escalated,
    case_flow.Trigger.CLOSE: _closed,
    case_flow.Trigger.REOPEN: _reopened,
}


def update(
    ctx: AppContext,
    *,
    actor: Actor,
    interface: str,
    reference: str,
    changes: CaseUpdate,
    with_requester: bool = False,
) -> CaseView:
    """Assign, reassign or unassign a case (`case.assign`), or edit its subject or priority
    (`case.update`). An assignment is a line of the trail (`{"from", "to"}`) and recounts the
    people who handled the case (`handlers`: workflows.accountability.people_who_handled, « le
    moins d'intervenants possible entre le demandeur et la réponse »)."""
    now = ctx.now()
    needed = []
    if changes.assignee_id is not None or changes.unassign:
        needed.append("case.assign")
    if changes.subject is not None or changes.priority is not None or not needed:
        needed.append("case.update")
    with unit_of_work(ctx.engine) as session:
        case = _locked(session, reference, changes.version, actor=actor, permissions=tuple(needed))
        changed = False
        if changes.unassign or (
            changes.assignee_id is not None and changes.assignee_id != case.assignee_id
        ):
            new_assignee = None if changes.unassign else changes.assignee_id
            _check_assignee(session, new_assignee)
            assignment = {"from": case.assignee_id, "to": new_assignee}
            # The people who handled it, recounted from its trail with this assignment.
            handled = people_who_handled(
                [*repo.assignments(session, case.id), assignment], new_assignee
            )
            repo.add_event(
                session,
                _event(case, actor=actor, at=now, kind=EventKind.ASSIGNMENT, data=assignment),
            )
            case.assignee_id = new_assignee
            case.handlers = len(handled)
            changed = True
        edits = {}
        for field in ("subject", "priority"):
            value = getattr(changes, field)
            if value is not None and value != getattr(case, field):
                edits[field] = {"from": getattr(case, field), "to": str(value)}
                setattr(case, field, str(value))
        if edits:
            repo.add_event(
                session, _event(case, actor=actor, at=now, kind=EventKind.EDIT, data=edits)
            )
            changed = True
        if changed:
            _touch(case, now)
        view = CaseView(case=case, requester=repo.get_requester(session, case.requester_id))
        return _shown(session, ctx, view, actor, interface, "update" if with_requester else None)


def add_note(
    ctx: AppContext, *, actor: Actor, interface: str, reference: str, text: str
) -> CaseEvent:
    """Add a note to a case's trail (`case.note`; a note does not change the case's version)."""
    door.check_interface(interface)
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        case = _locked(session, reference, None, actor=actor, permissions=("case.note",))
        event = repo.add_event(
            session, _event(case, actor=actor, at=now, kind=EventKind.NOTE, reason=text)
        )
        session.flush()
    return event


def extend(
    ctx: AppContext,
    *,
    actor: Actor,
    interface: str,
    reference: str,
    version: int | None,
    days: int,
    reason: str,
    with_requester: bool = False,
) -> CaseView:
    """Extend the answer delay by a number of business days, with the reason the requester is
    told (`case.extend`). An extension given after the due date is recorded and told, but the
    deadline stays missed (workflows.case_clock)."""
    now = ctx.now()
    today = now.astimezone(ctx.tz).date()
    with unit_of_work(ctx.engine) as session:
        case = _locked(session, reference, version, actor=actor, permissions=("case.extend",))
        history = clock.steps(ctx, session, case)
        was = clock.derive_clock(ctx, case, history, today=today)
        if not was.answer.owed:
            raise InvalidInput(
                N_("Only the answer delay of a case not yet answered can be extended."),
                field="days",
            )
        before = case.answer_due_on
        step = Step(kind="extend", on=today, days=days, reason=reason)
        after = clock.derive_clock(ctx, case, [*history, step], today=today)
        clock.write_columns(case, after, calendar_version=ctx.calendar.version)
        # Granted after the due date: told to the person, but the deadline stays missed.
        late = len(after.answer.late_extensions) > len(was.answer.late_extensions)
        session.add(CaseExtension(case_id=case.id, days=days, reason=reason, created_at=now))
        _touch(case, now)
        repo.add_event(
            session,
            _event(
                case,
                actor=actor,
                at=now,
                kind=EventKind.DEADLINE_CHANGED,
                reason=reason,
                data={
                    "on": today.isoformat(),
                    "deadline": "answer",
                    "extension_days": days,
                    "unit": "business",
                    "from": before.isoformat(),
                    "to": case.answer_due_on.isoformat(),
                    "late": late,
                    # The requester is told (DESIGN §2.3); the notice stays with the event.
                    **notices.on_extended(
                        ctx,
                        session,
                        case,
                        previous_due_on=before,
                        late=late,
                        reason=reason,
                        actor=actor,
                        now=now,
                        today=today,
                    ),
                },
            ),
        )
        view = CaseView(case=case, requester=repo.get_requester(session, case.requester_id))
        return _shown(session, ctx, view, actor, interface, "extension" if with_requester else None)


def set_reply_date(
    ctx: AppContext,
    *,
    actor: Actor,
    interface: str,
    reference: str,
    version: int | None,
    reply_due_on: date,
    with_requester: bool = False,
) -> CaseView:
    """Set or change the date by which the Protecteur du citoyen expects the body's reply (the
    Protecteur often sets it in a later letter; `case.fire.escalate`); a date on a non-business
    day carries to the next business day (workflows.case_clock)."""
    now = ctx.now()
    today = now.astimezone(ctx.tz).date()
    with unit_of_work(ctx.engine) as session:
        case = _locked(
            session,
            reference,
            version,
            actor=actor,
            permissions=(policy.fire_permission(case_flow.Trigger.ESCALATE),),
        )
        if case.status != case_flow.CaseState.ESCALATED:
            raise InvalidInput(
                N_("Only a case escalated to the Protecteur du citoyen has a reply date to set."),
                field="reply_due_on",
            )
        if case.escalated_on is not None and reply_due_on < case.escalated_on:
            raise InvalidInput(
                N_(
                    "The Protecteur du citoyen’s reply due date (%(reply_due_on)s) cannot be"
                    " earlier than the escalation date (%(escalated_on)s)."
                ),
                field="reply_due_on",
                reply_due_on=reply_due_on.isoformat(),
                escalated_on=case.escalated_on.isoformat(),
            )
        ensure_covered(ctx, reply_due_on, field="reply_due_on")
        before = case.protecteur_reply_due_on
        step = Step(kind="set_reply_date", on=today, reply_due_on=reply_due_on)
        clock.recompute(ctx, session, case, actor=actor, now=now, extra=[step])
        _touch(case, now)
        repo.add_event(
            session,
            _event(
                case,
                actor=actor,
                at=now,
                kind=EventKind.REPLY_DATE_SET,
                data={
                    "on": today.isoformat(),
                    "deadline": "protecteur_reply",
                    "reply_due_on": reply_due_on.isoformat(),
                    "from": before.isoformat() if before else None,
                    "to": case.protecteur_reply_due_on.isoformat()
                    if case.protecteur_reply_due_on
                    else None,
                },
            ),
        )
        view = CaseView(case=case, requester=repo.get_requester(session, case.requester_id))
        return _shown(
            session, ctx, view, actor, interface, "reply_date" if with_requester else None
        )


def get(
    ctx: AppContext, *, actor: Actor, interface: str, reference: str, with_requester: bool = False
) -> CaseView:
    """Return one case (`case.read`), with its requester as the actor may see it when the caller
    shows it (`with_requester`: logged as a reading of the case)."""
    with door.reading(ctx, actor, interface) as session:
        case = _read(session, reference, actor, "case.read")
        view = CaseView(case=case, requester=repo.get_requester(session, case.requester_id))
        return _shown(session, ctx, view, actor, interface, "read" if with_requester else None)


@dataclass
class CaseFile:
    """What a reader sees of one case on its page or `casework case show`, read at once: the case,
    its clock, its trail, its documents and letters, and the person's other cases."""

    view: CaseView
    clock: CaseClock
    events: list[CaseEvent]
    documents: documents.DocumentsView
    letters: list
    other_cases: list[Case]


def case_file(
    ctx: AppContext, *, actor: Actor, interface: str, reference: str, today: date | None = None
) -> CaseFile:
    """Return everything a reader sees of one case (`case.read`; the trail with `case.history`),
    as the actor may see it, in one read. What it shows of the person (the requester, the
    documents, the letters) leaves one access-log entry for the case; the person's other cases
    listed leave one each (DESIGN §2.5)."""
    with door.reading(ctx, actor, interface) as session:
        case = _read(session, reference, actor, "case.read")
        requester = repo.get_requester(session, case.requester_id)
        (view,), seen = door.redacted(actor, [CaseView(case=case, requester=requester)])
        sees = bool(seen)  # a requester, shown to this actor
        trail = []
        if door.may(actor, "case.history", case):
            trail, _ = door.trail(actor, case, repo.events(session, case.id))
        listed = documents.listed(session, actor, case)
        letters = letters_repo.for_case(session, case.id) if sees else []
        door.log(
            session,
            ctx,
            actor=actor,
            interface=interface,
            case_ids=[case.id] if sees or listed.items else [],
            what="read",
        )
        return CaseFile(
            view=view,
            clock=clock.clock_of(ctx, session, case, today=today),
            events=trail,
            documents=listed,
            letters=letters,
            other_cases=_others(session, ctx, case, requester, actor, interface) if sees else [],
        )


def search(
    ctx: AppContext,
    *,
    actor: Actor,
    interface: str,
    filters: CaseFilters,
    limit: int = 50,
    offset: int = 0,
    by_due=False,
    triage=False,
    with_requesters: bool = False,
) -> tuple[list[CaseView], int]:
    """Return one page of cases matching the filters (`case.read`), and the number matching in
    all (with `triage`: new unassigned cases first, then by due date; for a text search, counted
    up to repo.TEXT_COUNT_CAP + 1). With `with_requesters`, each case comes with its requester as
    the actor may see it, logged as a listing.

    The text is looked for in requesters only for an actor allowed to see them (on the cases
    assigned to them, for an agent); each case found through its requester is logged as an
    access (DESIGN §2.5: "Who viewed personal information is logged").
    """
    door.check_somewhere(actor, "case.read")
    filters = _people_searched(filters, actor)
    with door.reading(ctx, actor, interface) as session:
        items, total = repo.search(
            session, filters=filters, limit=limit, offset=offset, by_due=by_due, triage=triage
        )
        requesters = repo.requesters_by_id(
            session, {c.requester_id for c in items if c.requester_id}
        )
        found = repo.found_by_person(session, ids=[c.id for c in items], filters=filters)
        door.log(session, ctx, actor=actor, interface=interface, case_ids=found, what="search")
        views = door.shown(
            session,
            ctx,
            [CaseView(case=c, requester=requesters.get(c.requester_id)) for c in items],
            actor=actor,
            interface=interface,
            what="list" if with_requesters else None,
        )
    return views, total


def _others(
    session: Session,
    ctx: AppContext,
    case: Case,
    requester: Requester | None,
    actor: Actor,
    interface: str,
    limit: int = 20,
) -> list[Case]:
    if requester is None or not door.sees_requester(actor, case):
        return []
    own = policy.scope(actor, "requester.read") is policy.Scope.OWN
    others = repo.cases_of_same_person(
        session,
        requester=requester,
        exclude_case_id=case.id,
        assignee_id=(actor.user_id or -1) if own else None,
        limit=limit,
    )
    door.log(
        session,
        ctx,
        actor=actor,
        interface=interface,
        case_ids=[c.id for c in others],
        what="related",
    )
    return others


def other_cases(
    ctx: AppContext, *, actor: Actor, reference: str, interface: str, limit: int = 20
) -> list[Case]:
    """Return the person's other cases (same email address or telephone), newest first, for an
    actor who may see this case's requester; logged as an access to each case listed."""
    with door.reading(ctx, actor, interface) as session:
        case = _read(session, reference, actor, "case.read")
        requester = repo.get_requester(session, case.requester_id)
        return _others(session, ctx, case, requester, actor, interface, limit)


def _people_searched(filters: CaseFilters, actor: Actor) -> CaseFilters:
    """Let the text reach requesters only where the actor may see them."""
    held = policy.Scope.ALL if actor == door.CASEWORK else policy.scope(actor, "requester.read")
    if not filters.text or held is None:
        return replace(filters, people=False, people_assignee_id=None)
    if held is policy.Scope.OWN:
        return replace(filters, people=True, people_assignee_id=actor.user_id or -1)
    return replace(filters, people=True, people_assignee_id=None)


def events(ctx: AppContext, *, actor: Actor, interface: str, reference: str) -> list[CaseEvent]:
    """Return the audit trail of a case, oldest first (`case.history`), as the actor may see it
    (casework.services.door.trail); a trail that shows the person's information is logged."""
    with door.reading(ctx, actor, interface) as session:
        case = _read(session, reference, actor, "case.history")
        trail, personal = door.trail(actor, case, repo.events(session, case.id))
        door.log(
            session,
            ctx,
            actor=actor,
            interface=interface,
            case_ids=[case.id] if personal else [],
            what="events",
        )
        return trail


def clock_of(
    ctx: AppContext, *, actor: Actor, interface: str, reference: str, today: date | None = None
) -> CaseClock:
    """Return the clock of a case (`case.read`): each deadline, its state on `today` and how it
    was computed."""
    with door.reading(ctx, actor, interface) as session:
        case = _read(session, reference, actor, "case.read")
        return clock.clock_of(ctx, session, case, today=today)


def deadlines(
    ctx: AppContext, *, actor: Actor, interface: str, reference: str, today: date | None = None
) -> tuple[DeadlineClock, ...]:
    """Return each deadline of a case (acknowledgment, answer, Protecteur's reply)."""
    return clock_of(ctx, actor=actor, interface=interface, reference=reference, today=today).items
