"""The database schema, as SQLAlchemy Core tables (Alembic migrations are written from these)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["metadata"]


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored as naive UTC and always read back as aware UTC, on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


Json: Any = JSON().with_variant(JSONB(), "postgresql")
# None is SQL NULL here (not the JSON value null), so "has none" is a plain IS NULL.
NullableJson: Any = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

merchants = Table(
    "merchants",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

stores = Table(
    "stores",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("merchant_id", ForeignKey("merchants.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("region", String(8), nullable=False),
)

products = Table(
    "products",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("merchant_id", ForeignKey("merchants.id"), nullable=False, index=True),
    Column("category", String(64), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("brand", String(100)),
    Column("model", String(100)),
    Column("attributes", Json, nullable=False),
)

batches = Table(
    "batches",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("code", String(100), nullable=False),
    Column("produced_on", UtcDateTime),
)

consumers = Table(
    "consumers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("display_name", String(100)),
    Column("region", String(8)),
)

orders = Table(
    "orders",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("merchant_id", ForeignKey("merchants.id"), nullable=False, index=True),
    Column("consumer_id", ForeignKey("consumers.id"), nullable=False, index=True),
    Column("store_id", ForeignKey("stores.id"), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("region", String(8), nullable=False),
    Column("placed_at", UtcDateTime, nullable=False),
    Column("paid_at", UtcDateTime),
    Column("delivered_at", UtcDateTime),
    Column("received_at", UtcDateTime, nullable=False),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("batch_id", ForeignKey("batches.id"), index=True),
    Column("unit_price", BigInteger, nullable=False),
    Column("quantity", Integer, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_line_id", ForeignKey("order_lines.id"), nullable=False),
    Column("consumer_id", String(64), nullable=False, index=True),
    Column("merchant_id", String(64), nullable=False, index=True),
    Column("type", String(32), nullable=False),
    Column("state", String(32), nullable=False, index=True),
    Column("is_active", Boolean, nullable=False),
    Column("category", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("region", String(8), nullable=False),
    Column("opened_at", UtcDateTime, nullable=False, index=True),
    Column("updated_at", UtcDateTime, nullable=False),
    # The earliest moment a timeout applies; the SLA sweep reads only rows with one due.
    Column("next_due_at", UtcDateTime, index=True),
    Column("version", Integer, nullable=False),
    Column("snapshot", Json, nullable=False),
    # What triage and the policy made of the case at opening; the columns are for queues,
    # scoring and reports, the JSON (facts, triage, decision) is what a backtest re-decides.
    Column("queue", String(40), index=True),
    Column("issue_type", String(32)),
    Column("severity", String(16)),
    Column("cause", String(32)),
    Column("counts_against_merchant", Boolean),
    Column("emergency", Boolean),
    Column("policy_version", String(64)),
    Column("assessment", NullableJson),
    # At most one active case per order line, enforced by the database itself so that two
    # consumers' requests racing on two servers cannot both win.
    Index(
        "uq_cases_active_line",
        "order_line_id",
        unique=True,
        sqlite_where=text("is_active"),
        postgresql_where=text("is_active"),
    ),
    Index("ix_cases_line", "order_line_id"),
)

case_events = Table(
    "case_events",
    metadata,
    Column("case_id", ForeignKey("cases.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_role", String(20), nullable=False),
    Column("actor_id", String(64)),
    Column("data", Json, nullable=False),
)

evidence = Table(
    "evidence",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False, index=True),
    Column("sha256", String(64), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("filename", String(255), nullable=False),
    Column("uploaded_by_role", String(20), nullable=False),
    Column("uploaded_by_id", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("topic", String(64), nullable=False),
    Column("key", String(64), nullable=False),
    Column("payload", Json, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, index=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("subject", String(64)),
    Column("label", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal", String(100), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer),
    Column("response", Text),  # the JSON text as first sent, replayed byte for byte
    Column("created_at", UtcDateTime, nullable=False),
)


# ---- the evidence log (docs/evidence-log.md) ---------------------------------------------------
# Append-only: migration 0002 adds triggers that refuse UPDATE and DELETE on entries, nodes and
# checkpoints. Only the one-row state moves.

# A BIGINT key on SQLite would be a second index beside the rowid; INTEGER makes it the rowid.
_LogIndex = BigInteger().with_variant(Integer, "sqlite")

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("idx", _LogIndex, primary_key=True, autoincrement=False),  # 0-based, contiguous
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("body", LargeBinary, nullable=False),  # the exact canonical bytes that were hashed
    Column("kind", String(40), nullable=False),
    Column("subject", String(80), nullable=False, index=True),  # e.g. "case:cs_…"
    Column("created_at", UtcDateTime, nullable=False),
)

# Complete subtrees, leaves included (level 0): about two rows per entry, and a proof reads
# O(log n) of them by key. Clustered on the key on SQLite (no rowid), as PostgreSQL's index is.
ledger_nodes = Table(
    "ledger_nodes",
    metadata,
    Column("level", SmallInteger, primary_key=True, autoincrement=False),
    Column("idx", _LogIndex, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
    sqlite_with_rowid=False,
)

# One row (id 1): the size and the frontier, locked by every append so indices stay contiguous.
ledger_state = Table(
    "ledger_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("frontier", LargeBinary, nullable=False),  # the peaks' hashes, largest first
)

ledger_checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("size", _LogIndex, primary_key=True, autoincrement=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),  # the signed note, exactly as published
    Column("created_at", UtcDateTime, nullable=False),
)


# ---- recalls and stop-sale holds (docs/recalls.md) ---------------------------------------------

recalls = Table(
    "recalls",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("merchant_id", String(64), nullable=False, index=True),
    Column("state", String(16), nullable=False),
    Column("trigger", String(16), nullable=False),
    Column("opened_at", UtcDateTime, nullable=False, index=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("snapshot", Json, nullable=False),
)

recall_events = Table(
    "recall_events",
    metadata,
    Column("recall_id", ForeignKey("recalls.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_role", String(20), nullable=False),
    Column("actor_id", String(64)),
    Column("data", Json, nullable=False),
)

# Rows follow the recalls' hold_placed and hold_lifted events. Every new order reads the holds
# in force on its products, so only those are indexed.
stop_sale_holds = Table(
    "stop_sale_holds",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("recall_id", ForeignKey("recalls.id"), nullable=False, index=True),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("batch_id", String(64)),  # none: every batch of the product, and lines without one
    Column("regions", Json, nullable=False),  # empty: everywhere
    Column("placed_at", UtcDateTime, nullable=False),
    Column("lifted_at", UtcDateTime),
    Index(
        "ix_stop_sale_holds_in_force",
        "product_id",
        sqlite_where=text("lifted_at IS NULL"),
        postgresql_where=text("lifted_at IS NULL"),
    ),
)

# Every case flagged safety or emergency, counted by the cluster rule over its window.
safety_reports = Table(
    "safety_reports",
    metadata,
    Column("case_id", ForeignKey("cases.id"), primary_key=True),
    Column("product_id", String(64), nullable=False),
    Column("batch_id", String(64)),
    Column("reported_at", UtcDateTime, nullable=False),
    Column("emergency", Boolean, nullable=False),
    Column("recall_id", ForeignKey("recalls.id"), index=True),
    Index("ix_safety_reports_subject", "product_id", "batch_id", "reported_at"),
)

# One row per affected order line, written by one INSERT … SELECT when a recall is confirmed.
recall_units = Table(
    "recall_units",
    metadata,
    Column("recall_id", ForeignKey("recalls.id"), primary_key=True),
    Column("order_line_id", ForeignKey("order_lines.id"), primary_key=True),
    Column("order_id", String(64), nullable=False),
    Column("consumer_id", String(64), nullable=False),
    Column("merchant_id", String(64), nullable=False),
    Column("region", String(8), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("remedy", String(16)),
    Column("notified_at", UtcDateTime, nullable=False),
    Column("responded_at", UtcDateTime),
    Column("remedied_at", UtcDateTime),
    Index("ix_recall_units_consumer", "consumer_id", "recall_id"),
)

recall_unit_events = Table(
    "recall_unit_events",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("recall_id", String(40), nullable=False),
    Column("order_line_id", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_role", String(20), nullable=False),
    Column("actor_id", String(64)),
    Column("remedy", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Index("ix_recall_unit_events_unit", "recall_id", "order_line_id"),
)


# Every policy pack an operator activated; the newest row is the one in force. Servers look
# here every few seconds, so `aftersales policy activate` needs no restart.
policy_activations = Table(
    "policy_activations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version", String(64), nullable=False),
    Column("name", String(80), nullable=False),
    Column("path", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("activated_at", UtcDateTime, nullable=False),
    Column("activated_by", String(80), nullable=False),
)
