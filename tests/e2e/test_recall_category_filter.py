"""``GET /recalls?category=`` lists the recalls of a category's products (and its subcategories'),
refuses a category the platform does not know, and the console's category alerts suggest the
recalls of their category however many newer recalls there are of other categories."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.catalog import Product
from aftersales.domain.clock import ManualClock
from aftersales.services import catalog
from aftersales.services import recalls as rc
from aftersales.services.context import Context
from tests.console_support import add_users, browser
from tests.recall_support import OPERATOR
from tests.support import INTEGRATION, Market, assert_problem, outcome
from tests.warning_support import stored_alert

RECALLS = "/api/v1/recalls"


def recall_of(ctx: Context, clock: ManualClock, pid: str, merchant: str, category: str) -> str:
    """A new product of ``category`` under a recall review opened a minute later than the last."""
    catalog.put_product(ctx, INTEGRATION, Product(pid, merchant, category, f"{pid} product"))
    clock.advance(timedelta(minutes=1))
    return rc.open_review(ctx, OPERATOR, rc.OpenReview("hot", product_id=pid)).recall.id


@pytest.fixture
def appliances(ctx: Context, market: Market, clock: ManualClock) -> dict[str, str]:
    return {
        "ap": recall_of(ctx, clock, "ap", "m1", "appliance"),
        "heat": recall_of(ctx, clock, "heat", "m2", "appliance/heater"),
        "sofa": recall_of(ctx, clock, "sofa", "m1", "home/furniture"),
    }


def listed(client: TestClient, market: Market, query: str, who: str = "operator") -> list[str]:
    answer = client.get(f"{RECALLS}?{query}", headers=market.auth(who))
    assert answer.status_code == 200, answer.text
    return [r["product_id"] for r in answer.json()["items"]]


def test_recalls_are_listed_by_their_products_category_and_its_subcategories(
    client: TestClient, market: Market, appliances: dict[str, str]
) -> None:
    assert listed(client, market, "category=appliance") == ["heat", "ap"]
    assert listed(client, market, "category=appliance/heater") == ["heat"]
    assert listed(client, market, "category=home") == ["sofa"]
    assert listed(client, market, "category=food/fresh") == []
    assert listed(client, market, "category=appliance", "m1") == ["ap"]
    assert listed(client, market, "category=appliance&state=dismissed") == []


def test_a_category_the_platform_does_not_know_is_refused_clearly(
    client: TestClient, market: Market, appliances: dict[str, str]
) -> None:
    def get(query: str) -> str:
        return outcome(client.get(f"{RECALLS}?{query}", headers=market.auth("operator")))

    answers = {
        "unknown": get("category=toys"),
        "unknown subcategory": get("category=appliance/toaster"),
        "not a path": get("category=Appliance Heater"),
        "too long": get("category=" + "a" * 65),
        "empty": get("category="),
    }

    assert answers == dict.fromkeys(answers, "422 validation_failed")
    unknown = client.get(f"{RECALLS}?category=toys", headers=market.auth("operator"))
    problem = assert_problem(unknown, 422, "validation_failed")
    assert "unknown category 'toys'" in problem["detail"]
    assert "/api/v1/categories" in problem["detail"]


def test_a_category_alert_suggests_its_categorys_recalls_behind_a_hundred_newer_ones(
    ctx: Context, market: Market, clock: ManualClock
) -> None:
    add_users(ctx)
    heater = recall_of(ctx, clock, "heat", "m2", "appliance/heater")
    parent = recall_of(ctx, clock, "ap", "m1", "appliance")
    newer = [recall_of(ctx, clock, f"sofa{n}", "m1", "home/furniture") for n in range(100)]
    whole = stored_alert(ctx, product=None, category="appliance/heater")
    client = browser(ctx, "op")

    page = client.get(f"/console/alerts/{whole}").text

    assert f'<option value="{heater}">' in page
    assert parent not in page and newer[-1] not in page  # the parent category's cannot be linked
    assert "1 recalls of products in this category" in page
