"""How deadlines are shown over the API and `case show --json`: the case clock's items."""

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from casework.explain import clock_sentence
from workflows.case_clock import DeadlineClock


class DeadlineOut(BaseModel):
    name: str = Field(description="acknowledgment, answer or protecteur_reply.")
    due_on: date | None
    state: str = Field(
        description="on_track, due_soon, due_today, overdue, paused, met, met_late or "
        "not_applicable (workflows.case_clock)."
    )
    met_on: date | None
    late_by: int | None = Field(description="Business days late, when overdue or met late.")
    business_days: int | None = Field(
        description="While the clock runs: business days left, 0 when due today, or overdue."
    )
    explanation: dict[str, Any] = Field(
        description="How the date was computed; `text` says it in the request's language."
    )


def deadline_out(item: DeadlineClock, *, language: str) -> DeadlineOut:
    """Present one deadline of the case clock."""
    return DeadlineOut(
        name=item.name.value,
        due_on=item.due_on,
        state=item.state.value,
        met_on=item.met_on,
        late_by=item.late_by,
        business_days=item.business_days,
        explanation={**item.data(), "text": clock_sentence(item, language)},
    )
