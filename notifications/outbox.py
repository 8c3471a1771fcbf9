"""The outbox: messages written in the same transaction as the change that causes them, then
delivered.

DESIGN §2.4: "Notifications are written to an outbox in the same transaction as the change that
causes them, then delivered (email over SMTP, an in-app inbox); a failed delivery is retried with
back-off and stays visible; nothing is lost when the mail server is down." "A reminder is sent
exactly once per case, deadline and threshold, even when several scheduler processes run or one
crashes halfway."

The life of a message:

    pending ──claim──▶ sending ──▶ sent
       ▲                  │
       └── retry later ◀──┤ (temporary failure: its error is kept, next attempt after back-off)
                          └──▶ failed (after MAX_ATTEMPTS, or at once when retrying cannot help:
                               a malformed address, a recipient the server refuses)

- A message with a `dedup_key` (reminders, digests) is inserted with ON CONFLICT DO NOTHING: the
  second insert of a key, from whatever process, adds nothing.
- A delivery process claims messages with one UPDATE ... WHERE status = 'pending' (and, on
  PostgreSQL, FOR UPDATE SKIP LOCKED): two processes never claim the same message.
- A process that stops while it holds messages (killed, machine restarted) leaves them in
  `sending`; after LEASE they are pending again and the next pass delivers them. A message whose
  email had already been accepted by the server in that instant is then sent a second time, with
  the same Message-ID: the only case of a copy, preferred to a lost reminder.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import Row, and_, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from casework.models import MessageChannel, MessageStatus, OutboxMessage, User

MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
LEASE = timedelta(minutes=10)

TABLE = OutboxMessage.__table__  # type: ignore[attr-defined]
_KEY_CHUNK = 500


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message for one recipient on one channel: rendered (subject and text), or the facts to
    render it from (`context`, JSON) at its first delivery attempt."""

    kind: str
    channel: str
    language: str
    subject: str | None = None
    text_body: str | None = None
    html_body: str | None = None
    context: dict | None = None
    recipient: str | None = None
    user_id: int | None = None
    case_id: int | None = None
    letter_id: int | None = None
    link: str | None = None
    dedup_key: str | None = None

    def __post_init__(self) -> None:
        if self.text_body is None and self.context is None:
            raise ValueError("a message needs its text or the context to render it from")


_FIELDS = tuple(f.name for f in fields(NewMessage))


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _row(message: NewMessage, now: datetime) -> dict:
    return {
        **{name: getattr(message, name) for name in _FIELDS},
        "status": MessageStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def enqueue(session: Session, *, message: NewMessage, now: datetime) -> int | None:
    """Add a message to the outbox in the caller's unit of work; return its id, or None when a
    message with the same dedup key is already there."""
    statement = (
        _insert(session)(TABLE)
        .values(**_row(message, now))
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(TABLE.c.id)
    )
    return session.execute(statement).scalar_one_or_none()


def enqueue_many(session: Session, *, messages: Sequence[NewMessage], now: datetime) -> int:
    """Add many messages at once, skipping the keys already there; return how many were added."""
    if not messages:
        return 0
    statement = (
        _insert(session)(TABLE)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(TABLE.c.id)
    )
    rows = [_row(message, now) for message in messages]
    return len(session.execute(statement, rows).all())


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Return those of `keys` that are already in the outbox."""
    keys = list(keys)
    found: set[str] = set()
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        found.update(
            session.execute(select(TABLE.c.dedup_key).where(TABLE.c.dedup_key.in_(chunk))).scalars()
        )
    return found


def claim(
    session: Session,
    *,
    worker: str,
    now: datetime,
    limit: int,
    claimed_at: datetime | None = None,
) -> list[Row]:
    """Take up to `limit` pending messages whose attempt had come at `now`, for this worker
    alone."""
    due = (
        select(TABLE.c.id)
        .where(TABLE.c.status == MessageStatus.PENDING, TABLE.c.next_attempt_at <= now)
        .order_by(TABLE.c.next_attempt_at, TABLE.c.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Rows another process is claiming are skipped, not waited for. (Two statements: as a
        # subquery of the UPDATE, PostgreSQL may run the LIMIT more than once.)
        due = due.with_for_update(skip_locked=True)
    ids = list(session.execute(due).scalars())
    if not ids:
        return []
    rows = session.execute(
        update(TABLE)
        .where(TABLE.c.id.in_(ids), TABLE.c.status == MessageStatus.PENDING)
        .values(status=MessageStatus.SENDING, claimed_by=worker, claimed_at=claimed_at or now)
        .returning(*TABLE.c)
    ).all()
    return sorted(rows, key=lambda row: (row.next_attempt_at, row.id))


def requeue_stale(session: Session, *, now: datetime, lease: timedelta = LEASE) -> int:
    """Make pending again the messages held longer than the lease by a process that stopped."""
    result = session.execute(
        update(TABLE)
        .where(TABLE.c.status == MessageStatus.SENDING, TABLE.c.claimed_at < now - lease)
        .values(
            status=MessageStatus.PENDING,
            claimed_by=None,
            claimed_at=None,
            last_error="delivery interrupted: the process sending it stopped; sent again",
        )
    )
    return result.rowcount or 0


def _held(message_id: int, worker: str):
    return and_(
        TABLE.c.id == message_id,
        TABLE.c.status == MessageStatus.SENDING,
        TABLE.c.claimed_by == worker,
    )


def mark_sent(
    session: Session,
    *,
    message_id: int,
    worker: str,
    now: datetime,
    content: dict[str, str | None] | None = None,
) -> bool:
    """Record a delivery (and the content rendered for it, when it was rendered now); False when
    the message was no longer held by this worker."""
    result = session.execute(
        update(TABLE)
        .where(_held(message_id, worker))
        .values(
            status=MessageStatus.SENT,
            sent_at=now,
            attempts=TABLE.c.attempts + 1,
            claimed_by=None,
            claimed_at=None,
            **(content or {}),
        )
    )
    return bool(result.rowcount)


def backoff(attempts: int) -> timedelta:
    """Return the wait before the next attempt after `attempts` failed ones (1 min, 2, 4...)."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def mark_failed(
    session: Session,
    *,
    message_id: int,
    worker: str,
    attempts: int,
    now: datetime,
    error: str,
    permanent: bool = False,
    content: dict[str, str | None] | None = None,
) -> str:
    """Record a failed attempt (`attempts` is the count before it) and the content rendered for
    it, if any; return the new status: pending with a later attempt, or failed for good."""
    done = attempts + 1
    status = MessageStatus.FAILED if permanent or done >= MAX_ATTEMPTS else MessageStatus.PENDING
    session.execute(
        update(TABLE)
        .where(_held(message_id, worker))
        .values(
            status=status,
            attempts=done,
            last_error=error[:2000],
            next_attempt_at=now + backoff(done) if status == MessageStatus.PENDING else now,
            claimed_by=None,
            claimed_at=None,
            **(content or {}),
        )
    )
    return status.value


def release(session: Session, *, message_ids: Sequence[int], worker: str) -> None:
    """Give back claimed messages untouched (the pass stops before trying them)."""
    if message_ids:
        session.execute(
            update(TABLE)
            .where(
                TABLE.c.id.in_(message_ids),
                TABLE.c.status == MessageStatus.SENDING,
                TABLE.c.claimed_by == worker,
            )
            .values(status=MessageStatus.PENDING, claimed_by=None, claimed_at=None)
        )


def list_messages(
    session: Session, *, status: str | None = None, limit: int = 100
) -> list[OutboxMessage]:
    """Return messages, newest first, optionally of one status."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(session.execute(query).scalars())


def count_by_status(session: Session) -> dict[str, int]:
    """Return how many messages are in each status."""
    rows = session.execute(select(TABLE.c.status, func.count()).group_by(TABLE.c.status))
    return {status: count for status, count in rows}


def retry(session: Session, *, message_id: int, now: datetime) -> OutboxMessage | None:
    """Put a failed (or waiting) message back in line for an attempt now, with a fresh count of
    attempts; return it, or None when there is no such message. A sent message stays sent.

    An email to a staff member goes to the member's address as it is now: a mistyped address
    corrected since (`casework users set-email`) is the usual reason to retry.
    """
    message = session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        return None
    if message.status in (MessageStatus.FAILED, MessageStatus.PENDING):
        if message.channel == MessageChannel.EMAIL and message.user_id is not None:
            address = session.execute(
                select(User.email).where(User.id == message.user_id)
            ).scalar_one_or_none()
            message.recipient = address or message.recipient
        message.status = MessageStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = now
        session.add(message)
        session.flush()
    return message
