"""Counting cases and units per series and period in DuckDB, checked against the definition
written out in plain Python: one series per product and region and one per whole category and
region, for every product with a case or a sale in the periods counted."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from aftersales.store.case_counts import count_series
from aftersales.store.case_feed import Columns
from aftersales.warning import SeriesKey

FIRST_DAY = 20_000  # a Thursday: periods need not start on a Monday
CATALOGUE: Columns = {
    "product_id": np.array(["p1", "p2", "p3", "q1"], dtype=object),
    "merchant_id": np.array(["m1", "m1", "m2", "m2"], dtype=object),
    "category": np.array(["heater", "heater", "heater", "phone"], dtype=object),
}


def _rows(value: str, rows: list[tuple[int, str, str, int]]) -> Columns:
    days, products, regions, values = zip(*rows, strict=True) if rows else ((), (), (), ())
    return {
        "day": np.array(days, dtype=np.int64),
        "product_id": np.array(products, dtype=object),
        "region": np.array(regions, dtype=object),
        value: np.array(values, dtype=np.int64),
    }


def _by_definition(
    cases: Columns, sales: Columns, periods: int, lead: int, period_days: int = 7
) -> dict[SeriesKey, tuple[str | None, list[float], list[float]]]:
    """Totals per series, merchant and period, summed row by row."""
    known = dict(
        zip(
            CATALOGUE["product_id"],
            zip(CATALOGUE["category"], CATALOGUE["merchant_id"], strict=True),
            strict=True,
        )
    )
    found: dict[SeriesKey, Any] = defaultdict(
        lambda: [None, [0.0] * (lead + periods), [0.0] * (lead + periods)]
    )
    for rows, value, at in ((cases, "cases", 1), (sales, "quantity", 2)):
        for day, product, region, n in zip(
            rows["day"], rows["product_id"], rows["region"], rows[value], strict=True
        ):
            period = (int(day) - FIRST_DAY) // period_days
            if product not in known or not -lead <= period < periods:
                continue
            category, merchant = known[product]
            for key, owner in (
                (SeriesKey(category, region, product), merchant),
                (SeriesKey(category, region), None),
            ):
                found[key][0] = owner
                found[key][at][period + lead] += float(n)
    return {key: (m, c, u) for key, (m, c, u) in found.items()}


def _counted(cases: Columns, sales: Columns, periods: int, lead: int) -> dict[SeriesKey, Any]:
    totals = count_series(cases, sales, CATALOGUE, first_day=FIRST_DAY, periods=periods, lead=lead)
    assert list(totals.keys) == sorted(
        totals.keys, key=lambda k: (k.category, k.region, k.product or "")
    )
    return {
        key: (merchant, c.tolist(), u.tolist())
        for key, merchant, c, u in zip(
            totals.keys, totals.merchants, totals.cases, totals.units, strict=True
        )
    }


def test_series_and_totals_follow_the_definition_on_random_rows() -> None:
    rng = np.random.default_rng(6)
    products = np.array(
        ["p1", "p2", "p3", "q1", "gone"], dtype=object
    )  # "gone": not in the catalogue
    regions = np.array(["CN-BJ", "CN-SH", "CN-GD"], dtype=object)

    def random_rows(value: str, n: int, low: int) -> Columns:
        return _rows(
            value,
            [
                (FIRST_DAY + int(d), str(p), str(r), int(q))
                for d, p, r, q in zip(
                    rng.integers(-40, 60, n),
                    rng.choice(products, n),
                    rng.choice(regions, n),
                    rng.integers(low, 5, n),
                    strict=True,
                )
            ],
        )

    for _ in range(5):
        cases, sales = random_rows("cases", 60, 1), random_rows("quantity", 300, -1)
        assert _counted(cases, sales, periods=6, lead=3) == _by_definition(cases, sales, 6, 3)


def test_a_product_sold_but_never_complained_of_has_a_series_of_zero_cases() -> None:
    cases = _rows("cases", [(FIRST_DAY + 1, "p1", "CN-BJ", 2)])
    sales = _rows(
        "quantity", [(FIRST_DAY + 8, "p2", "CN-BJ", 5), (FIRST_DAY - 1, "p3", "CN-BJ", 4)]
    )

    found = _counted(cases, sales, periods=2, lead=1)

    assert found == {
        SeriesKey("heater", "CN-BJ"): (None, [0.0, 2.0, 0.0], [4.0, 0.0, 5.0]),
        SeriesKey("heater", "CN-BJ", "p1"): ("m1", [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]),
        SeriesKey("heater", "CN-BJ", "p2"): ("m1", [0.0, 0.0, 0.0], [0.0, 0.0, 5.0]),
        SeriesKey("heater", "CN-BJ", "p3"): ("m2", [0.0, 0.0, 0.0], [4.0, 0.0, 0.0]),
    }


def test_nothing_in_the_periods_counted_gives_no_series() -> None:
    sales = _rows("quantity", [(FIRST_DAY + 70, "p1", "CN-BJ", 5)])

    totals = count_series(_rows("cases", []), sales, CATALOGUE, first_day=FIRST_DAY, periods=2)

    assert totals.keys == () and totals.cases.shape == (0, 2)
