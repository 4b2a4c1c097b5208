"""Use cases that read scorecards: one merchant's, a period's list, a cycle's summary, an export.

A merchant reads its own scorecard only; to it, another merchant's looks like one that does not
exist. Operators and auditors read every scorecard.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from aftersales.domain.actors import Actor, Role
from aftersales.errors import NotFound, PermissionDenied, Text
from aftersales.scoring import Metric
from aftersales.scoring.calendar import Period
from aftersales.services.context import Context
from aftersales.services.cycles import MONTHLY
from aftersales.store.scoring import CardQuery, StoredCard, StoredCycle
from aftersales.store.uow import UnitOfWork

__all__ = [
    "CycleSummary",
    "every_card_in_tier",
    "export_table",
    "get_scorecard",
    "list_scorecards",
    "scorecard_trend",
    "summary",
    "tier_counts",
]

_READERS = (Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR)


@dataclass(frozen=True, slots=True)
class CycleSummary:
    cycle: StoredCycle
    revisions: list[StoredCycle]


def _cycle(uow: UnitOfWork, period: str | None) -> StoredCycle:
    name = None if period is None else Period.parse(period).name
    cycle = uow.scoring.latest(MONTHLY, name)
    if cycle is None:
        raise NotFound(
            Text("no assessment cycle has been run yet", "尚未运行过考核周期")
            if name is None
            else Text(
                f"period {name} has no assessment cycle: cycles are computed for months that have"
                " closed, with orders in their window",
                f"{name} 没有考核周期：考核周期只为已结束、且考核窗口内有订单的月份计算",
            )
        )
    return cycle


def _check_reader(actor: Actor, merchant_id: str) -> None:
    if actor.role not in _READERS:
        raise PermissionDenied(
            Text(
                "scorecards are read by their merchant, operators and auditors",
                "服务评分仅供所属商家、平台运营和审计人员查看",
            )
        )
    if actor.role is Role.MERCHANT_AGENT and not actor.is_merchant(merchant_id):
        raise NotFound(Text(f"merchant {merchant_id} not found", f"找不到商家 {merchant_id}"))


def get_scorecard(
    ctx: Context, actor: Actor, merchant_id: str, period: str | None = None
) -> tuple[StoredCycle, StoredCard]:
    """The merchant's scorecard of ``period`` (default: the latest), latest revision."""
    _check_reader(actor, merchant_id)
    with ctx.uow(read_only=True) as uow:
        cycle = _cycle(uow, period)
        card = uow.scoring.card(cycle.id, merchant_id)
    if card is None:
        raise NotFound(
            Text(
                f"merchant {merchant_id} has no scorecard in period {cycle.period}",
                f"商家 {merchant_id} 在 {cycle.period} 考核周期没有服务评分",
            )
        )
    return cycle, card


def scorecard_trend(
    ctx: Context, actor: Actor, merchant_id: str, cycles: int = 12
) -> list[tuple[StoredCycle, StoredCard | None]]:
    """The merchant's scorecards of the last ``cycles`` monthly periods, oldest first; a period
    the merchant had no card in is ``None`` (its line breaks there)."""
    _check_reader(actor, merchant_id)
    with ctx.uow(read_only=True) as uow:
        found = uow.scoring.latest_cycles(MONTHLY, cycles)
        cards = uow.scoring.cards_in([c.id for c in found], merchant_id)
    return [(cycle, cards.get(cycle.id)) for cycle in reversed(found)]


_PAGE = 1000


def _operators_only(actor: Actor) -> None:
    if actor.role not in (Role.OPERATOR, Role.AUDITOR):
        raise PermissionDenied(
            Text(
                "the list of scorecards is for operators and auditors",
                "商家服务评分列表仅供平台运营和审计人员查看",
            )
        )


def list_scorecards(
    ctx: Context, actor: Actor, period: str | None, query: CardQuery
) -> tuple[StoredCycle, list[StoredCard]]:
    """A page of a period's scorecards, by merchant id, filtered by tier and category."""
    _operators_only(actor)
    with ctx.uow(read_only=True) as uow:
        cycle = _cycle(uow, period)
        return cycle, uow.scoring.cards(cycle.id, query)


def tier_counts(ctx: Context, actor: Actor, period: str | None) -> dict[str, int]:
    """How many merchants the period's cycle put in each tier."""
    _operators_only(actor)
    with ctx.uow(read_only=True) as uow:
        cycle = _cycle(uow, period)
        return dict(Counter(tier for tier, _ in uow.overview.scores(cycle.id)))


def every_card_in_tier(
    ctx: Context, actor: Actor, period: str | None, tier: str
) -> list[StoredCard]:
    """Every scorecard of one tier in the period's latest cycle, by merchant id."""
    _operators_only(actor)
    cards: list[StoredCard] = []
    with ctx.uow(read_only=True) as uow:  # every page from the same revision
        cycle = _cycle(uow, period)
        while True:
            after = cards[-1].merchant_id if cards else None
            page = uow.scoring.cards(cycle.id, CardQuery(tier=tier, after=after, limit=_PAGE))
            cards.extend(page)
            if len(page) < _PAGE:
                return cards


def summary(ctx: Context, period: str | None) -> CycleSummary:
    with ctx.uow(read_only=True) as uow:
        cycle = _cycle(uow, period)
        return CycleSummary(cycle, uow.scoring.revisions(MONTHLY, cycle.period))


def _row(cycle: StoredCycle, card: StoredCard) -> dict[str, Any]:
    data = card.card
    row: dict[str, Any] = {
        "period": cycle.period,
        "revision": cycle.revision,
        "merchant_id": card.merchant_id,
        "category": card.category,
        "tier": card.tier,
        "indicated": data["indicated"],
        "change": data["change"],
        "score": card.score,
        "percentile": card.percentile,
        "orders": data["orders"],
    }
    for figure in data["figures"]:
        for part in ("estimate", "low", "high", "percentile"):
            row[f"{figure['metric']}_{part}"] = figure[part]
    row["explanation_en"] = data["explanation"]["en"]
    row["explanation_zh"] = data["explanation"]["zh"]
    return row


def export_table(ctx: Context, period: str | None) -> tuple[StoredCycle, pa.Table]:
    """Every scorecard of the period's latest revision, one flat row each."""
    with ctx.uow(read_only=True) as uow:
        cycle = _cycle(uow, period)
        rows = [_row(cycle, card) for card in uow.scoring.every_card(cycle.id)]
    return cycle, pa.Table.from_pylist(rows, schema=_schema())


def _schema() -> pa.Schema:
    text, number = pa.string(), pa.float64()
    fields = [
        ("period", text),
        ("revision", pa.int64()),
        ("merchant_id", text),
        ("category", text),
        ("tier", text),
        ("indicated", text),
        ("change", text),
        ("score", number),
        ("percentile", number),
        ("orders", number),
    ]
    for metric in Metric:
        fields += [(f"{metric}_{p}", number) for p in ("estimate", "low", "high", "percentile")]
    return pa.schema([*fields, ("explanation_en", text), ("explanation_zh", text)])
