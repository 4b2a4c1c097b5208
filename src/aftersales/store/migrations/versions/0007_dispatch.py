"""dispatch: agents and the assignment of each case to a queue, a pool and an agent

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import aftersales.store.tables

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_WAITING = "active AND agent_id IS NULL"


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("queues", _JSON, nullable=False),
        sa.Column("languages", _JSON, nullable=False),
        sa.Column("categories", _JSON, nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("open_cases", sa.Integer(), nullable=False),
        sa.Column("created_at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.Column("updated_at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_agents_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
    )
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agents_merchant_id"), ["merchant_id"], unique=False)

    op.create_table(
        "case_assignments",
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.Boolean(), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("safety", sa.Boolean(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.String(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("queued_at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.Column("assigned_at", aftersales.store.tables.UtcDateTime(), nullable=True),
        sa.Column("assigned_by", sa.String(length=80), nullable=True),
        sa.Column("issue_type", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_case_assignments_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_assignments_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_assignments")),
    )
    with op.batch_alter_table("case_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_assignments_agent_id"), ["agent_id"], unique=False
        )
        batch_op.create_index(
            "ix_case_assignments_backlog",
            ["platform", "merchant_id", "queued_at"],
            unique=False,
            sqlite_where=sa.text(_WAITING),
            postgresql_where=sa.text(_WAITING),
        )


def downgrade() -> None:
    with op.batch_alter_table("case_assignments", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_case_assignments_backlog",
            sqlite_where=sa.text(_WAITING),
            postgresql_where=sa.text(_WAITING),
        )
        batch_op.drop_index(batch_op.f("ix_case_assignments_agent_id"))
    op.drop_table("case_assignments")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agents_merchant_id"))
    op.drop_table("agents")
