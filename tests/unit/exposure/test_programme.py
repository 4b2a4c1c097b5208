"""The quality-merchant programme: who may enrol, in which mode, and what is refused."""

from __future__ import annotations

import pytest

from aftersales.errors import AftersalesError, ErrorCode, ValidationFailed
from aftersales.exposure import (
    EventKind,
    ExposureConfig,
    Mode,
    NotEligible,
    Slot,
    enrol,
    is_eligible,
    programme_weights,
)
from aftersales.scoring import Tier

from .builders import OWNERS, T0, products


def _enrol(merchant: str, tier: Tier, mode: str, items: list[str], **kw: object) -> object:
    return enrol(
        merchant_id=merchant,
        cycle_id="c1",
        tier=tier,
        mode=mode,
        product_ids=items,
        owners=OWNERS,
        at=T0,
        **kw,  # type: ignore[arg-type]
    )


def test_a_pool_of_30_own_products_is_accepted_with_an_event() -> None:
    many = {f"x{i}": "m_good" for i in range(30)}
    e, event = enrol(
        merchant_id="m_good",
        cycle_id="c1",
        tier=Tier.GOOD,
        mode="pool",
        product_ids=list(many),
        owners=many,
        at=T0,
    )
    assert e.mode is Mode.POOL and len(e.product_ids) == 30
    assert event.kind is EventKind.ENROLLED and event.subject == "merchant:m_good"
    assert "30 products" in event.reason.en and event.reason.zh
    assert event.data["mode"] == "pool"


def test_a_pool_of_31_products_is_refused() -> None:
    many = {f"x{i}": "m_good" for i in range(31)}
    with pytest.raises(ValidationFailed, match="at most 30 products, got 31"):
        enrol(
            merchant_id="m_good",
            cycle_id="c1",
            tier=Tier.GOOD,
            mode="pool",
            product_ids=list(many),
            owners=many,
            at=T0,
        )


def test_the_pool_limit_is_configurable() -> None:
    config = ExposureConfig(pool_limit=5)
    with pytest.raises(ValidationFailed, match="at most 5 products, got 6"):
        _enrol("m_good", Tier.GOOD, "pool", products("m_good")[:6], config=config)


def test_another_merchants_product_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="p_std_0 belongs to another merchant"):
        _enrol("m_good", Tier.GOOD, "pool", ["p_good_0", "p_std_0"])


def test_an_unknown_product_is_refused_as_an_unknown_reference() -> None:
    with pytest.raises(ValidationFailed, match="unknown product nope") as caught:
        _enrol("m_good", Tier.GOOD, "pool", ["nope"])
    assert caught.value.code is ErrorCode.UNKNOWN_REFERENCE


@pytest.mark.parametrize("tier", [Tier.STANDARD, Tier.WATCH, Tier.RESTRICTED, Tier.NOT_ENOUGH_DATA])
def test_enrolling_while_ineligible_is_refused_with_the_tier_named(tier: Tier) -> None:
    with pytest.raises(NotEligible, match=f"Tier {tier.value.replace('_', ' ')}") as caught:
        _enrol("m_good", tier, "store", [])
    assert caught.value.code is ErrorCode.PROGRAMME_NOT_ELIGIBLE
    assert "excellent and good" in caught.value.detail


def test_a_store_wide_enrolment_lists_no_products() -> None:
    e, _ = _enrol("m_exc", Tier.EXCELLENT, "store", [])  # type: ignore[misc]
    assert e.mode is Mode.STORE and e.covers("anything of m_exc")
    with pytest.raises(ValidationFailed, match="list none"):
        _enrol("m_exc", Tier.EXCELLENT, "store", ["p_exc_0"])


@pytest.mark.parametrize(
    ("items", "message"),
    [([], "at least one product"), (["p_good_0", "p_good_0"], "listed twice")],
)
def test_an_empty_or_repeated_pool_is_refused(items: list[str], message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        _enrol("m_good", Tier.GOOD, "pool", items)


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="unknown enrolment mode 'shop'"):
        _enrol("m_good", Tier.GOOD, "shop", [])


def test_eligible_tiers_are_configurable() -> None:
    config = ExposureConfig(eligible_tiers=frozenset({Tier.EXCELLENT}))
    assert is_eligible(Tier.EXCELLENT, config) and not is_eligible(Tier.GOOD, config)
    with pytest.raises(NotEligible):
        _enrol("m_good", Tier.GOOD, "store", [], config=config)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"eligible_tiers": frozenset({Tier.WATCH})}, "penalised tiers cannot be eligible"),
        ({"eligible_tiers": frozenset({Tier.NOT_ENOUGH_DATA})}, "no verdict"),
        ({"weights": {Tier.GOOD: {Slot.FEED: 0.9}}}, "must be >= 1"),
        ({"weights": {Tier.RESTRICTED: {Slot.FEED: 1.2}}}, "penalised tier"),
        ({"throttle": 1.0}, "throttle must be within"),
        ({"relevance_floor": 1.5}, "relevance_floor"),
        ({"max_candidates": 0}, "max_candidates"),
        ({"pool_limit": 0}, "pool_limit"),
    ],
)
def test_nonsense_settings_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        ExposureConfig(**kwargs)  # type: ignore[arg-type]


def test_weights_read_from_settings_names() -> None:
    table = programme_weights({"good": {"feed": 1.3}})
    assert table[Tier.GOOD][Slot.FEED] == 1.3
    with pytest.raises(ValidationFailed, match="unknown slot 'homepage'"):
        programme_weights({"good": {"homepage": 1.3}})
    with pytest.raises(AftersalesError, match="unknown tier 'gold'"):
        programme_weights({"gold": {"feed": 1.3}})
