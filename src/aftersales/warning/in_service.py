"""From weekly totals of cases and units sold to the detector's input, with units in service.

A unit gives rise to a case while its buyer still has it and its after-sales windows are open,
and most cases come soon after delivery (returns and exchanges: 15 days). The exposure of a
week is therefore the units sold over the ``service_weeks`` weeks up to it (4 by default in
``warn run``, decision 0014): the counts are weighed by it, so that a product selling twice as
much is not an outbreak for having twice the cases. A longer span (52: the repair window) would
count as "in service" units that rarely come back, and a product whose sales hold steady would
look as if its rate were falling all year.

Where no unit is known to be in service in the evaluated week (a product sold long ago that
still draws safety reports), the series is judged on its counts alone rather than not at all:
the exposure is known only "where known", and silence would be the worst answer to an old
product that starts to burn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from aftersales.warning.series import SeriesKey, WeeklyCounts

__all__ = ["InService", "weekly_counts"]

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class InService:
    """The detector's input, and which series it could weigh by units in service."""

    data: WeeklyCounts
    weighed: NDArray[np.bool_]  # False: judged on counts alone (or no sale known at all)


def weekly_counts(
    keys: Sequence[SeriesKey],
    first_week: date,
    cases: Floats,
    units: Floats,
    *,
    lead: int,
    service_weeks: int,
) -> InService:
    """Build ``WeeklyCounts`` from totals whose first ``lead`` columns precede ``first_week``.

    A series begins with its first case or first unit in service; weeks before that are
    missing (NaN), not zero. Units sold before the lead columns are unknown, so a lead of
    ``service_weeks - 1`` makes the first week's exposure whole. ``service_weeks`` 0 switches
    exposure off.
    """
    cases = np.asarray(cases, dtype=np.float64)
    own = cases[:, lead:]
    n, weeks = own.shape
    if service_weeks <= 0:
        start = _start(own > 0)
        return InService(WeeklyCounts(keys, first_week, _from(own, start)), np.zeros(n, bool))
    in_service = _rolling_sum(np.asarray(units, dtype=np.float64), service_weeks)[:, lead:]
    start = _start((own > 0) | (in_service != 0))
    exposure = _from(np.where(in_service != 0, in_service, np.nan), start)
    weighed = np.isfinite(exposure[:, -1]) if weeks else np.zeros(n, bool)
    alone = np.where(np.arange(weeks)[None, :] >= start[:, None], 1.0, np.nan)
    exposure = np.where(weighed[:, None], exposure, alone)
    return InService(WeeklyCounts(keys, first_week, _from(own, start), exposure), weighed)


def _rolling_sum(x: Floats, width: int) -> Floats:
    """Sum of each column and the ``width - 1`` before it (fewer at the start)."""
    total = np.cumsum(np.pad(x, ((0, 0), (1, 0))), axis=1)
    back = np.maximum(np.arange(1, x.shape[1] + 1) - width, 0)
    return np.asarray(total[:, 1:] - total[:, back], dtype=np.float64)


def _start(active: NDArray[np.bool_]) -> NDArray[np.intp]:
    """First active column of each row; the row length when never active."""
    first = np.where(active.any(axis=1), active.argmax(axis=1), active.shape[1])
    return np.asarray(first, dtype=np.intp)


def _from(values: Floats, start: NDArray[np.intp]) -> Floats:
    """The values from each row's start on; NaN before it."""
    before = np.arange(values.shape[1])[None, :] < start[:, None]
    return np.where(before, np.nan, values)
