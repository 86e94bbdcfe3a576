"""Alembic's environment for the store: it always runs inside a transaction the store has opened (and locked),
on the connection it passes in `config.attributes["connection"]` (scoring.store.migrate)."""

from alembic import context

from scoring.store.migrate import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, transaction_per_migration=False)
with context.begin_transaction():  # the store's own transaction: nothing here commits
    context.run_migrations()
