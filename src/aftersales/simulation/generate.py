"""Build a world from a seed: merchants, stores, products with batches, consumers.

Every draw comes from the generator passed in, in a fixed order, so one seed gives one world.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from aftersales.domain.categories import CATEGORIES
from aftersales.simulation.catalogue import PROFILES, CategoryProfile
from aftersales.simulation.hazards import HAZARDS, HazardKind, hazard_for
from aftersales.simulation.regions import REGIONS
from aftersales.simulation.world import (
    Conduct,
    SimBatch,
    SimConsumer,
    SimMerchant,
    SimProduct,
    SimStore,
    World,
)

__all__ = ["CATEGORY_SHARE", "WorldSize", "generate_world", "new_batch"]

T = TypeVar("T")

# Share of the marketplace's orders each category draws on an ordinary day.
CATEGORY_SHARE: dict[str, float] = {
    "digital/phone": 0.08,
    "digital/computer": 0.05,
    "digital/accessory": 0.08,
    "appliance/heater": 0.05,
    "appliance/kitchen": 0.06,
    "apparel/knitwear": 0.07,
    "apparel/outerwear": 0.08,
    "apparel/shoes": 0.09,
    "apparel/underwear": 0.06,
    "home/furniture": 0.04,
    "home/textile": 0.06,
    "food/fresh": 0.08,
    "food/packaged": 0.09,
    "personal_care": 0.08,
}
_CONDUCT_MIX = ((Conduct.RESPONSIVE, 0.5), (Conduct.SLOW, 0.3), (Conduct.OBSTRUCTIVE, 0.2))
_SUFFIX = (("旗舰店", "Flagship"), ("专营店", "Outlet"), ("优选", "Select"), ("小店", "Shop"))
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
_HAZARD_CHANCE = 0.02  # chance a product's first batch is hazardous (if its category can be)
_BAD_BATCH = 0.08  # chance a batch has three times the usual defects


@dataclass(frozen=True, slots=True)
class WorldSize:
    merchants: int
    consumers: int
    days: int  # how long the run lasts: merchants that change, change within it


def generate_world(size: WorldSize, rng: np.random.Generator) -> World:
    """A world of the given size; the same generator state gives the same world."""
    conducts = _conducts(size.merchants, rng)
    merchants = [_merchant(i, conducts[i], size, rng) for i in range(size.merchants)]
    products = [p for m in merchants for p in _products(m, rng)]
    _plant_scenarios(merchants, products)
    consumers = [_consumer(i, rng) for i in range(size.consumers)]
    return World(merchants, products, consumers)


def _conducts(n: int, rng: np.random.Generator) -> list[Conduct]:
    """Conducts in the mix's proportions exactly (a small world still has every kind), shuffled."""
    counts = [int(n * share + 0.5) for _, share in _CONDUCT_MIX[:-1]]
    counts.append(max(0, n - sum(counts)))
    found = [c for (c, _), k in zip(_CONDUCT_MIX, counts, strict=True) for _ in range(k)][:n]
    return [found[i] for i in rng.permutation(n)]


def _merchant(
    index: int, conduct: Conduct, size: WorldSize, rng: np.random.Generator
) -> SimMerchant:
    paths = list(CATEGORY_SHARE)
    # The first merchants cover every category once; the rest follow the categories' shares.
    main = paths[index] if index < len(paths) else _pick(rng, paths, CATEGORY_SHARE)
    profile = PROFILES[main]
    brand = str(rng.choice(profile.brands))
    suffix_zh, suffix_en = _SUFFIX[int(rng.integers(len(_SUFFIX)))]
    category = CATEGORIES[main]
    mid = f"m-{index + 1:04d}"
    home = _region(rng)
    categories = (main, *_second_category(main, rng))
    later, turn = _change(conduct, size.days, rng)
    return SimMerchant(
        id=mid,
        zh=f"{brand}{category.zh}{suffix_zh}",
        en=f"{brand} {category.en} {suffix_en}",
        region=home,
        categories=categories,
        conduct=conduct,
        defect_rate=float(rng.lognormal(0.0, 0.35)) * _defects(conduct),
        listing_accuracy=float(np.clip(rng.beta(8, 1.5) - _fudge(conduct), 0.3, 0.99)),
        size=float(rng.lognormal(0.0, 0.8)),
        stores=_stores(mid, brand, home, rng),
        later=later,
        turn_day=turn,
    )


def _defects(conduct: Conduct) -> float:
    # Careless after-sales and careless quality control tend to go together.
    return {Conduct.RESPONSIVE: 0.85, Conduct.SLOW: 1.0, Conduct.OBSTRUCTIVE: 1.4}[conduct]


def _fudge(conduct: Conduct) -> float:
    return 0.12 if conduct is Conduct.OBSTRUCTIVE else 0.0


def _second_category(main: str, rng: np.random.Generator) -> tuple[str, ...]:
    """A third of merchants also sell a sibling category (knitwear and outerwear, …)."""
    root = main.split("/")[0]
    siblings = [p for p in CATEGORY_SHARE if p.split("/")[0] == root and p != main]
    if not siblings or rng.random() > 1 / 3:
        return ()
    return (str(rng.choice(siblings)),)


def _change(
    conduct: Conduct, days: int, rng: np.random.Generator
) -> tuple[Conduct | None, int | None]:
    """One merchant in six changes its ways part-way through the run."""
    if rng.random() > 1 / 6 or days < 3:
        return None, None
    later = {
        Conduct.RESPONSIVE: Conduct.OBSTRUCTIVE,
        Conduct.SLOW: Conduct.RESPONSIVE,
        Conduct.OBSTRUCTIVE: Conduct.RESPONSIVE,
    }[conduct]
    return later, int(rng.integers(days // 3, max(days // 3 + 1, 2 * days // 3)))


def _stores(mid: str, brand: str, home: str, rng: np.random.Generator) -> tuple[SimStore, ...]:
    online = SimStore(f"{mid}-online", "online", home, f"{brand} 官方店")
    count = int(rng.choice([0, 0, 1, 2], p=[0.4, 0.3, 0.2, 0.1]))
    regions = sorted({_region(rng) for _ in range(count)})
    offline = tuple(
        SimStore(f"{mid}-s{n + 1}", "offline", r, f"{brand} 线下门店 {n + 1}")
        for n, r in enumerate(regions)
    )
    return (online, *offline)


def _products(merchant: SimMerchant, rng: np.random.Generator) -> list[SimProduct]:
    count = int(rng.integers(2, 7))
    return [
        _product(merchant, merchant.categories[i % len(merchant.categories)], i, rng)
        for i in range(count)
    ]


def _product(m: SimMerchant, path: str, i: int, rng: np.random.Generator) -> SimProduct:
    profile = PROFILES[path]
    noun_zh, noun_en = profile.items[int(rng.integers(len(profile.items)))]
    # The shop's own brand where it makes this category, else one of the category's brands.
    brand = next((b for b in profile.brands if m.en.startswith(b)), str(rng.choice(profile.brands)))
    model = f"{brand[:1]}{int(rng.integers(1, 9))}{'' if rng.random() < 0.6 else ' Pro'}"
    pid = f"p-{m.id[2:]}-{i + 1:02d}"
    product = SimProduct(
        id=pid,
        merchant_id=m.id,
        category=path,
        zh=f"{brand} {model} {noun_zh}",
        en=f"{brand} {model} {noun_en}",
        noun_zh=noun_zh,
        noun_en=noun_en,
        brand=brand,
        model=model,
        price=_price(profile, rng),
        attributes=_attributes(profile, m, rng),
    )
    product.batches.append(_first_batch(product, m, rng))
    return product


def _price(profile: CategoryProfile, rng: np.random.Generator) -> int:
    low, high = profile.price
    yuan = float(np.exp(rng.uniform(np.log(low), np.log(high))))
    return max(1, round(yuan)) * 100 - 1  # prices end in .99, like shops'


def _attributes(
    profile: CategoryProfile, m: SimMerchant, rng: np.random.Generator
) -> dict[str, object]:
    attributes: dict[str, object] = dict(profile.attributes)
    if "care_label" in attributes and m.listing_accuracy < 0.7 and rng.random() < 0.5:
        del attributes["care_label"]  # a careless shop leaves the care label out
    return attributes


def _first_batch(product: SimProduct, m: SimMerchant, rng: np.random.Generator) -> SimBatch:
    hazard = hazard_for(product.category)
    carries = hazard is not None and rng.random() < _HAZARD_CHANCE * m.defect_rate
    return new_batch(
        product,
        1,
        produced_day=-int(rng.integers(10, 60)),
        hazard=hazard.kind if carries and hazard else None,
        defect_multiplier=3.0 if rng.random() < _BAD_BATCH else 1.0,
    )


def new_batch(
    product: SimProduct,
    number: int,
    *,
    produced_day: int,
    hazard: HazardKind | None = None,
    defect_multiplier: float = 1.0,
) -> SimBatch:
    """Batch ``number`` of the product; its code reads like a factory's lot number."""
    return SimBatch(
        id=f"b-{product.id[2:]}-{number}",
        product_id=product.id,
        code=f"L{number:02d}-{product.id[2:]}",
        produced_day=produced_day,
        hazard=hazard,
        defect_multiplier=defect_multiplier,
    )


def _plant_scenarios(merchants: list[SimMerchant], products: list[SimProduct]) -> None:
    """A product of each hazard's category sells a hazardous batch, whatever the draw: every run
    has a heater batch that fails in northern winters, a fresh-food batch that spoils in southern
    summers and a power bank batch that swells in the heat. It is the category's biggest
    seller's first product, so that even a small world sells enough units for it to show."""
    size = {m.id: m.size for m in merchants}
    for hazard in HAZARDS.values():
        sold = [p for p in products if p.category == hazard.category]
        first = max(sold, key=lambda p: size[p.merchant_id], default=None)
        if first is not None:
            b = first.batches[-1]
            first.batches[-1] = SimBatch(b.id, b.product_id, b.code, b.produced_day, hazard.kind)


def _consumer(index: int, rng: np.random.Generator) -> SimConsumer:
    region = _region(rng)
    surname = _SURNAMES[int(rng.integers(len(_SURNAMES)))]
    given = "".join(_GIVEN[int(k)] for k in rng.integers(len(_GIVEN), size=int(rng.integers(1, 3))))
    return SimConsumer(
        id=f"u-{index + 1:06d}",
        name=f"{surname}{given}",
        region=region,
        language="en" if rng.random() < 0.15 else "zh",
        patience=float(rng.beta(4, 2)),
        generosity=float(rng.normal(0.0, 0.4)),
        rates=float(rng.beta(6, 3)),
    )


_REGION_CODES = [r.code for r in REGIONS]
_REGION_P = np.array([r.weight for r in REGIONS]) / sum(r.weight for r in REGIONS)


def _region(rng: np.random.Generator) -> str:
    return _REGION_CODES[int(rng.choice(len(_REGION_CODES), p=_REGION_P))]


def _pick(rng: np.random.Generator, options: list[T], weights: Mapping[T, float]) -> T:
    p = np.array([weights[o] for o in options], dtype=float)
    return options[int(rng.choice(len(options), p=p / p.sum()))]
