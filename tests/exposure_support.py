"""Helpers of the exposure tests: tiers in force, more products, the CLI, rank bodies.

Tiers come from merchant scoring through one function, ``exposure_tiers.tiers_in_force``; most
tests put their own table behind it (``use_tiers``) rather than compute assessment cycles, and
one test reads them from stored scorecards end to end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Product
from aftersales.exposure import ContentKind, Stage
from aftersales.recall.workdays import CST
from aftersales.scoring.calendar import Period
from aftersales.services import catalog, content, exposure_tiers
from aftersales.services.context import Context
from aftersales.store.scoring import StoredCard, StoredCycle
from aftersales.store.uow import UnitOfWork
from tests.support import INTEGRATION

API = "/api/v1"


def use_tiers(monkeypatch: pytest.MonkeyPatch, table: dict[str, str]) -> dict[str, str]:
    """Make ``table`` (merchant → tier name) the tiers in force; change it to change them."""

    def tiers_in_force(uow: UnitOfWork, merchants: Any = None, at: Any = None) -> dict[str, str]:
        wanted = None if merchants is None else set(merchants)
        return {m: t for m, t in table.items() if wanted is None or m in wanted}

    monkeypatch.setattr(exposure_tiers, "tiers_in_force", tiers_in_force)
    return table


def add_products(ctx: Context, merchant: str, count: int, prefix: str | None = None) -> list[str]:
    """``count`` more products of ``merchant``, named ``<prefix>-<n>``."""
    prefix = prefix or f"{merchant}p"
    ids = [f"{prefix}-{n}" for n in range(count)]
    for pid in ids:
        product = Product(pid, merchant, "digital/phone", f"product {pid}", "Acme", "X", {})
        catalog.put_product(ctx, INTEGRATION, product)
    return ids


def noon(day: date) -> datetime:
    """Noon of a day in China Standard Time, as UTC."""
    return datetime.combine(day, time(12), CST).astimezone(UTC)


def today_cst() -> date:
    return datetime.now(UTC).astimezone(CST).date()


def days_ago(n: int) -> date:
    return today_cst() - timedelta(days=n)


class ExposureCli:
    """``aftersales …`` in-process on the test's database (the CLI keeps the system clock)."""

    def __init__(self, db_url: str, data_dir: Path) -> None:
        self._env = {"AFTERSALES_DATA_DIR": str(data_dir), "AFTERSALES_DATABASE_URL": db_url}

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(app, list(args), env=self._env)


def candidates(
    scores: Mapping[str, tuple[str, float]], content: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Candidate rows from ``{item: (merchant, score)}``, in that order."""
    rows = []
    for item, (merchant, score) in scores.items():
        row: dict[str, Any] = {"item_id": item, "merchant_id": merchant, "score": score}
        if content and item in content:
            row["content_id"] = content[item]
        rows.append(row)
    return rows


def rank_body(
    slot: str,
    scores: Mapping[str, tuple[str, float]],
    k: int,
    content: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    return {"slot": slot, "user_id": "u1", "candidates": candidates(scores, content), "k": k}


# ---- stored tiers and content, for the authorization matrix and the scorecard test ----------


def store_monthly_cycle(ctx: Context, period: str, tiers: Mapping[str, str]) -> None:
    """A stored monthly cycle of ``period`` with these tiers, as scoring stores one (once)."""
    closes = Period.parse(period).end
    cycle = StoredCycle(
        id=f"cy_{period}",
        kind="monthly",
        period=period,
        revision=1,
        reason=None,
        window_start=closes - timedelta(days=90),
        window_end=closes,
        computed_at=closes,
        computed_by="test",
        engine="duckdb",
        parameters={},
        parameters_digest="0" * 64,
        merchants=len(tiers),
    )
    standing = {"pending": None, "score": None, "points": {}}
    cards = [
        StoredCard(cycle.id, m, "digital/phone", t, None, None, {}, standing | {"tier": t})
        for m, t in tiers.items()
    ]
    with ctx.uow() as uow:
        if uow.scoring.latest("monthly", period) is None:
            uow.scoring.add_cycle(cycle)
            uow.scoring.add_cards(cards)
            uow.commit()


def eligible_merchants(ctx: Context) -> dict[str, str]:
    """m1 and m2 in tier good since October's cycle: both may enrol."""
    store_monthly_cycle(ctx, "2026-10", {"m1": "good", "m2": "good"})
    return {}


def m1_content(ctx: Context) -> dict[str, str]:
    """A fresh post of m1 about its phone."""
    m1 = Actor(Role.MERCHANT_AGENT, "m1")
    made = content.publish(ctx, m1, content.Publish(ContentKind.POST, "unboxing", ("p1",)))
    return {"content_id": made.id}


def nominated_content(ctx: Context) -> dict[str, str]:
    """m1's post in boost, nominated for the amplification pool today. Put there through the
    repository: the ladder's own tests walk an item there day by day."""
    target = m1_content(ctx)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        record = uow.content.get(target["content_id"])
        assert record is not None
        item = replace(
            record.item,
            stage=Stage.BOOST,
            stage_since=record.item.published_on,
            cold_start_used=True,
            nominated_on=record.item.published_on,
        )
        uow.content.save([record.moved(item, now)])
        uow.commit()
    return target
