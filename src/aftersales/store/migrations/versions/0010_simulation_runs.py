"""marketplace simulator: how far each simulation run got

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import aftersales.store.tables

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TIME = aftersales.store.tables.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "simulation_runs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("parameters", _JSON, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sim_start", _TIME(), nullable=False),
        sa.Column("sim_reached", _TIME(), nullable=False),
        sa.Column("days_planned", sa.Integer(), nullable=False),
        sa.Column("days_completed", sa.Integer(), nullable=False),
        sa.Column("cycles_planned", sa.Integer(), nullable=False),
        sa.Column("cycles_completed", sa.Integer(), nullable=False),
        sa.Column("summary", _JSON, nullable=False),
        sa.Column("started_at", _TIME(), nullable=False),
        sa.Column("updated_at", _TIME(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_simulation_runs")),
    )


def downgrade() -> None:
    op.drop_table("simulation_runs")
