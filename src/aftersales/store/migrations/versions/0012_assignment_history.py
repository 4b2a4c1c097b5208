"""dispatch: the assignment history of each case (every holding that ended, append-only)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aftersales.store.tables

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = aftersales.store.tables.UtcDateTime
_TABLE = "case_assignment_history"

# The history is append-only: operations answer "who held this case and why did it move" from
# it, and a holding rewritten after the fact would answer wrongly. The triggers stop an accident
# (a stray UPDATE, a cleanup script). A later batch migration on SQLite recreates a table and so
# drops its triggers: such a migration must recreate them.
_MESSAGE = "the assignment history is append-only"


def upgrade() -> None:
    _seq = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        _TABLE,
        sa.Column("seq", _seq, autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("agent_id", sa.String(length=40), nullable=True),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("platform", sa.Boolean(), nullable=False),
        sa.Column("held_from", _TIME(), nullable=False),
        sa.Column("held_until", _TIME(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_case_assignment_history_agent_id_agents")
        ),
        # The assignment row, not the case: see store/tables.py (a deadlock on PostgreSQL).
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_assignments.case_id"],
            name=op.f("fk_case_assignment_history_case_id_case_assignments"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_case_assignment_history")),
    )
    with op.batch_alter_table(_TABLE, schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_assignment_history_case_id"), ["case_id"], unique=False
        )
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table(_TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_assignment_history_case_id"))
    op.drop_table(_TABLE)


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION assignment_history_append_only() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {_TABLE}_append_only BEFORE UPDATE OR DELETE ON {_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION assignment_history_append_only()"
        )
        return
    for action in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER {_TABLE}_no_{action} BEFORE {action.upper()} "
            f"ON {_TABLE} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_append_only ON {_TABLE}")
        op.execute("DROP FUNCTION IF EXISTS assignment_history_append_only()")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_no_{action}")
