"""Case commands: open, fire a transition, assign and edit, note, extend; and the case queries.

DESIGN §2.1–2.3. Each command is one unit of work: the case, its events and what follows from
them are written together or not at all. Time comes from the context's clock so that every rule
can be checked on a chosen day.
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models import Case, CaseEvent, CaseExtension, CasePause, Requester
from casework.repositories import cases as repo
from casework.repositories.cases import CaseFilters
from casework.schemas import PREFIXES, WRITTEN_CHANNELS, CaseCreate, CaseUpdate, TransitionIn
from casework.security import policy
from casework.services import access_log, accountability, notices
from casework.services.calendar import ensure_covered
from casework.services.errors import InvalidInput, NotFound, TransitionNotAllowed, VersionConflict
from workflows import case_flow
from workflows.case_clock import UNANSWERED_STATES, next_deadline
from workflows.deadlines import (
    DayUnit,
    Explanation,
    Extension,
    Pause,
    answer_due,
    due_date,
    explain_due,
    receipt_date,
)


@dataclass
class CaseView:
    """A case with what its readers need beside it (its requester; warnings of the command)."""

    case: Case
    requester: Requester | None
    warnings: tuple[case_flow.Message, ...] = ()


@dataclass
class DeadlineView:
    name: str
    due_on: date
    explanation: Explanation


def _check_assignee(session: Session, assignee_id: int | None) -> None:
    from casework.models import User

    if assignee_id is None:
        return
    user = session.get(User, assignee_id)
    if user is None or not user.is_active:
        raise InvalidInput(
            N_("No active user has the id %(id)s."), field="assignee_id", id=assignee_id
        )


def _refresh_clock(case: Case) -> None:
    running = next_deadline(
        status=case.status,
        ack_due_on=case.ack_due_on,
        answer_due_on=case.answer_due_on,
        protecteur_reply_due_on=case.protecteur_reply_due_on,
    )
    case.next_due_on = running.due_on if running else None
    case.next_deadline = running.name.value if running else None


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
    policy = ctx.policy(data.kind)
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
    written = data.channel in WRITTEN_CHANNELS
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
        ack_due_on=due_date(
            calendar, received_at=received_at, delay=policy.acknowledgment, tz=ctx.tz
        )
        if written
        else None,
        answer_due_on=answer_due(calendar, received_at=received_at, delay=policy.answer, tz=ctx.tz),
        calendar_version=calendar.version,
        created_at=now,
        updated_at=now,
    )
    _refresh_clock(case)
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


def _answer_explanation(ctx: AppContext, session: Session, case: Case) -> Explanation:
    return explain_due(
        ctx.calendar,
        received_at=case.received_at,
        delay=ctx.policy(case.kind).answer,
        pauses=[Pause(p.start, p.end) for p in repo.pauses(session, case.id)],
        extensions=[
            Extension(days=e.days, reason=e.reason, unit=DayUnit(e.unit))
            for e in repo.extensions(session, case.id)
        ],
        tz=ctx.tz,
    )


def _recompute_answer_due(ctx: AppContext, session: Session, case: Case) -> date:
    return _answer_explanation(ctx, session, case).due_on


def recompute_deadlines(
    ctx: AppContext, session: Session, case: Case, *, actor: Actor, now: datetime
) -> list[dict]:
    """Recompute the acknowledgment and answer deadlines of an open case with the current
    calendar (DESIGN §2.3: "When the calendar changes, open deadlines are recomputed and every
    change is recorded as an event"); return the changes, each also recorded as an event."""
    changes = []
    if case.status == "received" and case.ack_due_on is not None:
        ack = due_date(
            ctx.calendar,
            received_at=case.received_at,
            delay=ctx.policy(case.kind).acknowledgment,
            tz=ctx.tz,
        )
        if ack != case.ack_due_on:
            changes.append({"deadline": "acknowledgment", "from": case.ack_due_on, "to": ack})
            case.ack_due_on = ack
    if case.status in UNANSWERED_STATES:
        answer = _recompute_answer_due(ctx, session, case)
        if answer != case.answer_due_on:
            changes.append({"deadline": "answer", "from": case.answer_due_on, "to": answer})
            case.answer_due_on = answer
    previous_version = case.calendar_version
    case.calendar_version = ctx.calendar.version
    if changes:
        _refresh_clock(case)
        _touch(case, now)
    for change in changes:
        change.update(
            {
                "from": change["from"].isoformat(),
                "to": change["to"].isoformat(),
                "calendar_version_from": previous_version,
                "calendar_version": case.calendar_version,
            }
        )
        repo.add_event(
            session,
            _event(
                case,
                actor=actor,
                at=now,
                kind="deadline_changed",
                reason="calendar changed",
                data=dict(change),
            ),
        )
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
    try:
        result = case_flow.fire(
            case,
            case_flow.TransitionRequest(
                trigger=request.trigger.value,
                today=today,
                answer_summary=request.answer_summary,
                comment=request.comment,
                protecteur_file_number=request.protecteur_file_number,
                escalated_on=request.escalated_on,
                protecteur_reply_due_on=request.protecteur_reply_due_on,
                facts_known_on=case.facts_known_on,
                outcome=request.outcome.value if request.outcome else None,
                redirected_to=request.redirected_to,
                reason=request.reason,
            ),
        )
    except case_flow.TransitionRefused as refused:
        raise TransitionNotAllowed(
            reason=refused.message, allowed=[str(t) for t in refused.allowed]
        ) from None
    data = _apply(ctx, session, case, request, source=source, actor=actor, now=now, today=today)
    # A close that lacks what the case is about is refused here: the unit of work rolls back.
    data.update(
        accountability.on_transition(
            ctx, session, case, request, source=source, actor=actor, now=now
        )
    )
    _refresh_clock(case)
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
            reason=request.reason or request.comment,
            data={**data, "warnings": [w.render() for w in result.warnings]},
        ),
    )
    requester = repo.get_requester(session, case.requester_id)
    return CaseView(case=case, requester=requester, warnings=result.warnings)


def _apply(
    ctx: AppContext,
    session: Session,
    case: Case,
    request: TransitionIn,
    *,
    source: str,
    actor: Actor,
    now: datetime,
    today: date,
) -> dict:
    """Record what a successful transition carries; return what its event should keep."""
    trigger = request.trigger
    T = case_flow.Trigger
    if trigger == T.ACKNOWLEDGE:
        case.acknowledged_at = now
        return {
            "answer_due_on": case.answer_due_on.isoformat(),
            **notices.on_acknowledged(ctx, session, case, actor=actor, now=now, today=today),
        }
    if trigger == T.ANSWER:
        case.answered_at = now
        case.answer_summary = request.answer_summary
        return {
            "answer_summary": request.answer_summary,
            **notices.on_answered(
                ctx,
                session,
                case,
                answer=request.answer_summary or "",
                actor=actor,
                now=now,
                today=today,
            ),
        }
    if trigger == T.REQUEST_INFORMATION:
        case.paused_on = today
        session.add(CasePause(case_id=case.id, start=today))
        return {
            "paused_on": today.isoformat(),
            **notices.on_information_requested(
                ctx, session, case, missing=request.comment or "", actor=actor, now=now, today=today
            ),
        }
    if trigger == T.RESUME:
        pause = repo.open_pause(session, case.id)
        before = case.answer_due_on
        if pause is not None:
            pause.end = today
            session.flush()
            case.paused_business_days += ctx.calendar.business_days_between(pause.start, today)
        case.paused_on = None
        case.answer_due_on = _recompute_answer_due(ctx, session, case)
        return {
            "answer_due_on_before": before.isoformat(),
            "answer_due_on": case.answer_due_on.isoformat(),
        }
    if trigger == T.ESCALATE:
        case.protecteur_file_number = request.protecteur_file_number
        case.escalated_on = request.escalated_on
        case.protecteur_reply_due_on = request.protecteur_reply_due_on
        return {
            "notified": notices.on_escalated(ctx, session, case, now=now),
            "protecteur_file_number": request.protecteur_file_number,
            "escalated_on": request.escalated_on.isoformat() if request.escalated_on else None,
            "protecteur_reply_due_on": request.protecteur_reply_due_on.isoformat()
            if request.protecteur_reply_due_on
            else None,
        }
    if trigger == T.CLOSE:
        case.closed_at = now
        case.outcome = request.outcome.value if request.outcome else None
        data = {"outcome": case.outcome}
        if request.redirected_to:
            data["redirected_to"] = request.redirected_to
        if source in UNANSWERED_STATES:
            # Closed before any answer: the person learns why (DESIGN §2.7).
            data.update(
                notices.on_closed_without_answer(
                    ctx,
                    session,
                    case,
                    outcome=case.outcome or "",
                    redirected_to=request.redirected_to,
                    comment=request.comment,
                    actor=actor,
                    now=now,
                    today=today,
                )
            )
        return data
    if trigger == T.REOPEN:
        case.closed_at = None
        case.outcome = None
        return {}
    return {}  # pragma: no cover - every trigger is handled above


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
    ctx: AppContext, *, actor: Actor, reference: str, version: int, days: int, reason: str
) -> CaseView:
    """Extend the answer delay by a number of business days, with the reason the requester is
    told."""
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        case = _locked(session, reference, version)
        if case.status not in UNANSWERED_STATES:
            raise InvalidInput(
                N_("Only the answer delay of a case not yet answered can be extended."),
                field="days",
            )
        before = case.answer_due_on
        session.add(CaseExtension(case_id=case.id, days=days, reason=reason, created_at=now))
        session.flush()
        case.answer_due_on = _recompute_answer_due(ctx, session, case)
        _refresh_clock(case)
        _touch(case, now)
        repo.add_event(
            session,
            _event(
                case,
                actor=actor,
                at=now,
                kind="deadline_changed",
                reason=reason,
                data={
                    "deadline": "answer",
                    "extension_days": days,
                    "from": before.isoformat(),
                    "to": case.answer_due_on.isoformat(),
                    # The requester is told (DESIGN §2.3); the notice stays with the event.
                    **notices.on_extended(
                        ctx,
                        session,
                        case,
                        previous_due_on=before,
                        reason=reason,
                        actor=actor,
                        now=now,
                        today=ctx.today(),
                    ),
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


def deadlines(ctx: AppContext, *, reference: str) -> list[DeadlineView]:
    """Return each deadline of a case with how it was computed."""
    with read_session(ctx.engine) as session:
        case = _found(session, reference)
        policy = ctx.policy(case.kind)
        views = []
        if case.ack_due_on is not None:
            views.append(
                DeadlineView(
                    "acknowledgment",
                    case.ack_due_on,
                    explain_due(
                        ctx.calendar,
                        received_at=case.received_at,
                        delay=policy.acknowledgment,
                        tz=ctx.tz,
                    ),
                )
            )
        explanation = _answer_explanation(ctx, session, case)
        views.append(DeadlineView("answer", case.answer_due_on, explanation))
        return views
