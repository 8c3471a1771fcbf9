"""The in-app inbox: delivering a message adds it to its recipient's notifications.

It happens in the same transaction that marks the outbox message sent, and the notification
keeps the id of its message (unique), so a message reaches an inbox exactly once.
"""

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from casework.models import Notification
from notifications.channels import DeliveryFailed


def deliver(session: Session, message, *, title: str, body: str, now: datetime) -> None:
    """Put an outbox message in its recipient's inbox."""
    if message.user_id is None:
        raise DeliveryFailed("an in-app message needs a recipient user", permanent=True)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(Notification)
        .values(
            user_id=message.user_id,
            case_id=message.case_id,
            message_id=message.id,
            kind=message.kind,
            title=title,
            body=body,
            link=message.link,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["message_id"])
    )
