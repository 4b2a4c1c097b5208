"""Recalls filtered by their product's category, in SQL, on SQLite and PostgreSQL: a category and
its subcategories, or the category alone, within what the reader may see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Product
from aftersales.domain.clock import ManualClock
from aftersales.services import catalog
from aftersales.services import recalls as rc
from aftersales.services.context import Context
from aftersales.store.recalls import RecallQuery
from tests.recall_support import OPERATOR
from tests.support import INTEGRATION, Market

# product -> (merchant, category); the market's p1 (digital/phone) and p3 (home/furniture) too.
APPLIANCES = {
    "ap": ("m1", "appliance"),
    "heat": ("m2", "appliance/heater"),
    "cook": ("m1", "appliance/kitchen"),
}


@pytest.fixture
def recalled(ctx: Context, market: Market, clock: ManualClock) -> dict[str, str]:
    """A recall review of each appliance and of p1 and p3, a minute apart: product -> recall."""
    for pid, (merchant, category) in APPLIANCES.items():
        catalog.put_product(ctx, INTEGRATION, Product(pid, merchant, category, f"{pid} product"))
    found = {}
    for pid in ("p1", "ap", "heat", "p3", "cook"):
        clock.advance(timedelta(minutes=1))
        found[pid] = rc.open_review(ctx, OPERATOR, rc.OpenReview("hot", product_id=pid)).recall.id
    return found


def products_of(ctx: Context, query: RecallQuery, actor: Actor = OPERATOR) -> list[str]:
    with ctx.uow(read_only=True) as uow:
        return [r.product_id for r in uow.recalls.search(query, actor)]


def test_a_category_finds_the_recalls_of_its_products_and_its_subcategories_newest_first(
    ctx: Context, recalled: dict[str, str]
) -> None:
    assert products_of(ctx, RecallQuery(category="appliance")) == ["cook", "heat", "ap"]
    assert products_of(ctx, RecallQuery(category="appliance/heater")) == ["heat"]
    assert products_of(ctx, RecallQuery(category="home")) == ["p3"]
    assert products_of(ctx, RecallQuery(category="food")) == []
    assert products_of(ctx, RecallQuery()) == ["cook", "p3", "heat", "ap", "p1"]


def test_the_category_alone_leaves_its_subcategories_out(
    ctx: Context, recalled: dict[str, str]
) -> None:
    assert products_of(ctx, RecallQuery(category="appliance", subcategories=False)) == ["ap"]
    assert products_of(ctx, RecallQuery(category="home", subcategories=False)) == []


def test_the_category_filter_keeps_the_readers_scope_the_states_and_the_limit(
    ctx: Context, recalled: dict[str, str]
) -> None:
    rc.decide(ctx, OPERATOR, recalled["cook"], rc.Dismiss("a false alarm"))
    merchant = Actor(Role.MERCHANT_AGENT, "m1")

    assert products_of(ctx, RecallQuery(category="appliance"), merchant) == ["cook", "ap"]
    assert products_of(ctx, RecallQuery(("review",), category="appliance")) == ["heat", "ap"]
    assert products_of(ctx, RecallQuery(category="appliance", limit=1)) == ["cook"]
    assert products_of(ctx, RecallQuery(product_id="ap", category="appliance/heater")) == []
