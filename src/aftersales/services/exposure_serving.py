"""Use cases of the serving side: rank, count what was shown, keep this process's plan fresh.

Ranking and impressions touch no database: they read and count in this process's
``ExposureHub``. Background jobs (``serve`` and each of its workers) rebuild the plan every
``exposure_refresh_seconds`` and share the counts every ``exposure_sync_seconds``; a change of
stop-sale holds found by a sync rebuilds the plan at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from aftersales.domain.actors import Actor, Role
from aftersales.errors import PermissionDenied, Text
from aftersales.exposure import Impression, RankRequest, RankResult, Slot
from aftersales.services.context import Context
from aftersales.services.exposure_hub import ExposureHub
from aftersales.services.exposure_inputs import load_inputs

__all__ = ["rank", "ready_hub", "record_impressions", "refresh_serving", "sync_counts"]


def refresh_serving(ctx: Context) -> None:
    """Rebuild this process's plan from the database and take in the shared counts."""
    now = ctx.clock.now()
    with ctx.uow(read_only=True) as uow:
        loaded = load_inputs(uow, now)
    ctx.exposure.adopt(loaded.inputs, loaded.holds, at=now)
    ctx.exposure.sync(ctx.uow, now)


def sync_counts(ctx: Context) -> None:
    """Share this process's counts; rebuild the plan if the stop-sale holds changed."""
    if not ctx.exposure.ready or ctx.exposure.sync(ctx.uow, ctx.clock.now()):
        refresh_serving(ctx)


def ready_hub(ctx: Context) -> ExposureHub:
    """The hub, with a plan: a process that has none yet builds it first (once)."""
    if not ctx.exposure.ready:
        refresh_serving(ctx)
    return ctx.exposure


def _integration(actor: Actor) -> None:
    if actor.role is not Role.INTEGRATION:
        raise PermissionDenied(
            Text(
                "only the marketplace's integration ranks and reports impressions",
                "只有平台系统可以请求排序和上报曝光",
            )
        )


def rank(ctx: Context, actor: Actor, request: RankRequest) -> RankResult:
    """The top k of the marketplace's candidates with holds, penalties, boosts and quotas."""
    _integration(actor)
    return ready_hub(ctx).rank(request, ctx.clock.now())


def record_impressions(
    ctx: Context, actor: Actor, slot: str | Slot, shown: Sequence[Impression]
) -> int:
    """Count what the marketplace showed towards targets and throttles; returns how many."""
    _integration(actor)
    return ready_hub(ctx).record(slot, shown, ctx.clock.now())
