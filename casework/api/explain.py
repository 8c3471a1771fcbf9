"""How deadlines are shown over the API: the date, its state today, and its explanation."""

from datetime import date
from typing import Any

from pydantic import BaseModel

from casework.context import AppContext
from casework.explain import sentence
from workflows.deadlines import Explanation, deadline_status


class DeadlineOut(BaseModel):
    name: str
    due_on: date
    state: str
    business_days: int
    explanation: dict[str, Any]
    sentence: str


def deadline_out(
    ctx: AppContext, name: str, explanation: Explanation, *, language: str, today: date
) -> DeadlineOut:
    """Present one deadline with its state on `today` and how it was computed."""
    status = deadline_status(
        ctx.calendar,
        due_on=explanation.due_on,
        today=today,
        soon_within=ctx.settings.deadlines.at_risk_within,
    )
    return DeadlineOut(
        name=name,
        due_on=explanation.due_on,
        state=status.state.value,
        business_days=status.business_days,
        explanation=explanation.as_dict(),
        sentence=sentence(explanation, language),
    )
