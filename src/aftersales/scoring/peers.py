"""Peer groups: whom a merchant is compared with.

A merchant is compared with merchants of its category and volume band, because base rates differ
by category (a phone is returned more often than a pair of socks) and a shop's volume changes how
much luck is in its figures. A group with fewer than ``min_peers`` merchants that can be scored
is too small to say what is normal, so the merchant climbs a ladder until a group is big enough:

1. its category in its band, then each parent category in its band;
2. its category across all bands, then each parent across all bands (category matters more
   than volume for base rates, so bands are dropped before the category is);
3. the whole marketplace in its band, then the whole marketplace.

A group formed at a category holds every merchant of that category and of its subcategories.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aftersales.domain.categories import ancestors

__all__ = ["ANY", "PeerGroup", "PeerGroups", "VolumeBands", "peer_groups"]

ANY = "*"

Index = NDArray[np.intp]


@dataclass(frozen=True, slots=True, order=True)
class PeerGroup:
    """A category (or ``*``) and a volume band (or ``*``)."""

    category: str
    band: str

    @property
    def label(self) -> str:
        return f"{self.category} · {self.band}"


@dataclass(frozen=True, slots=True)
class VolumeBands:
    """Bands of orders per window, cut at ``edges``: (100, 1000) gives <100, 100-999, 1000+."""

    edges: tuple[float, ...]

    def labels(self) -> list[str]:
        """Every band's label, lowest first."""
        lows = (0.0, *self.edges)
        return [f"{low:g}-{edge:g}" for low, edge in zip(lows, self.edges, strict=False)] + [
            f"{lows[-1]:g}+"
        ]

    def index(self, orders: NDArray[np.float64]) -> Index:
        """Each volume's band, as a position in ``labels()``."""
        edges = np.asarray(self.edges, dtype=np.float64)
        return np.searchsorted(edges, orders, side="right").astype(np.intp)


def _ladder(category: str, band: str) -> list[PeerGroup]:
    chain = ancestors(category)
    return (
        [PeerGroup(c, band) for c in chain]
        + [PeerGroup(c, ANY) for c in chain]
        + [PeerGroup(ANY, band), PeerGroup(ANY, ANY)]
    )


@dataclass(frozen=True, slots=True)
class PeerGroups:
    """Every unit's peer group, and the eligible units each group is judged by."""

    of_unit: list[PeerGroup]
    members: dict[PeerGroup, Index]  # the units placed in the group, in ascending order
    pools: dict[PeerGroup, Index]  # the eligible units the group holds (its category's tree)


def peer_groups(
    categories: Sequence[str],
    orders: NDArray[np.float64],
    eligible: NDArray[np.bool_],
    bands: VolumeBands,
    min_peers: int,
) -> PeerGroups:
    """Each unit's peer group: the first rung of its ladder with ``min_peers`` eligible members.

    Only eligible units (those with enough data to be scored) count towards a group's size and
    sit in its pool; the others still get a group, so that their figures can be shown against
    their peers. Units sharing a category and a band share a ladder, so the ladders are walked
    once per (category, band) pair rather than once per merchant.
    """
    names, category_code = np.unique(np.asarray(categories, dtype=str), return_inverse=True)
    labels = bands.labels()
    pair_code = category_code.reshape(-1) * len(labels) + bands.index(orders)
    pairs, unit_pair = np.unique(pair_code, return_inverse=True)
    unit_pair = unit_pair.reshape(-1)
    ladders = [_ladder(str(names[p // len(labels)]), labels[p % len(labels)]) for p in pairs]
    scorable = np.bincount(unit_pair, weights=eligible, minlength=pairs.size)
    sizes: Counter[PeerGroup] = Counter()
    for ladder, count in zip(ladders, scorable.tolist(), strict=True):
        for rung in ladder:
            sizes[rung] += int(count)
    chosen = [next((g for g in ladder if sizes[g] >= min_peers), ladder[-1]) for ladder in ladders]
    members = {
        group: np.flatnonzero(np.isin(unit_pair, [p for p, g in enumerate(chosen) if g == group]))
        for group in sorted(set(chosen))
    }
    pools = {
        group: np.flatnonzero(
            eligible
            & np.isin(unit_pair, [p for p, ladder in enumerate(ladders) if group in ladder])
        )
        for group in members
    }
    return PeerGroups([chosen[p] for p in unit_pair.tolist()], members, pools)
