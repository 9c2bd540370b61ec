"""matching facts: the routes a provider may give in each state; the provider's own columns follow by trigger

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 10:00:00

provider_state_facts stored the routes offered (a bitmask) and whether the provider had a site and a REMS
site in the state, and the SQL of matching restated the route rule (which routes need a site) over them. It
now stores what the rule derives (api.domain.matching.deliverable_routes): the routes offered that may be
given in that state. A new route requirement is then one entry in ``ROUTE_NEEDS`` and a migration like
this one, which rewrites the stored routes (issue 23).

The facts also copy columns of the provider's own row (capacity, time zone, slot hours, the free-slot
summary). A trigger now keeps those copies equal to the row on every UPDATE of providers, through the
services or not: a copy left behind would make the SQL and the exact path of matching judge the same
provider differently, and the exclusion counts depend on how many providers a request reads.

Bits, in ``api.domain.protocols.Route`` order at this revision: oral 1, sublingual 2, intranasal 4,
intramuscular 8, intravenous 16. Intranasal, intramuscular and intravenous needed a site in the state,
intranasal a REMS-certified one.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORAL, SUBLINGUAL, INTRANASAL, INTRAMUSCULAR, INTRAVENOUS = 1, 2, 4, 8, 16
ALL_ROUTES = ORAL | SUBLINGUAL | INTRANASAL | INTRAMUSCULAR | INTRAVENOUS
# The columns of providers that provider_state_facts copies, under the same names.
COPIED = (
    "accepting_new_patients",
    "active_patients",
    "max_active_patients",
    "timezone",
    "slot_hours",
    "first_free_slot_at",
    "free_slots_computed_at",
    "free_slots_valid_until",
)
FOLLOW = "provider_state_facts_follow_provider"


def upgrade() -> None:
    without_site = ALL_ROUTES & ~(INTRANASAL | INTRAMUSCULAR | INTRAVENOUS)
    without_rems_site = ALL_ROUTES & ~INTRANASAL
    op.execute(f"UPDATE provider_state_facts SET routes = routes & {without_site} WHERE NOT has_site")
    op.execute(
        f"UPDATE provider_state_facts SET routes = routes & {without_rems_site} WHERE NOT has_rems_site"
    )
    # Plain ALTER TABLE on both databases (SQLite >= 3.35): a batch copy would lose WITHOUT ROWID.
    op.execute("ALTER TABLE provider_state_facts RENAME COLUMN routes TO deliverable_routes")
    op.execute("ALTER TABLE provider_state_facts DROP COLUMN has_site")
    op.execute("ALTER TABLE provider_state_facts DROP COLUMN has_rems_site")
    _create_follow_trigger()


def _create_follow_trigger() -> None:
    copy = (
        f"UPDATE provider_state_facts SET {', '.join(f'{name} = NEW.{name}' for name in COPIED)} "
        "WHERE provider_id = NEW.id;"
    )
    when = f"AFTER UPDATE OF {', '.join(COPIED)} ON providers FOR EACH ROW"
    if op.get_bind().dialect.name == "postgresql":
        body = f"BEGIN {copy} RETURN NULL; END"
        op.execute(f"CREATE FUNCTION {FOLLOW}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")
        op.execute(f"CREATE TRIGGER {FOLLOW} {when} EXECUTE FUNCTION {FOLLOW}()")
    else:
        op.execute(f"CREATE TRIGGER {FOLLOW} {when} BEGIN {copy} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {FOLLOW} ON providers")
        op.execute(f"DROP FUNCTION {FOLLOW}()")
    else:
        op.execute(f"DROP TRIGGER {FOLLOW}")
    # The routes offered and the site flags are derived again from the providers' rows.
    for column in ("has_site", "has_rems_site"):
        op.execute(f"ALTER TABLE provider_state_facts ADD COLUMN {column} BOOLEAN NOT NULL DEFAULT false")
    op.execute("ALTER TABLE provider_state_facts RENAME COLUMN deliverable_routes TO routes")
    site = (
        "EXISTS (SELECT 1 FROM practice_sites s WHERE s.provider_id = provider_state_facts.provider_id"
        " AND s.state = provider_state_facts.state{})"
    )
    bits = " ".join(
        f"WHEN '{name}' THEN {bit}"
        for name, bit in (
            ("oral", ORAL),
            ("sublingual", SUBLINGUAL),
            ("intranasal", INTRANASAL),
            ("intramuscular", INTRAMUSCULAR),
            ("intravenous", INTRAVENOUS),
        )
    )
    op.execute(
        "UPDATE provider_state_facts SET "
        f"has_site = {site.format('')}, "
        f"has_rems_site = {site.format(' AND s.rems_certified')}, "
        f"routes = (SELECT COALESCE(SUM(CASE r.route {bits} ELSE 0 END), 0) FROM provider_routes r"
        " WHERE r.provider_id = provider_state_facts.provider_id)"
    )
