"""Accountability rules: the fiscal year, the declaration's satisfaction commitments, what a
complaint is about, and the people who handled a case.

- Loi sur l'administration publique (RLRQ, c. A-6.01), art. 24: each body publishes an annual
  management report; the government's fiscal year runs from 1 April to 31 March. A case belongs
  to the fiscal year of its day of receipt in Montreal: one received on 31 March at 23:30 belongs
  to the year that ends that day, whatever the UTC date.
- The service declaration sets satisfaction targets, "the share of respondents « plutôt
  satisfaits » or « très satisfaits » on each aspect" (DESIGN §2.6), on a four-point scale; an
  answer « ne s'applique pas » is no answer on that aspect. A rate behind fewer answers than the
  configured minimum says too little: the commitment is "not measurable", neither met nor missed.
- "The fewest possible people between the requester and the answer": the people who handled a
  case are its distinct assignees over its life (first assignment and every transfer); the
  declaration's figure is the share of cases handled by at most two people.
- ISO 10002 asks a body to analyse what complaints are about and what was changed as a result: a
  complaint closed on its merits (founded, partly founded, unfounded) records the service and the
  commitment it concerns, its root cause and the remedy given. A complaint withdrawn, redirected
  or left without follow-up was not examined: it records them when known.

Pure: no I/O, no clock.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from workflows.case_flow import Message, Outcome, ProtecteurConclusion
from workflows.i18n_markers import N_

__all__ = [
    "CLASSIFICATION_FIELDS",
    "CLASSIFIED_KINDS",
    "MERITS_OUTCOMES",
    "FewestPeople",
    "ProtecteurConclusion",
    "Rating",
    "Satisfaction",
    "Status",
    "SurveySource",
    "commitment_status",
    "few_enough",
    "fiscal_quarter",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "median_counted",
    "missing_classification",
    "people_who_handled",
    "satisfaction",
]

FISCAL_YEAR_FIRST_MONTH = 4  # 1 April


def fiscal_year_of(day: date) -> int:
    """Return the fiscal year of a day, named by the calendar year it starts in."""
    return day.year if day.month >= FISCAL_YEAR_FIRST_MONTH else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """Return the first and last days of fiscal year `year` (1 April to 31 March)."""
    return date(year, FISCAL_YEAR_FIRST_MONTH, 1), date(year + 1, FISCAL_YEAR_FIRST_MONTH - 1, 31)


def fiscal_quarter(day: date) -> str:
    """Return the fiscal quarter of a day: `2026-Q1` for April to June 2026."""
    months_in = (day.month - FISCAL_YEAR_FIRST_MONTH) % 12
    return f"{fiscal_year_of(day)}-Q{months_in // 3 + 1}"


class Rating(StrEnum):
    """The survey's four-point scale, and « ne s'applique pas »."""

    VERY_SATISFIED = "very_satisfied"
    SOMEWHAT_SATISFIED = "somewhat_satisfied"
    SOMEWHAT_DISSATISFIED = "somewhat_dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"
    NOT_APPLICABLE = "not_applicable"


SATISFIED = frozenset({Rating.VERY_SATISFIED, Rating.SOMEWHAT_SATISFIED})

RATING_LABELS: dict[str, str] = {
    Rating.VERY_SATISFIED: N_("Very satisfied"),
    Rating.SOMEWHAT_SATISFIED: N_("Somewhat satisfied"),
    Rating.SOMEWHAT_DISSATISFIED: N_("Somewhat dissatisfied"),
    Rating.VERY_DISSATISFIED: N_("Very dissatisfied"),
    Rating.NOT_APPLICABLE: N_("Not applicable"),
}


class SurveySource(StrEnum):
    """How a survey answer reached casework."""

    SURVEY = "survey"  # the citizen's own questionnaire, run outside casework
    CITIZEN_WEB = "citizen_web"  # the survey page of casework's public side
    PHONE = "phone"
    PAPER = "paper"
    IMPORT = "import"  # a survey run outside casework, imported as a file


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_MEASURABLE = "not_measurable"


STATUS_LABELS: dict[str, str] = {
    Status.MET: N_("Met"),
    Status.NOT_MET: N_("Not met"),
    Status.NOT_MEASURABLE: N_("Not measurable"),
}


@dataclass(frozen=True, slots=True)
class Satisfaction:
    """Satisfied answers among the answers on one aspect (« ne s'applique pas » left out)."""

    satisfied: int
    answers: int

    @property
    def rate(self) -> float | None:
        """Return the rate in percent, None without answers."""
        return None if self.answers == 0 else 100.0 * self.satisfied / self.answers


def satisfaction(ratings: Iterable[str]) -> Satisfaction:
    """Count the satisfied answers among the ratings given on one aspect."""
    satisfied = answers = 0
    for rating in ratings:
        if rating == Rating.NOT_APPLICABLE:
            continue
        answers += 1
        satisfied += rating in SATISFIED
    return Satisfaction(satisfied=satisfied, answers=answers)


def commitment_status(*, met: int, counted: int, target: float, minimum: int) -> Status:
    """Return whether `met` out of `counted` keeps a target in percent, with at least `minimum`
    behind it."""
    if counted == 0 or counted < minimum:
        return Status.NOT_MEASURABLE
    # Compared in integers: 27 out of 30 is exactly 90 %, met, whatever the float rounding.
    return Status.MET if met * 100 >= target * counted else Status.NOT_MET


@dataclass(frozen=True, slots=True)
class FewestPeople:
    """The cases counted and those handled by at most two people."""

    cases: int
    at_most_two: int

    @property
    def share(self) -> float | None:
        return None if self.cases == 0 else 100.0 * self.at_most_two / self.cases


def people_who_handled(
    assignments: Iterable[Mapping[str, int | None]], current: int | None
) -> frozenset[int]:
    """Return the distinct people who handled a case: « le moins d'intervenants possible entre le
    demandeur et la réponse » ("the fewest possible people between the requester and the
    answer") counts every person ever assigned to it, from its assignment events (`{"from",
    "to"}`: the first assignment and every transfer) and its current assignee (`current`, the
    only trace of an assignee given at registration and never changed)."""
    people = {current} if current is not None else set()
    for assignment in assignments:
        people.update(assignment.get(end) for end in ("from", "to"))
    people.discard(None)
    return frozenset(people)


def few_enough(people: int) -> bool:
    """Whether a case handled by this many distinct people counts as handled by the fewest."""
    return people <= 2


def median_counted(counts: Mapping[int, int]) -> float | None:
    """Return the median of values given with how many times each occurs (the middle one, or
    the mean of the two middle ones), None when there are none."""
    total = sum(counts.values())
    if total == 0:
        return None
    middle = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while len(middle) < 2 and seen > ((total - 1) // 2, total // 2)[len(middle)]:
            middle.append(value)
        if len(middle) == 2:
            break
    return (middle[0] + middle[1]) / 2


MERITS_OUTCOMES = frozenset({Outcome.FOUNDED, Outcome.PARTLY_FOUNDED, Outcome.UNFOUNDED})
FOUNDED_OUTCOMES = frozenset({Outcome.FOUNDED, Outcome.PARTLY_FOUNDED})
CLASSIFIED_KINDS = frozenset({"complaint", "supplier_complaint"})
CLASSIFICATION_FIELDS = ("service", "commitment", "root_cause", "remedy")


def missing_classification(
    *, kind: str, outcome: str | None, classification: Mapping[str, str | None]
) -> Message | None:
    """Return why a complaint cannot be closed with this classification, or None when it can."""
    if kind not in CLASSIFIED_KINDS or outcome not in MERITS_OUTCOMES:
        return None
    for name in CLASSIFICATION_FIELDS:
        if not classification.get(name):
            return Message(
                N_(
                    "A complaint closed on its merits needs what it was about: the service, the"
                    " commitment concerned, the root cause and the remedy given."
                ),
                field=name,
            )
    return None


PROTECTEUR_CONCLUSION_LABELS: dict[str, str] = {
    ProtecteurConclusion.FOUNDED: N_("Founded"),
    ProtecteurConclusion.PARTLY_FOUNDED: N_("Partly founded"),
    ProtecteurConclusion.UNFOUNDED: N_("Unfounded"),
    ProtecteurConclusion.DISCONTINUED: N_("Intervention discontinued"),
}
