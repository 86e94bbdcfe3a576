"""The history store on SQLAlchemy Core: one schema and one set of queries for SQLite (the embedded default) and
PostgreSQL (a `postgresql://` URL), migrated by Alembic. Imported only by the commands that touch the history:
`scoring.history` is the light front door. Why this store: docs/decisions/0009-store-sqlalchemy-alembic.md."""
