"""This process's exposure service: the in-memory ``Exposure`` and its share of the counts.

Every server process ranks with its own ``Exposure`` (``serve --workers N`` runs N of them), so
pacing must see the impressions, merit and reach the others counted. Each process keeps, per
target, the totals it last read from the database (the *baseline*); a sync adds what it counted
since (its local count minus the baseline) to the shared counters with one
``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``, reads every live total back, and
shifts its local counts by the difference. Counts made while a sync runs are kept, because the
shift adds rather than sets. Between syncs a process does not see the others' latest counts:
pacing then lags by at most one sync interval of traffic (docs/decisions/0018).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from aftersales.exposure import (
    Exposure,
    ExposureConfig,
    ExposureEvent,
    Impression,
    RankRequest,
    RankResult,
    ServingInputs,
    Slot,
)
from aftersales.store.exposure import CountDelta, Counts
from aftersales.store.uow import UnitOfWork

__all__ = ["ExposureHub"]

_ZERO: Counts = (0, 0, 0)


def _minus(a: Counts, b: Counts) -> Counts:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


class ExposureHub:
    """One per process: the plan it serves, and the counts it has not shared yet."""

    def __init__(self, config: ExposureConfig | None = None) -> None:
        self.exposure = Exposure(config)
        self._lock = threading.RLock()  # refreshes and syncs take turns; ranking never waits
        self._baseline: dict[str, Counts] = {}
        self._holds: tuple[int, int] | None = None
        self.refreshed_at: datetime | None = None

    @property
    def config(self) -> ExposureConfig:
        return self.exposure.config

    @property
    def ready(self) -> bool:
        return self.refreshed_at is not None

    def adopt(self, inputs: ServingInputs, holds: tuple[int, int], *, at: datetime) -> None:
        """Serve the plan built from ``inputs``; counts carry over for unchanged targets."""
        with self._lock:
            old = {}
            if self.ready:
                old = {t.key: (t.start, t.end) for t in self.exposure.pacer.targets}
            self.exposure.refresh(inputs, at=at)  # its events are recorded by exposure_refresh
            # A target the new pacer started from zero has shared nothing from this process yet.
            self._baseline = {
                t.key: self._baseline.get(t.key, _ZERO)
                for t in self.exposure.pacer.targets
                if old.get(t.key) == (t.start, t.end)
            }
            self._holds, self.refreshed_at = holds, at

    def sync(self, uow: Callable[..., UnitOfWork], now: datetime) -> bool:
        """Share this process's counts and take in everyone's; True if the holds changed since
        the plan was built (the caller then refreshes it)."""
        with self._lock:
            pacer = self.exposure.pacer
            snap = pacer.snapshot()
            periods = {t.key: (t.start, t.end) for t in pacer.targets}
            own = [
                CountDelta(key, *periods[key], _minus(counts, self._baseline.get(key, _ZERO)))
                for key, counts in snap.items()
                if counts != self._baseline.get(key, _ZERO)
            ]
            with uow(read_only=not own) as work:
                work.exposure.add_counts(own, now)
                totals = work.exposure.live_counts(now)
                holds = work.exposure.holds_fingerprint()
                work.commit()
            shift: dict[str, Counts] = {}
            for key, counts in snap.items():
                total = totals.get((key, periods[key][0]))
                if total is None:  # ended, or never counted anywhere: what we shared is ours
                    self._baseline[key] = counts
                    continue
                shift[key] = _minus(total, counts)
                self._baseline[key] = total
            pacer.add_counts(shift)
            return holds != self._holds

    def rank(self, request: RankRequest, now: datetime) -> RankResult:
        return self.exposure.rank(request, now=now)

    def record(self, slot: str | Slot, shown: Sequence[Impression], now: datetime) -> int:
        return self.exposure.record(slot, shown, now=now)

    def review(self, now: datetime) -> tuple[ExposureEvent, ...]:
        return self.exposure.review(now)
