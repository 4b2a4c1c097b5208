"""scorecards: the card compressed with lz4 on PostgreSQL, where the server has it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A scorecard's JSON is about 5 KB, so PostgreSQL compresses every one it stores. Storing the
# 50,000 cards of a cycle took 9.1 s with its default (pglz), 5.6 s with lz4
# (docs/decisions/0034). Only values stored afterwards change. Servers built without lz4 (it is
# a build option) keep the default, and SQLite has nothing to change.


def _has_lz4() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    found = bind.execute(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar()
    return bool(found and "lz4" in found)


def upgrade() -> None:
    if _has_lz4():
        op.execute("ALTER TABLE scorecards ALTER COLUMN card SET COMPRESSION lz4")


def downgrade() -> None:
    if _has_lz4():
        op.execute("ALTER TABLE scorecards ALTER COLUMN card SET COMPRESSION default")
