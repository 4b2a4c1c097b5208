"""Regional and seasonal product problems: what a defective batch does, where and when.

A hazard belongs to a batch. Each unit of the batch sold may fail on any day it is in use, with
a daily chance of the hazard's rate times its intensity in the buyer's province that day: a
heater with weak wiring overheats when it runs for hours in a northern winter (one sold in
September fails in December), a cold chain that holds in spring lets fresh food spoil in a
southern summer, a battery cell swells in the heat.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import numpy as np
from numpy.typing import NDArray

from aftersales.simulation.regions import Region, temperature

__all__ = ["HAZARDS", "Hazard", "HazardKind", "hazard_for"]


class HazardKind(StrEnum):
    HEATER_COLD = "heater_cold"
    SPOILAGE_HEAT = "spoilage_heat"
    BATTERY_HEAT = "battery_heat"


@dataclass(frozen=True, slots=True)
class Hazard:
    kind: HazardKind
    category: str  # the category whose batches can carry it
    rate: float  # chance a unit in use fails on one day of intensity 1
    issues: Mapping[str, float]  # what the buyers report, by issue type
    horizon_days: int  # how long after delivery a unit is in use (and can still fail)
    zh: str
    en: str

    def intensity(self, region: Region, day: date) -> float:
        """How hard the conditions of the province on that day push the batch to fail."""
        t = temperature(region, day)
        if self.kind is HazardKind.HEATER_COLD:
            # Heaters run longest where it is coldest; the north heats rooms for months.
            return max(0.0, 10.0 - t) / (15.0 if region.north else 30.0)
        if self.kind is HazardKind.SPOILAGE_HEAT:
            return max(0.0, t - 24.0) / (5.0 if not region.north else 12.0)
        return max(0.0, t - 22.0) / 7.0

    def failure_after(
        self, region: Region, delivered: date, units: int, rng: np.random.Generator
    ) -> int | None:
        """Days from delivery to the first failure of any of ``units``, or None if none fails
        within the horizon: the first day the accumulated hazard passes an exponential draw."""
        daily = self.rate * units * _intensities(self, region, delivered, self.horizon_days)
        reached = np.searchsorted(np.cumsum(daily), rng.exponential())
        return int(reached) if reached < self.horizon_days else None


HAZARDS: dict[HazardKind, Hazard] = {
    h.kind: h
    for h in (
        Hazard(
            HazardKind.HEATER_COLD,
            "appliance/heater",
            # A batch bad enough to recall, and to show within weeks in a small marketplace:
            # about 8% of the units delivered in a Beijing December fail within the month (3% at
            # the 0.0015 of before, which in a 16-shop month gave the safety team a cluster in
            # only half the seeds tried), about two thirds of those sold to Harbin in September
            # by spring.
            0.004,
            {"electrical_hazard": 0.4, "fire_overheat": 0.4, "malfunction": 0.2},
            240,
            "取暖器线路过热（北方冬季长时间使用）",
            "heater wiring overheats (long use in northern winters)",
        ),
        Hazard(
            HazardKind.SPOILAGE_HEAT,
            "food/fresh",
            0.05,
            {"food_spoilage": 0.8, "not_as_described": 0.2},
            2,
            "冷链失效，生鲜变质（南方夏季）",
            "cold chain fails and fresh food spoils (southern summers)",
        ),
        Hazard(
            HazardKind.BATTERY_HEAT,
            "digital/accessory",
            0.001,
            {"fire_overheat": 0.7, "malfunction": 0.3},
            180,
            "电芯受热鼓包（高温天气）",
            "battery cells swell in the heat",
        ),
    )
}


def hazard_for(category: str) -> Hazard | None:
    """The hazard a defective batch of this category carries, if the category has one."""
    return next((h for h in HAZARDS.values() if h.category == category), None)


@cache
def _year(kind: HazardKind, region: Region, year: int) -> NDArray[np.float64]:
    """The hazard's intensity in the province on every day of a year and the next."""
    first = date(year, 1, 1)
    hazard = HAZARDS[kind]
    return np.array([hazard.intensity(region, first + timedelta(days=d)) for d in range(731)])


def _intensities(hazard: Hazard, region: Region, start: date, days: int) -> NDArray[np.float64]:
    """Intensity on each of ``days`` days from ``start`` (at most a year)."""
    offset = start.timetuple().tm_yday - 1
    return _year(hazard.kind, region, start.year)[offset : offset + days]
