"""knowledge base of first replies: operators' entries and their revision history

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import aftersales.store.tables

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TIME = aftersales.store.tables.UtcDateTime

# The history is append-only: servers notice a change by counting its rows, and a reply sent
# with an entry stays explainable by the revision it names. The triggers stop an accident (a
# stray UPDATE, a cleanup script). A later batch migration on SQLite recreates a table and so
# drops its triggers: such a migration must recreate them.
_MESSAGE = "knowledge revisions are append-only; write a new revision instead"


def upgrade() -> None:
    op.create_table(
        "knowledge_entries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("content", _JSON, nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("updated_at", _TIME(), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_entries")),
    )
    _seq = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "knowledge_revisions",
        sa.Column("seq", _seq, autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("content", _JSON, nullable=False),
        sa.Column("at", _TIME(), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_knowledge_revisions")),
        sa.UniqueConstraint("entry_id", "revision", name="uq_knowledge_revisions_entry_revision"),
    )
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    op.drop_table("knowledge_revisions")
    op.drop_table("knowledge_entries")


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION knowledge_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER knowledge_revisions_append_only BEFORE UPDATE OR DELETE ON "
            "knowledge_revisions FOR EACH ROW EXECUTE FUNCTION knowledge_append_only()"
        )
        return
    for action in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER knowledge_revisions_no_{action} BEFORE {action.upper()} "
            f"ON knowledge_revisions BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS knowledge_revisions_append_only ON knowledge_revisions")
        op.execute("DROP FUNCTION IF EXISTS knowledge_append_only()")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS knowledge_revisions_no_{action}")
