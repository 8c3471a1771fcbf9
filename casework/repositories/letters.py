"""Queries on the letters to the requester (insert, read, and record a mailing; nothing else)."""

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import defer
from sqlmodel import Session

from casework.models import Case, Letter, LetterChannel, Requester


def add(session: Session, letter: Letter) -> Letter:
    """Insert a letter and give it its id."""
    session.add(letter)
    session.flush()
    return letter


def for_case(session: Session, case_id: int) -> list[Letter]:
    """Return the letters of a case, oldest first, without their PDF bytes."""
    query = (
        select(Letter)
        .options(defer(Letter.pdf))  # type: ignore[arg-type]
        .where(Letter.case_id == case_id)
        .order_by(Letter.id)
    )
    return list(session.execute(query).scalars())


def get(session: Session, letter_id: int, *, for_update: bool = False) -> Letter | None:
    """Return one letter with its PDF bytes."""
    return session.get(Letter, letter_id, with_for_update=for_update)


class ToMail(NamedTuple):
    """A letter to print and mail, its case, and whether the person has a postal address."""

    letter: Letter
    case: Case
    has_address: bool


def to_mail(session: Session, *, limit: int) -> list[ToMail]:
    """Return the letters to print and mail, oldest first, with their case."""
    query = (
        select(Letter, Case, Requester.postal_address.is_not(None))  # type: ignore[union-attr]
        .options(defer(Letter.pdf))  # type: ignore[arg-type]
        .join(Case, Case.id == Letter.case_id)
        .outerjoin(Requester, Requester.id == Case.requester_id)
        .where(Letter.channel == LetterChannel.MAIL, Letter.mailed_on.is_(None))  # type: ignore[union-attr]
        .order_by(Letter.id)
        .limit(limit)
    )
    return [ToMail(*row) for row in session.execute(query).all()]
