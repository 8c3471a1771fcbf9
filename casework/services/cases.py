"""Case commands: open, fire a transition, assign and edit, note, extend; and the case queries.

DESIGN §2.1–2.3. Each command is one unit of work: the case, its events and what follows from
them are written together or not at all. Time comes from the context's clock so that every rule
can be checked on a chosen day.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models import Case, CaseEvent, CaseExtension, CasePause, Requester
from casework.repositories import cases as repo
from casework.repositories.cases import CaseFilters
from casework.schemas import PREFIXES, CaseCreate, CaseUpdate, TransitionIn
from casework.security import policy
from casework.services import access_log, accountability, clock, notices
from casework.services.calendar import ensure_covered
from casework.services.errors import InvalidInput, NotFound, TransitionNotAllowed, VersionConflict
from workflows import case_flow
from workflows.case_clock import UNANSWERED_STATES, CaseClock, DeadlineClock, Step
from workflows.deadlines import receipt_date


@dataclass
class CaseView:
    """A case with what its readers need beside it (its requester; warnings of the command)."""

    case: Case
    requester: Requester | None
    warnings: tuple[case_flow.Message, ...] = ()


def _check_assignee(session: Session, assignee_id: int | None) -> None:
    from casework.models import User

    if assignee_id is None:
        return
    user = session.get(User, assignee_id)
    if user is None or not user.is_active:
        raise InvalidInput(
            N_("No active user has the id %(id)s."), field="assignee_id", id=assignee_id
        )


def _event(case: Case, *, actor: Actor, at: datetime, kind: str, **fields) -> CaseEvent:
    return CaseEvent(case_id=case.id, at=at, actor=actor.label, kind=kind, **fields)


def open_case(ctx: AppContext, *, actor: Actor, data: CaseCreate) -> CaseView:
    """Register a case: give it its reference, compute its deadlines, record its first event."""
    with unit_of_work(ctx.engine) as session:
        return register(ctx, session, actor=actor, data=data, now=ctx.now())


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
            kind="created",
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


def _locked(session: Session, reference: str, version: int | None = None) -> Case:
    case = _found(session, reference, for_update=True)
    if version is not None and case.version != version:
        raise VersionConflict(current_version=case.version, given_version=version)
    return case


def _touch(case: Case, now: datetime) -> None:
    case.version += 1
    case.updated_at = now


def recompute_deadlines(
    ctx: AppContext, session: Session, case: Case, *, actor: Actor, now: datetime
) -> list[dict]:
    """Recompute the deadlines of a case with the current calendar (DESIGN §2.3: "When the
    calendar changes, open deadlines are recomputed and every change is recorded as an event");
    return the changes, each also recorded as an event (casework.services.clock.recompute)."""
    changes = clock.recompute(
        ctx, session, case, actor=actor, now=now, reason=clock.CALENDAR_CHANGED
    )
    if changes:
        _touch(case, now)
    return changes


def fire(ctx: AppContext, *, actor: Actor, reference: str, request: TransitionIn) -> CaseView:
    """Move a case through its life cycle; a refused transition changes nothing."""
    with unit_of_work(ctx.engine) as session:
        case = _locked(session, reference, request.version)
        return fire_on(ctx, session, case, actor=actor, request=request, now=ctx.now())


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
            kind="transition",
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


def update(ctx: AppContext, *, actor: Actor, reference: str, changes: CaseUpdate) -> CaseView:
    """Assign, reassign or unassign a case, or edit its subject or priority."""
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        case = _locked(session, reference, changes.version)
        changed = False
        if changes.unassign or (
            changes.assignee_id is not None and changes.assignee_id != case.assignee_id
        ):
            new_assignee = None if changes.unassign else changes.assignee_id
            _check_assignee(session, new_assignee)
            repo.add_event(
                session,
                _event(
                    case,
                    actor=actor,
                    at=now,
                    kind="assignment",
                    data={"from": case.assignee_id, "to": new_assignee},
                ),
            )
            case.assignee_id = new_assignee
            changed = True
        edits = {}
        for field in ("subject", "priority"):
            value = getattr(changes, field)
            if value is not None and value != getattr(case, field):
                edits[field] = {"from": getattr(case, field), "to": str(value)}
                setattr(case, field, str(value))
        if edits:
            repo.add_event(session, _event(case, actor=actor, at=now, kind="edit", data=edits))
            changed = True
        if changed:
            _touch(case, now)
        requester = repo.get_requester(session, case.requester_id)
    return CaseView(case=case, requester=requester)


def add_note(ctx: AppContext, *, actor: Actor, reference: str, text: str) -> CaseEvent:
    """Add a note to a case's trail (a note does not change the case's version)."""
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        case = _locked(session, reference)
        event = repo.add_event(session, _event(case, actor=actor, at=now, kind="note", reason=text))
        session.flush()
    return event


def extend(
    ctx: AppContext, *, actor: Actor, reference: str, version: int | None, days: int, reason: str
) -> CaseView:
    """Extend the answer delay by a number of business days, with the reason the requester is
    told. An extension given after the due date is recorded and told, but the deadline stays
    missed (workflows.case_clock)."""
    now = ctx.now()
    today = now.astimezone(ctx.tz).date()
    with unit_of_work(ctx.engine) as session:
        case = _locked(session, reference, version)
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
                kind=clock.EXTENSION_EVENT,
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
        requester = repo.get_requester(session, case.requester_id)
    return CaseView(case=case, requester=requester)


def set_reply_date(
    ctx: AppContext, *, actor: Actor, reference: str, version: int | None, reply_due_on: date
) -> CaseView:
    """Set or change the date by which the Protecteur du citoyen expects the body's reply (the
    Protecteur often sets it in a later letter); a date on a non-business day carries to the
    next business day (workflows.case_clock)."""
    now = ctx.now()
    today = now.astimezone(ctx.tz).date()
    with unit_of_work(ctx.engine) as session:
        case = _locked(session, reference, version)
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
                kind=clock.REPLY_DATE_EVENT,
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
        requester = repo.get_requester(session, case.requester_id)
    return CaseView(case=case, requester=requester)


def get(ctx: AppContext, *, reference: str) -> CaseView:
    """Return one case with its requester."""
    with read_session(ctx.engine) as session:
        case = _found(session, reference)
        return CaseView(case=case, requester=repo.get_requester(session, case.requester_id))


def search(
    ctx: AppContext,
    *,
    filters: CaseFilters,
    limit: int = 50,
    offset: int = 0,
    by_due=False,
    triage=False,
    actor: Actor | None = None,
    interface: str | None = None,
) -> tuple[list[CaseView], int]:
    """Return one page of cases matching the filters, and the number matching in all (with
    `triage`: new unassigned cases first, then by due date; for a text search, counted up to
    repo.TEXT_COUNT_CAP + 1).

    The text is looked for in requesters only for an actor allowed to see them (on the cases
    assigned to them, for an agent); each case found through its requester is logged as an
    access (DESIGN §2.5: "Who viewed personal information is logged").
    """
    filters = _people_searched(filters, actor)
    with read_session(ctx.engine) as session:
        items, total = repo.search(
            session, filters=filters, limit=limit, offset=offset, by_due=by_due, triage=triage
        )
        requesters = repo.requesters_by_id(
            session, {c.requester_id for c in items if c.requester_id}
        )
        found = repo.found_by_person(session, ids=[c.id for c in items], filters=filters)
    if found and actor is not None:
        access_log.record(
            ctx, actor=actor, case_ids=found, interface=interface or "api", what="search"
        )
    return [CaseView(case=c, requester=requesters.get(c.requester_id)) for c in items], total


def other_cases(
    ctx: AppContext, *, actor: Actor, reference: str, interface: str, limit: int = 20
) -> list[Case]:
    """Return the person's other cases (same email address or telephone), newest first, for an
    actor who may see this case's requester; logged as an access to each case listed."""
    with read_session(ctx.engine) as session:
        case = _found(session, reference)
        requester = repo.get_requester(session, case.requester_id)
        if requester is None or not policy.can_see_requester(actor, case):
            return []
        own = policy.scope(actor, "requester.read") is policy.Scope.OWN
        others = repo.cases_of_same_person(
            session,
            requester=requester,
            exclude_case_id=case.id,
            assignee_id=(actor.user_id or -1) if own else None,
            limit=limit,
        )
    access_log.record(
        ctx, actor=actor, case_ids=[c.id for c in others], interface=interface, what="related"
    )
    return others


def _people_searched(filters: CaseFilters, actor: Actor | None) -> CaseFilters:
    """Let the text reach requesters only where the actor may see them."""
    held = policy.scope(actor, "requester.read") if actor is not None else None
    if not filters.text or held is None:
        return replace(filters, people=False, people_assignee_id=None)
    if held is policy.Scope.OWN:
        return replace(filters, people=True, people_assignee_id=actor.user_id or -1)
    return replace(filters, people=True, people_assignee_id=None)


def events(ctx: AppContext, *, reference: str) -> list[CaseEvent]:
    """Return the audit trail of a case, oldest first."""
    with read_session(ctx.engine) as session:
        case = _found(session, reference)
        return repo.events(session, case.id)


def clock_of(ctx: AppContext, *, reference: str, today: date | None = None) -> CaseClock:
    """Return the clock of a case: each deadline, its state on `today` and how it was computed."""
    with read_session(ctx.engine) as session:
        case = _found(session, reference)
        return clock.clock_of(ctx, session, case, today=today)


def deadlines(
    ctx: AppContext, *, reference: str, today: date | None = None
) -> tuple[DeadlineClock, ...]:
    """Return each deadline of a case (acknowledgment, answer, Protecteur's reply)."""
    return clock_of(ctx, reference=reference, today=today).items
