"""The private calendar feed of a person's deadlines (issue 17, item 16).

"A private iCalendar feed per person (`/me/deadlines.ics?token=…`, RFC 5545) of the deadlines of
their cases, so they appear in Outlook or any calendar; the token can be renewed; no requester
data in the feed."

A calendar application fetches the address on its own, without a session, so the token in the
address is the only credential: 256 random bits, shown once when made, stored as their SHA-256.
Making a new one replaces the old one, which stops working at once. The feed holds the open cases
assigned to the person and, for each, the deadlines whose clock runs now
(`workflows.case_clock.running_deadlines`): the case's reference, kind and state and the
deadline's name and day; never the requester, and not the subject either, which staff may have
written with a name in it.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models import DeadlineFeed
from casework.repositories import cases as cases_repo
from casework.repositories import feeds as repo
from casework.repositories import users as users_repo
from casework.repositories.cases import CaseFilters
from casework.services.errors import NotFound
from workflows.case_clock import running_deadlines
from workflows.case_flow import OPEN_STATES

log = logging.getLogger("casework.security")

# A person's open cases; more than this many in one calendar helps nobody.
FEED_LIMIT = 2000
UNKNOWN_FEED = N_("No such calendar: its address may have been renewed.")


@dataclass(frozen=True)
class FeedEntry:
    """One running deadline of one case, as the feed shows it."""

    reference: str
    kind: str
    status: str
    deadline: str
    due_on: date
    updated_at: datetime


@dataclass(frozen=True)
class Feed:
    """Whose calendar it is, in which language, and its deadlines, earliest first."""

    user_id: int
    full_name: str
    language: str
    entries: list[FeedEntry]


def hash_token(token: str) -> str:
    """Return the stored form of a feed token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def has_feed(ctx: AppContext, *, actor: Actor) -> bool:
    """Tell whether this person has made the address of their calendar."""
    with read_session(ctx.engine) as session:
        return actor.user_id is not None and repo.by_user(session, actor.user_id) is not None


def renew(ctx: AppContext, *, actor: Actor) -> str:
    """Make a new address for this person's calendar; return its token, shown only now (the
    previous address stops working)."""
    if actor.user_id is None:
        raise NotFound(UNKNOWN_FEED)
    token = secrets.token_urlsafe(32)
    with unit_of_work(ctx.engine) as session:
        feed = repo.by_user(session, actor.user_id)
        if feed is None:
            feed = DeadlineFeed(user_id=actor.user_id, token_hash="", created_at=ctx.now())
            session.add(feed)
        feed.token_hash = hash_token(token)
        feed.created_at = ctx.now()
    log.info("deadline calendar address of %s renewed", actor.label)
    return token


def read(ctx: AppContext, *, token: str) -> Feed:
    """Return the calendar of the person this token belongs to (NotFound for any other token, or
    when their account is disabled)."""
    if not token or len(token) > 200:
        raise NotFound(UNKNOWN_FEED)
    with read_session(ctx.engine) as session:
        feed = repo.by_token_hash(session, hash_token(token))
        user = users_repo.by_id(session, feed.user_id) if feed is not None else None
        if user is None or not user.is_active:
            raise NotFound(UNKNOWN_FEED)
        statuses = tuple(sorted(state.value for state in OPEN_STATES))
        filters = CaseFilters(status=statuses, assignee_id=user.id)
        cases, _ = cases_repo.search(
            session, filters=filters, limit=FEED_LIMIT, offset=0, by_due=True, triage=False
        )
    entries = [
        FeedEntry(
            reference=case.reference,
            kind=case.kind,
            status=case.status,
            deadline=deadline.name.value,
            due_on=deadline.due_on,
            updated_at=case.updated_at,
        )
        for case in cases
        for deadline in running_deadlines(
            status=case.status,
            ack_due_on=case.ack_due_on,
            answer_due_on=case.answer_due_on,
            protecteur_reply_due_on=case.protecteur_reply_due_on,
            ack_outcome=case.ack_outcome,
            answer_met_on=case.answer_met_on,
        )
    ]
    entries.sort(key=lambda entry: (entry.due_on, entry.reference))
    return Feed(user_id=user.id, full_name=user.full_name, language=user.language, entries=entries)
