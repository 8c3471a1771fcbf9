"""Queries on what cases are about, their corrective measures, the Protecteur du citoyen's
findings and the survey's answers (the only place that builds them)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    Select,
    and_,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    text,
    type_coerce,
)
from sqlmodel import Session

from casework.models import (
    Case,
    CaseClassification,
    CorrectiveMeasure,
    ProtecteurFinding,
    SurveyAnswer,
)
from casework.repositories import reports as reports_repo


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


# The report's queries count in SQL: each groups the cases received in the period by what one
# family of figures reads (a handful of columns) and returns (values..., count, reference): with
# `trace`, one row per case in receipt order with its reference, else one row per group.


def _counted(columns: list, where: list, *, trace: bool, joins=()) -> Select:
    """Return the query of `columns` over the cases matching `where`, grouped and counted (or,
    with `trace`, one row per case with count 1 and its reference, in receipt order)."""
    if trace:
        query = select(*columns, literal(1), Case.reference)
    else:
        query = select(*columns, func.count(), null())
    query = query.select_from(Case)
    for table, on in joins:
        query = query.outerjoin(table, on)
    query = query.where(*where)
    if trace:
        return query.order_by(Case.received_at, Case.id)
    return query.group_by(*columns)


def _received(start: datetime, end: datetime) -> list:
    return [Case.received_at >= start, Case.received_at < end]


@dataclass(frozen=True)
class VolumeRow:
    """Cases received of one kind and channel, about one service, closed with one outcome
    (None: not closed)."""

    kind: str
    channel: str
    service: str | None
    closed_outcome: str | None
    count: int
    reference: str | None


def _closed_outcome():
    return case((Case.status == "closed", Case.outcome), else_=null())


_CLASSIFICATION = [(CaseClassification, CaseClassification.case_id == Case.id)]


def volumes(session: Session, *, start: datetime, end: datetime, trace: bool) -> list[VolumeRow]:
    """Count the cases received from `start` to `end` by kind, channel, service and closing
    outcome."""
    columns = [Case.kind, Case.channel, CaseClassification.service, _closed_outcome()]
    query = _counted(columns, _received(start, end), trace=trace, joins=_CLASSIFICATION)
    return [VolumeRow(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class TrendRow:
    """Complaints received in one fiscal quarter, about one service, commitment and root
    cause, closed with one outcome (None: not closed)."""

    quarter: str
    service: str | None
    commitment: str | None
    root_cause: str | None
    closed_outcome: str | None
    count: int
    reference: str | None


def trends(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    kinds: list[str],
    quarters: list[tuple[str, datetime]],
    trace: bool,
) -> list[TrendRow]:
    """Count the cases of `kinds` received from `start` to `end` by fiscal quarter (named by
    `quarters`, each with the instant it starts), what they are about and closing outcome."""
    quarter = (
        case(
            *(
                (Case.received_at < begins, literal(name))
                for (name, _), (_, begins) in pairwise(quarters)
            ),
            else_=literal(quarters[-1][0]),
        )
        if len(quarters) > 1
        else literal(quarters[0][0])
    )
    columns = [
        quarter,
        CaseClassification.service,
        CaseClassification.commitment,
        CaseClassification.root_cause,
        _closed_outcome(),
    ]
    where = [*_received(start, end), Case.kind.in_(kinds)]
    query = _counted(columns, where, trace=trace, joins=_CLASSIFICATION)
    return [TrendRow(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class AcknowledgmentRow:
    """Cases received on one local day whose acknowledgment the case clock judged alike."""

    received_on: date
    due_on: date | None
    outcome: str | None
    met_on: date | None  # the day it was met, or the case first left `received` (local)
    count: int
    reference: str | None


def acknowledgments(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    until: datetime,
    zone: ZoneInfo,
    trace: bool,
) -> list[AcknowledgmentRow]:
    """Count the cases received from `start` to `end` by day of receipt and what the case clock
    says of their acknowledgment: due date, outcome and the day it was met (`ack_met_on`, or for
    a settled one without it, the local day the case first left `received` otherwise than
    closed)."""
    dialect = session.get_bind().dialect.name
    received_on = local_day(Case.received_at, zone, dialect, start, until)
    columns = [received_on, Case.ack_due_on, Case.ack_outcome, Case.ack_met_on]
    rows = [
        AcknowledgmentRow(*row)
        for row in session.execute(_counted(columns, _received(start, end), trace=trace))
    ]
    if not any(r.met_on is None and r.outcome in SETTLED for r in rows):
        return rows
    # Settled without the day it was met (written before the clock stored it): the day the
    # case first left `received`, looked up for those cases only.
    without_day = and_(Case.ack_met_on.is_(None), Case.ack_outcome.in_(SETTLED))
    left_on = local_day(reports_repo.left_received_at(Case.id), zone, dialect, start, until)
    columns = [received_on, Case.ack_due_on, Case.ack_outcome, left_on]
    query = _counted(columns, [*_received(start, end), without_day], trace=trace)
    found = [AcknowledgmentRow(*row) for row in session.execute(query)]
    rows = [r for r in rows if not (r.met_on is None and r.outcome in SETTLED)] + found
    if trace:  # back in receipt order
        order = {reference: n for n, reference in enumerate(_references(session, start, end))}
        rows.sort(key=lambda r: order[r.reference])
    return rows


SETTLED = ("on_time", "late")


def _references(session: Session, start: datetime, end: datetime) -> list[str]:
    query = select(Case.reference).where(*_received(start, end))
    return list(session.execute(query.order_by(Case.received_at, Case.id)).scalars())


@dataclass(frozen=True)
class AnswerRow:
    """Cases received on one local day whose first answer the case clock judged alike, handled
    by as many people."""

    received_on: date
    due_on: date
    counted_on: date | None
    outcome: str | None
    answered_on: date | None
    handlers: int  # the distinct people ever assigned (cases.handlers; 0: nobody)
    count: int
    reference: str | None


def answers(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    until: datetime,
    zone: ZoneInfo,
    trace: bool,
) -> list[AnswerRow]:
    """Count the cases received from `start` to `end` by day of receipt, what the case clock
    says of their first answer (due date, date it is judged against, outcome and local day of
    the answer) and the number of distinct people ever assigned to them (`cases.handlers`,
    kept by the services from the assignments of the trail): one scan for both figures."""
    dialect = session.get_bind().dialect.name
    columns = [
        local_day(Case.received_at, zone, dialect, start, until),
        Case.answer_due_on,
        Case.answer_counted_on,
        Case.answer_outcome,
        local_day(Case.answered_at, zone, dialect, start, until),
        Case.handlers,
    ]
    query = _counted(columns, _received(start, end), trace=trace)
    return [AnswerRow(*row) for row in session.execute(query)]


def for_counting(session: Session, zone: ZoneInfo) -> None:
    """Prepare PostgreSQL for the report's grouped counts, for the rest of the transaction: they
    sort and hash a year of cases (memory enough to do it without temporary files), and are
    estimated costly enough to be compiled first, which takes longer than they run (no JIT);
    the session's time zone is `zone`, so that `local_day` casts an instant to its local day
    without a zone lookup per row (the report's transaction is prepared here, and only here)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '32MB'"))
        # SET takes no bound parameter: set_config is the same SET LOCAL, with one.
        session.execute(text("SELECT set_config('TimeZone', :zone, true)"), {"zone": zone.key})


def local_day(column, zone: ZoneInfo, dialect: str, start: datetime, until: datetime):
    """Return a SQL expression of the local day in `zone` of an instant `column` falling from
    `start` to `until`. PostgreSQL casts it under the session's time zone, which `for_counting`
    set to `zone` for the report's transaction (the caller prepared it: a cast costs less than
    a zone lookup per row); SQLite, which knows no zones, shifts the UTC text by the zone's
    offset in force at that instant (known to Python)."""
    if dialect == "postgresql":
        return cast(column, Date)
    *changes, (_, last) = offsets(zone, start, until)
    shift = (
        case(
            *((column < ends, literal(f"{seconds:+d} seconds")) for ends, seconds in changes),
            else_=literal(f"{last:+d} seconds"),
        )
        if changes
        else literal(f"{last:+d} seconds")
    )
    return type_coerce(func.date(column, shift), Date())


def offsets(zone: ZoneInfo, start: datetime, until: datetime) -> list[tuple[datetime, int]]:
    """Return the UTC offsets of `zone` in force from `start` to `until`, in seconds, each with
    the instant it ends (the last one with `until`): found a day at a time, then to the hour and
    the minute."""

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds())

    found = []
    moment = start.astimezone(UTC).replace(second=0, microsecond=0)
    current = offset(moment)
    while moment < until:
        step = timedelta(days=1)
        while offset(moment + step) == current:
            moment += step
            if moment >= until:
                found.append((until, current))
                return found
        for finer in (timedelta(hours=1), timedelta(minutes=1)):
            while offset(moment + finer) == current:
                moment += finer
        moment += timedelta(minutes=1)
        found.append((moment, current))
        current = offset(moment)
    found.append((until, current))
    return found


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
