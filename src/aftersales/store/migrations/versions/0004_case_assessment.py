"""case assessment: triage and policy decision columns on cases; policy activations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 14:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import aftersales.store.tables

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queue", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("issue_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("severity", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("cause", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("counts_against_merchant", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("emergency", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("policy_version", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("assessment", _JSON, nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_queue"), ["queue"], unique=False)

    op.create_table(
        "policy_activations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("activated_at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.Column("activated_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("policy_activations")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_queue"))
        for column in (
            "assessment",
            "policy_version",
            "emergency",
            "counts_against_merchant",
            "cause",
            "severity",
            "issue_type",
            "queue",
        ):
            batch_op.drop_column(column)
