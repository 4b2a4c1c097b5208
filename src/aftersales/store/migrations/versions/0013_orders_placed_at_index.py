"""orders: an index on placed_at, for the windowed reads of the periodic jobs

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 21:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every periodic job reads orders by when they were placed: the cycle's and the weekly check's
# lines, cases and events, early warning's sales and counts, the flywheel's orders per merchant.
# Without the index each of those read the whole table (docs/decisions/0026). A plain
# CREATE INDEX, not a batch operation: nothing here needs SQLite's table to be rebuilt.


def upgrade() -> None:
    op.create_index(op.f("ix_orders_placed_at"), "orders", ["placed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_orders_placed_at"), table_name="orders")
