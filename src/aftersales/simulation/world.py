"""The simulated marketplace: merchants with their latent conduct, stores, products, batches,
and consumers. Everything the platform is told about them is generated here; what it is not
told (conduct, defect rates, listing accuracy, hazards) is what it must find out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aftersales.simulation.hazards import HazardKind

__all__ = [
    "Conduct",
    "SimBatch",
    "SimConsumer",
    "SimMerchant",
    "SimProduct",
    "SimStore",
    "World",
]


class Conduct(StrEnum):
    """How a merchant treats after-sales cases; the platform never sees this directly."""

    RESPONSIVE = "responsive"  # answers within hours, offers the fair remedy
    SLOW = "slow"  # fair, but answers late and drags the service out
    OBSTRUCTIVE = "obstructive"  # refuses, lowballs, ignores; gives in only to the platform


@dataclass(frozen=True, slots=True)
class SimStore:
    id: str
    kind: str  # online | offline
    region: str
    zh: str


@dataclass(frozen=True, slots=True)
class SimMerchant:
    id: str
    zh: str
    en: str
    region: str  # where it ships from
    categories: tuple[str, ...]  # the first is its main category
    conduct: Conduct
    defect_rate: float  # multiplies its products' defects (1 = average)
    listing_accuracy: float  # 0..1: how well its listings describe what arrives
    size: float  # pull on buyers, before reputation and exposure
    stores: tuple[SimStore, ...]
    # A merchant may change: from ``turn_day`` (days since the start) it behaves as ``later``.
    later: Conduct | None = None
    turn_day: int | None = None

    def conduct_on(self, day: int) -> Conduct:
        """The conduct it shows on the given day of the simulation."""
        if self.later is not None and self.turn_day is not None and day >= self.turn_day:
            return self.later
        return self.conduct

    @property
    def online_store(self) -> SimStore:
        return self.stores[0]

    def offline_store_in(self, region: str) -> SimStore | None:
        return next((s for s in self.stores[1:] if s.region == region), None)


@dataclass(frozen=True, slots=True)
class SimBatch:
    id: str
    product_id: str
    code: str
    produced_day: int  # days since the start (negative: before it)
    hazard: HazardKind | None = None
    defect_multiplier: float = 1.0


@dataclass(slots=True)
class SimProduct:
    id: str
    merchant_id: str
    category: str
    zh: str
    en: str
    noun_zh: str
    noun_en: str
    brand: str
    model: str
    price: int  # fen
    attributes: dict[str, Any]
    batches: list[SimBatch] = field(default_factory=list)
    on_sale: bool = True  # False once the whole product is held (no batch left to sell)

    @property
    def batch(self) -> SimBatch:
        """The batch now being sold: the newest."""
        return self.batches[-1]


@dataclass(frozen=True, slots=True)
class SimConsumer:
    id: str
    name: str
    region: str
    language: str  # zh | en: the language of their complaints
    patience: float  # 0..1: how much bad treatment they take before calling the platform
    generosity: float  # added to the stars they give
    rates: float  # chance they rate a resolved case


@dataclass(slots=True)
class World:
    merchants: list[SimMerchant]
    products: list[SimProduct]
    consumers: list[SimConsumer]
    by_id: dict[str, SimMerchant] = field(default_factory=dict)
    product_by_id: dict[str, SimProduct] = field(default_factory=dict)
    consumer_by_id: dict[str, SimConsumer] = field(default_factory=dict)
    batch_by_id: dict[str, SimBatch] = field(default_factory=dict)

    _of_merchant: dict[str, list[SimProduct]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {m.id: m for m in self.merchants}
        for p in self.products:
            self._of_merchant.setdefault(p.merchant_id, []).append(p)
        self.product_by_id = {p.id: p for p in self.products}
        self.consumer_by_id = {c.id: c for c in self.consumers}
        self.batch_by_id = {b.id: b for p in self.products for b in p.batches}

    def replace_merchant(self, merchant: SimMerchant) -> None:
        """Put a changed merchant (same id) in place of the one generated: a what-if."""
        index = next(i for i, m in enumerate(self.merchants) if m.id == merchant.id)
        self.merchants[index] = merchant
        self.by_id[merchant.id] = merchant

    def products_of(self, merchant_id: str) -> list[SimProduct]:
        return self._of_merchant.get(merchant_id, [])

    def sells(self, merchant_id: str, path: str) -> bool:
        """Whether the merchant has a product of the category on sale."""
        return any(p.on_sale and p.category == path for p in self.products_of(merchant_id))

    def add_batch(self, product: SimProduct, batch: SimBatch) -> None:
        product.batches.append(batch)
        self.batch_by_id[batch.id] = batch

    def hazardous_batches(self) -> list[SimBatch]:
        return [b for b in self.batch_by_id.values() if b.hazard is not None]
