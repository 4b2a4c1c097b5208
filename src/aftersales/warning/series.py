"""The input of detection: many weekly count series on one calendar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

__all__ = ["SeriesKey", "WeeklyCounts", "last_complete_week"]


@dataclass(frozen=True, order=True)
class SeriesKey:
    """What a series counts: cases of a category (or one product of it) in a region."""

    category: str
    region: str
    product: str | None = None  # None: the whole category

    @property
    def label(self) -> str:
        """Product (or category) and region, for people."""
        return f"{self.product or self.category} @ {self.region}"


@dataclass(frozen=True)
class WeeklyCounts:
    """Case counts of many series, one row each, one column per week from ``first_week`` on.

    ``counts`` holds NaN for a week without a count (before launch, a gap in the feed).
    ``exposure`` (units sold or in service), when given, has the same shape; its NaN means
    unknown. Both are converted to float64 arrays.
    """

    keys: Sequence[SeriesKey]
    first_week: date
    counts: NDArray[np.float64]
    exposure: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        counts = np.atleast_2d(np.asarray(self.counts, dtype=np.float64))
        object.__setattr__(self, "counts", counts)
        if counts.shape[0] != len(self.keys):
            raise ValueError(f"{len(self.keys)} keys for {counts.shape[0]} rows of counts")
        if self.exposure is not None:
            exposure = np.atleast_2d(np.asarray(self.exposure, dtype=np.float64))
            if exposure.shape != counts.shape:
                raise ValueError("exposure must have the shape of counts")
            object.__setattr__(self, "exposure", exposure)

    @property
    def weeks(self) -> int:
        """Number of week columns."""
        return int(self.counts.shape[1])

    def week_index(self, day: date) -> int:
        """Column of the week that contains ``day`` (may be out of range)."""
        return (day - self.first_week).days // 7

    def week_start(self, index: int) -> date:
        """First day of week column ``index``."""
        return self.first_week + timedelta(weeks=index)


def last_complete_week(first_week: date, today: date) -> date:
    """First day of the last week (on the calendar starting at ``first_week``) ended by today."""
    index = (today - first_week).days // 7 - 1
    return first_week + timedelta(weeks=index)
