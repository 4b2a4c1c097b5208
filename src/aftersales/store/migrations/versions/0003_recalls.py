"""recalls: reviews and their events, stop-sale holds, safety reports, campaign units

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 13:09:45.080876
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import aftersales.store.tables

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_IN_FORCE = "lifted_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "recall_unit_events",
        sa.Column("id", _SERIAL, autoincrement=True, nullable=False),
        sa.Column("recall_id", sa.String(length=40), nullable=False),
        sa.Column("order_line_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("remedy", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recall_unit_events")),
    )
    with op.batch_alter_table("recall_unit_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recall_unit_events_unit", ["recall_id", "order_line_id"], unique=False
        )

    op.create_table(
        "recalls",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("opened_at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.Column("updated_at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_recalls_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recalls")),
    )
    with op.batch_alter_table("recalls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recalls_merchant_id"), ["merchant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recalls_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_recalls_product_id"), ["product_id"], unique=False)

    op.create_table(
        "recall_events",
        sa.Column("recall_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("data", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["recall_id"], ["recalls.id"], name=op.f("fk_recall_events_recall_id_recalls")
        ),
        sa.PrimaryKeyConstraint("recall_id", "seq", name=op.f("pk_recall_events")),
    )
    op.create_table(
        "stop_sale_holds",
        sa.Column("id", _SERIAL, autoincrement=True, nullable=False),
        sa.Column("recall_id", sa.String(length=40), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("regions", _JSON, nullable=False),
        sa.Column("placed_at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.Column("lifted_at", aftersales.store.tables.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stop_sale_holds_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["recall_id"], ["recalls.id"], name=op.f("fk_stop_sale_holds_recall_id_recalls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stop_sale_holds")),
    )
    with op.batch_alter_table("stop_sale_holds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stop_sale_holds_in_force",
            ["product_id"],
            unique=False,
            sqlite_where=sa.text(_IN_FORCE),
            postgresql_where=sa.text(_IN_FORCE),
        )
        batch_op.create_index(
            batch_op.f("ix_stop_sale_holds_recall_id"), ["recall_id"], unique=False
        )

    op.create_table(
        "recall_units",
        sa.Column("recall_id", sa.String(length=40), nullable=False),
        sa.Column("order_line_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=8), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("remedy", sa.String(length=16), nullable=True),
        sa.Column("notified_at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.Column("responded_at", aftersales.store.tables.UtcDateTime(), nullable=True),
        sa.Column("remedied_at", aftersales.store.tables.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_recall_units_order_line_id_order_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["recall_id"], ["recalls.id"], name=op.f("fk_recall_units_recall_id_recalls")
        ),
        sa.PrimaryKeyConstraint("recall_id", "order_line_id", name=op.f("pk_recall_units")),
    )
    with op.batch_alter_table("recall_units", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recall_units_consumer", ["consumer_id", "recall_id"], unique=False
        )

    op.create_table(
        "safety_reports",
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("reported_at", aftersales.store.tables.UtcDateTime(), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("recall_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_safety_reports_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["recall_id"], ["recalls.id"], name=op.f("fk_safety_reports_recall_id_recalls")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_safety_reports")),
    )
    with op.batch_alter_table("safety_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_reports_recall_id"), ["recall_id"], unique=False
        )
        batch_op.create_index(
            "ix_safety_reports_subject",
            ["product_id", "batch_id", "reported_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("safety_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_reports_subject")
        batch_op.drop_index(batch_op.f("ix_safety_reports_recall_id"))

    op.drop_table("safety_reports")
    with op.batch_alter_table("recall_units", schema=None) as batch_op:
        batch_op.drop_index("ix_recall_units_consumer")

    op.drop_table("recall_units")
    with op.batch_alter_table("stop_sale_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stop_sale_holds_recall_id"))
        batch_op.drop_index(
            "ix_stop_sale_holds_in_force",
            sqlite_where=sa.text(_IN_FORCE),
            postgresql_where=sa.text(_IN_FORCE),
        )

    op.drop_table("stop_sale_holds")
    op.drop_table("recall_events")
    with op.batch_alter_table("recalls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recalls_product_id"))
        batch_op.drop_index(batch_op.f("ix_recalls_opened_at"))
        batch_op.drop_index(batch_op.f("ix_recalls_merchant_id"))

    op.drop_table("recalls")
    with op.batch_alter_table("recall_unit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_recall_unit_events_unit")

    op.drop_table("recall_unit_events")
