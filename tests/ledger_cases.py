"""Test helpers for the evidence log: decisions made through the real use cases, and a way to
play the administrator who rewrites the log's tables behind the platform's back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

from sqlalchemy import Connection, text

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType, LiableParty, ResolutionType, Verdict
from aftersales.domain.catalog import Channel, Order, OrderLine
from aftersales.services import cases as uc
from aftersales.services import catalog
from aftersales.services import evidence as ev
from aftersales.services.context import Context
from aftersales.store.db import make_engine
from tests.support import INTEGRATION, START

C1 = Actor(Role.CONSUMER, "c1")
M1 = Actor(Role.MERCHANT_AGENT, "m1")
OPERATOR = Actor(Role.OPERATOR)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LOG_TABLES = ("ledger_entries", "ledger_nodes", "ledger_checkpoints")
_serial = count(1)


def fresh_line(ctx: Context) -> str:
    """A new order of c1 at merchant m1 (phone p1), delivered just now; its line id."""
    n = next(_serial)
    order_id, line_id = f"ol{n}", f"ll{n}"
    line = OrderLine(line_id, order_id, "p1", 99900, 1, "b1")
    placed = START.replace(day=1)
    order = Order(
        order_id, "m1", "c1", "s1", Channel.ONLINE, "CN-BJ", placed, (line,), placed, START
    )
    catalog.push_order(ctx, INTEGRATION, order)
    return line_id


def escalated_case(ctx: Context, *, evidence: bytes | None = None) -> str:
    line = fresh_line(ctx)
    case_id = uc.open_case(ctx, C1, uc.OpenCase(line, CaseType.RETURN_REFUND, "屏幕闪烁")).id
    if evidence is not None:
        ev.add_evidence(ctx, C1, case_id, "photo.png", evidence)
    uc.post_message(ctx, M1, case_id, "please send a photo")
    uc.escalate(ctx, M1, case_id, "we cannot agree")
    return case_id


def arbitrated_case(ctx: Context, *, evidence: bytes | None = None) -> str:
    """A case decided by the platform: one ``case.arbitration`` entry in the log."""
    case_id = escalated_case(ctx, evidence=evidence)
    verdict = uc.ArbitrationCommand(
        Verdict.CONSUMER, LiableParty.MERCHANT, ResolutionType.REFUND_ONLY, 10000, "李女士 refund"
    )
    uc.arbitrate(ctx, OPERATOR, case_id, verdict)
    return case_id


def serviced_case(ctx: Context) -> str:
    """A return carried out by the merchant: one ``case.service_record`` entry in the log."""
    line = fresh_line(ctx)
    case_id = uc.open_case(ctx, C1, uc.OpenCase(line, CaseType.REPAIR, "不开机")).id
    uc.propose(ctx, M1, case_id, ResolutionType.REPAIR, 0)
    uc.accept(ctx, C1, case_id)
    uc.complete_service(ctx, M1, case_id, "replaced the mainboard")
    return case_id


@contextmanager
def as_administrator(url: str) -> Iterator[Connection]:
    """A connection that can rewrite the log: its append-only triggers are switched off."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            for table in LOG_TABLES:
                if postgres:
                    conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
                else:
                    for action in ("update", "delete"):
                        conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{action}"))
            try:
                yield conn
            finally:
                if postgres:  # the PostgreSQL database is shared by the session's tests
                    for table in LOG_TABLES:
                        conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    finally:
        engine.dispose()
