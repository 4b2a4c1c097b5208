"""The programme's rules as settings: a pool limit other than 30, boost weights of one's own, and
throttling switched off — each enforced by the same code as the defaults."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.errors import ValidationFailed
from aftersales.exposure import (
    Enrolment,
    EventKind,
    Exposure,
    ExposureConfig,
    Impression,
    Penalty,
    Reason,
    Slot,
    build_plan,
    enrol,
    programme_weights,
)
from aftersales.scoring import Tier

from .builders import T0, exposure, inputs, request, store

NOON = T0 + timedelta(hours=12)
NO_THROTTLE = ExposureConfig(throttling=False)


def _pool(size: int, config: ExposureConfig) -> Enrolment:
    owners = {f"p{n}": "m_good" for n in range(40)}
    chosen = [f"p{n}" for n in range(size)]
    made, _ = enrol(
        merchant_id="m_good",
        cycle_id="c1",
        tier=Tier.GOOD,
        mode="pool",
        product_ids=chosen,
        owners=owners,
        at=T0,
        config=config,
    )
    return made


def test_a_pool_limit_of_10_refuses_11_products_and_admits_10() -> None:
    ten = ExposureConfig(pool_limit=10)

    with pytest.raises(ValidationFailed, match="at most 10 products, got 11"):
        _pool(11, ten)
    assert len(_pool(10, ten).product_ids) == 10
    assert len(_pool(30, ExposureConfig()).product_ids) == 30


def test_the_status_names_the_pool_limit_in_force() -> None:
    plan, _ = build_plan(inputs(), at=T0, config=ExposureConfig(pool_limit=10))

    reason = plan.status("m_good", ExposureConfig(pool_limit=10)).reason

    assert "up to 10 products" in reason.en and "最多 10 件" in reason.zh


def test_weights_of_ones_own_are_the_promise_and_a_slot_left_out_gets_none() -> None:
    weights = programme_weights({"good": {"search": 1.5}})
    config = ExposureConfig(weights=weights)
    ex = exposure(config, enrolments=[store("m_good")])

    owed = {t.key: t.weight for t in ex.pacer.targets if t.merchant_id == "m_good"}

    assert owed == {"programme:m_good:search": 1.5}  # no feed, no mini-detail target
    assert ex.status("m_good").weights == {Slot.SEARCH: 1.5}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"good": {"search": 0.9}}, "must be >= 1"),
        ({"watch": {"search": 1.2}}, "penalised tier watch"),
        ({"good": {"banner": 1.2}}, "unknown slot"),
        ({"gold": {"search": 1.2}}, "unknown tier"),
    ],
)
def test_bad_weights_are_refused_with_a_reason(
    table: dict[str, dict[str, float]], message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        ExposureConfig(weights=programme_weights(table))


def test_with_throttling_off_a_restricted_merchant_keeps_its_merit_exposure() -> None:
    capped, free = exposure(), exposure(NO_THROTTLE)
    shown: dict[str, list[str]] = {"capped": [], "free": []}

    for name, ex in (("capped", capped), ("free", free)):
        for _ in range(10):  # its product is the best candidate every time
            result = ex.rank(request({"p_restr_0": 0.9, "p_std_0": 0.8}, k=1), now=NOON)
            top = result.items[0]
            ex.record(Slot.SEARCH, [Impression(top.item_id, top.merchant_id)], now=NOON)
            shown[name].append(top.item_id)
    last = free.rank(request({"p_restr_0": 0.9, "p_std_0": 0.8}, k=1), now=NOON)

    assert shown["capped"].count("p_restr_0") == 5  # throttle 0.5
    assert shown["free"].count("p_restr_0") == 10
    assert last.throttled_out == 0 and last.items[0].reasons == (Reason.BOOST_WITHHELD,)
    assert not any(t.merchant_id == "m_restr" for t in free.pacer.targets)  # no cap, no boost


def test_with_throttling_off_restricted_still_loses_boosts_and_says_why() -> None:
    ex = Exposure(NO_THROTTLE)
    ex.refresh(inputs(tiers={"m_good": Tier.GOOD}), at=T0)
    events = ex.refresh(inputs(tiers={"m_good": Tier.RESTRICTED}), at=NOON)

    status = ex.status("m_good")
    kinds = [e.kind for e in events if e.subject == "merchant:m_good"]

    assert kinds == [EventKind.ELIGIBILITY_LOST, EventKind.BOOSTS_WITHHELD]
    assert (status.penalty, status.eligible, status.multiplier) == (Penalty.NO_BOOST, False, 1.0)
    assert "not throttled" in status.reason.en and "不限流" in status.reason.zh
    assert "restricted" in status.reason.en and "受限" in status.reason.zh
    assert ExposureConfig().throttling is True  # the default throttles


def test_throttling_must_be_a_boolean() -> None:
    with pytest.raises(ValidationFailed, match="throttling is true or false"):
        ExposureConfig(throttling="no")  # type: ignore[arg-type]
