"""Test helpers for recalls: a heater with two batches and its buyers, fresh recall targets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Batch, Channel, Consumer, Order, OrderLine, Product
from aftersales.recall import Remedy
from aftersales.services import catalog
from aftersales.services import recalls as rc
from aftersales.services.context import Context
from aftersales.services.tokens import create_token
from tests.support import INTEGRATION, Market

OPERATOR = Actor(Role.OPERATOR, "op1")
HEATER = "ph"
BAD_BATCH, GOOD_BATCH = "hb1", "hb2"

# Buyers of the heater: order id -> (consumer, store, region, [(line, batch, quantity)]).
HEATER_ORDERS: dict[str, tuple[str, str, str, list[tuple[str, str | None, int]]]] = {
    "oh1": ("c1", "s1", "CN-BJ", [("hl1", BAD_BATCH, 1)]),
    "oh2": ("c2", "s1", "CN-SH", [("hl2", BAD_BATCH, 2)]),
    "oh3": ("c3", "s1", "CN-GD", [("hl3", BAD_BATCH, 1)]),
    "oh4": ("c3", "s1", "CN-GD", [("hl4", BAD_BATCH, 1)]),
    "oh5": ("c4", "s1", "CN-ZJ", [("hl5", GOOD_BATCH, 1)]),
    "oh6": ("c5", "s1", "CN-BJ", [("hl6", None, 1)]),
}
BAD_LINES = {"hl1": "c1", "hl2": "c2", "hl3": "c3", "hl4": "c3"}


def add_heaters(ctx: Context, market: Market) -> None:
    """m1's oil heater, batches hb1 (the bad one) and hb2, bought by c1…c5 (c3 twice); the new
    consumers c3…c5 get tokens in ``market``."""
    made = datetime(2026, 9, 10, tzinfo=UTC)
    heater = Product(
        HEATER,
        "m1",
        "appliance/heater",
        "Oil heater",
        "Warmo",
        "H2",
        {},
        (
            Batch(BAD_BATCH, HEATER, "H-2609", made),
            Batch(GOOD_BATCH, HEATER, "H-2610", made + timedelta(days=21)),
        ),
    )
    catalog.put_product(ctx, INTEGRATION, heater)
    for cid, region in (("c3", "CN-GD"), ("c4", "CN-ZJ"), ("c5", "CN-BJ")):
        catalog.put_consumer(ctx, INTEGRATION, Consumer(cid, f"consumer {cid}", region))
        market.tokens[cid] = create_token(ctx, Actor(Role.CONSUMER, cid), cid)[1]
    now = ctx.clock.now()
    for order_id, (consumer, store, region, lines) in HEATER_ORDERS.items():
        push(ctx, order_id, consumer, store, region, lines, placed=now - timedelta(days=5))


def push(
    ctx: Context,
    order_id: str,
    consumer: str,
    store: str,
    region: str,
    lines: list[tuple[str, str | None, int]],
    *,
    placed: datetime,
    product: str = HEATER,
) -> None:
    order_lines = tuple(
        OrderLine(lid, order_id, product, 39900, qty, batch) for lid, batch, qty in lines
    )
    order = Order(
        order_id,
        "m1",
        consumer,
        store,
        Channel.ONLINE,
        region,
        placed,
        order_lines,
        placed,
        placed + timedelta(days=2),
    )
    catalog.push_order(ctx, INTEGRATION, order)


# ---- fresh targets for the authorization matrix ------------------------------------------------

_serial = count(1)


def fresh_batch(ctx: Context) -> dict[str, str]:
    """A new heater model of m1 with one batch, bought once by c1."""
    n = next(_serial)
    product, batch, line = f"rp{n}", f"rb{n}", f"rl{n}"
    made = datetime(2026, 9, 1, tzinfo=UTC)
    catalog.put_product(
        ctx,
        INTEGRATION,
        Product(
            product,
            "m1",
            "appliance/heater",
            f"Heater {n}",
            batches=(Batch(batch, product, "L1", made),),
        ),
    )
    push(
        ctx,
        f"ro{n}",
        "c1",
        "s1",
        "CN-BJ",
        [(line, batch, 1)],
        placed=ctx.clock.now() - timedelta(days=3),
        product=product,
    )
    return {"product_id": product, "batch_id": batch, "unit": line}


def recall_review(ctx: Context) -> dict[str, str]:
    target = fresh_batch(ctx)
    cmd = rc.OpenReview("the casing gets hot", batch_ids=(target["batch_id"],))
    return target | {"recall_id": rc.open_review(ctx, OPERATOR, cmd).recall.id}


def confirmed_recall(ctx: Context) -> dict[str, str]:
    target = recall_review(ctx)
    confirm = rc.Confirm((Remedy.REFUND, Remedy.REPAIR))
    rc.decide(ctx, OPERATOR, target["recall_id"], confirm)
    return target


def notifications(rows: list[Any]) -> dict[str, list[str]]:
    """consumer -> their order lines, from the outbox's recall.notification payloads."""
    return {
        p["consumer_id"]: sorted(u["order_line_id"] for u in p["units"])
        for p in (r.payload for r in rows)
    }
