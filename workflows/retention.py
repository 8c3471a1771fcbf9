"""The retention schedule: when a closed case's personal information reaches the end of its life.

Loi sur les archives (RLRQ c. A-21.1), art. 7: every public body keeps a retention schedule
(calendrier de conservation) that says how long each kind of record stays active, then
semi-active, and what happens at the end. Loi sur l'accès aux documents des organismes publics et
sur la protection des renseignements personnels (RLRQ c. A-2.1), art. 73: once the purposes for
which personal information was collected are achieved, the body destroys it or anonymizes it.

The periods count from the day the case was last closed (its Montreal date): a reopened case is
not closed, so it has no planned date until it is closed again, and its new closing date counts.
A case is held, and never anonymized, while:
- it is escalated to the Protecteur du citoyen and the Protecteur has not closed it (its state is
  `escalated`);
- an officer put it under a legal or access-request hold that is not lifted;
- a corrective measure opened on it is not done.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from workflows.i18n_markers import N_


class FinalAction(StrEnum):
    ANONYMIZE = "anonymize"
    DESTROY = "destroy"


class HoldReason(StrEnum):
    PROTECTEUR = "protecteur"  # escalated, not closed by the Protecteur du citoyen
    LEGAL = "legal"  # a legal hold set by an officer
    ACCESS_REQUEST = "access_request"  # an access request under is being handled
    CORRECTIVE_MEASURE = "corrective_measure"  # a corrective measure is still open


HOLD_LABELS = {
    HoldReason.PROTECTEUR: N_("Escalated to the Protecteur du citoyen and not closed by it"),
    HoldReason.LEGAL: N_("Legal hold"),
    HoldReason.ACCESS_REQUEST: N_("Access request hold"),
    HoldReason.CORRECTIVE_MEASURE: N_("Open corrective measure"),
}

ACTION_LABELS = {
    FinalAction.ANONYMIZE: N_("Anonymize"),
    FinalAction.DESTROY: N_("Destroy"),
}


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """One line of the schedule: the periods after closing and the final action."""

    rule: str  # the schedule's rule number, for the records officer
    active_years: int
    semi_active_years: int
    action: FinalAction


def add_years(day: date, years: int) -> date:
    """Return the same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_closing_due(as_of: date, years: int) -> date:
    """Return the last closing day whose case is due on `as_of` after `years` years: the
    inverse of `add_years` (a case closed on 29 February is due on 28 February)."""
    try:
        cutoff = as_of.replace(year=as_of.year - years)
    except ValueError:  # as_of is 29 February and the year `years` before is common
        return as_of.replace(year=as_of.year - years, day=28)
    if cutoff.month == 2 and cutoff.day == 28:
        try:
            return cutoff.replace(day=29)
        except ValueError:
            pass
    return cutoff


def semi_active_from(closed_on: date, rule: RetentionRule) -> date:
    """Return the day the case leaves the active period."""
    return add_years(closed_on, rule.active_years)


def planned_on(closed_on: date, rule: RetentionRule) -> date:
    """Return the day the final action is due: closing + active + semi-active periods."""
    return add_years(closed_on, rule.active_years + rule.semi_active_years)


@dataclass(frozen=True, slots=True)
class Disposition:
    """Where a case stands in the schedule on a given day."""

    planned_on: date | None  # None while the case is not closed
    action: FinalAction
    rule: str
    holds: tuple[HoldReason, ...]

    def due(self, as_of: date) -> bool:
        """Tell whether the final action may be applied on this day."""
        return self.planned_on is not None and self.planned_on <= as_of and not self.holds


def disposition(
    *,
    status: str,
    closed_on: date | None,
    rule: RetentionRule,
    holds: tuple[HoldReason, ...] = (),
) -> Disposition:
    """Return a case's planned date, action and holds (an escalated case is always held)."""
    protecteur = (HoldReason.PROTECTEUR,) if status == "escalated" else ()
    all_holds = tuple(dict.fromkeys(protecteur + holds))
    planned = planned_on(closed_on, rule) if status == "closed" and closed_on else None
    return Disposition(planned_on=planned, action=rule.action, rule=rule.rule, holds=all_holds)
