"""The simulation's figures per merchant count disputes as the scorecard does: the policy's own
routing of a hazard to the platform at opening is not one (``analytics.query``)."""

from __future__ import annotations

from datetime import timedelta

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType
from aftersales.domain.clock import ManualClock
from aftersales.services import cases as uc
from aftersales.services.context import Context
from tests.support import Market


def test_only_cases_someone_took_to_the_platform_count_as_escalated(
    ctx: Context, market: Market, clock: ManualClock
) -> None:
    c1, c2 = Actor(Role.CONSUMER, "c1"), Actor(Role.CONSUMER, "c2")
    hazard = uc.open_case(ctx, c1, uc.OpenCase("l1", CaseType.SAFETY_REPORT, "外壳带电"))
    assert hazard.escalated_at is not None  # routed to the platform by the policy at opening
    refund = uc.open_case(ctx, c2, uc.OpenCase("l4", CaseType.RETURN_REFUND, "屏幕有坏点"))
    clock.advance(timedelta(hours=5))  # the merchant let its time to respond run out
    uc.escalate(ctx, c2, refund.id, "The merchant keeps stalling.")
    with ctx.uow(read_only=True) as uow:
        m1 = uow.simulation_runs.figures().merchants()["m1"]
    assert (m1.cases, m1.escalated, m1.arbitrated) == (2, 1, 0)
