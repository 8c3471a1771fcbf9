"""Cases made for the tests through the services, as an officer makes them: registered on a day,
then moved by its triggers (each test sets the clock, and counts the dates by hand)."""

from datetime import datetime

from casework.context import Actor
from casework.models import Case
from casework.schemas import CaseCreate, TransitionIn
from casework.services import cases

OFFICER = Actor(label="user:officer", role="officer")


def open_case(
    ctx,
    received_at: datetime,
    *,
    channel: str = "letter",
    kind: str = "complaint",
    subject: str = "Délai de traitement",
    **fields,
) -> Case:
    """Register a case received at `received_at` (Jeanne Roy's), as the officer."""
    return cases.open_case(
        ctx,
        interface="api",
        actor=OFFICER,
        data=CaseCreate(
            kind=kind,
            channel=channel,
            subject=subject,
            received_at=received_at,
            requester={"name": "Jeanne Roy", "email": "jeanne.roy@example.org"},
            **fields,
        ),
    ).case


def fire(ctx, case: Case, trigger: str, **fields) -> Case:
    """Send a trigger to the case at the version it has, as the officer."""
    return cases.fire(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        request=TransitionIn(trigger=trigger, version=case.version, **fields),
    ).case
