"""Helpers for the dispatch and first-reply tests: agents, fresh order lines, the load check."""

# ruff: noqa: RUF001

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aftersales.domain.catalog import Channel, Order, OrderLine
from aftersales.services import catalog
from aftersales.services.context import Context
from aftersales.store.db import make_engine
from aftersales.store.tables import agents, case_assignments
from tests.support import INTEGRATION, Market

_serial = count(1)

# Which consumer buys from which store of which merchant (tests/support.py's market).
_STORE = {"m1": ("s1", "CN-BJ"), "m2": ("s3", "CN-SH")}
_PRODUCT_OF = {"m1": "p1", "m2": "p2"}

PHONE_DEFECT = "屏幕有坏点，刚用两天"  # quality_defect, technical_support, sure
PHONE_FIRE = "充电器冒烟了，插头都烧黑了"  # fire_overheat: an emergency
UNCLEAR = "还行吧"  # triage is unsure: human_triage


def fresh_line(ctx: Context, merchant: str = "m1", consumer: str = "c1", price: int = 99900) -> str:
    """A new order of the consumer at the merchant, delivered a day ago; its one line's id."""
    n = next(_serial)
    order_id, line_id = f"od{n}", f"ld{n}"
    store, region = _STORE[merchant]
    now = ctx.clock.now()
    line = OrderLine(line_id, order_id, _PRODUCT_OF[merchant], price, 1)
    placed = now - timedelta(days=3)
    order = Order(
        order_id,
        merchant,
        consumer,
        store,
        Channel.ONLINE,
        region,
        placed,
        (line,),
        placed,
        now - timedelta(days=1),
    )
    catalog.push_order(ctx, INTEGRATION, order)
    return line_id


def open_case(
    client: TestClient,
    market: Market,
    line: str,
    text: str = PHONE_DEFECT,
    consumer: str = "c1",
    type: str = "return_refund",
) -> dict[str, Any]:
    body = {"order_line_id": line, "type": type, "description": text}
    answer = client.post("/api/v1/cases", json=body, headers=market.auth(consumer))
    assert answer.status_code == 201, answer.text
    case: dict[str, Any] = answer.json()
    return case


def add_agent(
    client: TestClient, market: Market, caller: str = "operator", **fields: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Agent",
        "merchant_id": "m1",
        "queues": ["technical_support", "general"],
        "languages": ["zh", "en"],
        "capacity": 5,
    } | fields
    answer = client.post("/api/v1/agents", json=body, headers=market.auth(caller))
    assert answer.status_code == 201, answer.text
    agent: dict[str, Any] = answer.json()
    return agent


def platform_agent(client: TestClient, market: Market, **fields: Any) -> dict[str, Any]:
    queues = ["human_triage", "product_safety", "food_safety", "arbitration"]
    return add_agent(client, market, **({"merchant_id": None, "queues": queues} | fields))


def agent_of(client: TestClient, market: Market, agent_id: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/agents/{agent_id}", headers=market.auth("operator"))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def loads_match_assignments(db_url: str) -> dict[str, tuple[int, int]]:
    """Agents whose open-case count differs from the active assignments they hold:
    id → (count, assignments). Empty when every count is right."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            held = dict(
                conn.execute(
                    select(case_assignments.c.agent_id, func.count())
                    .where(case_assignments.c.active, case_assignments.c.agent_id.is_not(None))
                    .group_by(case_assignments.c.agent_id)
                ).all()
            )
            counts = dict(conn.execute(select(agents.c.id, agents.c.open_cases)).all())
    finally:
        engine.dispose()
    return {a: (n, held.get(a, 0)) for a, n in counts.items() if n != held.get(a, 0)}


def m1_agent(ctx: Context) -> dict[str, str]:
    """An authorization-matrix target: an online agent of merchant m1."""
    from aftersales.domain.actors import Actor, Role
    from aftersales.services.agents import AddAgent, add_agent

    cmd = AddAgent("M1 agent", "m1", ("general",), ("zh",), 3)
    change = add_agent(ctx, Actor(Role.OPERATOR), cmd)
    return {"agent_id": change.view.agent.id}
