"""the directory version: one counter that every write to the provider directory bumps, by triggers (issue 28)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 09:00:00

``GET /v1/providers`` pages are served from a cache keyed by the query and this version
(api/services/directory_pages.py): a page cached under a version is the directory as it stood at that
version, so a process may serve it for as long as the version it reads is the same. Triggers, not the
services, bump it: no writer of the directory (a service, the worker's summary refresh, a bulk seed, a
console session) can forget.

Every table the list shows is watched: ``providers`` (its own columns, ``active_patients`` which bookings and
cancellations move, the availability, ``updated_at`` which every write of the row moves), licences, DEA
registrations, sites, routes, languages and specialties. A booking's effect on the list is its write of the
provider's row (capacity, the free-slot summary), so it bumps too; appointments themselves are not listed.

PostgreSQL: deferred constraint triggers, so the bump runs when the transaction commits, after all its other
statements. The row is then locked only for the commit itself, and always as a transaction's last lock: a
transaction writing two providers (the worker's batch, a reassignment) cannot hold it while waiting for a
provider another transaction has locked and is about to bump with (an immediate trigger would deadlock there).
Readers (READ COMMITTED) see the version and the rows it counts change in the same commit.
SQLite: plain AFTER triggers, in the writer's transaction (SQLite writers are serialised anyway).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


DIRECTORY_TABLES = (
    "providers",
    "provider_licenses",
    "dea_registrations",
    "practice_sites",
    "provider_routes",
    "provider_languages",
    "provider_specialties",
)
# One name on every table: ``SET CONSTRAINTS directory_version_bump IMMEDIATE`` names them all (tests).
TRIGGER = "directory_version_bump"
_BUMP = "UPDATE directory_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "directory_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_version")),
    )
    op.execute("INSERT INTO directory_version (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION directory_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {_BUMP}; RETURN NULL; END $$"
        )
        for table in DIRECTORY_TABLES:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION directory_version_bump()"
            )
        return
    for table in DIRECTORY_TABLES:
        for event in ("insert", "update", "delete"):
            name = f"{table}_{TRIGGER}_{event}"
            op.execute(f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} BEGIN {_BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in DIRECTORY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS directory_version_bump()")
    else:
        for table in DIRECTORY_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{TRIGGER}_{event}")
    op.drop_table("directory_version")
