"""Periodic jobs inside ``serve`` (SLA sweep, idempotency-key expiry) on a background thread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["Scheduler"]

log = logging.getLogger("aftersales.scheduler")


class Scheduler:
    def __init__(self, interval_seconds: float, jobs: list[Callable[[], object]]) -> None:
        self._interval = interval_seconds
        self._jobs = jobs
        self._own: list[tuple[float, Callable[[], object]]] = []  # jobs with their own interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="aftersales-scheduler", daemon=True)

    def every(self, interval_seconds: float, job: Callable[[], object]) -> None:
        """Also run ``job`` on an interval of its own (call before ``start``)."""
        self._own.append((interval_seconds, job))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def run_once(self) -> None:
        for job in self._jobs:
            _run(job)

    def _loop(self) -> None:
        # Each entry: when it is next due, its interval, and the round it runs (None: run_once).
        clock = time.monotonic
        rounds: list[tuple[float, float, Callable[[], object] | None]] = [
            (clock() + interval, interval, job)
            for interval, job in [(self._interval, None), *self._own]
        ]
        while True:
            wake = min(due for due, _, _ in rounds)
            if self._stop.wait(max(0.0, wake - clock())):
                return
            for i, (due, interval, job) in enumerate(rounds):
                if clock() < due:
                    continue
                if job is None:
                    self.run_once()
                else:
                    _run(job)
                rounds[i] = (clock() + interval, interval, job)


def _run(job: Callable[[], object]) -> None:
    try:
        job()
    except Exception:  # one failing job must not stop the others, nor the next round
        log.exception("scheduled job %s failed", getattr(job, "__name__", job))
