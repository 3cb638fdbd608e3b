"""Alembic environment for the workbench database: run on the connection handed over by
:func:`assistant.db.migrate.upgrade` (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context

from assistant.db.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE on SQLite goes through a copy
)
with context.begin_transaction():
    context.run_migrations()
