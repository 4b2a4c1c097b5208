"""merchant scoring: cycles, scorecards, tier events (immutable), attribution appeals

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import aftersales.store.tables

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TIME = aftersales.store.tables.UtcDateTime

# A finished cycle is immutable: its scorecards and tier events are only ever inserted. The
# triggers stop an accident (a stray UPDATE, a cleanup script); a new revision is the way to
# change a period's result. A later batch migration on SQLite recreates a table and so drops its
# triggers: such a migration must recreate them.
_IMMUTABLE = ("scoring_cycles", "scorecards", "tier_events")
_MESSAGE = "a finished assessment cycle is immutable; compute a new revision instead"


def upgrade() -> None:
    op.create_table(
        "scoring_cycles",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("window_start", _TIME(), nullable=False),
        sa.Column("window_end", _TIME(), nullable=False),
        sa.Column("computed_at", _TIME(), nullable=False),
        sa.Column("computed_by", sa.String(length=80), nullable=False),
        sa.Column("engine", sa.String(length=16), nullable=False),
        sa.Column("parameters", _JSON, nullable=False),
        sa.Column("parameters_digest", sa.String(length=64), nullable=False),
        sa.Column("merchants", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_cycles")),
        sa.UniqueConstraint("kind", "period", "revision", name="uq_scoring_cycles_revision"),
    )
    op.create_table(
        "scorecards",
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("percentile", sa.Float(), nullable=True),
        sa.Column("card", _JSON, nullable=False),
        sa.Column("standing", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["scoring_cycles.id"], name=op.f("fk_scorecards_cycle_id_scoring_cycles")
        ),
        sa.PrimaryKeyConstraint("cycle_id", "merchant_id", name=op.f("pk_scorecards")),
    )
    op.create_index("ix_scorecards_merchant", "scorecards", ["merchant_id"])
    _id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "tier_events",
        sa.Column("id", _id, autoincrement=True, nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("at", _TIME(), nullable=False),
        sa.Column("tier_before", sa.String(length=20), nullable=False),
        sa.Column("tier_after", sa.String(length=20), nullable=False),
        sa.Column("change", sa.String(length=24), nullable=False),
        sa.Column("standing", _JSON, nullable=False),
        sa.Column("explanation", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["scoring_cycles.id"], name=op.f("fk_tier_events_cycle_id_scoring_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_events")),
    )
    op.create_index(op.f("ix_tier_events_cycle_id"), "tier_events", ["cycle_id"])
    op.create_index("ix_tier_events_merchant", "tier_events", ["merchant_id", "at"])
    op.create_table(
        "scoring_appeals",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("filed_at", _TIME(), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", _TIME(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_scoring_appeals_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_appeals")),
        sa.UniqueConstraint("case_id", name=op.f("uq_scoring_appeals_case_id")),
    )
    op.create_index(op.f("ix_scoring_appeals_merchant_id"), "scoring_appeals", ["merchant_id"])
    op.create_index(op.f("ix_scoring_appeals_state"), "scoring_appeals", ["state"])
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    op.drop_table("scoring_appeals")
    op.drop_table("tier_events")
    op.drop_table("scorecards")
    op.drop_table("scoring_cycles")


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION scoring_immutable() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$"
        )
        for table in _IMMUTABLE:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION scoring_immutable()"
            )
        return
    for table in _IMMUTABLE:
        for action in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _IMMUTABLE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        op.execute("DROP FUNCTION IF EXISTS scoring_immutable()")
        return
    for table in _IMMUTABLE:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
