"""the directory version bumped once per transaction, not once per row written (issue 28)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 04:40:00

Migration 0023's deferred row triggers ran ``UPDATE directory_version SET version = version + 1`` at commit
once for every row the transaction wrote to the directory's tables. PostgreSQL keeps every version of that
one row a transaction makes until it ends, and each UPDATE walks the versions made before it, so a
transaction writing N rows paid N^2/2 steps at its commit: seeding 10,000 providers (about 70,000 rows
with their licences, routes, languages and specialties) took 95 s, and 100,000 had not committed after 25
minutes (``make bench``'s matching seed, 2026-12-06). One bump is all a commit needs: a reader compares
versions for equality, and all of the transaction's rows become visible with it.

The function now bumps only if this transaction has not: the row records the 64-bit id of the transaction
that bumped it last (``bumped_by``, ``txid_current()``, which never wraps), and a later trigger of the same
transaction finds it and returns. Each trigger still runs (a primary-key look-up of one row); none
writes again. The row's ``xmin`` is compared as well, so that a bump made inside a subtransaction (only
the tests do that, with ``SET CONSTRAINTS directory_version_bump IMMEDIATE`` inside savepoints standing
for commits) does not hide the next savepoint's: there each write bumps, as before.

SQLite's triggers update the row in place (no versions to walk) and are left as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ONCE = (
    "CREATE OR REPLACE FUNCTION directory_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "UPDATE directory_version SET version = version + 1, bumped_by = txid_current() "
    "WHERE id = 1 AND NOT (bumped_by IS NOT DISTINCT FROM txid_current() "
    "AND xmin::text = (txid_current() % 4294967296)::text); "
    "RETURN NULL; "
    "END $$"
)
_EVERY_ROW = (
    "CREATE OR REPLACE FUNCTION directory_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$"
)


def upgrade() -> None:
    op.add_column("directory_version", sa.Column("bumped_by", sa.BigInteger(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_ONCE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_EVERY_ROW)
    with op.batch_alter_table("directory_version") as batch:
        batch.drop_column("bumped_by")
