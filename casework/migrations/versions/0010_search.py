"""search and dashboard: full-text indexes of cases and requesters; indexes to find a person's
other cases and for the dashboard's grouped counts

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 06:30:00.000000

Searching a word must not read every case, and searching a person must find their requester
(DESIGN §2.5: only for those allowed to see requesters; the services decide). Words are folded
for case and accents on both databases:
- PostgreSQL: a generated `search_vector` column (tsvector) on `cases` and on `requesters`, with
  a GIN index, made with two text search configurations: `casework_fr` (French stemming after
  `unaccent`) for subjects and descriptions, and `casework_simple` (no stemming, after
  `unaccent`) for names, email addresses and telephone numbers (their punctuation turned into
  spaces, and the telephone's digits alone). Stored, so that checking a match reads the vector
  instead of parsing the text again;
- SQLite: FTS5 tables with the `unicode61 remove_diacritics 2` tokenizer, kept in step with
  `cases` and `requesters` by triggers. On SQLite, a later migration that rebuilds `cases` or
  `requesters` (batch "move and copy") drops these triggers and must create them again.
The models do not describe these objects (casework.models.base.include_object).

The dashboard counts open cases by assignee and by age with one grouped query each: the indexes
(status, assignee_id, next_due_on) and (status, received_at) answer them without reading the
cases; `answered_at` gets the index its weekly count needs.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0010'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Angle brackets become spaces: PostgreSQL's parser would drop what looks like an HTML tag.
CASE_DOCUMENT = "translate(subject || ' ' || description, '<>', '  ')"
REQUESTER_DOCUMENT = (
    "translate(name || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' || "
    "coalesce(regexp_replace(phone, '[^0-9]', '', 'g'), ''), '@._-+()/<>', '          ')"
)
SQLITE_DIGITS = (
    "replace(replace(replace(replace(replace(replace(new.phone, '-', ''), ' ', ''), '.', ''), "
    "'(', ''), ')', ''), '+', '')"
)
TOKENIZER = "unicode61 remove_diacritics 2"


def upgrade() -> None:
    op.create_index('ix_cases_requester_id', 'cases', ['requester_id'])
    op.create_index('ix_requesters_phone', 'requesters', ['phone'])
    op.create_index(
        'ix_cases_status_assignee_id_next_due_on', 'cases', ['status', 'assignee_id', 'next_due_on']
    )
    op.create_index('ix_cases_status_received_at', 'cases', ['status', 'received_at'])
    op.create_index('ix_cases_answered_at', 'cases', ['answered_at'])
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def _postgresql_upgrade() -> None:
    op.execute('CREATE EXTENSION IF NOT EXISTS unaccent')
    op.execute('CREATE TEXT SEARCH CONFIGURATION casework_fr (COPY = pg_catalog.french)')
    op.execute(
        'ALTER TEXT SEARCH CONFIGURATION casework_fr ALTER MAPPING FOR hword, hword_part, word '
        'WITH unaccent, french_stem'
    )
    op.execute('CREATE TEXT SEARCH CONFIGURATION casework_simple (COPY = pg_catalog.simple)')
    op.execute(
        'ALTER TEXT SEARCH CONFIGURATION casework_simple ALTER MAPPING FOR hword, hword_part, '
        'word, numhword, hword_numpart, numword WITH unaccent, simple'
    )
    op.execute(
        'ALTER TABLE cases ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
        f"(to_tsvector('casework_fr'::regconfig, {CASE_DOCUMENT})) STORED"
    )
    op.execute('CREATE INDEX ix_cases_search ON cases USING gin (search_vector)')
    op.execute(
        'ALTER TABLE requesters ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
        f"(to_tsvector('casework_simple'::regconfig, {REQUESTER_DOCUMENT})) STORED"
    )
    op.execute('CREATE INDEX ix_requesters_search ON requesters USING gin (search_vector)')
    op.execute('CREATE INDEX ix_requesters_email_lower ON requesters (lower(email))')


def _sqlite_upgrade() -> None:
    op.execute('CREATE INDEX ix_requesters_email_nocase ON requesters (email COLLATE NOCASE)')
    op.execute(
        "CREATE VIRTUAL TABLE cases_fts USING fts5(subject, description, content='cases', "
        f"content_rowid='id', tokenize='{TOKENIZER}')"
    )
    op.execute(
        'CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN '
        'INSERT INTO cases_fts (rowid, subject, description) '
        'VALUES (new.id, new.subject, new.description); END'
    )
    old = (
        "INSERT INTO cases_fts (cases_fts, rowid, subject, description) "
        "VALUES ('delete', old.id, old.subject, old.description);"
    )
    op.execute(f'CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN {old} END')
    op.execute(
        'CREATE TRIGGER cases_fts_update AFTER UPDATE OF subject, description ON cases BEGIN '
        f'{old} INSERT INTO cases_fts (rowid, subject, description) '
        'VALUES (new.id, new.subject, new.description); END'
    )
    op.execute("INSERT INTO cases_fts (cases_fts) VALUES ('rebuild')")

    op.execute(
        'CREATE VIRTUAL TABLE requesters_fts USING fts5(name, email, phone, phone_digits, '
        f"tokenize='{TOKENIZER}')"
    )
    insert = (
        'INSERT INTO requesters_fts (rowid, name, email, phone, phone_digits) '
        f'VALUES (new.id, new.name, new.email, new.phone, {SQLITE_DIGITS});'
    )
    op.execute(f'CREATE TRIGGER requesters_fts_insert AFTER INSERT ON requesters BEGIN {insert} END')
    op.execute(
        'CREATE TRIGGER requesters_fts_delete AFTER DELETE ON requesters BEGIN '
        'DELETE FROM requesters_fts WHERE rowid = old.id; END'
    )
    op.execute(
        'CREATE TRIGGER requesters_fts_update AFTER UPDATE OF name, email, phone ON requesters '
        f'BEGIN DELETE FROM requesters_fts WHERE rowid = old.id; {insert} END'
    )
    op.execute(
        'INSERT INTO requesters_fts (rowid, name, email, phone, phone_digits) '
        f"SELECT id, name, email, phone, {SQLITE_DIGITS.replace('new.', '')} FROM requesters"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_requesters_email_lower')
        op.execute('ALTER TABLE requesters DROP COLUMN IF EXISTS search_vector')
        op.execute('ALTER TABLE cases DROP COLUMN IF EXISTS search_vector')
        op.execute('DROP TEXT SEARCH CONFIGURATION IF EXISTS casework_simple')
        op.execute('DROP TEXT SEARCH CONFIGURATION IF EXISTS casework_fr')
    else:
        for trigger in (
            'cases_fts_insert',
            'cases_fts_delete',
            'cases_fts_update',
            'requesters_fts_insert',
            'requesters_fts_delete',
            'requesters_fts_update',
        ):
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
        op.execute('DROP TABLE IF EXISTS requesters_fts')
        op.execute('DROP TABLE IF EXISTS cases_fts')
        op.execute('DROP INDEX IF EXISTS ix_requesters_email_nocase')
    op.drop_index('ix_cases_answered_at', 'cases')
    op.drop_index('ix_cases_status_received_at', 'cases')
    op.drop_index('ix_cases_status_assignee_id_next_due_on', 'cases')
    op.drop_index('ix_requesters_phone', 'requesters')
    op.drop_index('ix_cases_requester_id', 'cases')
