"""Small worlds for the exposure tests: a catalogue, tiers, enrolments, content, requests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from aftersales.exposure import (
    Candidates,
    ContentItem,
    ContentKind,
    Enrolment,
    Exposure,
    ExposureConfig,
    RankRequest,
    ServingInputs,
    Slot,
    Stage,
    enrol,
)
from aftersales.scoring import Tier

T0 = datetime(2026, 12, 1, tzinfo=UTC)
DAY = date(2026, 12, 1)
CYCLE_END = T0 + timedelta(days=30)
NOON_DAY = T0 + timedelta(hours=12)

# m_good owns p_good_0..9, and so on; every shop has ten products.
SHOPS = ("m_exc", "m_good", "m_std", "m_watch", "m_restr")
TIERS: dict[str, Tier] = {
    "m_exc": Tier.EXCELLENT,
    "m_good": Tier.GOOD,
    "m_std": Tier.STANDARD,
    "m_watch": Tier.WATCH,
    "m_restr": Tier.RESTRICTED,
}
OWNERS: dict[str, str] = {f"p_{m[2:]}_{i}": m for m in SHOPS for i in range(10)}


def products(merchant: str) -> list[str]:
    return [p for p, m in OWNERS.items() if m == merchant]


def pool(merchant: str, size: int, config: ExposureConfig | None = None) -> Enrolment:
    tier = TIERS[merchant]
    items = products(merchant)[:size]
    e, _ = enrol(
        merchant_id=merchant,
        cycle_id="c1",
        tier=tier,
        mode="pool",
        product_ids=items,
        owners=OWNERS,
        at=T0,
        config=config,
    )
    return e


def store(merchant: str, tier: Tier | None = None) -> Enrolment:
    e, _ = enrol(
        merchant_id=merchant,
        cycle_id="c1",
        tier=tier or TIERS[merchant],
        mode="store",
        owners=OWNERS,
        at=T0,
    )
    return e


def item(
    cid: str,
    merchant: str,
    stage: Stage = Stage.ORGANIC,
    *,
    product: str | None = None,
    published: date = DAY,
    since: date | None = None,
    used: bool = False,
    nominated: date | None = None,
    declined: date | None = None,
) -> ContentItem:
    return ContentItem(
        cid,
        merchant,
        ContentKind.SHORT_VIDEO,
        (product or products(merchant)[0],),
        published,
        stage,
        since,
        used or stage is not Stage.ORGANIC,
        nominated,
        declined,
    )


def inputs(
    *,
    tiers: Mapping[str, Tier] | None = None,
    enrolments: Sequence[Enrolment] = (),
    content: Sequence[ContentItem] = (),
    held: frozenset[str] = frozenset(),
    day_start: datetime = T0,
) -> ServingInputs:
    return ServingInputs(
        cycle_id="c1",
        cycle_start=T0,
        cycle_end=CYCLE_END,
        tiers=dict(TIERS if tiers is None else tiers),
        enrolments=list(enrolments),
        content=list(content),
        day_start=day_start,
        held=held,
    )


def exposure(config: ExposureConfig | None = None, **kwargs: object) -> Exposure:
    ex = Exposure(config)
    ex.refresh(inputs(**kwargs), at=T0)  # type: ignore[arg-type]
    return ex


def request(
    scores: Mapping[str, float],
    slot: Slot | str = Slot.SEARCH,
    k: int = 10,
    content: Mapping[str, str] | None = None,
) -> RankRequest:
    """A request for the given products with these scores, in this order."""
    ids = list(scores)
    contents = [(content or {}).get(p) for p in ids]
    candidates = Candidates(ids, [OWNERS[p] for p in ids], [scores[p] for p in ids], contents)
    return RankRequest(slot, "u1", candidates, k)
