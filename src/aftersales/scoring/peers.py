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

from aftersales.domain.categories import ancestors

__all__ = ["ANY", "PeerGroup", "VolumeBands", "assign_groups", "pool_members"]

ANY = "*"


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

    def label(self, orders: float) -> str:
        low = 0.0
        for edge in self.edges:
            if orders < edge:
                return f"{low:g}-{edge:g}"
            low = edge
        return f"{low:g}+"


def _ladder(category: str, band: str) -> list[PeerGroup]:
    chain = ancestors(category)
    return (
        [PeerGroup(c, band) for c in chain]
        + [PeerGroup(c, ANY) for c in chain]
        + [PeerGroup(ANY, band), PeerGroup(ANY, ANY)]
    )


def assign_groups(
    categories: Sequence[str], bands: Sequence[str], eligible: Sequence[bool], min_peers: int
) -> list[PeerGroup]:
    """Each unit's peer group: the first rung of its ladder with ``min_peers`` eligible members.

    Only eligible units (those with enough data to be scored) count towards a group's size; the
    others still get a group, so that their figures can be shown against their peers.
    """
    sizes: Counter[PeerGroup] = Counter()
    for category, band, ok in zip(categories, bands, eligible, strict=True):
        if ok:
            sizes.update(_ladder(category, band))
    groups = []
    for category, band in zip(categories, bands, strict=True):
        rungs = _ladder(category, band)
        groups.append(next((g for g in rungs if sizes[g] >= min_peers), rungs[-1]))
    return groups


def pool_members(
    wanted: set[PeerGroup],
    categories: Sequence[str],
    bands: Sequence[str],
    eligible: Sequence[bool],
) -> dict[PeerGroup, list[int]]:
    """For each wanted group, the indices of the eligible units it holds."""
    pools: dict[PeerGroup, list[int]] = {g: [] for g in wanted}
    for i, (category, band, ok) in enumerate(zip(categories, bands, eligible, strict=True)):
        if ok:
            for group in _ladder(category, band):
                if group in pools:
                    pools[group].append(i)
    return pools
