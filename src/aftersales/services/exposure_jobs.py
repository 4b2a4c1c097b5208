"""The exposure service's background jobs, for ``serve`` and each of its worker processes.

Two kinds, because ``serve --workers N`` runs N processes that each rank with their own plan:

- **serving** (every process that answers requests): rebuild the plan every
  ``exposure_refresh_seconds`` and share the pacing counts every ``exposure_sync_seconds``
  (a sync that finds the stop-sale holds changed rebuilds the plan at once). They run even
  with ``--no-sweep``: ranking on a stale plan would be wrong, not merely late.
- **recording** (once, beside the SLA sweep): the recording refresh that stores every change
  with its reason, and the content ladder's daily run, checked every ``ladder_check_seconds``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from aftersales.config import Settings
from aftersales.scheduler import Scheduler
from aftersales.services.context import Context
from aftersales.services.exposure_refresh import refresh
from aftersales.services.exposure_serving import refresh_serving, sync_counts
from aftersales.services.ladder_run import ladder_daily

__all__ = ["add_recording_jobs", "serving_jobs", "serving_scheduler"]

log = logging.getLogger("aftersales.exposure")


class _ServingScheduler(Scheduler):
    """The serving jobs; stopping shares the counts one last time, so a worker that shuts down
    cleanly loses none of the impressions it counted."""

    def __init__(self, ctx: Context, settings: Settings) -> None:
        super().__init__(settings.exposure_refresh_seconds, [lambda: refresh_serving(ctx)])
        self.every(settings.exposure_sync_seconds, lambda: sync_counts(ctx))
        self._ctx = ctx

    def start(self) -> None:
        # The plan is built before the first request rather than during it.
        _run_logged(lambda: refresh_serving(self._ctx), "the first exposure refresh")
        super().start()

    def stop(self) -> None:
        super().stop()
        ctx = self._ctx
        if ctx.exposure.ready:
            _run_logged(lambda: ctx.exposure.sync(ctx.uow, ctx.clock.now()), "the last sync")


def _run_logged(job: Callable[[], object], what: str) -> None:
    try:
        job()
    except Exception:  # a database not reachable yet must not stop the server: the jobs retry
        log.exception("%s failed", what)


def serving_scheduler(ctx: Context, settings: Settings) -> Scheduler:
    """This process's plan refresh and count sync, on a scheduler of their own."""
    return _ServingScheduler(ctx, settings)


@contextmanager
def serving_jobs(ctx: Context, settings: Settings) -> Iterator[Scheduler]:
    """The serving jobs running for the length of the block."""
    scheduler = serving_scheduler(ctx, settings)
    scheduler.start()
    try:
        yield scheduler
    finally:
        scheduler.stop()


def add_recording_jobs(scheduler: Scheduler, ctx: Context, settings: Settings) -> None:
    """The recording refresh and the ladder's daily run, on the scheduler of the sweep."""
    scheduler.every(settings.exposure_refresh_seconds, lambda: refresh(ctx))
    scheduler.every(settings.ladder_check_seconds, lambda: ladder_daily(ctx))
