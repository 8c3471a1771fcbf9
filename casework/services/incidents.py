"""The register of confidentiality incidents.

Loi sur l'accès aux documents des organismes publics et sur la protection des renseignements
personnels (RLRQ c. A-2.1), art. 63.11: "Un organisme public doit tenir un registre des incidents
de confidentialité"; the Règlement sur les incidents de confidentialité (RLRQ c. A-2.1, r. 3.1),
art. 6, lists what each entry holds: the information concerned, the circumstances, the date or
period of the incident and when the body learned of it, the number of people concerned, the
assessment of the risk of serious injury, the measures taken, and the dates the Commission
d'accès à l'information and the people concerned were notified (art. 63.8).
"""

from enum import StrEnum

from pydantic import Field
from sqlalchemy import delete, select

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.exports import csv_text
from casework.i18n import N_
from casework.models import Case, Incident, IncidentCase
from casework.schemas import VISIBLE, CaseReference, Day, Line, Text, _Input
from casework.security import policy
from casework.services.errors import InvalidInput, NotFound


class Risk(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"  # a risk of serious injury: the Commission and the people must be notified


class IncidentBase(_Input):
    title: Line = Field(min_length=1, max_length=200, json_schema_extra=VISIBLE)
    information: Text = Field(min_length=1, max_length=5000, json_schema_extra=VISIBLE)
    circumstances: Text = Field(min_length=1, max_length=10000, json_schema_extra=VISIBLE)
    occurred_on: Day
    known_on: Day
    people_count: int = Field(default=0, ge=0, le=100_000_000)
    serious_injury_risk: Risk
    risk_assessment: Text = Field(default="", max_length=10000)
    measures: Text = Field(default="", max_length=10000)
    cai_notified_on: Day | None = None
    people_notified_on: Day | None = None
    cases: list[CaseReference] = Field(default_factory=list, max_length=1000)


class IncidentCreate(IncidentBase):
    pass


class IncidentUpdate(IncidentBase):
    pass


class IncidentPublic(IncidentBase):
    id: int
    created_by: str


def _check_dates(ctx: AppContext, data: IncidentBase) -> None:
    today = ctx.today()
    for name in ("occurred_on", "known_on", "cai_notified_on", "people_notified_on"):
        value = getattr(data, name)
        if value is not None and value > today:
            raise InvalidInput(N_("This date is in the future."), field=name)
    if data.known_on < data.occurred_on:
        raise InvalidInput(
            N_("The body cannot learn of an incident before it occurs."), field="known_on"
        )


def _link_cases(session, incident_id: int, references: list[str]) -> None:
    session.execute(delete(IncidentCase).where(IncidentCase.incident_id == incident_id))
    wanted = list(dict.fromkeys(r.strip().upper() for r in references if r.strip()))
    if not wanted:
        return
    found = dict(
        session.execute(select(Case.reference, Case.id).where(Case.reference.in_(wanted))).all()
    )
    for reference in wanted:
        if reference not in found:
            raise NotFound(
                N_("No case has the reference %(reference)s."), field="cases", reference=reference
            )
        session.add(IncidentCase(incident_id=incident_id, case_id=found[reference]))


def _public(session, incident: Incident) -> IncidentPublic:
    references = session.execute(
        select(Case.reference)
        .join(IncidentCase, IncidentCase.case_id == Case.id)
        .where(IncidentCase.incident_id == incident.id)
        .order_by(Case.reference)
    ).scalars()
    return IncidentPublic(
        id=incident.id,
        created_by=incident.created_by,
        title=incident.title,
        information=incident.information,
        circumstances=incident.circumstances,
        occurred_on=incident.occurred_on,
        known_on=incident.known_on,
        people_count=incident.people_count,
        serious_injury_risk=incident.serious_injury_risk,
        risk_assessment=incident.risk_assessment,
        measures=incident.measures,
        cai_notified_on=incident.cai_notified_on,
        people_notified_on=incident.people_notified_on,
        cases=list(references),
    )


def _fields(data: IncidentBase) -> dict:
    return data.model_dump(exclude={"cases"})


def record(ctx: AppContext, *, actor: Actor, data: IncidentCreate) -> IncidentPublic:
    """Add an incident to the register, linked to the cases it concerns."""
    policy.check(actor, "incidents.manage")
    _check_dates(ctx, data)
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        incident = Incident(**_fields(data), created_at=now, updated_at=now, created_by=actor.label)
        session.add(incident)
        session.flush()
        _link_cases(session, incident.id, data.cases)
        session.flush()
        return _public(session, incident)


def change(
    ctx: AppContext, *, actor: Actor, incident_id: int, data: IncidentUpdate
) -> IncidentPublic:
    """Update an incident (its assessment, measures and notification dates as they come)."""
    policy.check(actor, "incidents.manage")
    _check_dates(ctx, data)
    with unit_of_work(ctx.engine) as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFound(N_("No incident has the id %(id)s."), field="id", id=incident_id)
        for name, value in _fields(data).items():
            setattr(incident, name, value)
        incident.updated_at = ctx.now()
        _link_cases(session, incident.id, data.cases)
        session.flush()
        return _public(session, incident)


def get(ctx: AppContext, *, actor: Actor, incident_id: int) -> IncidentPublic:
    """Return one incident of the register."""
    policy.check(actor, "incidents.manage")
    with read_session(ctx.engine) as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFound(N_("No incident has the id %(id)s."), field="id", id=incident_id)
        return _public(session, incident)


def register(ctx: AppContext, *, actor: Actor) -> list[IncidentPublic]:
    """Return the whole register, the most recently known incident first."""
    policy.check(actor, "incidents.manage")
    with read_session(ctx.engine) as session:
        incidents = session.execute(
            select(Incident).order_by(Incident.known_on.desc(), Incident.id.desc())
        ).scalars()
        return [_public(session, incident) for incident in incidents]


CSV_COLUMNS = (
    "id",
    "title",
    "information",
    "circumstances",
    "occurred_on",
    "known_on",
    "people_count",
    "serious_injury_risk",
    "risk_assessment",
    "measures",
    "cai_notified_on",
    "people_notified_on",
    "cases",
)


def register_csv(ctx: AppContext, *, actor: Actor) -> str:
    """Write the register as a CSV file."""
    rows = [[getattr(i, name) for name in CSV_COLUMNS] for i in register(ctx, actor=actor)]
    return csv_text(CSV_COLUMNS, rows)
