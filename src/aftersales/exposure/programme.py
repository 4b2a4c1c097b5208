"""The quality-merchant programme: who may enrol in a cycle, and how.

A merchant whose tier for the cycle is eligible (``excellent`` or ``good`` by default) enrols in
one of two modes: a targeted pool of at most ``pool_limit`` (30) of its own products, or its
whole store. Enrolment is per cycle: the integrator keeps one per merchant and cycle, and a new
one replaces the old. What the enrolment earns on each slot, and when it stops, is decided at
each serving refresh (``plan.py``), because the tier can drop mid-cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from aftersales.errors import AftersalesError, ErrorCode, ValidationFailed
from aftersales.exposure import texts
from aftersales.exposure.events import EventKind, ExposureEvent
from aftersales.exposure.parameters import ExposureConfig
from aftersales.scoring.tiers import Tier

__all__ = ["Enrolment", "Mode", "NotEligible", "enrol", "is_eligible", "parse_mode"]


class Mode(StrEnum):
    POOL = "pool"  # a targeted pool of the merchant's own products (定向商品池)
    STORE = "store"  # every product of the store (店铺维度)


class NotEligible(AftersalesError):
    """The merchant's tier does not admit it to the programme this cycle."""

    code = ErrorCode.PROGRAMME_NOT_ELIGIBLE
    title = "Not eligible for the quality-merchant programme"


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A merchant's choice for one cycle; ``product_ids`` is the pool, empty for the store."""

    merchant_id: str
    cycle_id: str
    mode: Mode
    product_ids: frozenset[str]
    at: datetime

    def covers(self, product_id: str) -> bool:
        """Whether the enrolment boosts this product of the merchant."""
        return self.mode is Mode.STORE or product_id in self.product_ids


def is_eligible(tier: Tier, config: ExposureConfig) -> bool:
    return tier in config.eligible_tiers


def parse_mode(value: str | Mode) -> Mode:
    if isinstance(value, Mode):
        return value
    try:
        return Mode(value)
    except ValueError:
        refusal = texts.unknown_mode(value)
        raise ValidationFailed(refusal.en, text=refusal) from None


def _check_pool(
    merchant_id: str, products: list[str], owners: Mapping[str, str], limit: int
) -> None:
    if not products:
        raise ValidationFailed(texts.pool_empty().en, text=texts.pool_empty())
    if len(products) > limit:
        refusal = texts.pool_too_large(limit, len(products))
        raise ValidationFailed(refusal.en, text=refusal)
    seen: set[str] = set()
    for product_id in products:
        if product_id in seen:
            refusal = texts.listed_twice(product_id)
            raise ValidationFailed(refusal.en, text=refusal)
        seen.add(product_id)
        owner = owners.get(product_id)
        if owner is None:
            raise ValidationFailed(
                texts.unknown_product(product_id), code=ErrorCode.UNKNOWN_REFERENCE
            )
        if owner != merchant_id:
            raise ValidationFailed(texts.others_product(product_id))


def enrol(
    *,
    merchant_id: str,
    cycle_id: str,
    tier: Tier,
    mode: str | Mode,
    product_ids: Iterable[str] = (),
    owners: Mapping[str, str],
    at: datetime,
    config: ExposureConfig | None = None,
) -> tuple[Enrolment, ExposureEvent]:
    """Enrol a merchant for a cycle, or refuse with the reason; nothing is kept on refusal.

    ``tier`` is the merchant's tier in force; ``owners`` maps each listed product to the
    merchant that sells it (products unknown to the catalogue are absent).
    """
    config = config or ExposureConfig()
    if not is_eligible(tier, config):
        reason = texts.not_eligible(tier, config.eligible_tiers)
        raise NotEligible(reason.en, tier=tier.value, text=reason)
    chosen = parse_mode(mode)
    products = list(product_ids)
    if chosen is Mode.STORE and products:
        refusal = texts.store_lists_none()
        raise ValidationFailed(refusal.en, text=refusal)
    if chosen is Mode.POOL:
        _check_pool(merchant_id, products, owners, config.pool_limit)
    enrolment = Enrolment(merchant_id, cycle_id, chosen, frozenset(products), at)
    event = ExposureEvent(
        EventKind.ENROLLED,
        f"merchant:{merchant_id}",
        texts.enrolled(cycle_id, chosen is Mode.STORE, len(products)),
        at,
        {"cycle_id": cycle_id, "mode": chosen.value, "product_ids": sorted(products)},
    )
    return enrolment, event
