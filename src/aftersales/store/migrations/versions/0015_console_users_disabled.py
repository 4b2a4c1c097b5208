"""console users: disabled_at, for a person who no longer signs in

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aftersales.store.tables

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = aftersales.store.tables.UtcDateTime

# A user who leaves is disabled, not deleted: the sign-in name stays taken, so it cannot be
# given to someone else by mistake, and `aftersales user enable` undoes a mistake.


def upgrade() -> None:
    with op.batch_alter_table("console_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", _TIME(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("console_users", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
