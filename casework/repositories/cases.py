"""Queries on one case and what belongs to it (its requester, pauses, extensions and events), the
queue's filters and the text search.

Queries that read cases for another purpose live with that purpose: `repositories.closures` (the
open deadlines a closure day moves), `reminders` (what comes due), `reports` and `accountability`
(the figures), `letters` and `inbox`.

Text search (migration 0010): the words of the text, folded for case and accents, each matched
as the start of a word: in the subject and description (with French stemming on PostgreSQL), in
the requester's name, email address and telephone number when the caller may search people, and
the whole text as a reference, exactly. The full-text indexes answer; nothing reads every case.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import (
    Select,
    and_,
    bindparam,
    case,
    false,
    func,
    insert,
    literal,
    literal_column,
    not_,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlmodel import Session, SQLModel

from casework.models import Case, CaseEvent, CaseExtension, CasePause, Requester
from workflows.case_flow import OPEN_STATES
from workflows.events import EventKind


@dataclass(frozen=True)
class CaseFilters:
    status: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    assignee_id: int | None = None
    unassigned: bool = False
    received_from: datetime | None = None
    received_to: datetime | None = None
    due_before: date | None = None
    overdue_on: date | None = None
    at_risk_until: tuple[date, date] | None = None
    text: str | None = None
    # Whether the text is also looked for in requesters (names, email addresses, telephones),
    # and then only on the cases of this assignee when set: the services decide, from the
    # permission to see requesters.
    people: bool = False
    people_assignee_id: int | None = None


# The states of a case not closed, as stored (the order fixed, so that queries built from them
# read the same).
OPEN = tuple(sorted(state.value for state in OPEN_STATES))
# A text search counts its matches up to this many (and says "more than" beyond): counting every
# match of a common word would read a large part of the table for a figure nobody needs exactly.
TEXT_COUNT_CAP = 1000
_WORDS = re.compile(r"[^\W_]+")
_REFERENCE = re.compile(r"[A-Za-z]{3}-\d{4}-\d{1,10}")
_MAX_WORDS = 8
# The generated search vectors of migration 0010 (PostgreSQL): checked on each case as a page
# walks the order's index (many matches), or driving the search from their GIN indexes (the
# matches and their count, _pg_matches).
_PG_CASE_MATCH = "cases.search_vector @@ to_tsquery('casework_fr'::regconfig, :case_words)"
_PG_PERSON_MATCH = (
    "EXISTS (SELECT 1 FROM requesters WHERE requesters.id = cases.requester_id AND "
    "requesters.search_vector @@ to_tsquery('casework_simple'::regconfig, :person_words){fence})"
)
_ONE_PROCESS = text("SET LOCAL max_parallel_workers_per_gather = 0")
_PG_PEOPLE = "requesters.search_vector @@ to_tsquery('casework_simple'::regconfig, :person_words)"


# The same statement on SQLite (3.35+) and PostgreSQL; plain SQL, so nothing is compiled per call.
_NEXT_NUMBER = text(
    "INSERT INTO reference_counters (kind, year, last) VALUES (:kind, :year, 1) "
    "ON CONFLICT (kind, year) DO UPDATE SET last = reference_counters.last + 1 "
    "RETURNING last"
)


def next_sequence(session: Session, *, kind: str, year: int) -> int:
    """Take the next number of a kind's yearly sequence, in one statement; it is gap-free because
    the counter row stays locked until the case that took the number commits (or rolls back)."""
    return session.connection().execute(_NEXT_NUMBER, {"kind": kind, "year": year}).scalar_one()


# Every request on a case reads it by reference, and its requester by id: two statements built
# once, whose compiled form SQLAlchemy then finds at once in its cache.
_CASE_BY_REFERENCE = select(Case).where(Case.reference == bindparam("reference"))
_CASE_BY_REFERENCE_LOCKED = _CASE_BY_REFERENCE.with_for_update()
_REQUESTER_BY_ID = select(Requester).where(Requester.id == bindparam("requester_id"))


def get_by_reference(session: Session, reference: str, *, for_update: bool = False) -> Case | None:
    """Return the case with this reference, locked for the unit of work when asked."""
    query = _CASE_BY_REFERENCE_LOCKED if for_update else _CASE_BY_REFERENCE
    return session.execute(query, {"reference": reference}).scalar_one_or_none()


def get_requester(session: Session, requester_id: int | None) -> Requester | None:
    """Return a requester by id."""
    if requester_id is None:
        return None
    return session.execute(_REQUESTER_BY_ID, {"requester_id": requester_id}).scalar_one_or_none()


def requesters_by_id(session: Session, ids: set[int]) -> dict[int, Requester]:
    """Return the requesters of several cases at once."""
    if not ids:
        return {}
    rows = session.execute(select(Requester).where(Requester.id.in_(ids))).scalars()
    return {row.id: row for row in rows}


def pauses(session: Session, case_id: int) -> list[CasePause]:
    """Return the pauses of a case, oldest first."""
    query = select(CasePause).where(CasePause.case_id == case_id).order_by(CasePause.start)
    return list(session.execute(query).scalars())


def open_pause(session: Session, case_id: int) -> CasePause | None:
    """Return the pause still running on a case, if any."""
    query = select(CasePause).where(CasePause.case_id == case_id, CasePause.end.is_(None))
    return session.execute(query).scalar_one_or_none()


def extensions(session: Session, case_id: int) -> list[CaseExtension]:
    """Return the extensions of a case, oldest first."""
    query = (
        select(CaseExtension)
        .where(CaseExtension.case_id == case_id)
        .order_by(CaseExtension.created_at, CaseExtension.id)
    )
    return list(session.execute(query).scalars())


def events(session: Session, case_id: int) -> list[CaseEvent]:
    """Return the audit trail of a case, oldest first."""
    query = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    return list(session.execute(query).scalars())


class TrailLine(NamedTuple):
    """What the case clock reads of a line of the trail (a tuple: quick to make and to read)."""

    case_id: int
    kind: str
    trigger: str | None
    at: datetime
    data: dict | None
    reason: str | None


def trail_lines(session: Session, *, case_ids: Select | list[int], kinds) -> list[TrailLine]:
    """Return the lines of these kinds in the trails of the cases `case_ids` selects (or lists),
    case by case, oldest first, as plain rows (the unit of work's pending lines included)."""
    query = (
        select(*(getattr(CaseEvent, name) for name in TrailLine._fields))
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.kind.in_(kinds))
        .order_by(CaseEvent.case_id, CaseEvent.id)
    )
    session.flush()
    return list(map(TrailLine._make, session.connection().execute(query)))


def assignments(session: Session, case_id: int) -> list[dict]:
    """Return what the assignment events of a case's trail say (`{"from", "to"}`), oldest
    first."""
    query = (
        select(CaseEvent.data)
        .where(CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.ASSIGNMENT)
        .order_by(CaseEvent.id)
    )
    return [data or {} for data in session.execute(query).scalars()]


def add_event(session: Session, event: CaseEvent) -> CaseEvent:
    """Append one line to the audit trail."""
    session.add(event)
    return event


def _filtered(query: Select, filters: CaseFilters, *, sqlite: bool, walk: bool = False) -> Select:
    """Return the query with every filter; `walk`: the text checked on each case as the query
    walks the index of its order (many matches), instead of driving it from the matches."""
    conditions = filter_conditions(filters)
    if filters.text:
        conditions.append(_text_condition(filters, sqlite=sqlite, walk=walk))
    return query.where(*conditions) if conditions else query


def filter_conditions(filters: CaseFilters) -> list:
    """Return the conditions of every filter but the text."""
    conditions = []
    if filters.status:
        conditions.append(Case.status.in_(filters.status))
    if filters.kind:
        conditions.append(Case.kind.in_(filters.kind))
    if filters.channel:
        conditions.append(Case.channel.in_(filters.channel))
    if filters.assignee_id is not None:
        conditions.append(Case.assignee_id == filters.assignee_id)
    if filters.unassigned:
        conditions.append(Case.assignee_id.is_(None))
    if filters.received_from is not None:
        conditions.append(Case.received_at >= filters.received_from)
    if filters.received_to is not None:
        conditions.append(Case.received_at < filters.received_to)
    if filters.due_before is not None:
        conditions.append(Case.next_due_on < filters.due_before)
    if filters.overdue_on is not None:
        conditions.append(Case.next_due_on < filters.overdue_on)
    if filters.at_risk_until is not None:
        start, end = filters.at_risk_until
        conditions.append(and_(Case.next_due_on >= start, Case.next_due_on <= end))
    return conditions


def _parsed(filters: CaseFilters) -> tuple[str | None, list[str]]:
    """Return the reference the text is (None when it is not one) and its words."""
    text_ = filters.text.strip()
    reference = text_.upper() if _REFERENCE.fullmatch(text_) else None
    return reference, _WORDS.findall(text_.lower())[:_MAX_WORDS]


def _text_condition(
    filters: CaseFilters, *, sqlite: bool, only_people: bool = False, walk: bool = False
):
    """Return the condition of the cases the text finds, answered by the full-text indexes (only
    those found through their requester, when asked)."""
    reference, words = _parsed(filters)
    found = []
    if reference and not only_people:
        found.append(Case.reference == reference)
    if words and not only_people:
        found.append(_word_match(words, sqlite=sqlite, walk=walk))
    if words and filters.people:
        by_person = _person_match(words, sqlite=sqlite, walk=walk)
        if filters.people_assignee_id is not None:
            by_person = and_(by_person, Case.assignee_id == filters.people_assignee_id)
        found.append(by_person)
    return or_(*found) if found else false()


def _word_match(words: list[str], *, sqlite: bool, walk: bool = False):
    """Match the cases whose subject or description has every word."""
    if sqlite:
        return _sqlite_column(Case.id, walk).in_(
            select(literal_column("rowid"))
            .select_from(table("cases_fts"))
            .where(text("cases_fts MATCH :case_words").bindparams(case_words=_fts5(words)))
        )
    return text(_PG_CASE_MATCH).bindparams(case_words=_tsquery(words))


def _person_match(words: list[str], *, sqlite: bool, walk: bool = False):
    """Match the cases whose requester's name, email and telephone have every word."""
    if sqlite:
        return _sqlite_column(Case.requester_id, walk).in_(
            select(literal_column("rowid"))
            .select_from(table("requesters_fts"))
            .where(text("requesters_fts MATCH :person_words").bindparams(person_words=_fts5(words)))
        )
    # As the order's index is walked, each case's requester is checked by its primary key: an
    # `OFFSET 0` keeps PostgreSQL from hashing every requester the words match first instead
    # (16,600 rows read for « Tremblay » at a million cases, before the first case). Elsewhere
    # the check becomes a join driven by the people's index.
    fence = " OFFSET 0" if walk else ""
    return text(_PG_PERSON_MATCH.format(fence=fence)).bindparams(person_words=_tsquery(words))


def _sqlite_column(column, walk: bool):
    # SQLite reads the matches of the full-text table once into a list either way; to walk the
    # order's index and stop at the page's end, the case's column must not offer its own index
    # (else SQLite fetches every match by it and sorts them all): a unary plus, SQLite's
    # documented way.
    return literal_column(f"+{column.table.name}.{column.name}") if walk else column


def _fts5(words: list[str]) -> str:
    # Each word a quoted prefix (the words hold letters and digits only): "marie"* "trem"*.
    return " ".join(f'"{word}"*' for word in words)


def _tsquery(words: list[str]) -> str:
    return " & ".join(f"{word}:*" for word in words)


def search(
    session: Session,
    *,
    filters: CaseFilters,
    limit: int,
    offset: int,
    by_due: bool = False,
    triage: bool = False,
) -> tuple[list[Case], int]:
    """Return one page of the matching cases and how many match in all (for a text search, up
    to TEXT_COUNT_CAP + 1: more than the cap).

    The order is stable: by due date then id when asked (queues), else newest receipt first.
    With `triage`, new cases nobody is assigned to come first, then by due date (the officers'
    triage queue).
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    if filters.text:
        if not sqlite:
            # A parallel plan starts worker processes and builds a common word's whole bitmap
            # before its first row: for at most 1,001 rows, one process answers sooner.
            session.execute(_ONE_PROCESS)
        # The matches first, up to the cap: a few are then sorted directly; past the cap, the
        # matches are common and the page comes soonest by walking the order's index.
        if not sqlite and _over_cap(session, whole_words_query(filters)):
            total, query = TEXT_COUNT_CAP + 1, None
        else:
            found = list(session.execute(matches_query(filters, sqlite=sqlite)).scalars())
            ids = list(dict.fromkeys(found))
            total = len(ids) if len(found) <= TEXT_COUNT_CAP else TEXT_COUNT_CAP + 1
            query = select(Case).where(Case.id.in_(ids)) if total <= TEXT_COUNT_CAP else None
    else:
        total = session.execute(
            _filtered(select(func.count(Case.id)), filters, sqlite=sqlite)
        ).scalar_one()
        query = None
    if triage and query is None:
        return _triaged(session, filters, limit=limit, offset=offset, sqlite=sqlite), total
    if query is None:
        query = _filtered(select(Case), filters, sqlite=sqlite, walk=bool(filters.text))
    if triage:
        query = query.order_by(*_TRIAGE_ORDER)
    elif by_due or filters.overdue_on is not None or filters.due_before is not None:
        query = query.order_by(Case.next_due_on.asc().nulls_last(), Case.id)
    else:
        query = query.order_by(*_NEWEST_FIRST)
    items = list(session.execute(query.limit(limit).offset(offset)).scalars()) if total else []
    return items, total


_NEWEST_FIRST = (Case.received_at.desc(), Case.id.desc())


def walked_query(filters: CaseFilters, *, sqlite: bool) -> Select:
    """Return the page of a text search with many matches, newest first: the text checked on
    each case as the receipt index is walked (its plan is checked in the tests)."""
    return _filtered(select(Case), filters, sqlite=sqlite, walk=True).order_by(*_NEWEST_FIRST)


# The triage order: new cases nobody is assigned to first, then by due date (none last).
_NEW_UNASSIGNED = and_(Case.status == "received", Case.assignee_id.is_(None))
_BY_DUE_DATE = (Case.next_due_on.asc().nulls_last(), Case.id)
_TRIAGE_ORDER = (case((_NEW_UNASSIGNED, 0), else_=1), *_BY_DUE_DATE)


def _triaged(
    session: Session, filters: CaseFilters, *, limit: int, offset: int, sqlite: bool
) -> list[Case]:
    """Return one page of the triage queue: the ids sorted first, from an index alone when only
    states are filtered ((status, assignee_id, next_due_on) on SQLite, the open cases' partial
    index on PostgreSQL), then only the page's cases read."""
    page = triage_query(filters, sqlite=sqlite, limit=limit, offset=offset)
    ids = list(session.execute(page).scalars())
    if not ids:
        return []
    found = {c.id: c for c in session.execute(select(Case).where(Case.id.in_(ids))).scalars()}
    return [found[i] for i in ids]


def triage_query(filters: CaseFilters, *, sqlite: bool, limit: int, offset: int) -> Select:
    """Return one page of the ids of the cases matching the filters in the triage order (its
    plan is checked in the tests).

    On PostgreSQL, a queue of open cases is read as its two groups, new cases nobody is assigned
    to and the others, each read in due-date order and stopped at the end of the page (the
    others through the open cases' partial index of migration 0018_queue_by_due_date): no sort
    of every open case."""
    states = set(filters.status)
    if sqlite or filters.text or not states or not states <= set(OPEN):
        query = _filtered(select(Case.id), filters, sqlite=sqlite).order_by(*_TRIAGE_ORDER)
        return query.limit(limit).offset(offset)
    others = replace(filters, status=())

    def group(rank: int, *conditions) -> Select:
        columns = select(Case.id, literal(rank).label("rank"), Case.next_due_on)
        query = _filtered(columns, others, sqlite=False).where(*conditions)
        return query.order_by(*_BY_DUE_DATE).limit(offset + limit)

    # The new cases are told by their own state (the filter's states as well would count twice
    # in the planner's estimates); the others' states are written out as literals, so that the
    # planner sees the partial index answers whatever plan a prepared statement gets.
    literals = [literal(state, literal_execute=True) for state in sorted(states)]
    groups = [group(1, Case.status.in_(literals), not_(_NEW_UNASSIGNED))]
    if "received" in states:
        groups.append(group(0, _NEW_UNASSIGNED))
    both = union_all(*groups).subquery()
    return (
        select(both.c.id)
        .order_by(both.c.rank, both.c.next_due_on.asc().nulls_last(), both.c.id)
        .limit(limit)
        .offset(offset)
    )


def matches_query(filters: CaseFilters, *, sqlite: bool) -> Select:
    """Return the query of the ids a search matches, up to the cap and one more (its plan is
    checked in the tests); an id may come twice on PostgreSQL."""
    if sqlite:
        return _filtered(select(Case.id), filters, sqlite=True).limit(TEXT_COUNT_CAP + 1)
    return _pg_matches(filters).limit(TEXT_COUNT_CAP + 1)


def whole_words_query(filters: CaseFilters) -> Select | None:
    """Return, on PostgreSQL, the ids of the cases holding every word whole, up to the cap and
    one more (None without words); its plan is checked in the tests.

    They are some of the matches (each word is matched from its start): when they pass the cap,
    so do the matches, and reading one entry of the words' index costs less than gathering every
    word that starts the same way (a third of the time for « remboursement » at a million cases).
    """
    _, words = _parsed(filters)
    if not words:
        return None
    whole = text(_PG_CASE_MATCH).bindparams(case_words=" & ".join(words))
    return select(Case.id).where(whole, *filter_conditions(filters)).limit(TEXT_COUNT_CAP + 1)


def _over_cap(session: Session, query: Select | None) -> bool:
    return query is not None and len(session.execute(query).all()) > TEXT_COUNT_CAP


def _pg_matches(filters: CaseFilters):
    """Return the matches of a text on PostgreSQL as one query per way of matching, each driven
    by its own index, appended (UNION ALL stops at the limit; a union would read them all)."""
    reference, words = _parsed(filters)
    others = filter_conditions(filters)
    parts = []
    if reference:
        parts.append(select(Case.id).where(Case.reference == reference, *others))
    if words:
        case_words = text(_PG_CASE_MATCH).bindparams(case_words=_tsquery(words))
        parts.append(select(Case.id).where(case_words, *others))
    if words and filters.people:
        people = select(Requester.id).where(
            text(_PG_PEOPLE).bindparams(person_words=_tsquery(words))
        )
        by_person = select(Case.id).where(Case.requester_id.in_(people), *others)
        if filters.people_assignee_id is not None:
            by_person = by_person.where(Case.assignee_id == filters.people_assignee_id)
        parts.append(by_person)
    if not parts:
        return select(Case.id).where(false())
    return parts[0] if len(parts) == 1 else union_all(*parts)


def shown_total(filters: CaseFilters, total: int) -> tuple[int, bool]:
    """Return the count of matches to show and whether more match (only a text search counts up
    to the cap)."""
    if filters.text and total > TEXT_COUNT_CAP:
        return TEXT_COUNT_CAP, True
    return total, False


def found_by_person(session: Session, *, ids: list[int], filters: CaseFilters) -> list[int]:
    """Return which of these cases the text found through their requester."""
    if not ids or not filters.text or not filters.people:
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    query = select(Case.id).where(
        Case.id.in_(ids), _text_condition(filters, sqlite=sqlite, only_people=True)
    )
    return list(session.execute(query).scalars())


def found_through_requester(session: Session, *, text_: str, limit: int) -> list[Case]:
    """Return the cases whose requester's name, email and telephone have every word of the text
    (the people's full-text index of migration 0010), oldest first."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    filters = CaseFilters(text=text_, people=True)
    query = (
        select(Case)
        .where(_text_condition(filters, sqlite=sqlite, only_people=True))
        .order_by(Case.received_at, Case.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def cases_of_same_person(
    session: Session,
    *,
    requester: Requester,
    exclude_case_id: int,
    assignee_id: int | None,
    limit: int,
) -> list[Case]:
    """Return the other cases whose requester has the same email address (in any case) or the
    same telephone number, newest first (only those assigned to `assignee_id` when given)."""
    same = []
    if requester.email:
        if session.get_bind().dialect.name == "sqlite":
            same.append(Requester.email.collate("NOCASE") == requester.email)
        else:
            same.append(func.lower(Requester.email) == requester.email.lower())
    if requester.phone:
        same.append(Requester.phone == requester.phone)
    if not same:
        return []
    query = select(Case).where(
        Case.requester_id.in_(select(Requester.id).where(or_(*same))), Case.id != exclude_case_id
    )
    if assignee_id is not None:
        query = query.where(Case.assignee_id == assignee_id)
    query = query.order_by(Case.received_at.desc(), Case.id.desc()).limit(limit)
    return list(session.execute(query).scalars())


def insert_row(session: Session, row: SQLModel) -> SQLModel:
    """Insert a new row at once and give it its id (on the unit of work's connection, without the
    session's flush and execution machinery, which cost more than the insert itself on the
    intake path)."""
    statement = _insert_returning_id(type(row).__table__)
    values = row.model_dump(exclude={"id"})
    row.id = session.connection().execute(statement, values).scalar_one()
    return row


@cache
def _insert_returning_id(table):
    # Values go in as parameters, so that one statement per table is built and compiled once.
    return insert(table).returning(table.c.id)
