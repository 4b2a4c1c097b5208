"""Test helpers: a small marketplace with one token per role, built through the real use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from httpx import Response
from sqlalchemy import select

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import (
    Batch,
    Channel,
    Consumer,
    Merchant,
    Order,
    OrderLine,
    Product,
    Store,
    StoreKind,
)
from aftersales.errors import AftersalesError, Text
from aftersales.services import catalog
from aftersales.services.context import Context
from aftersales.services.tokens import create_token
from aftersales.store.db import READ_ONLY, make_engine
from aftersales.store.tables import metadata

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
INTEGRATION = Actor(Role.INTEGRATION)


@dataclass
class Market:
    """Two merchants, two consumers, three orders, and a bearer token for every kind of caller."""

    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def build_market(ctx: Context) -> Market:
    now = ctx.clock.now()
    _merchants(ctx)
    _products(ctx)
    for cid, region in (("c1", "CN-BJ"), ("c2", "CN-SH")):
        catalog.put_consumer(ctx, INTEGRATION, Consumer(cid, f"consumer {cid}", region))
    _orders(ctx, now)
    market = Market()
    actors = {
        "c1": Actor(Role.CONSUMER, "c1"),
        "c2": Actor(Role.CONSUMER, "c2"),
        "m1": Actor(Role.MERCHANT_AGENT, "m1"),
        "m2": Actor(Role.MERCHANT_AGENT, "m2"),
        "operator": Actor(Role.OPERATOR),
        "auditor": Actor(Role.AUDITOR),
        "integration": INTEGRATION,
    }
    for name, actor in actors.items():
        market.tokens[name] = create_token(ctx, actor, name)[1]
    return market


def _merchants(ctx: Context) -> None:
    m1_stores = (
        Store("s1", "m1", StoreKind.ONLINE, "M1 flagship", "CN-BJ"),
        Store("s2", "m1", StoreKind.OFFLINE, "M1 Guangzhou store", "CN-GD"),
    )
    catalog.put_merchant(ctx, INTEGRATION, Merchant("m1", "Merchant One", m1_stores))
    m2_stores = (Store("s3", "m2", StoreKind.ONLINE, "M2 shop", "CN-SH"),)
    catalog.put_merchant(ctx, INTEGRATION, Merchant("m2", "Merchant Two", m2_stores))


def _products(ctx: Context) -> None:
    phone = Product(
        "p1", "m1", "digital/phone", "Phone X", "Acme", "X1", {}, (Batch("b1", "p1", "L2026-10"),)
    )
    sweater = Product(
        "p2", "m2", "apparel/knitwear", "Wool sweater", "Knit", "W1", {"fabric": "wool"}
    )
    sofa = Product("p3", "m1", "home/furniture", "Sofa", "Comfy", "S3", {"bulky": True})
    for product in (phone, sweater, sofa):
        catalog.put_product(ctx, INTEGRATION, product)


def _orders(ctx: Context, now: datetime) -> None:
    orders = [
        Order(
            "o1",
            "m1",
            "c1",
            "s1",
            Channel.ONLINE,
            "CN-BJ",
            now - timedelta(days=4),
            (OrderLine("l1", "o1", "p1", 299900, 1, "b1"),),
            now - timedelta(days=4),
            now - timedelta(days=2),
        ),
        Order(
            "o2",
            "m2",
            "c2",
            "s3",
            Channel.ONLINE,
            "CN-SH",
            now - timedelta(days=3),
            (OrderLine("l2", "o2", "p2", 45000, 2),),
            now - timedelta(days=3),
            now - timedelta(days=1),
        ),
        Order(
            "o3",
            "m1",
            "c1",
            "s2",
            Channel.OFFLINE,
            "CN-GD",
            now - timedelta(days=40),
            (OrderLine("l3", "o3", "p3", 560000, 1),),
            now - timedelta(days=40),
            now - timedelta(days=30),
        ),
        Order(
            "o4",
            "m1",
            "c2",
            "s1",
            Channel.ONLINE,
            "CN-SH",
            now - timedelta(days=2),
            (OrderLine("l4", "o4", "p1", 299900, 1, "b1"),),
            now - timedelta(days=2),
            now - timedelta(days=1),
        ),
    ]
    for order in orders:
        catalog.push_order(ctx, INTEGRATION, order)


class Storage:
    """Reads back everything the platform stored: every row and every evidence file.

    Two snapshots taken around a refused request must be equal — the proof it wrote nothing.
    """

    def __init__(self, url: str, data_dir: Path) -> None:
        self._engine = make_engine(url)
        self._blobs = data_dir / "evidence"

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        with self._engine.connect().execution_options(**{READ_ONLY: True}) as conn:
            stored = {
                table.name: [
                    tuple(row)
                    for row in conn.execute(select(table).order_by(*table.primary_key.columns))
                ]
                for table in metadata.sorted_tables
            }
        files = self._blobs.rglob("*") if self._blobs.exists() else []
        stored["evidence files"] = sorted((p.name,) for p in files if p.is_file())
        return stored

    def close(self) -> None:
        self._engine.dispose()


def assert_problem(response: Response, status: int, code: str) -> dict[str, Any]:
    """An RFC 9457 problem with this status and code, complete enough for a client to act on."""
    assert (response.status_code, response.headers["content-type"]) == (
        status,
        "application/problem+json",
    ), response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:aftersales:problem:{code}"
    assert body["title"]
    assert body["detail"]
    return body


def outcome(response: Response) -> str:
    """``"<status>"`` for a success, ``"<status> <code>"`` for a complete problem+json answer,
    and otherwise what is wrong with the answer: a table of these reads well in a failed test."""
    status = response.status_code
    if status < 400:
        return str(status)
    if response.headers.get("content-type") != "application/problem+json":
        return f"{status} (not problem+json)"
    body = response.json()
    missing = [name for name in ("type", "title", "status", "detail", "code") if not body.get(name)]
    if missing or body["status"] != status:
        return f"{status} (incomplete problem: {body})"
    return f"{status} {body['code']}"


def order_body(**changes: Any) -> dict[str, Any]:
    """Order o9 of c1 at m1's online store s1, with one line l9 of m1's phone p1."""
    line = {"id": "l9", "product_id": "p1", "unit_price": "10.00", "quantity": 1}
    line |= changes.pop("line", {})
    body = {
        "id": "o9",
        "merchant_id": "m1",
        "consumer_id": "c1",
        "store_id": "s1",
        "channel": "online",
        "region": "CN-BJ",
        "placed_at": "2026-11-01T08:00:00Z",
        "lines": [line],
    }
    return body | changes


# A request that prefers Chinese, as a browser set to Chinese sends it.
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}


def bilingual(exc: AftersalesError) -> Text:
    """A refusal's reason in both languages; fails when it has only English, or when its English
    is not the detail the API and the command line have always given (decision 0043)."""
    text = exc.extra.get("text")
    assert isinstance(text, Text), f"English only: {exc.detail!r}"
    assert text.en == exc.detail
    return text
