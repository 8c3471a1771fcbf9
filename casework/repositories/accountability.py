"""Queries on what cases are about, their corrective measures, the Protecteur du citoyen's
findings and the survey's answers (the only place that builds them)."""

from sqlalchemy import select
from sqlmodel import Session

from casework.models import CaseClassification, CorrectiveMeasure, ProtecteurFinding


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
