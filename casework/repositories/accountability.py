"""Queries on what cases are about, their corrective measures, the Protecteur du citoyen's
findings and the survey's answers (the only place that builds them)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlmodel import Session

from casework.models import (
    Case,
    CaseClassification,
    CaseEvent,
    CorrectiveMeasure,
    ProtecteurFinding,
    SurveyAnswer,
)
from casework.repositories import reports as reports_repo
from workflows.events import EventKind


def classification(session: Session, case_id: int) -> CaseClassification | None:
    """Return what a case is about, None when nothing was recorded."""
    return session.get(CaseClassification, case_id)


def finding(session: Session, case_id: int) -> ProtecteurFinding | None:
    """Return the Protecteur du citoyen's findings on a case."""
    return session.get(ProtecteurFinding, case_id)


def measures(session: Session, case_id: int) -> list[CorrectiveMeasure]:
    """Return the corrective measures decided after a case, oldest first."""
    query = (
        select(CorrectiveMeasure)
        .where(CorrectiveMeasure.case_id == case_id)
        .order_by(CorrectiveMeasure.id)
    )
    return list(session.execute(query).scalars())


def measure(session: Session, *, case_id: int, measure_id: int) -> CorrectiveMeasure | None:
    """Return one corrective measure of a case, locked for the unit of work."""
    query = (
        select(CorrectiveMeasure)
        .where(CorrectiveMeasure.id == measure_id, CorrectiveMeasure.case_id == case_id)
        .with_for_update()
    )
    return session.execute(query).scalar_one_or_none()


@dataclass(frozen=True)
class ReportRow:
    """What the reports read of one case (never its requester)."""

    id: int
    reference: str
    kind: str
    channel: str
    status: str
    outcome: str | None
    received_at: datetime
    ack_due_on: date | None
    answer_due_on: date
    answered_at: datetime | None
    closed_at: datetime | None
    left_received_at: datetime | None
    escalated_on: date | None
    ack_met_on: date | None
    ack_outcome: str | None
    answer_outcome: str | None
    answer_counted_on: date | None
    assignee_id: int | None
    service: str | None
    commitment: str | None
    root_cause: str | None
    remedy: str | None


def received_between(session: Session, *, start: datetime, end: datetime) -> list[ReportRow]:
    """Return the cases received from `start` (inclusive) to `end` (exclusive), in receipt
    order, with what they are about."""
    query = (
        select(
            Case.id,
            Case.reference,
            Case.kind,
            Case.channel,
            Case.status,
            Case.outcome,
            Case.received_at,
            Case.ack_due_on,
            Case.answer_due_on,
            Case.answered_at,
            Case.closed_at,
            reports_repo.left_received_at(Case.id),
            Case.escalated_on,
            Case.ack_met_on,
            Case.ack_outcome,
            Case.answer_outcome,
            Case.answer_counted_on,
            Case.assignee_id,
            CaseClassification.service,
            CaseClassification.commitment,
            CaseClassification.root_cause,
            CaseClassification.remedy,
        )
        .outerjoin(CaseClassification, CaseClassification.case_id == Case.id)
        .where(Case.received_at >= start, Case.received_at < end)
        .order_by(Case.received_at, Case.id)
    )
    # A year of cases is read in one pass: Core rows, without the ORM's per-row bookkeeping.
    rows = []
    for row in session.connection().execute(query):
        values = list(row)
        values[11] = reports_repo.aware(values[11])
        rows.append(ReportRow(*values))
    return rows


def assignees(session: Session, *, start: datetime, end: datetime) -> dict[int, set[int]]:
    """Return, for the cases received from `start` to `end`, every user ever assigned to them
    (the assignments and transfers of their trail)."""
    query = (
        select(CaseEvent.case_id, CaseEvent.data)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.kind == EventKind.ASSIGNMENT,
            Case.received_at >= start,
            Case.received_at < end,
        )
    )
    people: dict[int, set[int]] = {}
    for case_id, data in session.execute(query):
        found = people.setdefault(case_id, set())
        for key in ("from", "to"):
            if data.get(key) is not None:
                found.add(int(data[key]))
    return people


@dataclass(frozen=True)
class EscalationRow:
    reference: str
    escalated_on: date
    conclusion: str | None


def escalated_between(session: Session, *, first: date, last: date) -> list[EscalationRow]:
    """Return the cases taken to the Protecteur du citoyen from `first` to `last` (inclusive),
    with its conclusion when recorded."""
    query = (
        select(Case.reference, Case.escalated_on, ProtecteurFinding.conclusion)
        .outerjoin(ProtecteurFinding, ProtecteurFinding.case_id == Case.id)
        .where(Case.escalated_on >= first, Case.escalated_on <= last)
        .order_by(Case.escalated_on, Case.id)
    )
    return [EscalationRow(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class MeasureRow:
    reference: str
    created_at: datetime
    due_on: date
    done_on: date | None


def measures_until(session: Session, *, end: datetime) -> list[MeasureRow]:
    """Return the corrective measures decided before `end`, oldest first."""
    query = (
        select(
            Case.reference,
            CorrectiveMeasure.created_at,
            CorrectiveMeasure.due_on,
            CorrectiveMeasure.done_on,
        )
        .join(Case, Case.id == CorrectiveMeasure.case_id)
        .where(CorrectiveMeasure.created_at < end)
        .order_by(CorrectiveMeasure.created_at, CorrectiveMeasure.id)
    )
    return [MeasureRow(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class SurveyCount:
    service: str
    aspect: str
    rating: str
    count: int


def survey_counts(session: Session, *, first: date, last: date) -> list[SurveyCount]:
    """Count the survey's answers given from `first` to `last`, by service, aspect and rating."""
    query = (
        select(SurveyAnswer.service, SurveyAnswer.aspect, SurveyAnswer.rating, func.count())
        .where(SurveyAnswer.answered_on >= first, SurveyAnswer.answered_on <= last)
        .group_by(SurveyAnswer.service, SurveyAnswer.aspect, SurveyAnswer.rating)
    )
    return [SurveyCount(*row) for row in session.execute(query)]


def add_answers(session: Session, rows: list[dict]) -> None:
    """Insert survey answers in one statement."""
    if rows:
        session.execute(insert(SurveyAnswer), rows)


def case_ids_by_reference(session: Session, references: set[str]) -> dict[str, tuple[int, str]]:
    """Return the id and kind of each case named, by reference."""
    if not references:
        return {}
    query = select(Case.reference, Case.id, Case.kind).where(Case.reference.in_(references))
    return {reference: (case_id, kind) for reference, case_id, kind in session.execute(query)}
