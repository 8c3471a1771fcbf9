"""Alembic environment: the engine comes from casework's own settings, passed in by the caller."""

from alembic import context

from casework.models import metadata
from casework.models.base import include_object

config = context.config


def run_migrations() -> None:
    """Run the migrations on the connection the caller put in the Alembic config."""
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
