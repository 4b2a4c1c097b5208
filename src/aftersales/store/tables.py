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
    MetaData,
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
