"""Helpers for the assignment-history tests: read it through the API, count its rows, check that
the holdings of a case follow one another without gap or overlap."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aftersales.store.db import make_engine
from aftersales.store.tables import case_assignment_history
from aftersales.triage.holdings import Holding
from tests.support import Market


def history(
    client: TestClient, market: Market, case_id: str, caller: str = "operator"
) -> list[dict[str, Any]]:
    """The case's holdings as ``caller`` reads them through the API."""
    answer = client.get(f"/api/v1/cases/{case_id}/assignments", headers=market.auth(caller))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body["case_id"] == case_id
    items: list[dict[str, Any]] = body["items"]
    return items


def history_rows(db_url: str, case_id: str | None = None) -> int:
    """Rows in the history table (of one case, or all)."""
    stmt = select(func.count()).select_from(case_assignment_history)
    if case_id is not None:
        stmt = stmt.where(case_assignment_history.c.case_id == case_id)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())
    finally:
        engine.dispose()


def iso(at: datetime) -> str:
    """A time as the API writes it."""
    return at.isoformat().replace("+00:00", "Z")


def summary(item: dict[str, Any]) -> tuple[Any, ...]:
    """(agent, queue, pool, from, until, reason, actor) of one holding the API answered."""
    actor = item["actor"]
    who = None if actor is None else f"{actor['role']}:{actor['id']}"
    return (
        item["agent_id"],
        item["queue"],
        item["pool"],
        item["held_from"],
        item["held_until"],
        item["reason"],
        who,
    )


def chain_breaks(holdings: Sequence[Holding]) -> list[str]:
    """What is wrong with a case's holdings, oldest first: a gap or an overlap between two, a
    holding that ends before it began, a 'move' to the same holder, a current holding that is
    not the last. Empty when they follow one another."""
    broken: list[str] = []
    for n, (held, after) in enumerate(pairwise(holdings)):
        if held.held_until is None:
            broken.append(f"holding {n} is open but not the last")
        elif held.held_until != after.held_from:
            broken.append(f"holding {n} ends {held.held_until}, the next begins {after.held_from}")
        if held.holder == after.holder:
            broken.append(f"holding {n} moved to the same holder {held.holder}")
    for n, held in enumerate(holdings):
        if held.held_until is not None and held.held_until < held.held_from:
            broken.append(f"holding {n} ends before it began")
    return broken
