"""Metadata naming convention, so that migrations name constraints the same on every database."""

from sqlmodel import SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = SQLModel.metadata
metadata.naming_convention = NAMING_CONVENTION

# Full-text search objects that only the migrations make (revision 0010): PostgreSQL's generated
# search vectors and their indexes, an index of each database, SQLite's FTS5 tables with their
# shadow tables. The models cannot describe them.
SEARCH_INDEXES = frozenset(
    {
        "ix_cases_search",
        "ix_requesters_search",
        "ix_requesters_email_lower",
        "ix_requesters_email_nocase",
    }
)
# Indexes only PostgreSQL has, partial or with included columns, which the models cannot
# describe for both databases: the open cases by receipt (migration 0016_page_indexes) and by due
# date (0018_queue_by_due_date), and the cases by receipt with the clock columns the
# declaration's figures group (0017_case_handlers).
POSTGRESQL_INDEXES = frozenset(
    {"ix_cases_open_received_at", "ix_cases_open_next_due_on", "ix_cases_received_at_clock"}
)
SEARCH_TABLE_PREFIXES = ("cases_fts", "requesters_fts")
SEARCH_VECTOR = "search_vector"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Tell Alembic's comparison to leave the full-text search objects and the indexes only
    PostgreSQL has alone."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIXES):
        return False
    if type_ == "column" and name == SEARCH_VECTOR:
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES | POSTGRESQL_INDEXES)
