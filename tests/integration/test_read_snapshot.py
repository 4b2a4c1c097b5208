"""A unit of work that only reads sees one state of the database, on SQLite and PostgreSQL.

The cycle reads its window in several statements (lines, cases, events, appeals, merchants);
were each to see what was committed when it began (PostgreSQL's READ COMMITTED), an order or an
accepted appeal committed between two of them would be in one table of the cycle and not in
another. A reading unit of work takes one snapshot for all its statements.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import InternalError

from aftersales.analytics import Window
from aftersales.services.context import Context
from tests.scoring_support import place_orders
from tests.support import START, Market

WINDOW = Window(START - timedelta(days=30), START)


def _lines(ctx: Context) -> int:
    with ctx.uow(read_only=True) as uow:
        return uow.scoring.read_inputs(WINDOW).lines.num_rows


def test_a_reading_unit_of_work_does_not_see_what_others_commit_meanwhile(
    ctx: Context, market: Market
) -> None:
    place_orders(ctx, "m1", START - timedelta(days=3), count=2)
    before = _lines(ctx)
    with ctx.uow(read_only=True) as uow:
        first = uow.scoring.read_inputs(WINDOW).lines.num_rows
        place_orders(ctx, "m1", START - timedelta(days=2), count=3)  # committed by other units
        again = uow.scoring.read_inputs(WINDOW).lines.num_rows
    assert first == again == before
    assert _lines(ctx) == before + 3  # the next reading unit sees them


def test_a_reading_unit_of_work_on_postgresql_cannot_write(db_url: str, ctx: Context) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite's reading transaction takes the write lock when it first writes")
    with ctx.uow(read_only=True) as uow, pytest.raises(InternalError, match="read-only"):
        uow.tokens.revoke("nobody's token", START)
