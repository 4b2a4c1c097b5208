"""The plan's lookup tables, in small integer codes, so a request costs one dict probe per id.

A ranking request names up to thousands of products, merchants and content items by string.
Each id is turned into a code with one ``dict.get`` per id (run by ``map`` in C, not a Python
loop), and everything else — the holds, which target or throttle a candidate counts towards —
is numpy indexing by code. Code 0 means "not in the plan": every table has a neutral row 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from typing import cast

import numpy as np
import numpy.typing as npt

from aftersales.exposure.slots import Slot

__all__ = ["Lookup"]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def _codes(ids: Iterable[str]) -> dict[str, int]:
    return {x: i for i, x in enumerate(sorted(set(ids)), start=1)}


def _probe(codes: dict[str, int], ids: Sequence[str | None]) -> Ints:
    # map() calls get(id, 0) from C: no Python bytecode runs per candidate.
    get = cast("Callable[[str | None, int], int]", codes.get)
    found: Ints = np.fromiter(map(get, ids, repeat(0)), dtype=np.int64, count=len(ids))
    return found


def _table(size: int, entries: Mapping[int, int]) -> Ints:
    table: Ints = np.full(size, -1, dtype=np.int64)
    for code, target in entries.items():
        table[code] = target
    return table


@dataclass(frozen=True, slots=True)
class Lookup:
    merchants: dict[str, int]
    items: dict[str, int]
    contents: dict[str, int]
    held: Bools  # by item code
    item_owner: Ints  # by item code: the code of the merchant whose pool holds it
    content_owner: Ints  # by content code: the code of the merchant who posted it
    store: Mapping[Slot, Ints]  # by merchant code: programme target, -1 for none
    pool: Mapping[Slot, Ints]  # by item code: programme target, -1 for none
    content: Mapping[Slot, Ints]  # by content code: ladder target, -1 for none
    caps: Mapping[Slot, Ints]  # by merchant code: throttle target, -1 for none
    any_held: bool

    @classmethod
    def build(
        cls,
        *,
        store: Mapping[Slot, Mapping[str, int]],
        pool: Mapping[Slot, Mapping[str, tuple[int, str]]],
        content: Mapping[Slot, Mapping[str, tuple[int, str]]],
        caps: Mapping[Slot, Mapping[str, int]],
        held: Iterable[str],
    ) -> Lookup:
        """Code every id the plan names, and index the tables by code."""
        held = frozenset(held)
        pooled = {p: owner for rows in pool.values() for p, (_, owner) in rows.items()}
        posted = {c: owner for rows in content.values() for c, (_, owner) in rows.items()}
        merchants = _codes(
            [*pooled.values(), *posted.values()]
            + [m for rows in (*store.values(), *caps.values()) for m in rows]
        )
        items, contents = _codes([*pooled, *held]), _codes(posted)
        held_mask = np.zeros(len(items) + 1, dtype=np.bool_)
        held_mask[[items[p] for p in held]] = True
        return cls(
            merchants=merchants,
            items=items,
            contents=contents,
            held=held_mask,
            item_owner=_table(len(items) + 1, {items[p]: merchants[o] for p, o in pooled.items()}),
            content_owner=_table(
                len(contents) + 1, {contents[c]: merchants[o] for c, o in posted.items()}
            ),
            store={
                s: _table(len(merchants) + 1, {merchants[m]: t for m, t in rows.items()})
                for s, rows in store.items()
            },
            pool={
                s: _table(len(items) + 1, {items[p]: t for p, (t, _) in rows.items()})
                for s, rows in pool.items()
            },
            content={
                s: _table(len(contents) + 1, {contents[c]: t for c, (t, _) in rows.items()})
                for s, rows in content.items()
            },
            caps={
                s: _table(len(merchants) + 1, {merchants[m]: t for m, t in rows.items()})
                for s, rows in caps.items()
            },
            any_held=bool(held),
        )

    def merchant_codes(self, merchants: Sequence[str]) -> Ints:
        return _probe(self.merchants, merchants)

    def item_codes(self, items: Sequence[str]) -> Ints | None:
        """Codes of the candidates' products; None when the plan names no product at all."""
        return _probe(self.items, items) if self.items else None

    def throttle_targets(self, slot: Slot, mc: Ints) -> Ints | None:
        """Each candidate's throttle on ``slot`` (-1: none); None if no merchant is throttled."""
        table = self.caps.get(slot)
        if table is None:
            return None
        found: Ints = table[mc]
        return found

    def programme_targets(self, slot: Slot, mc: Ints, ic: Ints | None) -> Ints | None:
        """Each candidate's programme target on ``slot`` (-1: none); None if the slot has none.

        A pooled product counts only under the merchant whose pool holds it.
        """
        store, pool = self.store.get(slot), self.pool.get(slot)
        if store is None and pool is None:
            return None
        found: Ints = store[mc] if store is not None else np.full(len(mc), -1, dtype=np.int64)
        if pool is not None and ic is not None:
            pooled = pool[ic]
            mine = (pooled >= 0) & (self.item_owner[ic] == mc)
            found = np.where(mine, pooled, found)
        return found

    def ladder_targets(
        self, slot: Slot, mc: Ints, contents: Sequence[str | None] | None
    ) -> Ints | None:
        """Each candidate's ladder target on ``slot`` (-1: none); None if the slot has none.

        Content counts only under the merchant who posted it, whatever the candidate claims.
        """
        table = self.content.get(slot)
        if table is None or contents is None:
            return None
        # Most candidates carry no content: only those that do are looked up (compress runs in C).
        present = list(compress(range(len(contents)), contents))
        found: Ints = np.full(len(contents), -1, dtype=np.int64)
        if present:
            cc = _probe(self.contents, [contents[i] for i in present])
            found[present] = np.where(self.content_owner[cc] == mc[present], table[cc], -1)
        return found
