"""Test helpers for the operator's pages: alerts a week apart, a case waiting for an agent, an
assessment cycle with scores."""

from __future__ import annotations

from datetime import timedelta

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType
from aftersales.scoring.calendar import Period
from aftersales.services import cases as uc
from aftersales.services.context import Context
from aftersales.store.scoring import StoredCard, StoredCycle
from tests.warning_support import WEEK, stored_alert


def alert(ctx: Context, weeks_ago: int = 0, **fields: object) -> str:
    """A stored alert; one series has one alert a week, so each of a test's is a week older."""
    return stored_alert(ctx, week=WEEK - timedelta(weeks=weeks_ago), **fields)


def waiting_case(ctx: Context) -> str:
    """c1's phone case, filed with nobody free: it waits in m1's backlog."""
    cmd = uc.OpenCase("l1", CaseType.REPAIR, "屏幕有坏点 dead pixels")
    return uc.open_case(ctx, Actor(Role.CONSUMER, "c1"), cmd).id


def scored_cycle(ctx: Context) -> None:
    """October's assessment cycle: m1 good with 55.5 points, m2 watch with 31."""
    closes = Period.parse("2026-10").end
    cycle = StoredCycle(
        id="cy_scored",
        kind="monthly",
        period="2026-10",
        revision=1,
        reason=None,
        window_start=closes - timedelta(days=90),
        window_end=closes,
        computed_at=closes,
        computed_by="test",
        engine="duckdb",
        parameters={},
        parameters_digest="0" * 64,
        merchants=2,
    )
    standing: dict[str, object] = {"pending": None, "score": None, "points": {}}
    cards = [
        StoredCard(cycle.id, m, "digital/phone", tier, score, 0.5, {}, standing | {"tier": tier})
        for m, tier, score in (("m1", "good", 55.5), ("m2", "watch", 31.0))
    ]
    with ctx.uow() as uow:
        uow.scoring.add_cycle(cycle)
        uow.scoring.add_cards(cards)
        uow.commit()
