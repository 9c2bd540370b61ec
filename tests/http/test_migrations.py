"""The models and the migrations describe the same schema (issue 23): a column, index or constraint added to
a model without a migration, or the other way round, fails here, on SQLite in ``make test`` and on PostgreSQL
in ``make test-postgres``, against the database the suite migrated to head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import api.models  # noqa: F401  (registers every table on the metadata)
from api.db import Base
from api.models.audit import is_audit_partition


def test_the_migrations_build_exactly_the_models_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": connection.dialect.name == "sqlite",
                # The audit trail's monthly partitions (migration 0024) are tables, not models.
                "include_name": lambda name, type_, _parents: (
                    not (type_ == "table" and is_audit_partition(name))
                ),
            },
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "models and migrations differ (write a migration):\n" + "\n".join(
        map(str, differences)
    )
