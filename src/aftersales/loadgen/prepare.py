"""A marketplace of the load generator's own on the target server, and its people's tokens.

Ids carry a tag of the run (``lg3f2a-m-0001``), so runs never meet each other's data nor the
server's own. Tokens are minted in the server's database (``--db``) as ``aftersales token
create`` does, since tokens are never issued over the API.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import numpy as np

from aftersales.domain.actors import Actor, Role
from aftersales.errors import Text, ValidationFailed
from aftersales.services.context import Context
from aftersales.services.tokens import create_token
from aftersales.simulation import WorldSize, generate_world
from aftersales.simulation.catalogue import PROFILES
from aftersales.simulation.texts import complaint
from aftersales.simulation.world import SimProduct, World

__all__ = ["Cast", "Opening", "prepare"]

_ISSUE_CASE = {"size_fit": "exchange", "wrong_item": "exchange", "missing_parts": "refund_only"}
_SETUP_CONCURRENCY = 16


@dataclass(frozen=True, slots=True)
class Opening:
    """A case a buyer will open: their line, what they ask for, and in whose words."""

    consumer: str
    merchant: str
    line_id: str
    type: str
    description: str


@dataclass
class Cast:
    """Who acts in a load run: the tokens of its buyers and merchants, and the cases to open."""

    tag: str
    tokens: dict[str, str] = field(default_factory=dict)  # consumer or merchant id -> token
    openings: list[Opening] = field(default_factory=list)


async def prepare(client: httpx.AsyncClient, ctx: Context, cases: int, seed: int) -> Cast:
    """Push a world sized for ``cases`` openings through the API; mint its tokens."""
    rng = np.random.default_rng(seed)
    tag = f"lg{secrets.token_hex(3)}"
    world = generate_world(WorldSize(10, max(1, min(cases, 2000)), 1), rng)
    cast = Cast(tag)
    integration = create_token(ctx, Actor(Role.INTEGRATION), f"load {tag}")[1]
    headers = {"Authorization": f"Bearer {integration}"}
    await _authorised(client, headers)
    await _each(client, headers, [_merchant(tag, m) for m in world.merchants])
    await _each(client, headers, [_product(tag, p) for p in world.products])
    await _each(client, headers, [_consumer(tag, c.id, c.region) for c in world.consumers])
    orders = [_order(tag, world, i, rng, cast) for i in range(cases)]
    await _each(client, headers, orders)
    people = [(Role.CONSUMER, o.consumer) for o in cast.openings]
    people += [(Role.MERCHANT_AGENT, o.merchant) for o in cast.openings]
    for role, who in dict.fromkeys(people):
        cast.tokens[who] = create_token(ctx, Actor(role, who), f"load {tag}")[1]
    return cast


Request = tuple[str, str, dict[str, Any]]  # method, path, JSON body


async def _authorised(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """The server knows the token just minted, so ``--db`` is the server's database."""
    answer = await client.get("/api/v1/orders/none-such", headers=headers)
    if answer.status_code == 401:
        raise ValidationFailed(
            Text(
                "the server does not know the tokens minted in the database given: give --db the"
                " database that server uses (for the demo: --db sqlite:///var/demo/aftersales.db)",
                "服务器不认识在所给数据库中签发的令牌：请用 --db 指定该服务器所用的数据库"
                "（演示环境为 --db sqlite:///var/demo/aftersales.db）",
            )
        )


async def _each(
    client: httpx.AsyncClient, headers: dict[str, str], requests: list[Request]
) -> None:
    """Send the requests a few at a time; any refusal stops the run with the server's reason."""
    gate = asyncio.Semaphore(_SETUP_CONCURRENCY)

    async def send(method: str, path: str, body: dict[str, Any]) -> None:
        async with gate:
            extra = {"Idempotency-Key": f"{body.get('id', path)}"} if method == "POST" else {}
            answer = await client.request(method, path, json=body, headers=headers | extra)
        if answer.status_code >= 400:
            detail = f"{method} {path} answered {answer.status_code}: {answer.text[:300]}"
            raise ValidationFailed(
                Text(
                    f"the server refused the load generator's set-up: {detail}",
                    f"服务器拒绝了压测工具的数据准备请求：{detail}",
                )
            )

    await asyncio.gather(*(send(*r) for r in requests))


def _merchant(tag: str, m: Any) -> Request:
    stores = [
        {"id": f"{tag}-{s.id}", "kind": s.kind, "name": s.zh, "region": s.region} for s in m.stores
    ]
    return "PUT", f"/api/v1/merchants/{tag}-{m.id}", {"name": m.zh, "stores": stores}


def _product(tag: str, p: SimProduct) -> Request:
    body = {
        "merchant_id": f"{tag}-{p.merchant_id}",
        "category": p.category,
        "name": p.zh,
        "brand": p.brand,
        "model": p.model,
        "attributes": p.attributes,
        "batches": [{"id": f"{tag}-{b.id}", "code": b.code} for b in p.batches],
    }
    return "PUT", f"/api/v1/products/{tag}-{p.id}", body


def _consumer(tag: str, cid: str, region: str) -> Request:
    return "PUT", f"/api/v1/consumers/{tag}-{cid}", {"display_name": cid, "region": region}


def _order(tag: str, world: World, i: int, rng: np.random.Generator, cast: Cast) -> Request:
    """An online order delivered yesterday, and the case its buyer will open on it."""
    product = world.products[int(rng.integers(len(world.products)))]
    merchant = world.by_id[product.merchant_id]
    buyer = world.consumers[i % len(world.consumers)]
    now = datetime.now(UTC)
    oid = f"{tag}-o{i:07d}"
    line_id = f"{oid}-1"
    line = {
        "id": line_id,
        "product_id": f"{tag}-{product.id}",
        "batch_id": f"{tag}-{product.batch.id}",
        "unit_price": f"{product.price / 100:.2f}",
        "quantity": 1,
    }
    body = {
        "id": oid,
        "merchant_id": f"{tag}-{merchant.id}",
        "consumer_id": f"{tag}-{buyer.id}",
        "store_id": f"{tag}-{merchant.online_store.id}",
        "channel": "online",
        "region": buyer.region,
        "placed_at": (now - timedelta(days=3)).isoformat(),
        "delivered_at": (now - timedelta(days=1)).isoformat(),
        "lines": [line],
    }
    cast.openings.append(_opening(tag, product, buyer.id, buyer.language, line_id, rng))
    return "POST", "/api/v1/orders", body


def _opening(
    tag: str, product: SimProduct, buyer: str, language: str, line_id: str, rng: np.random.Generator
) -> Opening:
    profile = PROFILES[product.category]
    issues = list(profile.issues)
    issue = issues[int(rng.integers(len(issues)))]
    case_type = _ISSUE_CASE.get(issue, "return_refund")
    words = complaint(
        issue, profile.root, product.noun_zh, product.noun_en, case_type, 1, language, rng
    )
    return Opening(f"{tag}-{buyer}", f"{tag}-{product.merchant_id}", line_id, case_type, words)
