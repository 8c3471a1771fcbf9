"""Outbox commands: deliver what is due, list the messages, retry a failed one.

DESIGN §2.4: "a failed delivery is retried with back-off and stays visible; nothing is lost when
the mail server is down." Delivery itself is `notifications.delivery`; these are the commands the
scheduler and the `casework outbox` command line call.
"""

from casework.context import AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_
from casework.models import MessageStatus, OutboxMessage
from casework.services.errors import NotFound
from notifications import outbox
from notifications.delivery import DeliveryReport, deliver_pending


def deliver(ctx: AppContext, *, worker: str) -> DeliveryReport:
    """Deliver the messages whose attempt has come, when messages may go out now."""
    return deliver_pending(ctx, worker=worker)


def list_messages(
    ctx: AppContext, *, status: MessageStatus | None = None, limit: int = 100
) -> list[OutboxMessage]:
    """Return the outbox messages, newest first, of one status when asked."""
    with read_session(ctx.engine) as session:
        return outbox.list_messages(
            session, status=MessageStatus(status).value if status else None, limit=limit
        )


def counts(ctx: AppContext) -> dict[str, int]:
    """Return how many messages are pending, sending, sent and failed."""
    with read_session(ctx.engine) as session:
        found = outbox.count_by_status(session)
    return {status.value: found.get(status.value, 0) for status in MessageStatus}


def retry(ctx: AppContext, *, message_id: int) -> OutboxMessage:
    """Put a failed message back in line for an attempt now, with a fresh count of attempts."""
    with unit_of_work(ctx.engine) as session:
        message = outbox.retry(session, message_id=message_id, now=ctx.now())
        if message is None:
            raise NotFound(N_("No outbox message has the id %(id)s."), id=message_id)
    return message
