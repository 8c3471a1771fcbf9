"""Engine factory and unit of work.

DESIGN §3: "SQLite is the embedded default (file database, WAL mode, foreign keys on).
PostgreSQL is the production database ... Only the service layer commits, one unit of work per
command." Nothing is built at import time: callers pass the settings in.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, Select, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from casework.config import DatabaseSettings

READ_ONLY = "casework_read_only"


def make_engine(settings: DatabaseSettings) -> Engine:
    """Build the engine for the configured database, with the SQLite pragmas the design asks for."""
    url = make_url(settings.url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(settings)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    # Instants come back in UTC, as they are stored (the driver then gives them the plain UTC
    # zone, which needs no conversion per row, whatever the server's default zone is called).
    options = "-c TimeZone=UTC"
    # A lock held longer than the busy timeout fails the command (503, Retry-After) instead of
    # holding the request forever, as on SQLite.
    if settings.busy_timeout_ms:
        options += f" -c lock_timeout={settings.busy_timeout_ms}"
    return create_engine(
        url,
        echo=settings.echo,
        pool_size=settings.pool_size,
        max_overflow=settings.pool_size,
        pool_pre_ping=True,
        connect_args={"options": options},
    )


def _sqlite_engine(settings: DatabaseSettings) -> Engine:
    url = make_url(settings.url)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=settings.echo,
        connect_args={"check_same_thread": False, "timeout": settings.busy_timeout_ms / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy issue BEGIN itself (below) instead of the driver's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(settings.busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # What the retention schedule removes is overwritten in the file, not only unlinked
        # (Loi sur l'accès, art. 73); some builds of SQLite leave it off by default.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
        # SQLite's own lower() folds ASCII only: "État" would not match a search for "état".
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
        # another writer committed in between; taking the write lock up front makes concurrent
        # commands wait their turn (busy_timeout) instead. Reads need no lock: in WAL mode they
        # see a snapshot and never block the writer.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def is_sqlite(engine: Engine) -> bool:
    """Tell whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """Open a session whose work is committed at the end, or rolled back whole on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """Open a session for reading; nothing it does is committed."""
    with Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False) as session:
        try:
            yield session
        finally:
            # Detach what was read first, so that the rollback does not expire it.
            session.expunge_all()
            session.rollback()


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """Open a bare connection for one quick read (a credential check on every request), without
    an ORM session's bookkeeping; nothing it does is committed.

    One statement needs no transaction of its own: on PostgreSQL the read runs in autocommit
    mode, which spares the BEGIN and ROLLBACK round trips; SQLite's BEGIN is in-process and
    stays deferred, so the read takes no lock.
    """
    with engine.connect() as connection:
        # Both options change this connection in place; the pool resets them on return.
        if is_sqlite(engine):
            connection.execution_options(**{READ_ONLY: True})
        else:
            connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


def streamed(session: Session, query: Select, *, rows: int = 1000) -> Iterator[tuple]:
    """Yield the query's rows as plain tuples, `rows` at a time from the database, never the whole
    result in memory (a list of every open case for a spreadsheet).

    On PostgreSQL the rows come over the session's own connection in batches (psycopg's
    `stream`, libpq's chunked-rows mode, 17 and later; one row at a time before): no server-side
    cursor, whose FETCH round trips cost three times as much for a long list. The values are the
    driver's both ways: the query's parameters go to it as they are (plain values: text, numbers,
    dates), and the rows come back without the ORM's conversions (instants in UTC, the
    connection's zone). SQLite's cursor reads as it goes."""
    connection = session.connection()
    if is_sqlite(connection.engine):
        yield from connection.execute(query.execution_options(yield_per=rows)).tuples()
        return
    from psycopg import pq

    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    size = rows if pq.version() >= 170000 else 1
    with connection.connection.driver_connection.cursor() as cursor:
        yield from cursor.stream(str(compiled), compiled.params, size=size)


def check_database(engine: Engine) -> str | None:
    """Return None when the database answers and its schema is migrated, else the reason."""
    from alembic.runtime.migration import MigrationContext

    try:
        # Read-only: a long write elsewhere must not make the node look down.
        with read_connection(engine) as connection:
            connection.execute(text("SELECT 1"))
            revision = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:  # any driver error means "not healthy"; the reason is reported
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return f"database unavailable: {exc.__class__.__name__}: {first_line}"
    if revision is None:
        return "database schema not migrated: run `casework db upgrade`"
    return None
