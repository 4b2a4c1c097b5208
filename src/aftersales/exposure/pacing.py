"""Pacing: deliver each promise evenly over its period, never past it, and say when it cannot.

Each target has a schedule — what it should have received by now:

- relative (programme): ``expected = weight x merit impressions so far``, even in traffic;
- absolute (ladder quota): ``expected = min(goal x share / finish, goal - m - sqrt(m))``,
  where ``share`` is the elapsed share of the period, ``finish`` (0.9) the share by which the
  goal should be in, and ``m`` the merit impressions still to come, projected from the merit
  rate so far. Even in time, with the last tenth of the period left to catch up a shortfall
  (opportunities are random, and a target that falls behind at the very end has none left); and
  never asking the boost now for impressions the item's own merit is likely to bring before the
  end (``sqrt(m)`` is that count's noise, which shrinks to nothing as the period ends): a quota
  is a floor, and boosting content early that would have reached it anyway spends relevance for
  nothing.

The boost level (0 to 1, the share of the maximum lift a target's products get) follows how far
delivery lags the schedule::

    level = clip((floor(expected) - delivered) / band, 0, 1),   band = max(b x scale, b_min)

with ``scale`` the goal (absolute) or the schedule so far (relative): a proportional controller
on whole impressions (boosting for a fraction of one only buys an early impression that merit
may bring anyway). Behind by a band or more, the boost is full; on or ahead of the schedule, it
is off. So the
boost never carries delivery past the schedule (only merit can), and delivery lags it by at most
one band (4% of the goal by default, at least one impression) wherever the level that delivers
at the right rate lies, with no integral term to wind up. At the end of a feasible period the
goal is therefore met to within a band, from below. Once an absolute goal is met the level stays
zero for the rest of the period.

A throttle is a cap, not a promise: ``allowance`` says how many of a restricted merchant's
products may be shown in a request, so that its delivery stays at most ``throttle x merit``
(a token bucket that fills by ``throttle`` per merit impression and empties by one per
impression shown). Caps have no boost level and are never infeasible.

Feasibility is judged on **reach**: each ranking request counts, per target, the candidates that
could be shown at the largest lift allowed within the relevance budget. When the reach projected
over the period (absolute) or so far (relative) falls short of the goal, the supply cannot fill
the promise, and the pacer says so (a status and one ``target_infeasible`` event) instead of
quietly missing it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from aftersales.exposure import texts
from aftersales.exposure.events import EventKind, ExposureEvent
from aftersales.exposure.targets import Target, TargetKind

__all__ = ["PaceState", "Pacer", "TargetStatus"]

_JUDGE_AFTER = 0.1  # share of the period seen before reach is judged: earlier it is noise

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


class PaceState(StrEnum):
    PENDING = "pending"  # the period has not started
    ON_TRACK = "on_track"
    AHEAD = "ahead"  # merit alone runs more than a band ahead of the schedule; no boost
    BEHIND = "behind"  # more than a band behind, but the supply should suffice
    MET = "met"  # an absolute goal is delivered
    INFEASIBLE = "infeasible"  # the eligible supply cannot fill the goal
    ENDED = "ended"  # the period is over without meeting an absolute goal


@dataclass(frozen=True, slots=True)
class TargetStatus:
    target: Target
    goal: float  # absolute goal, or weight x merit so far for a relative one
    delivered: int
    expected: float  # on the schedule, by now
    merit: int  # impressions its products would have had unboosted
    reach: int  # reachable opportunities counted so far
    projected_reach: float | None  # over the period (absolute); None before it can be judged
    level: float  # the boost level now, 0 to 1
    state: PaceState


class Pacer:
    """Delivered, merit and reachable impressions per target, and the boost levels that pace them.

    Safe to share between threads: counts are added under a lock.
    """

    def __init__(
        self,
        targets: Sequence[Target] = (),
        *,
        band: float = 0.04,
        min_band: float = 1.0,
        finish: float = 0.9,
    ) -> None:
        self._band, self._min_band, self._finish = band, min_band, finish
        self._lock = threading.Lock()
        self._reported: set[tuple[str, str, float]] = set()
        self._set(tuple(targets), {})

    def _set(self, targets: tuple[Target, ...], counts: Mapping[str, tuple[int, int, int]]) -> None:
        self.targets = targets
        self._index = {t.key: i for i, t in enumerate(targets)}
        self._goal: Floats = np.array([t.goal for t in targets], dtype=np.float64)
        self._weight: Floats = np.array([t.weight for t in targets], dtype=np.float64)
        self._relative = self._weight > 0
        self._cap = np.array([t.kind is TargetKind.THROTTLE for t in targets], dtype=np.bool_)
        self._start: Floats = np.array([t.start.timestamp() for t in targets], dtype=np.float64)
        self._end: Floats = np.array([t.end.timestamp() for t in targets], dtype=np.float64)
        self._inverse_span: Floats = 1.0 / (self._end - self._start)
        self._absolute = ~self._relative
        # When every period is under way, a count needs no per-target check of its period: the
        # ranking path counts several times a request, and each check is a few numpy calls.
        self._all_live = (
            (float(self._start.max()), float(self._end.min())) if targets else (0.0, 0.0)
        )
        zero = (0, 0, 0)
        rows = [counts.get(t.key, zero) for t in targets]
        self.delivered: Ints = np.array([r[0] for r in rows], dtype=np.int64)
        self.merit: Ints = np.array([r[1] for r in rows], dtype=np.int64)
        self.reach: Ints = np.array([r[2] for r in rows], dtype=np.int64)

    def index(self, key: str) -> int | None:
        return self._index.get(key)

    def carried_to(self, targets: Sequence[Target]) -> Pacer:
        """A pacer for a new set of targets, with the counts of those that carry on.

        A target carries on when its key and period are unchanged; a new period (the next day's
        ladder quota, the next cycle) starts from zero. A new pacer, rather than this one
        changed, so a request in flight keeps the arrays its plan's indices point into.
        """
        with self._lock:
            old = {t.key: (t.start, t.end) for t in self.targets}
            keep = {t.key for t in targets if old.get(t.key) == (t.start, t.end)}
            counts = {k: v for k, v in self.snapshot().items() if k in keep}
            fresh = Pacer(band=self._band, min_band=self._min_band, finish=self._finish)
            fresh._set(tuple(targets), counts)
            fresh._reported = set(self._reported)
            return fresh

    def _share(self, now: float) -> Floats:
        share: Floats = _unit((now - self._start) * self._inverse_span)
        return share

    def _everyone_live(self, now: float) -> bool:
        return self._all_live[0] <= now < self._all_live[1]

    def _schedule(self, now: float) -> tuple[Floats, Floats, Floats]:
        """(goal now, expected by now, band) of every target."""
        merit = self.merit.astype(np.float64)
        merit_goal = self._weight * merit
        goal = np.where(self._relative, merit_goal, self._goal)
        share = self._share(now)
        to_come = merit * (1.0 - share) / np.maximum(share, 1e-9)
        early = self._goal * np.minimum(share * (1.0 / self._finish), 1.0)
        even = np.minimum(early, self._goal - to_come - np.sqrt(to_come))
        expected = np.where(self._relative, merit_goal, np.maximum(even, 0.0))
        band = np.maximum(goal * self._band, self._min_band)
        return goal, expected, band

    def levels(self, now: float) -> Floats:
        """Each target's boost level at ``now`` (a POSIX timestamp), 0 to 1."""
        _, expected, band = self._schedule(now)
        level = _unit((np.floor(expected) - self.delivered) / band)
        off = self._cap | (self._absolute & (self.delivered >= self._goal))  # caps, goals met
        if not self._everyone_live(now):
            off |= (now < self._start) | (now >= self._end)
        level[off] = 0.0
        return level

    def allowance(self, indices: Ints, merit: Ints) -> Ints:
        """How many more impressions each capped target may take now (``indices`` are throttle
        targets; ``merit`` the merit impressions this request adds to each)."""
        tokens = self._weight[indices] * (self.merit[indices] + merit) - self.delivered[indices]
        allowed: Ints = np.maximum(np.floor(tokens + 1e-9), 0).astype(np.int64)
        return allowed

    def _live(self, indices: Ints, now: float) -> Ints:
        if self._everyone_live(now):
            return indices
        inside = (self._start[indices] <= now) & (now < self._end[indices])
        live: Ints = indices[inside]
        return live

    def _add(self, counts: Ints, indices: Iterable[int] | Ints, now: float) -> None:
        idx = self._live(np.asarray(indices, dtype=np.int64), now)
        if len(idx):
            with self._lock:
                np.add.at(counts, idx, 1)

    def deliver(self, indices: Iterable[int] | Ints, now: float) -> None:
        """Count one impression shown for each index (repeat an index for several)."""
        self._add(self.delivered, indices, now)

    def note_merit(self, indices: Ints, now: float) -> None:
        """Count candidates that were in the unboosted top k of a request."""
        self._add(self.merit, indices, now)

    def note_reach(self, indices: Ints, now: float) -> None:
        """Count candidates that could have been shown within the relevance budget."""
        self._add(self.reach, indices, now)

    def status(self, now: datetime) -> tuple[TargetStatus, ...]:
        """Where every target stands at ``now``."""
        ts = now.timestamp()
        goal, expected, band = self._schedule(ts)
        share, levels = self._share(ts), self.levels(ts)
        return tuple(
            self._status(
                i,
                t,
                float(goal[i]),
                float(expected[i]),
                float(band[i]),
                float(share[i]),
                float(levels[i]),
                ts,
            )
            for i, t in enumerate(self.targets)
        )

    def _status(
        self,
        i: int,
        target: Target,
        goal: float,
        expected: float,
        band: float,
        share: float,
        level: float,
        ts: float,
    ) -> TargetStatus:
        delivered, reach, merit = int(self.delivered[i]), int(self.reach[i]), int(self.merit[i])
        if target.kind is TargetKind.THROTTLE:  # a cap: within it or (briefly) over it
            state = PaceState.AHEAD if delivered > goal + 1 else PaceState.ON_TRACK
            return TargetStatus(target, goal, delivered, goal, merit, reach, None, level, state)
        judged = share >= _JUDGE_AFTER
        if target.relative:
            projected = float(reach) if judged else None
        else:
            projected = reach / share if judged else None
        if ts < self._start[i]:
            state = PaceState.PENDING
        elif not target.relative and delivered >= goal:
            state = PaceState.MET
        elif projected is not None and projected < goal:
            state = PaceState.INFEASIBLE
        elif ts >= self._end[i] and not target.relative:
            state = PaceState.ENDED
        elif delivered > expected + band:
            state = PaceState.AHEAD
        elif delivered < expected - band:
            state = PaceState.BEHIND
        else:
            state = PaceState.ON_TRACK
        return TargetStatus(
            target, goal, delivered, expected, merit, reach, projected, level, state
        )

    def review(self, now: datetime) -> tuple[ExposureEvent, ...]:
        """Events for targets newly met or newly found infeasible (each once per period)."""
        events = []
        for s in self.status(now):
            if s.state not in (PaceState.MET, PaceState.INFEASIBLE):
                continue
            mark = (s.target.key, s.state.value, s.target.start.timestamp())
            if mark in self._reported:
                continue
            self._reported.add(mark)
            events.append(_event(s, now))
        return tuple(events)

    def snapshot(self) -> dict[str, tuple[int, int, int]]:
        """(delivered, merit, reach) per target key, for the integrator to persist."""
        return {
            t.key: (int(self.delivered[i]), int(self.merit[i]), int(self.reach[i]))
            for i, t in enumerate(self.targets)
        }

    def restore(self, counts: Mapping[str, tuple[int, int, int]]) -> None:
        """Take back persisted counts for the current targets (after a restart)."""
        with self._lock:
            for key, (delivered, merit, reach) in counts.items():
                i = self._index.get(key)
                if i is not None:
                    self.delivered[i], self.merit[i], self.reach[i] = delivered, merit, reach

    def add_counts(self, deltas: Mapping[str, tuple[int, int, int]]) -> None:
        """Add (delivered, merit, reach) to targets by key: what other processes counted.

        Adding rather than setting keeps what this process counts meanwhile, so a sync with
        the shared totals never loses an impression counted while it ran."""
        with self._lock:
            for key, (delivered, merit, reach) in deltas.items():
                i = self._index.get(key)
                if i is not None:
                    self.delivered[i] += delivered
                    self.merit[i] += merit
                    self.reach[i] += reach


def _unit(values: Floats) -> Floats:
    """``values`` clipped to [0, 1]: two ufuncs, a few µs less than ``np.clip`` on the hot path."""
    clipped: Floats = np.minimum(np.maximum(values, 0.0), 1.0)
    return clipped


def _event(s: TargetStatus, now: datetime) -> ExposureEvent:
    t = s.target
    data = {
        "kind": t.kind.value,
        "merchant_id": t.merchant_id,
        "goal": round(s.goal),
        "delivered": s.delivered,
        "slots": sorted(x.value for x in t.slots),
        "period": [t.start.isoformat(), t.end.isoformat()],
    }
    subject = f"target:{t.key}"
    if s.state is PaceState.MET:
        reason = texts.target_met(round(s.goal))
        return ExposureEvent(EventKind.TARGET_MET, subject, reason, now, data)
    projected = s.projected_reach or 0.0
    data["projected_reach"] = round(projected)
    reason = texts.target_infeasible(round(s.goal), projected, s.delivered)
    return ExposureEvent(EventKind.TARGET_INFEASIBLE, subject, reason, now, data)
