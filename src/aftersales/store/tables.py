"""The database schema, as SQLAlchemy Core tables (Alembic migrations are written from these)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
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
        return None if value is None else _naive_utc(value)

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        # On SQLite the value goes in as the dialect's text, 'YYYY-MM-DD HH:MM:SS.ffffff'.
        # Written in one step it costs half of the generic path's two (every order pushed and
        # every case change binds several timestamps).
        return _sqlite_text if dialect.name == "sqlite" else super().bind_processor(dialect)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored; pass an aware datetime")
    return (value if value.tzinfo is UTC else value.astimezone(UTC)).replace(tzinfo=None)


def _sqlite_text(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite form of a timestamp (``sqlite.DATETIME``'s storage format)."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = _naive_utc(value)
    return value.isoformat(" ", "microseconds")[:26]  # an aware time's offset left out


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
    # The periodic jobs (cycles, weekly checks, early warning) read orders by placing time.
    Column("placed_at", UtcDateTime, nullable=False, index=True),
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


# ---- early warning (docs/early-warning.md) -----------------------------------------------------
# One row per alarm of a detector on a series for a period. The unique key makes a run that
# finds the same alarm again (the same as-of twice, the schedule and the CLI at once) add nothing.
alerts = Table(
    "alerts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("series", String(200), nullable=False),  # e.g. "product:p1|CN-BJ|week"
    Column("product_id", String(64)),  # none: the whole category
    Column("merchant_id", String(64), index=True),  # the product's; none for a category
    Column("category", String(64), nullable=False),
    Column("region", String(8), nullable=False),
    Column("granularity", String(8), nullable=False),
    Column("period_start", Date, nullable=False, index=True),
    Column("period_end", Date, nullable=False),  # the period's last day, included
    Column("method", String(32), nullable=False),
    Column("observed", Float, nullable=False),
    Column("expected", Float, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("score", Float, nullable=False),
    Column("p_value", Float),
    Column("exposure", Float),  # units in service that period; none: judged on counts alone
    Column("run_weeks", Integer, nullable=False),
    Column("window_start", Date, nullable=False),  # the history the detector read
    Column("window_end", Date, nullable=False),
    Column("excerpt", Json, nullable=False),  # the last weeks: [[week, count or null], …]
    Column("explanation_en", Text, nullable=False),
    Column("explanation_zh", Text, nullable=False),
    Column("rollup_group", String(80), nullable=False),  # "category|region": related alerts
    Column("status", String(20), nullable=False, index=True),
    Column("recall_id", ForeignKey("recalls.id")),
    Column("dismissal_reason", Text),
    Column("raised_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("series", "period_start", "method", name="uq_alerts_series_period_method"),
)

# Every status an alert took, who gave it and when; seq 1 is the alarm itself.
alert_events = Table(
    "alert_events",
    metadata,
    Column("alert_id", ForeignKey("alerts.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_role", String(20), nullable=False),
    Column("actor_id", String(64)),
    Column("recall_id", String(40)),
    Column("reason", Text),
)


# ---- dispatch (docs/triage.md, "Dispatch") ------------------------------------------------------
# Service staff of the platform (no merchant) or of one merchant. ``open_cases`` is the number of
# active assignments the agent holds; it moves in the same transaction as each assignment.
agents = Table(
    "agents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("merchant_id", ForeignKey("merchants.id"), index=True),  # none: a platform agent
    Column("name", String(100), nullable=False),
    Column("queues", Json, nullable=False),
    Column("languages", Json, nullable=False),
    Column("categories", Json, nullable=False),  # empty: every category
    Column("capacity", Integer, nullable=False),
    Column("online", Boolean, nullable=False),
    Column("open_cases", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# One row per case: the queue and pool dispatch filed it under and the agent holding it (none:
# waiting in the backlog). ``active`` turns false when the case leaves the pool's hands.
case_assignments = Table(
    "case_assignments",
    metadata,
    Column("case_id", ForeignKey("cases.id"), primary_key=True),
    Column("merchant_id", String(64), nullable=False),
    Column("platform", Boolean, nullable=False),
    Column("queue", String(40), nullable=False),
    Column("category", String(64), nullable=False),
    Column("language", String(8), nullable=False),
    Column("safety", Boolean, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("agent_id", ForeignKey("agents.id"), index=True),
    Column("active", Boolean, nullable=False),
    Column("queued_at", UtcDateTime, nullable=False),
    Column("assigned_at", UtcDateTime),
    Column("assigned_by", String(80)),
    Column("issue_type", String(32)),  # an operator's correction of triage's issue type
    # The backlog: waiting cases of one pool, oldest first.
    Index(
        "ix_case_assignments_backlog",
        "platform",
        "merchant_id",
        "queued_at",
        sqlite_where=text("active AND agent_id IS NULL"),
        postgresql_where=text("active AND agent_id IS NULL"),
    ),
)

# Every holding of a case that ended (decision 0025): who had it (none: the backlog), in which
# queue and pool, from when to when, why it moved and who set the move off. Appended when a case
# moves, never at opening (the current holding is the assignment row); append-only (migration
# 0012 adds triggers refusing UPDATE and DELETE). ``case_id`` refers to the assignment row, not
# to the case: on PostgreSQL the check of a key takes a share lock on the row it names, and the
# mover already holds the assignment row, while a request acting on the case may hold the case's
# row and be waiting for the assignment's (a deadlock, with an agent going offline).
case_assignment_history = Table(
    "case_assignment_history",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("case_id", ForeignKey("case_assignments.case_id"), nullable=False, index=True),
    Column("agent_id", ForeignKey("agents.id")),
    Column("queue", String(40), nullable=False),
    Column("platform", Boolean, nullable=False),
    Column("held_from", UtcDateTime, nullable=False),
    Column("held_until", UtcDateTime, nullable=False),
    Column("reason", String(20), nullable=False),  # triage.holdings.MoveReason
    Column("actor_role", String(20), nullable=False),
    Column("actor_id", String(64)),
)


# ---- console users and their sessions (docs/console.md) ----------------------------------------
# People who sign in to the console: a name, an Argon2id password hash, and the API role and
# subject they act as. Repeated failures pause sign-in for a while (``locked_until``); a user who
# has left is disabled (``disabled_at``), not deleted, so the name is not handed on by mistake.
console_users = Table(
    "console_users",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(64), nullable=False, unique=True),  # the sign-in name, lower case
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("subject", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("failed_attempts", Integer, nullable=False),
    Column("locked_until", UtcDateTime),
    Column("disabled_at", UtcDateTime),
)

# A signed-in browser: only the SHA-256 of its cookie is kept, so a copy of the table signs no
# one in. The CSRF token is the session's own; signing out or expiry ends both.
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", ForeignKey("console_users.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
)


# ---- traffic incentives and the exposure service (docs/exposure.md) ----------------------------
# A merchant's choice for one assessment cycle; a new one ends the one before (``ended_at``), as
# does the loss of the tier that admitted it. At most one is in force per merchant and cycle.
programme_enrolments = Table(
    "programme_enrolments",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("merchant_id", ForeignKey("merchants.id"), nullable=False),
    Column("cycle_id", String(16), nullable=False, index=True),  # "2026-12"
    Column("cycle_start", UtcDateTime, nullable=False),
    Column("cycle_end", UtcDateTime, nullable=False),
    Column("mode", String(8), nullable=False),  # pool | store
    Column("product_ids", Json, nullable=False),  # the pool; empty for the whole store
    Column("tier", String(20), nullable=False),  # the tier in force when it enrolled
    Column("created_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    Column("end_reason_en", Text),
    Column("end_reason_zh", Text),
    Index(
        "uq_programme_enrolments_in_force",
        "merchant_id",
        "cycle_id",
        unique=True,
        sqlite_where=text("ended_at IS NULL"),
        postgresql_where=text("ended_at IS NULL"),
    ),
)

# Posts, short videos and live replays on the content ladder. The stage history is the
# ``stage_changed`` events of ``content:<id>`` in exposure_events.
content_items = Table(
    "content_items",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("merchant_id", ForeignKey("merchants.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("title", String(200), nullable=False),
    Column("product_ids", Json, nullable=False),
    Column("published_at", UtcDateTime, nullable=False, index=True),
    Column("stage", String(24), nullable=False, index=True),
    Column("stage_since", Date),  # none: in its first stage since publication
    Column("cold_start_used", Boolean, nullable=False),
    Column("nominated_on", Date),  # waiting for an operator's review for the amplification pool
    Column("declined_on", Date),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

# Counters per item and day (China Standard Time): reports add up, never one row per impression.
content_metrics = Table(
    "content_metrics",
    metadata,
    Column("content_id", ForeignKey("content_items.id"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("impressions", BigInteger, nullable=False),
    Column("clicks", BigInteger, nullable=False),
    Column("dwell_seconds", Float, nullable=False),
    Column("new_fans", BigInteger, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_content_metrics_day", "day"),
)

# A shop's fans and the fans active over the ladder's window, as the marketplace reports them.
shop_audiences = Table(
    "shop_audiences",
    metadata,
    Column("merchant_id", ForeignKey("merchants.id"), primary_key=True),
    Column("fans", BigInteger, nullable=False),
    Column("active_fans", BigInteger, nullable=False),
    Column("reported_at", UtcDateTime, nullable=False),
)

# Every decision of the exposure service with its reason: eligibility, enrolments, boosts,
# throttles, stage changes, targets met or infeasible. ``dedupe`` makes an event that several
# processes may find (a target met) land once.
exposure_events = Table(
    "exposure_events",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("kind", String(32), nullable=False),
    Column("subject", String(160), nullable=False),  # merchant:m1, content:ct_…, target:…
    Column("merchant_id", String(64), nullable=False),
    Column("reason_en", Text, nullable=False),
    Column("reason_zh", Text, nullable=False),
    Column("data", Json, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("dedupe", String(240), unique=True),
    Index("ix_exposure_events_merchant", "merchant_id", "id"),
    Index("ix_exposure_events_subject", "subject", "id"),
)

# The pacer's counts per target and period, summed over every server process: each adds what it
# counted since its last sync (UPDATE … SET n = n + delta) and reads the totals back.
exposure_counters = Table(
    "exposure_counters",
    metadata,
    Column("key", String(160), primary_key=True),
    Column("period_start", UtcDateTime, primary_key=True),
    Column("period_end", UtcDateTime, nullable=False, index=True),
    Column("delivered", BigInteger, nullable=False),
    Column("merit", BigInteger, nullable=False),
    Column("reach", BigInteger, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# What the last recording refresh saw per merchant (tier, enrolment), so the next one records
# only what changed, whichever process runs it.
programme_standings = Table(
    "programme_standings",
    metadata,
    Column("merchant_id", String(64), primary_key=True),
    Column("tier", String(20), nullable=False),
    Column("enrolment_id", String(40)),
    Column("updated_at", UtcDateTime, nullable=False),
)

# One row (id 1): the cycle of the last recording refresh and the last day the ladder ran.
# Refreshes and ladder runs lock it, so two of them never record the same change twice.
exposure_state = Table(
    "exposure_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("cycle_id", String(16)),
    Column("cycle_start", UtcDateTime),
    Column("cycle_end", UtcDateTime),
    Column("refreshed_at", UtcDateTime),
    Column("ladder_day", Date),
)


# ---- the knowledge base of first replies (docs/triage.md, decision 0020) -----------------------
# Operators' edits lying over the shipped file: one row per entry they created, edited or
# retired, holding its current revision; a retired entry keeps its text (replies sent with it
# stay explainable). Optimistic concurrency: an edit updates the row only at the revision read.
knowledge_entries = Table(
    "knowledge_entries",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("retired", Boolean, nullable=False),
    Column("content", Json, nullable=False),  # the entry's document (triage/knowledge_entry.py)
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("actor_role", String(20), nullable=False),  # who wrote the current revision
    Column("actor_id", String(64)),
)

# Every revision of every entry, append-only (migration 0011 adds triggers refusing UPDATE and
# DELETE). Servers count its rows every few seconds: a new count means the set changed. A count,
# not max(seq): on PostgreSQL a lower seq may commit after a higher one, a count never misses it.
knowledge_revisions = Table(
    "knowledge_revisions",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("entry_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("action", String(12), nullable=False),  # created | edited | retired | restored
    Column("content", Json, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_role", String(20), nullable=False),
    Column("actor_id", String(64)),
    UniqueConstraint("entry_id", "revision", name="uq_knowledge_revisions_entry_revision"),
)


# ---- marketplace simulator (docs/simulator.md) -------------------------------------------------
# One row per simulation run: how far it got. A run is written day by day; ``status`` stays
# "partial" until the last day and its period-end jobs are done, so an interrupted run says so.
simulation_runs = Table(
    "simulation_runs",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("seed", BigInteger, nullable=False),
    Column("parameters", Json, nullable=False),
    Column("status", String(12), nullable=False),  # partial | complete
    Column("sim_start", UtcDateTime, nullable=False),  # the simulated clock at the first day
    Column("sim_reached", UtcDateTime, nullable=False),  # how far the simulated clock got
    Column("days_planned", Integer, nullable=False),
    Column("days_completed", Integer, nullable=False),
    Column("cycles_planned", Integer, nullable=False),
    Column("cycles_completed", Integer, nullable=False),
    Column("summary", Json, nullable=False),  # what the run has done so far, by kind
    Column("started_at", UtcDateTime, nullable=False),  # wall-clock times
    Column("updated_at", UtcDateTime, nullable=False),
)


# ---- merchant scoring: assessment cycles, scorecards, tier events, appeals (docs/scoring.md) ---
# A finished cycle is immutable: migration 0006 adds triggers that refuse UPDATE and DELETE on
# cycles, scorecards and tier events. Re-running a period inserts a new revision with a reason.

scoring_cycles = Table(
    "scoring_cycles",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(8), nullable=False),  # monthly | weekly
    Column("period", String(10), nullable=False),  # 2026-11, or 2026-W48 for a weekly check
    Column("revision", Integer, nullable=False),
    Column("reason", Text),  # why the period was computed again (required from revision 2)
    Column("window_start", UtcDateTime, nullable=False),  # orders placed from here…
    Column("window_end", UtcDateTime, nullable=False),  # …to here, and events before it
    Column("computed_at", UtcDateTime, nullable=False),
    Column("computed_by", String(80), nullable=False),
    Column("engine", String(16), nullable=False),
    Column("parameters", Json, nullable=False),
    Column("parameters_digest", String(64), nullable=False),  # SHA-256 of the parameters
    Column("merchants", Integer, nullable=False),
    UniqueConstraint("kind", "period", "revision", name="uq_scoring_cycles_revision"),
)

scorecards = Table(
    "scorecards",
    metadata,
    Column("cycle_id", ForeignKey("scoring_cycles.id"), primary_key=True),
    Column("merchant_id", String(64), primary_key=True),
    Column("category", String(64), nullable=False),  # the main category: the peer group's
    Column("tier", String(20), nullable=False),
    Column("score", Float),  # None exactly when there is not enough data
    Column("percentile", Float),
    Column("card", Json, nullable=False),  # figures with intervals, breaches, explanation…
    Column("standing", Json, nullable=False),  # what the next cycle starts from
    Index("ix_scorecards_merchant", "merchant_id"),
)

tier_events = Table(
    "tier_events",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("merchant_id", String(64), nullable=False),
    Column("cycle_id", ForeignKey("scoring_cycles.id"), nullable=False, index=True),
    Column("at", UtcDateTime, nullable=False),
    Column("tier_before", String(20), nullable=False),
    Column("tier_after", String(20), nullable=False),
    Column("change", String(24), nullable=False),  # promoted, demoted, severe, lowered, flagged…
    Column("standing", Json, nullable=False),  # the standing in force after the event
    Column("explanation", Json, nullable=False),  # {"en": …, "zh": …}
    Index("ix_tier_events_merchant", "merchant_id", "at"),
)

# A merchant's appeal against a case's attribution; an operator accepts or rejects it once.
scoring_appeals = Table(
    "scoring_appeals",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False, unique=True),  # one per case
    Column("merchant_id", String(64), nullable=False, index=True),
    Column("state", String(12), nullable=False, index=True),  # pending | accepted | rejected
    Column("reason", Text, nullable=False),
    Column("filed_at", UtcDateTime, nullable=False),
    Column("filed_by", String(64)),
    Column("decided_at", UtcDateTime),
    Column("decided_by", String(64)),
    Column("decision_reason", Text),
)
