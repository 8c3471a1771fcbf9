"""What a case is about, the corrective measures decided after it, and the Protecteur du
citoyen's findings.

ISO 10002 (and the Protecteur du citoyen's and the ombudsmen's complaint standards) ask a body
"to analyse what complaints are about and what was changed as a result". The officer records, on
the configured lists (`[accountability]` in config.toml, French and English labels): the service
concerned, the commitment of the declaration concerned, the root cause and the remedy given; and
each corrective measure with its owner and due date, until it is done. A complaint closed on its
merits needs the four (workflows.accountability.missing_classification); closing an escalated
case records what the Protecteur concluded. Each change is an event of the case.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models import (
    Case,
    CaseClassification,
    CaseEvent,
    CorrectiveMeasure,
    ProtecteurFinding,
)
from casework.repositories import accountability as repo
from casework.repositories import cases as cases_repo
from casework.schemas import ClassificationIn, MeasureDoneIn, MeasureIn, TransitionIn
from casework.security import policy
from casework.services.errors import InvalidInput, NotFound, TransitionNotAllowed
from workflows import accountability as rules
from workflows import case_flow
from workflows.events import EventKind

LISTS = {
    "service": "services",
    "commitment": "commitments",
    "root_cause": "root_causes",
    "remedy": "remedies",
}


@dataclass
class About:
    """What a case is about and what followed from it."""

    classification: CaseClassification | None
    measures: list[CorrectiveMeasure]
    finding: ProtecteurFinding | None


def _case(session: Session, reference: str, *, for_update: bool = False) -> Case:
    case = cases_repo.get_by_reference(session, reference, for_update=for_update)
    if case is None:
        raise NotFound(N_("No case has the reference %(reference)s."), reference=reference)
    return case


def _event(case: Case, actor: Actor, now: datetime, kind: EventKind, data: dict) -> CaseEvent:
    return CaseEvent(case_id=case.id, at=now, actor=actor.label, kind=kind, data=data)


def check_codes(ctx: AppContext, data: ClassificationIn) -> None:
    """Refuse a code that is not on its configured list, naming the field."""
    config = ctx.settings.accountability
    for field, list_name in LISTS.items():
        value = getattr(data, field)
        if value is not None and value not in config.codes(list_name):
            raise InvalidInput(
                N_("“%(value)s” is not on the list of %(field_name)s. Choose one of: %(codes)s."),
                field=field,
                value=value,
                field_name=field,
                codes=", ".join(config.codes(list_name)),
            )


def record_classification(
    ctx: AppContext,
    session: Session,
    case: Case,
    data: ClassificationIn,
    *,
    actor: Actor,
    now: datetime,
) -> CaseClassification:
    """Write what a case is about (the fields given replace those recorded) and its event."""
    check_codes(ctx, data)
    row = repo.classification(session, case.id)
    before = {f: getattr(row, f) for f in LISTS} if row else dict.fromkeys(LISTS)
    if row is None:
        row = CaseClassification(case_id=case.id, updated_by=actor.label, updated_at=now)
        session.add(row)
    given = data.model_dump(exclude_none=True)
    for field, value in given.items():
        setattr(row, field, value)
    row.updated_by, row.updated_at = actor.label, now
    changes = {f: {"from": before[f], "to": v} for f, v in given.items() if before[f] != v}
    if changes:
        cases_repo.add_event(session, _event(case, actor, now, EventKind.CLASSIFICATION, changes))
    session.flush()
    return row


def on_transition(
    ctx: AppContext,
    session: Session,
    case: Case,
    request: TransitionIn,
    *,
    source: str,
    actor: Actor,
    now: datetime,
) -> dict:
    """Record what a transition carries about the case's subject; refuse a close that lacks it
    (the Protecteur du citoyen's conclusion is a required field of closing an escalated case,
    which the life cycle's guard checks).

    Return what the transition's event should keep.
    """
    data: dict = {}
    # Only what the trigger's specification reads from this state (workflows.case_flow.SPECS).
    reads = case_flow.SPEC_OF[request.trigger].fields_from(source)
    if request.classification is not None and any(f.part_of == "classification" for f in reads):
        record_classification(ctx, session, case, request.classification, actor=actor, now=now)
    if request.trigger != case_flow.Trigger.CLOSE:
        return data
    stored = repo.classification(session, case.id)
    missing = rules.missing_classification(
        kind=case.kind,
        outcome=case.outcome,
        classification={f: getattr(stored, f) for f in LISTS} if stored else {},
    )
    if missing is not None:
        raise TransitionNotAllowed(
            reason=missing, allowed=[str(t) for t in case_flow.allowed_triggers(source)]
        )
    if request.protecteur_conclusion is not None and any(
        f.name == "protecteur_conclusion" for f in reads
    ):  # closing an escalated case (its specification requires the conclusion)
        finding = repo.finding(session, case.id) or ProtecteurFinding(
            case_id=case.id, conclusion="", recorded_by=actor.label, recorded_at=now
        )
        finding.conclusion = request.protecteur_conclusion.value
        finding.recommendations = request.protecteur_recommendations or ""
        finding.recorded_by, finding.recorded_at = actor.label, now
        session.add(finding)
        data["protecteur_conclusion"] = finding.conclusion
        if finding.recommendations:
            data["protecteur_recommendations"] = finding.recommendations
    return data


def classify(
    ctx: AppContext, *, actor: Actor, reference: str, data: ClassificationIn
) -> CaseClassification:
    """Record what a case is about."""
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        case = _case(session, reference, for_update=True)
        policy.check(actor, "case.classify", case)
        return record_classification(ctx, session, case, data, actor=actor, now=now)


def add_measure(
    ctx: AppContext, *, actor: Actor, reference: str, data: MeasureIn
) -> CorrectiveMeasure:
    """Record a corrective measure decided after a case, with its owner and due date."""
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        case = _case(session, reference, for_update=True)
        policy.check(actor, "case.classify", case)
        measure = CorrectiveMeasure(
            case_id=case.id,
            description=data.description,
            owner=data.owner,
            due_on=data.due_on,
            created_by=actor.label,
            created_at=now,
        )
        session.add(measure)
        session.flush()
        cases_repo.add_event(
            session,
            _event(
                case,
                actor,
                now,
                EventKind.MEASURE,
                {
                    "measure_id": measure.id,
                    "description": measure.description,
                    "owner": measure.owner,
                    "due_on": measure.due_on.isoformat(),
                },
            ),
        )
        return measure


def complete_measure(
    ctx: AppContext, *, actor: Actor, reference: str, measure_id: int, data: MeasureDoneIn
) -> CorrectiveMeasure:
    """Record that a corrective measure is done."""
    now = ctx.now()
    if data.done_on > ctx.today():
        raise InvalidInput(
            N_("The date a measure was done cannot be in the future."), field="done_on"
        )
    with unit_of_work(ctx.engine) as session:
        case = _case(session, reference, for_update=True)
        policy.check(actor, "case.classify", case)
        measure = repo.measure(session, case_id=case.id, measure_id=measure_id)
        if measure is None:
            raise NotFound(
                N_("Case %(reference)s has no corrective measure %(id)s."),
                reference=reference,
                id=measure_id,
            )
        measure.done_on = data.done_on
        cases_repo.add_event(
            session,
            _event(
                case,
                actor,
                now,
                EventKind.MEASURE_DONE,
                {"measure_id": measure.id, "done_on": data.done_on.isoformat()},
            ),
        )
        return measure


def about(ctx: AppContext, *, actor: Actor, reference: str) -> About:
    """Return what a case is about, its corrective measures and the Protecteur's findings."""
    with read_session(ctx.engine) as session:
        case = _case(session, reference)
        policy.check(actor, "case.read", case)
        return About(
            classification=repo.classification(session, case.id),
            measures=repo.measures(session, case.id),
            finding=repo.finding(session, case.id),
        )
