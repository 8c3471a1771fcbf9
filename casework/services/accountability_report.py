"""The service declaration's results, the trends of what complaints are about, and the annual
management report.

- Loi sur l'administration publique (RLRQ, c. A-6.01), art. 24: the body publishes an annual
  management report for its fiscal year (1 April to 31 March); the declaration says « Le suivi des
  engagements et des résultats est publié dans le rapport annuel de gestion ».
- The declaration's commitments (DESIGN §2.6, `[accountability]` in config.toml): each
  satisfaction target is compared with the share of satisfied answers of the survey; below the
  configured minimum of answers it is "not measurable". The acknowledgment commitment and the
  answer delay are the case clock's on-time figures (casework.services.reports: one definition
  of on time for the dashboard and the report); the median delay counts business days from the
  day of receipt (day 0) to the day the deadline was met.
- "The fewest possible people between the requester and the answer": among the cases received in
  the period and answered, the number of distinct people assigned to each over its life (kept on
  the case as `handlers` by the assignments: workflows.accountability.people_who_handled), and
  the share handled by at most two.

Every figure counts cases, grouped in SQL (casework.repositories.accountability: a few columns at
a time, never a year of cases read one by one), and each count can list the references behind it
(`trace`: the same queries, a row per case), so that the workbook's trace sheet and the pages'
links show exactly which cases make a figure. Nothing
here reads a requester. Periods are local days in Montreal: a case received on 31 March at 23:30
belongs to the fiscal year that ends that day.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from casework.context import Actor, AppContext
from casework.db import read_session
from casework.i18n import N_, format_day
from casework.repositories import accountability as repo
from casework.schemas import Channel
from casework.security import policy
from casework.services import reports as clock_figures
from casework.services.errors import InvalidInput, NotFound
from workflows import accountability as rules
from workflows import service_standards as standards
from workflows.case_flow import Outcome
from workflows.deadlines import CaseKind

MAX_PERIOD_DAYS = 3 * 366
UNCLASSIFIED = "unclassified"
OPEN = "open"
PENDING = "pending"


class Tally:
    """Counts by figure key, with the references behind each count when tracing."""

    def __init__(self, *, trace: bool) -> None:
        self.trace = trace
        self.counts: Counter[str] = Counter()
        self.references: dict[str, list[str]] = defaultdict(list)

    def add(self, key: str, reference: str | None, count: int = 1) -> None:
        """Count `count` cases for a figure (when tracing, one: the case `reference`)."""
        self.counts[key] += count
        if self.trace:
            self.references[key].append(reference)

    def __getitem__(self, key: str) -> int:
        return self.counts[key]


@dataclass(frozen=True)
class DelayFigures:
    """An on-time figure of the case clock over the cases received in the period."""

    on_time: int
    met_late: int
    open_late: int
    median_business_days: float | None

    @property
    def counted(self) -> int:
        return self.on_time + self.met_late + self.open_late

    @property
    def rate(self) -> float | None:
        return None if self.counted == 0 else 100.0 * self.on_time / self.counted


@dataclass(frozen=True)
class CommitmentResult:
    service: str | None  # None: every service (the acknowledgment delay)
    aspect: str
    target: float
    satisfied: int
    answers: int
    status: rules.Status
    wording_fr: str
    wording_en: str

    @property
    def rate(self) -> float | None:
        return None if self.answers == 0 else 100.0 * self.satisfied / self.answers


@dataclass(frozen=True)
class AspectAnswers:
    aspect: str
    ratings: dict[str, int]
    satisfaction: rules.Satisfaction


@dataclass
class Period:
    """Everything the declaration page and the annual report say about one period."""

    first: date
    last: date
    today: date
    minimum_answers: int
    received: int | None  # None: only the declaration's results were counted
    tally: Tally
    commitments: list[CommitmentResult]
    aspects: list[AspectAnswers]
    acknowledgment: DelayFigures
    answer: DelayFigures
    fewest_people: rules.FewestPeople
    quarters: list[str] = field(default_factory=list)


def period_bounds(ctx: AppContext, first: date, last: date) -> tuple[datetime, datetime]:
    """Return the aware instants that start the first day and end the last day in Montreal."""
    return (
        datetime.combine(first, time(), ctx.tz),
        datetime.combine(last + timedelta(days=1), time(), ctx.tz),
    )


def check_period(first: date, last: date) -> None:
    """Refuse a period that ends before it starts or spans more than three years."""
    if last < first:
        raise InvalidInput(
            N_("The end of the period (%(to)s) is before its start (%(from)s)."),
            field="to",
            to=last.isoformat(),
            **{"from": first.isoformat()},
        )
    if (last - first).days > MAX_PERIOD_DAYS:
        raise InvalidInput(N_("A period covers at most three years."), field="to")


def _local(moment: datetime | None, ctx: AppContext) -> date | None:
    return moment.astimezone(ctx.tz).date() if moment is not None else None


def _clock_state(commitment: standards.Commitment, today: date) -> str | None:
    """Return `on_time`, `met_late` or `open_late` for one deadline as the case clock counts it,
    None when it is not counted (still running and not late, or owed no more)."""
    rate = standards.on_time_rate([commitment], today=today)
    if rate.on_time:
        return "on_time"
    if rate.met_late:
        return "met_late"
    if rate.open_late:
        return "open_late"
    return None


class _Delays:
    """The on-time figures of one deadline, and the business days from receipt (day 0) to the
    day each was met, by how many cases took each."""

    def __init__(self, ctx: AppContext, tally: Tally, prefix: str, today: date) -> None:
        self.calendar, self.tally, self.prefix, self.today = ctx.calendar, tally, prefix, today
        self.days: Counter[int] = Counter()

    def add(self, received_on: date, item, reference: str | None, count: int) -> None:
        if item is None:
            return
        state = _clock_state(item, self.today)
        if state is not None:
            self.tally.add(f"{self.prefix}.{state}", reference, count)
        if item.met_on is not None:
            self.days[self.calendar.business_days_between(received_on, item.met_on)] += count

    def figures(self) -> DelayFigures:
        tally, prefix = self.tally, self.prefix
        return DelayFigures(
            on_time=tally[f"{prefix}.on_time"],
            met_late=tally[f"{prefix}.met_late"],
            open_late=tally[f"{prefix}.open_late"],
            median_business_days=rules.median_counted(self.days),
        )


def _count_volumes(volumes: list[repo.VolumeRow], trends: list[repo.TrendRow], tally: Tally):
    """Tally volumes, and what complaints are about and their outcomes by quarter; return the
    number of cases received."""
    received = 0
    for row in volumes:
        ref, n = row.reference, row.count
        received += n
        tally.add("volumes.received", ref, n)
        tally.add(f"volumes.by_kind.{row.kind}", ref, n)
        tally.add(f"volumes.by_channel.{row.channel}", ref, n)
        tally.add(f"volumes.by_service.{row.service or UNCLASSIFIED}", ref, n)
        tally.add(f"volumes.by_outcome.{row.closed_outcome or OPEN}", ref, n)
    for row in trends:
        ref, n, prefix = row.reference, row.count, f"trends.{row.quarter}"
        tally.add(f"{prefix}.complaints", ref, n)
        tally.add(f"{prefix}.by_service.{row.service or UNCLASSIFIED}", ref, n)
        tally.add(f"{prefix}.by_commitment.{row.commitment or UNCLASSIFIED}", ref, n)
        if row.root_cause:
            tally.add(f"{prefix}.by_root_cause.{row.root_cause}", ref, n)
        if row.closed_outcome in rules.MERITS_OUTCOMES:
            tally.add(f"{prefix}.closed_on_merits", ref, n)
            if row.closed_outcome in rules.FOUNDED_OUTCOMES:
                tally.add(f"{prefix}.founded", ref, n)
    return received


def _quarter_starts(ctx: AppContext, first: date, last: date) -> list[tuple[str, datetime]]:
    """Return the fiscal quarters of the period, each with the instant it starts in it."""
    starts: list[tuple[str, datetime]] = []
    day = first
    while day <= last:
        quarter = rules.fiscal_quarter(day)
        if not starts or starts[-1][0] != quarter:
            starts.append((quarter, period_bounds(ctx, day, day)[0]))
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return starts


def _count_measures(ctx: AppContext, measures, tally: Tally, first: date, last: date, today):
    for m in measures:
        created_on = _local(m.created_at, ctx)
        if created_on >= first:
            tally.add("measures.opened", m.reference)
            tally.add(f"trends.{rules.fiscal_quarter(created_on)}.measures_opened", m.reference)
        if m.done_on is not None and first <= m.done_on <= last:
            tally.add("measures.done", m.reference)
            tally.add(f"trends.{rules.fiscal_quarter(m.done_on)}.measures_done", m.reference)
        if m.done_on is None or m.done_on > last:
            tally.add("measures.open_at_end", m.reference)
            if m.due_on < min(last, today):
                tally.add("measures.overdue_at_end", m.reference)


def _survey(ctx: AppContext, counts: list[repo.SurveyCount]):
    config = ctx.settings.accountability
    by_pair: dict[tuple[str, str], Counter] = defaultdict(Counter)
    by_aspect: dict[str, Counter] = defaultdict(Counter)
    for c in counts:
        by_pair[(c.service, c.aspect)][c.rating] += c.count
        by_aspect[c.aspect][c.rating] += c.count
    results = []
    for item in config.declaration:
        ratings = by_pair[(item.service, item.aspect)]
        measured = rules.satisfaction(ratings.elements())
        results.append(
            CommitmentResult(
                service=item.service,
                aspect=item.aspect,
                target=item.target,
                satisfied=measured.satisfied,
                answers=measured.answers,
                status=rules.commitment_status(
                    met=measured.satisfied,
                    counted=measured.answers,
                    target=item.target,
                    minimum=config.minimum_answers,
                ),
                wording_fr=item.wording_fr,
                wording_en=item.wording_en,
            )
        )
    aspects = [
        AspectAnswers(
            aspect=aspect,
            ratings={r.value: by_aspect[aspect][r.value] for r in rules.Rating},
            satisfaction=rules.satisfaction(by_aspect[aspect].elements()),
        )
        for aspect in config.codes("aspects")
    ]
    return results, aspects


def _acknowledgment_commitment(ctx: AppContext, figures: DelayFigures) -> CommitmentResult:
    config = ctx.settings.accountability
    target = config.acknowledgment_target
    days = ctx.settings.deadlines.complaint.acknowledgment.days
    return CommitmentResult(
        service=None,
        aspect="acknowledgment",
        target=target,
        satisfied=figures.on_time,
        answers=figures.counted,
        # A count of cases, not a sample: one late acknowledgment is already a measure.
        status=rules.commitment_status(
            met=figures.on_time, counted=figures.counted, target=target, minimum=1
        ),
        wording_fr=f"Transmettre un accusé de réception dans un délai de {days} jours ouvrables.",
        wording_en=f"Send an acknowledgment of receipt within {days} business days.",
    )


def gather(
    ctx: AppContext, *, first: date, last: date, trace: bool = False, whole: bool = True
) -> Period:
    """Compute every figure of the period from `first` to `last` (Montreal days, inclusive);
    without `whole`, only the declaration's results (no volumes, trends, escalations or
    measures: `received` is then None)."""
    check_period(first, last)
    today = ctx.today()
    start, end = period_bounds(ctx, first, last)
    # Every instant a case of the period was answered or left `received` comes before now.
    until = max(end, ctx.now()) + timedelta(days=1)
    quarters = _quarter_starts(ctx, first, last)
    span = {"start": start, "end": end, "trace": trace}
    with read_session(ctx.engine) as session:
        repo.for_counting(session, ctx.tz)
        if whole:
            volumes = repo.volumes(session, **span)
            kinds = sorted(rules.CLASSIFIED_KINDS)
            trends = repo.trends(session, kinds=kinds, quarters=quarters, **span)
            escalations = repo.escalated_between(session, first=first, last=last)
            measures = repo.measures_until(session, end=end)
        acknowledgments = repo.acknowledgments(session, until=until, zone=ctx.tz, **span)
        answers = repo.answers(session, until=until, zone=ctx.tz, **span)
        counts = repo.survey_counts(session, first=first, last=last)
    tally = Tally(trace=trace)
    received = _count_volumes(volumes, trends, tally) if whole else None
    ack = _Delays(ctx, tally, "delays.acknowledgment", today)
    for a in acknowledgments:
        item = clock_figures.acknowledgment_commitment(
            due_on=a.due_on, outcome=a.outcome, met_on=a.met_on
        )
        ack.add(a.received_on, item, a.reference, a.count)
    answer = _Delays(ctx, tally, "delays.answer", today)
    for a in answers:
        item = clock_figures.answer_commitment(
            due_on=a.due_on, counted_on=a.counted_on, outcome=a.outcome, answered_on=a.answered_on
        )
        answer.add(a.received_on, item, a.reference, a.count)
        if a.answered_on is not None:  # the fewest people: the answered cases by their handlers
            tally.add("fewest_people.answered", a.reference, a.count)
            if rules.few_enough(a.handlers):
                tally.add("fewest_people.at_most_two", a.reference, a.count)
    if whole:
        for e in escalations:
            tally.add("escalations.total", e.reference)
            tally.add(f"escalations.by_conclusion.{e.conclusion or PENDING}", e.reference)
        _count_measures(ctx, measures, tally, first, last, today)
    acknowledgment = ack.figures()
    commitments, aspects = _survey(ctx, counts)
    return Period(
        first=first,
        last=last,
        today=today,
        minimum_answers=ctx.settings.accountability.minimum_answers,
        received=received,
        tally=tally,
        commitments=[_acknowledgment_commitment(ctx, acknowledgment), *commitments],
        aspects=aspects,
        acknowledgment=acknowledgment,
        answer=answer.figures(),
        fewest_people=rules.FewestPeople(
            cases=tally["fewest_people.answered"], at_most_two=tally["fewest_people.at_most_two"]
        ),
        quarters=[quarter for quarter, _ in quarters],
    )


def declaration(
    ctx: AppContext, *, actor: Actor, first: date, last: date, trace: bool = False
) -> Period:
    """Return the declaration's results over a period (with `trace`, every figure of the period
    and the cases behind each)."""
    policy.check(actor, "reports.read")
    return gather(ctx, first=first, last=last, trace=trace, whole=trace)


def annual(ctx: AppContext, *, actor: Actor, fiscal_year: int, trace: bool = False) -> Period:
    """Return the figures of the annual management report of a fiscal year."""
    policy.check(actor, "reports.read")
    if not 2000 <= fiscal_year <= 2100:
        raise InvalidInput(
            N_("The fiscal year must be between 2000 and 2100."), field="fiscal_year"
        )
    first, last = rules.fiscal_year_bounds(fiscal_year)
    return gather(ctx, first=first, last=last, trace=trace)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _delay_json(figures: DelayFigures) -> dict:
    return {
        "on_time": figures.on_time,
        "late": figures.met_late + figures.open_late,
        "met_late": figures.met_late,
        "open_late": figures.open_late,
        "counted": figures.counted,
        "rate": _rate(figures.rate),
        "median_business_days": figures.median_business_days,
    }


def commitments_json(period: Period, language: str) -> list[dict]:
    """Return the declaration's commitments as the API and the files give them."""
    return [
        {
            "service": c.service,
            "aspect": c.aspect,
            "target": c.target,
            "rate": _rate(c.rate),
            "answers": c.answers,
            "satisfied": c.satisfied,
            "status": c.status.value,
            "wording": c.wording_fr if language == "fr" else c.wording_en,
        }
        for c in period.commitments
    ]


def _counts(period: Period, prefix: str, codes) -> dict[str, int]:
    return {code: period.tally[f"{prefix}.{code}"] for code in codes}


def declaration_json(period: Period, language: str) -> dict:
    """Return the declaration's results as plain data."""
    fewest = period.fewest_people
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "as_of": period.today.isoformat(),
        "minimum_answers": period.minimum_answers,
        "commitments": commitments_json(period, language),
        "survey": [
            {
                "aspect": a.aspect,
                "ratings": a.ratings,
                "answers": a.satisfaction.answers,
                "satisfied": a.satisfaction.satisfied,
                "rate": _rate(a.satisfaction.rate),
            }
            for a in period.aspects
        ],
        "delays": {
            "acknowledgment": _delay_json(period.acknowledgment),
            "answer": _delay_json(period.answer),
        },
        "fewest_people": {
            "answered": fewest.cases,
            "at_most_two": fewest.at_most_two,
            "share": _rate(fewest.share),
        },
    }


def _trends_json(ctx: AppContext, period: Period) -> list[dict]:
    config = ctx.settings.accountability
    tally = period.tally
    quarters = []
    for quarter in period.quarters:
        prefix = f"trends.{quarter}"
        merits = tally[f"{prefix}.closed_on_merits"]
        causes = {
            code: tally[f"{prefix}.by_root_cause.{code}"] for code in config.codes("root_causes")
        }
        quarters.append(
            {
                "quarter": quarter,
                "complaints": tally[f"{prefix}.complaints"],
                "by_service": _counts(
                    period, f"{prefix}.by_service", [*config.codes("services"), UNCLASSIFIED]
                ),
                "by_commitment": _counts(
                    period,
                    f"{prefix}.by_commitment",
                    [*config.codes("commitments"), UNCLASSIFIED],
                ),
                "closed_on_merits": merits,
                "founded": tally[f"{prefix}.founded"],
                "founded_share": _rate(
                    100.0 * tally[f"{prefix}.founded"] / merits if merits else None
                ),
                "top_root_causes": [
                    {"root_cause": code, "count": count}
                    for code, count in sorted(causes.items(), key=lambda kv: -kv[1])
                    if count
                ][:3],
                "measures_opened": tally[f"{prefix}.measures_opened"],
                "measures_done": tally[f"{prefix}.measures_done"],
            }
        )
    return quarters


def annual_json(ctx: AppContext, period: Period, *, fiscal_year: int, language: str) -> dict:
    """Return the annual management report as plain data (the same figures as every file)."""
    config = ctx.settings.accountability
    tally = period.tally
    return {
        "fiscal_year": fiscal_year,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "as_of": period.today.isoformat(),
        "volumes": {
            "received": period.received,
            "by_kind": _counts(period, "volumes.by_kind", [k.value for k in CaseKind]),
            "by_channel": _counts(period, "volumes.by_channel", [c.value for c in Channel]),
            "by_service": _counts(
                period, "volumes.by_service", [*config.codes("services"), UNCLASSIFIED]
            ),
            "by_outcome": _counts(
                period, "volumes.by_outcome", [*(o.value for o in Outcome), OPEN]
            ),
        },
        "declaration": declaration_json(period, language),
        "escalations": {
            "total": tally["escalations.total"],
            "by_conclusion": _counts(
                period,
                "escalations.by_conclusion",
                [*(c.value for c in rules.ProtecteurConclusion), PENDING],
            ),
        },
        "measures": {
            "opened": tally["measures.opened"],
            "done": tally["measures.done"],
            "open_at_end": tally["measures.open_at_end"],
            "overdue_at_end": tally["measures.overdue_at_end"],
        },
        "trends": _trends_json(ctx, period),
        "reliability": reliability(period, language),
    }


def reliability(period: Period, language: str) -> str:
    """Return the statement on the reliability of the data that the report carries."""
    as_of = format_day(period.today, language)
    if language == "fr":
        return (
            "Les données proviennent du système de suivi des dossiers casework, extraites le "
            f"{as_of}. Chaque nombre compte des dossiers dont les numéros sont énumérés dans "
            "l’onglet « Traçabilité » du classeur. Les délais sont calculés en jours ouvrables "
            "selon le calendrier de la fonction publique québécoise; un dossier encore ouvert "
            "et déjà en retard compte comme en retard. Les taux de satisfaction proviennent du "
            "sondage; un engagement appuyé sur moins de "
            f"{period.minimum_answers} réponses est déclaré non mesurable."
        )
    return (
        f"The data come from the casework case-tracking system, extracted on {as_of}. Each "
        "number counts cases whose references are listed in the workbook's “Trace” sheet. "
        "Delays are counted in business days on the Quebec public service calendar; a case "
        "still open and already late counts as late. Satisfaction rates come from the survey; "
        f"a commitment resting on fewer than {period.minimum_answers} answers is reported as "
        "not measurable."
    )


def cases_behind(
    ctx: AppContext, *, actor: Actor, first: date, last: date, figure: str
) -> list[str]:
    """Return the references counted by one figure of the period."""
    period = declaration(ctx, actor=actor, first=first, last=last, trace=True)
    if figure not in period.tally.counts and not _known_prefix(figure):
        raise NotFound(N_("No figure is named %(figure)s."), figure=figure)
    return list(period.tally.references.get(figure, []))


def _known_prefix(figure: str) -> bool:
    return figure.split(".", 1)[0] in {
        "volumes",
        "delays",
        "fewest_people",
        "escalations",
        "measures",
        "trends",
    }
