"""The scheduler's run claims: a periodic run takes its (job, slot) once, whatever the process.

DESIGN §3: "Each periodic run claims its slot in the database, so two scheduler processes never
do the same work twice." DESIGN §5: "make each run claim its slot with `INSERT ... ON CONFLICT
DO NOTHING`". The claim is inserted in the transaction of the work itself: a run that fails or
is killed rolls its claim back with its work, and the next run does the work.
"""

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from casework.models import SchedulerClaim

TABLE = SchedulerClaim.__table__  # type: ignore[attr-defined]


def claim(session: Session, *, job: str, slot: str, worker: str, now: datetime) -> bool:
    """Take the slot of a job; False when another run has it (or had it)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(TABLE)
        .values(job=job, slot=slot, claimed_by=worker[:120], claimed_at=now)
        .on_conflict_do_nothing(index_elements=["job", "slot"])
        .returning(TABLE.c.id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def finish(session: Session, *, job: str, slot: str, now: datetime) -> None:
    """Record that the run of a slot finished its work (in the same transaction)."""
    session.execute(
        update(TABLE).where(TABLE.c.job == job, TABLE.c.slot == slot).values(finished_at=now)
    )


def last_finished(session: Session, *, job: str) -> SchedulerClaim | None:
    """Return the latest finished run of a job."""
    query = (
        select(SchedulerClaim)
        .where(SchedulerClaim.job == job, SchedulerClaim.finished_at.is_not(None))
        .order_by(SchedulerClaim.claimed_at.desc(), SchedulerClaim.id.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def count(session: Session, *, job: str) -> int:
    """Count the runs of a job."""
    query = select(func.count()).select_from(TABLE).where(TABLE.c.job == job)
    return session.execute(query).scalar_one()


def prune(session: Session, *, job: str, before: datetime, keep: int = 1) -> int:
    """Delete the claims of a job older than `before`, always keeping the newest `keep`."""
    newest = (
        select(TABLE.c.id)
        .where(TABLE.c.job == job)
        .order_by(TABLE.c.claimed_at.desc(), TABLE.c.id.desc())
        .limit(keep)
    )
    result = session.execute(
        delete(TABLE).where(
            TABLE.c.job == job, TABLE.c.claimed_at < before, TABLE.c.id.not_in(newest)
        )
    )
    return result.rowcount or 0
