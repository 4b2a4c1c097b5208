"""The exposure service in one object: refresh the plan, rank, count impressions, report pacing.

The integrator keeps one ``Exposure`` per process. The scheduler calls ``refresh`` (every few
minutes, and at once after a cycle, a weekly check, a ladder run or a change of holds), the
``/exposure/rank`` route calls ``rank``, ``/exposure/impressions`` calls ``record``, and a
periodic job calls ``review`` and stores its events. ``pacer.snapshot()`` and ``restore`` carry
the counts across restarts.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from aftersales.errors import Conflict, Text, ValidationFailed
from aftersales.exposure.candidates import RankRequest
from aftersales.exposure.events import ExposureEvent
from aftersales.exposure.pacing import Pacer, TargetStatus
from aftersales.exposure.parameters import ExposureConfig
from aftersales.exposure.plan import MerchantStatus, ServingInputs, ServingPlan, build_plan
from aftersales.exposure.ranking import RankResult, rerank
from aftersales.exposure.slots import Slot, parse_slot

__all__ = ["Exposure", "Impression"]


@dataclass(frozen=True, slots=True)
class Impression:
    """One product (or content card) the marketplace actually showed."""

    item_id: str
    merchant_id: str
    content_id: str | None = None


class Exposure:
    """The serving plan and its pacer, swapped together at each refresh.

    Ranking reads one (plan, pacer) pair, so a request in flight during a refresh finishes on
    the old pair; impressions and refreshes take a lock, so no count is lost between them.
    """

    def __init__(self, config: ExposureConfig | None = None) -> None:
        self.config = config or ExposureConfig()
        self._lock = threading.Lock()
        self._serving: tuple[ServingPlan, Pacer] | None = None

    @property
    def plan(self) -> ServingPlan:
        return self._current()[0]

    @property
    def pacer(self) -> Pacer:
        return self._current()[1]

    def _current(self) -> tuple[ServingPlan, Pacer]:
        serving = self._serving
        if serving is None:
            # Ranking without a plan would show held products: refuse instead.
            raise Conflict(
                Text(
                    "the exposure service has no serving plan yet; refresh it first",
                    "曝光服务尚无投放计划，请先刷新",
                )
            )
        return serving

    def refresh(self, inputs: ServingInputs, *, at: datetime) -> tuple[ExposureEvent, ...]:
        """Build the next plan from ``inputs`` and serve it; returns the events to store."""
        with self._lock:
            previous = self._serving
            plan, events = build_plan(
                inputs, at=at, config=self.config, previous=previous[0] if previous else None
            )
            if previous is None:
                c = self.config
                pacer = Pacer(
                    band=c.pacing_band, min_band=c.min_pacing_band, finish=c.pacing_finish
                )
                pacer = pacer.carried_to(plan.targets)
            else:
                pacer = previous[1].carried_to(plan.targets)
            self._serving = (plan, pacer)
        return events

    def rank(self, request: RankRequest, *, now: datetime) -> RankResult:
        """The top k of a request, re-ranked with holds, penalties, boosts and pacing."""
        plan, pacer = self._current()
        return rerank(plan, pacer, request, now=now.timestamp(), config=self.config)

    def record(self, slot: str | Slot, shown: Sequence[Impression], *, now: datetime) -> int:
        """Count what was shown towards targets and throttles; returns how many counted."""
        where = parse_slot(slot)
        if len(shown) > self.config.max_candidates:
            most = self.config.max_candidates
            raise ValidationFailed(
                Text(
                    f"at most {most:,} impressions per call, got {len(shown):,}",
                    f"每次最多上报 {most:,} 条曝光，本次为 {len(shown):,} 条",
                )
            )
        with self._lock:
            plan, pacer = self._current()
            # A held product should never have been shown; it earns nothing if it was.
            shown = [s for s in shown if s.item_id not in plan.held]
            lookup = plan.lookup
            mc = lookup.merchant_codes([s.merchant_id for s in shown])
            ic = lookup.item_codes([s.item_id for s in shown])
            found = [
                t[t >= 0]
                for t in (
                    lookup.programme_targets(where, mc, ic),
                    lookup.ladder_targets(where, mc, [s.content_id for s in shown]),
                    lookup.throttle_targets(where, mc),
                )
                if t is not None
            ]
            hits = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
            pacer.deliver(hits, now.timestamp())
            return len(hits)

    def pacing(self, now: datetime) -> tuple[TargetStatus, ...]:
        """Every target's delivery against its schedule, and whether it can be met."""
        return self._current()[1].status(now)

    def review(self, now: datetime) -> tuple[ExposureEvent, ...]:
        """Events for targets newly met or found infeasible."""
        return self._current()[1].review(now)

    def status(self, merchant_id: str) -> MerchantStatus:
        """A merchant's programme status, boost and penalty, with the reason."""
        return self._current()[0].status(merchant_id, self.config)
