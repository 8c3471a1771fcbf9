"""Outbox commands: deliver what is due, list the messages, retry a failed one.

DESIGN §2.4: "a failed delivery is retried with back-off and stays visible; nothing is lost when
the mail server is down." Delivery itself is `notifications.delivery`; these are the commands the
scheduler and the `casework outbox` command line call.

DESIGN §2.5: "The person's identity and contact details of a complaint are visible to complaints
officers, the assignee and administrators, not to every staff member. Who viewed personal
information is logged." A message to a requester carries their email address: `list_for` and
`retry` show it only to whom may see that case's requester, and log each case whose address they
show, in the unit of work of the read.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models import Case, MessageStatus, OutboxMessage
from casework.services import door
from casework.services.errors import NotFound
from notifications import outbox
from notifications.delivery import DeliveryReport, deliver_pending


def deliver(ctx: AppContext, *, worker: str) -> DeliveryReport:
    """Deliver the messages whose attempt has come, when messages may go out now."""
    return deliver_pending(ctx, worker=worker)


@dataclass(frozen=True)
class MessageView:
    """An outbox message as one actor may see it: `recipient_hidden` when it goes to a requester
    the actor may not see (its `recipient` is then None)."""

    message: OutboxMessage
    recipient_hidden: bool = False


def to_requester(message: OutboxMessage) -> bool:
    """Tell whether a message goes to a case's requester: it concerns a case and no staff
    member (staff messages carry the member's user id)."""
    return message.case_id is not None and message.user_id is None and bool(message.recipient)


def _shown(
    session: Session,
    ctx: AppContext,
    messages: list[OutboxMessage],
    *,
    actor: Actor,
    interface: str,
) -> list[MessageView]:
    """Return the messages as the actor may see them, and log each case whose requester's address
    is shown. The messages are detached first, so hiding an address changes nothing stored."""
    case_ids = {m.case_id for m in messages if to_requester(m)}
    cases = (
        {c.id: c for c in session.execute(select(Case).where(Case.id.in_(case_ids))).scalars()}
        if case_ids
        else {}
    )
    views, shown = [], []
    for message in messages:
        session.expunge(message)
        if not to_requester(message):
            views.append(MessageView(message))
        elif door.sees_requester(actor, cases[message.case_id]):
            shown.append(message.case_id)
            views.append(MessageView(message))
        else:
            message.recipient = None
            views.append(MessageView(message, recipient_hidden=True))
    door.log(session, ctx, actor=actor, interface=interface, case_ids=shown, what="outbox")
    return views


def list_for(
    ctx: AppContext,
    *,
    actor: Actor,
    interface: str,
    status: MessageStatus | None = None,
    limit: int = 100,
) -> list[MessageView]:
    """Return the outbox messages, newest first, of one status when asked, with the requesters'
    addresses the actor may see; each case whose address is shown is logged."""
    with unit_of_work(ctx.engine) as session:
        messages = outbox.list_messages(
            session, status=MessageStatus(status).value if status else None, limit=limit
        )
        return _shown(session, ctx, messages, actor=actor, interface=interface)


def counts(ctx: AppContext) -> dict[str, int]:
    """Return how many messages are pending, sending, sent and failed."""
    with read_session(ctx.engine) as session:
        found = outbox.count_by_status(session)
    return {status.value: found.get(status.value, 0) for status in MessageStatus}


def retry(ctx: AppContext, *, actor: Actor, interface: str, message_id: int) -> MessageView:
    """Put a failed message back in line for an attempt now, with a fresh count of attempts;
    return it with its recipient as the actor may see it (logged when it is a requester's)."""
    with unit_of_work(ctx.engine) as session:
        message = outbox.retry(session, message_id=message_id, now=ctx.now())
        if message is None:
            raise NotFound(N_("No outbox message has the id %(id)s."), id=message_id)
        session.flush()
        (view,) = _shown(session, ctx, [message], actor=actor, interface=interface)
    return view
