"""Agent profiles: what a merchant's and a platform agent may be given."""

from __future__ import annotations

import pytest

from aftersales.errors import ValidationFailed
from aftersales.triage.agents import check_capacity, check_profile

MERCHANT_QUEUES = {"technical_support", "apparel", "on_site_service", "food_safety", "general"}


def check(merchant: str | None, queues: list[str], **kw: object) -> None:
    values: dict[str, object] = {"languages": ["zh"], "categories": [], "capacity": 5} | kw
    check_profile(
        merchant_id=merchant,
        queues=queues,
        merchant_queues=MERCHANT_QUEUES,
        **values,  # type: ignore[arg-type]
    )


def test_a_merchants_agent_works_its_merchants_queues() -> None:
    check("m1", ["technical_support", "general"], categories=["digital"])


def test_a_merchants_agent_cannot_take_platform_queues() -> None:
    with pytest.raises(ValidationFailed, match="product_safety is served by platform agents only"):
        check("m1", ["general", "product_safety"])


def test_a_platform_agent_works_the_platforms_queues_only() -> None:
    check(None, ["human_triage", "product_safety", "food_safety", "arbitration"])
    with pytest.raises(ValidationFailed, match="apparel is a merchant's queue"):
        check(None, ["apparel"])


@pytest.mark.parametrize(
    ("queues", "kw", "message"),
    [
        ([], {}, "at least one queue"),
        (["teleportation"], {}, "unknown queue teleportation"),
        (["general"], {"languages": ["fr"]}, "unknown language fr"),
        (["general"], {"languages": []}, "at least one language"),
        (["general"], {"categories": ["moon"]}, "unknown category moon"),
        (["general"], {"capacity": 0}, "capacity must be between 1 and 1000"),
    ],
)
def test_a_profile_dispatch_could_not_use_is_refused(
    queues: list[str], kw: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        check("m1", queues, **kw)


def test_capacity_alone() -> None:
    check_capacity(1000)
    with pytest.raises(ValidationFailed):
        check_capacity(1001)
