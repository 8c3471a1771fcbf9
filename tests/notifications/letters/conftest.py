"""The hand-worked case of the letter tests, run through the case service.

A complaint written by Marie Tremblay, received by mail on Friday 18 December 2026 at 15:00, is
due for an answer on Monday 25 January 2027: 20 business days, the public service being closed on
24, 25, 28 and 31 December 2026 and on 1 and 4 January 2027 (2 January falls on a Saturday and is
taken on the next weekday that is not already a closure).
"""

from casework.context import Actor
from casework.schemas import TransitionIn
from casework.services import cases
from casework.services.door import CASEWORK
from tests.notifications.conftest import at, mail_ctx, mailbox, open_case, smtp

__all__ = ["mail_ctx", "mailbox", "smtp"]  # the real SMTP server's fixtures, shared

OFFICER = Actor("user:lucie.martin", role="officer")
ADDRESS = "12, rue des Érables\nQuébec (Québec)  G1R 2B5"


def letter_of_18_december(ctx, *, kind="complaint", **requester):
    """Register the hand-worked case (at 16:00 the same day)."""
    at(ctx, 2026, 12, 18, 16, 0)
    return open_case(
        ctx,
        kind=kind,
        channel="letter",
        received_at="2026-12-18T15:00:00-05:00",
        requester={"name": "Marie Tremblay", "postal_address": ADDRESS, **requester},
    )


def fire(ctx, case, trigger, *moment, **fields):
    """Fire a transition at a Montreal time (year, month, day, hour, minute)."""
    at(ctx, *moment)
    version = cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference, with_requester=True
    ).case.version
    request = TransitionIn(trigger=trigger, version=version, **fields)
    return cases.fire(
        ctx, interface="api", actor=OFFICER, reference=case.reference, request=request
    ).case


def extend(ctx, case, days, reason, *moment):
    """Extend the answer delay at a Montreal time."""
    at(ctx, *moment)
    version = cases.get(
        ctx, actor=CASEWORK, interface="scheduler", reference=case.reference, with_requester=True
    ).case.version
    return cases.extend(
        ctx,
        interface="api",
        actor=OFFICER,
        reference=case.reference,
        version=version,
        days=days,
        reason=reason,
    ).case
