"""From the cycle query's Arrow results to the scorer's ``MerchantWindow`` objects.

The query counts per merchant and category; a merchant's counts are the sum over its
categories, its main category (its peer group) the one with the most order lines. Counts are
rounded to 1e-9 first: weighted sums added in a different order (another engine, another
partitioning) then give the scorer exactly the same input. The arithmetic is vectorised: a
cycle has one row per merchant and category, hundreds of thousands of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aftersales.analytics.query import COUNT_COLUMNS
from aftersales.scoring import (
    Attainment,
    ExcludedCase,
    MerchantWindow,
    Ratings,
    ServiceCounts,
    SevereBreach,
)

__all__ = ["NO_CATEGORY", "CycleResults", "build_windows"]

_DIGITS = 9
NO_CATEGORY = "uncategorised"  # a merchant with no products yet

Key = tuple[str, str]  # merchant, category


def _no_merchants() -> pa.Table:
    return pa.table(
        {"merchant_id": pa.array([], pa.string()), "category": pa.array([], pa.string())}
    )


@dataclass(frozen=True, slots=True)
class CycleResults:
    """The query's tables, as an engine returned them."""

    categories: pa.Table
    hours: pa.Table
    without: pa.Table
    appealed: pa.Table
    severe: pa.Table
    merchants: pa.Table = field(default_factory=_no_merchants)


@dataclass(frozen=True, slots=True)
class _Counts:
    """COUNT_COLUMNS of many rows, sorted by merchant and category."""

    merchants: list[str]
    categories: list[str]
    values: np.ndarray  # rows x COUNT_COLUMNS, rounded

    @classmethod
    def of(cls, table: pa.Table) -> _Counts:
        table = table.sort_by([("merchant_id", "ascending"), ("category", "ascending")])
        columns = [table.column(c).to_numpy().astype(np.float64) for c in COUNT_COLUMNS]
        values = (
            np.round(np.column_stack(columns), _DIGITS)
            if columns[0].size
            else np.zeros((0, len(COUNT_COLUMNS)))
        )
        merchants = table.column("merchant_id").to_pylist()
        return cls(merchants, table.column("category").to_pylist(), values)

    def index(self) -> dict[Key, int]:
        return {key: i for i, key in enumerate(zip(self.merchants, self.categories, strict=True))}


def _counts(row: Sequence[float], hours: tuple[float, ...]) -> ServiceCounts:
    r = dict(zip(COUNT_COLUMNS, row, strict=True))
    return ServiceCounts(
        orders=r["orders"],
        cases=r["cases"],
        first_response=Attainment(r["fr_due"], r["fr_on"]),
        proposal=Attainment(r["pr_due"], r["pr_on"]),
        resolution=Attainment(r["res_due"], r["res_on"]),
        resolution_hours=hours,
        escalations=r["escalations"],
        disputes_lost=r["disputes_lost"],
        refund_only=r["refund_only"],
        repeat_contacts=r["repeat_contacts"],
        ratings=Ratings((r["s1"], r["s2"], r["s3"], r["s4"], r["s5"])),
        safety_incidents=round(r["safety"]),
    )


def _hours(table: pa.Table, appealed_only: bool = False) -> dict[Key, tuple[float, ...]]:
    """Resolution times by merchant-category, sorted (every engine then gives the same tuple)."""
    if appealed_only:
        table = table.filter(pc.field("appealed"))
    if table.num_rows == 0:
        return {}
    table = table.sort_by(
        [("merchant_id", "ascending"), ("category", "ascending"), ("hours", "ascending")]
    )
    merchants, categories = table.column("merchant_id"), table.column("category")
    # Where a new merchant-category starts; each one's times are then one slice of the list.
    changed = pc.or_(
        pc.not_equal(merchants[1:], merchants[:-1]),
        pc.not_equal(categories[1:], categories[:-1]),
    )
    starts = [0, *(np.flatnonzero(changed.to_numpy(zero_copy_only=False)) + 1).tolist()]
    ends = [*starts[1:], table.num_rows]
    keys = zip(merchants.take(starts).to_pylist(), categories.take(starts).to_pylist(), strict=True)
    hours = table.column("hours").to_pylist()
    return {key: tuple(hours[s:e]) for key, s, e in zip(keys, starts, ends, strict=True)}


def _excluded(
    results: CycleResults, counts: _Counts, index: dict[Key, int]
) -> dict[str, list[ExcludedCase]]:
    """Each merchant's accepted appeals; what they add is carried by the first of each category
    (the cases of one line share an episode, so their parts cannot be told apart)."""
    without = _Counts.of(results.without)
    rest = without.index()
    hours = _hours(results.hours, appealed_only=True)
    data = results.appealed.to_pydict()
    rows = zip(data["merchant_id"], data["category"], data["case_id"], data["reason"], strict=True)
    found: dict[str, list[ExcludedCase]] = defaultdict(list)
    seen: set[Key] = set()
    for merchant, category, case_id, reason in sorted(rows):
        key = (merchant, category)
        contribution = ServiceCounts()
        if key not in seen:
            seen.add(key)
            whole = counts.values[index[key]]
            left = without.values[rest[key]] if key in rest else np.zeros_like(whole)
            diff = np.maximum(0.0, np.round(whole - left, _DIGITS))
            contribution = _counts(diff.tolist(), hours.get(key, ()))
        found[merchant].append(ExcludedCase(case_id, reason or "", contribution, category))
    return found


def _merchant_totals(counts: _Counts) -> tuple[list[str], np.ndarray, list[int]]:
    """Per merchant: its id, its summed counts, and the row of its main category."""
    merchants = counts.merchants
    starts = [i for i in range(len(merchants)) if i == 0 or merchants[i] != merchants[i - 1]]
    if not starts:
        return [], np.zeros((0, len(COUNT_COLUMNS))), []
    totals = np.round(np.add.reduceat(counts.values, starts, axis=0), _DIGITS)
    ends = [*starts[1:], len(merchants)]
    orders = counts.values[:, COUNT_COLUMNS.index("orders")]
    # The most order lines wins; a tie goes to the first category by name (rows are sorted).
    main = [s + int(np.argmax(orders[s:e])) for s, e in zip(starts, ends, strict=True)]
    return [merchants[s] for s in starts], totals, main


def build_windows(results: CycleResults) -> list[MerchantWindow]:
    """One window per merchant with order lines in the window, and per merchant without any."""
    counts = _Counts.of(results.categories)
    index = counts.index()
    hours = _hours(results.hours)
    excluded = _excluded(results, counts, index)
    severe = set(results.severe.column("merchant_id").to_pylist())
    merchants, totals, main = _merchant_totals(counts)
    by_merchant: dict[str, list[str]] = defaultdict(list)
    for merchant, category in zip(counts.merchants, counts.categories, strict=True):
        by_merchant[merchant].append(category)
    windows = []
    for m, merchant in enumerate(merchants):
        categories = by_merchant[merchant]
        parts = {}
        if len(categories) > 1:  # one category: the merchant's counts are its counts there
            parts = {
                c: _counts(
                    counts.values[index[(merchant, c)]].tolist(), hours.get((merchant, c), ())
                )
                for c in categories
            }
        merchant_hours = (
            hours.get((merchant, categories[0]), ())
            if len(categories) == 1  # already sorted
            else tuple(sorted(h for c in categories for h in hours.get((merchant, c), ())))
        )
        windows.append(
            MerchantWindow(
                merchant_id=merchant,
                category=counts.categories[main[m]],
                counts=_counts(totals[m].tolist(), merchant_hours),
                by_category=parts,
                severe=(SevereBreach.SAFETY_RECALL,) if merchant in severe else (),
                excluded=tuple(excluded.get(merchant, ())),
            )
        )
    return windows + _idle(results.merchants, set(merchants), severe)


def _idle(merchants: pa.Table, active: set[str], severe: set[str]) -> list[MerchantWindow]:
    """Merchants without a line in the window: no data, but a scorecard that says so."""
    data = merchants.to_pydict()
    return [
        MerchantWindow(
            merchant,
            category or NO_CATEGORY,
            ServiceCounts(),
            severe=(SevereBreach.SAFETY_RECALL,) if merchant in severe else (),
        )
        for merchant, category in sorted(zip(data["merchant_id"], data["category"], strict=True))
        if merchant not in active
    ]
