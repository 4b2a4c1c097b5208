"""exposure: programme enrolments, content items and their daily metrics, shop audiences,
exposure events, the pacer's counters, programme standings and the exposure state row

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import aftersales.store.tables

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TIME = aftersales.store.tables.UtcDateTime
_IN_FORCE = "ended_at IS NULL"
_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _enrolments() -> None:
    op.create_table(
        "programme_enrolments",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("cycle_id", sa.String(length=16), nullable=False),
        sa.Column("cycle_start", _TIME(), nullable=False),
        sa.Column("cycle_end", _TIME(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("product_ids", _JSON, nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("ended_at", _TIME(), nullable=True),
        sa.Column("end_reason_en", sa.Text(), nullable=True),
        sa.Column("end_reason_zh", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_programme_enrolments_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_enrolments")),
    )
    with op.batch_alter_table("programme_enrolments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_enrolments_cycle_id"), ["cycle_id"], unique=False
        )
        batch_op.create_index(
            "uq_programme_enrolments_in_force",
            ["merchant_id", "cycle_id"],
            unique=True,
            sqlite_where=sa.text(_IN_FORCE),
            postgresql_where=sa.text(_IN_FORCE),
        )


def _content() -> None:
    op.create_table(
        "content_items",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("product_ids", _JSON, nullable=False),
        sa.Column("published_at", _TIME(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("stage_since", sa.Date(), nullable=True),
        sa.Column("cold_start_used", sa.Boolean(), nullable=False),
        sa.Column("nominated_on", sa.Date(), nullable=True),
        sa.Column("declined_on", sa.Date(), nullable=True),
        sa.Column("updated_at", _TIME(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_content_items_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_items")),
    )
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        for column in ("merchant_id", "published_at", "stage"):
            batch_op.create_index(batch_op.f(f"ix_content_items_{column}"), [column], unique=False)

    op.create_table(
        "content_metrics",
        sa.Column("content_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("dwell_seconds", sa.Float(), nullable=False),
        sa.Column("new_fans", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TIME(), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content_items.id"],
            name=op.f("fk_content_metrics_content_id_content_items"),
        ),
        sa.PrimaryKeyConstraint("content_id", "day", name=op.f("pk_content_metrics")),
    )
    with op.batch_alter_table("content_metrics", schema=None) as batch_op:
        batch_op.create_index("ix_content_metrics_day", ["day"], unique=False)

    op.create_table(
        "shop_audiences",
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("fans", sa.BigInteger(), nullable=False),
        sa.Column("active_fans", sa.BigInteger(), nullable=False),
        sa.Column("reported_at", _TIME(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_shop_audiences_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("merchant_id", name=op.f("pk_shop_audiences")),
    )


def _exposure() -> None:
    op.create_table(
        "exposure_events",
        sa.Column("id", _SERIAL, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=160), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("at", _TIME(), nullable=False),
        sa.Column("dedupe", sa.String(length=240), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposure_events")),
        sa.UniqueConstraint("dedupe", name=op.f("uq_exposure_events_dedupe")),
    )
    with op.batch_alter_table("exposure_events", schema=None) as batch_op:
        batch_op.create_index("ix_exposure_events_merchant", ["merchant_id", "id"], unique=False)
        batch_op.create_index("ix_exposure_events_subject", ["subject", "id"], unique=False)

    op.create_table(
        "exposure_counters",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("period_start", _TIME(), nullable=False),
        sa.Column("period_end", _TIME(), nullable=False),
        sa.Column("delivered", sa.BigInteger(), nullable=False),
        sa.Column("merit", sa.BigInteger(), nullable=False),
        sa.Column("reach", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TIME(), nullable=False),
        sa.PrimaryKeyConstraint("key", "period_start", name=op.f("pk_exposure_counters")),
    )
    with op.batch_alter_table("exposure_counters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exposure_counters_period_end"), ["period_end"], unique=False
        )

    op.create_table(
        "programme_standings",
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("enrolment_id", sa.String(length=40), nullable=True),
        sa.Column("updated_at", _TIME(), nullable=False),
        sa.PrimaryKeyConstraint("merchant_id", name=op.f("pk_programme_standings")),
    )
    op.create_table(
        "exposure_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cycle_id", sa.String(length=16), nullable=True),
        sa.Column("cycle_start", _TIME(), nullable=True),
        sa.Column("cycle_end", _TIME(), nullable=True),
        sa.Column("refreshed_at", _TIME(), nullable=True),
        sa.Column("ladder_day", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposure_state")),
    )


def upgrade() -> None:
    _enrolments()
    _content()
    _exposure()


def downgrade() -> None:
    for table in (
        "exposure_state",
        "programme_standings",
        "exposure_counters",
        "exposure_events",
        "shop_audiences",
        "content_metrics",
        "content_items",
        "programme_enrolments",
    ):
        op.drop_table(table)
