"""Periodic jobs inside ``serve`` (SLA sweep, idempotency-key expiry) on a background thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["Scheduler"]

log = logging.getLogger("aftersales.scheduler")


class Scheduler:
    def __init__(self, interval_seconds: float, jobs: list[Callable[[], object]]) -> None:
        self._interval = interval_seconds
        self._jobs = jobs
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="aftersales-scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def run_once(self) -> None:
        for job in self._jobs:
            try:
                job()
            except Exception:  # one failing job must not stop the others, nor the next round
                log.exception("scheduled job %s failed", getattr(job, "__name__", job))

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.run_once()
