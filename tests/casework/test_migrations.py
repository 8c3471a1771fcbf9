"""The schema changes only through migrations, and the migrations match the models."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from casework import migrate
from casework.models import metadata
from casework.models.base import include_object
from tests.casework.services import test_case_handlers as handlers_cases


def test_migrated_database_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_upgrading_twice_is_harmless(engine):
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()


def test_the_people_who_handled_each_case_are_backfilled_from_the_trail(ctx, clock):
    # 0017_case_handlers: the column the services keep, dropped and counted again from the trail
    # (assignees and transfers), gives what the report counted from the trail before it.
    made = handlers_cases.build(ctx, clock)
    engine = ctx.engine
    config = migrate.alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0016_page_indexes")
    try:
        assert "handlers" not in {c["name"] for c in inspect(engine).get_columns("cases")}
    finally:
        migrate.upgrade(engine)
    for name, (reference, expected) in made.items():
        assert handlers_cases.from_the_trail(engine, reference) == (expected, expected), name
