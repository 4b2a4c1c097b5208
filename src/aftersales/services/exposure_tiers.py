"""Where the exposure service learns each merchant's tier, and which cycle it is in.

Tiers belong to merchant scoring (docs/scoring.md): each monthly assessment cycle stores a tier
per merchant, and a weekly check may lower it until the next cycle. The exposure service reads
them through ``tiers_in_force`` only, so scoring's storage can change without touching anything
else here. Cycles are scoring's calendar months (China Standard Time).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time

from aftersales.scoring.calendar import CST, Period
from aftersales.scoring.tiers import Tier
from aftersales.store.uow import UnitOfWork

__all__ = ["Cycle", "cycle_at", "day_start", "parse_tiers", "tiers_in_force"]

log = logging.getLogger("aftersales.exposure")


def tiers_in_force(
    uow: UnitOfWork, merchants: Iterable[str] | None = None, at: datetime | None = None
) -> dict[str, str]:
    """The tier in force at ``at`` (now) for each merchant that has one (``merchants``: only
    those), by tier name: the last monthly cycle closed by then, lowered by any weekly check
    since (``services.cycles.tiers_in_force``). A merchant without a scorecard has none."""
    # Imported here: the scoring cycle's module brings the analytics engines with it, which a
    # server process that only ranks should not load before its first refresh.
    from aftersales.services.cycles import tiers_in_force as from_scorecards

    return from_scorecards(uow, merchants, at)


def parse_tiers(names: Mapping[str, str]) -> dict[str, Tier]:
    """Tiers from their names; a name the exposure service does not know is left out, loudly."""
    tiers: dict[str, Tier] = {}
    for merchant, name in names.items():
        try:
            tiers[merchant] = Tier(name)
        except ValueError:
            log.warning("merchant %s has unknown tier %r: not_enough_data", merchant, name)
    return tiers


@dataclass(frozen=True, slots=True)
class Cycle:
    """One assessment cycle: a calendar month in China Standard Time, named ``YYYY-MM``."""

    id: str
    start: datetime
    end: datetime


def cycle_at(moment: datetime) -> Cycle:
    """The cycle ``moment`` falls in: scoring's monthly period, so a tier and the enrolments it
    admits share one calendar."""
    period = Period.of(moment)
    return Cycle(period.name, period.start, period.end)


def day_start(moment: datetime) -> datetime:
    """The start of ``moment``'s day in China Standard Time: ladder quotas run per such day."""
    return datetime.combine(moment.astimezone(CST).date(), time(), CST).astimezone(UTC)
