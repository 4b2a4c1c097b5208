"""Repository of simulation runs: how far each got, written as the run goes."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, distinct, func, insert, inspect, or_, select, update

from aftersales.domain.actors import POLICY
from aftersales.store.tables import (
    alerts,
    case_events,
    cases,
    content_items,
    order_lines,
    orders,
    programme_enrolments,
    recalls,
    safety_reports,
    simulation_runs,
)

__all__ = ["MerchantFigures", "SimulationFigures", "SimulationRunRepository", "StoredRun"]


@dataclass(frozen=True, slots=True)
class StoredRun:
    id: str
    seed: int
    parameters: Mapping[str, Any]
    status: str  # partial | complete
    sim_start: datetime
    sim_reached: datetime
    days_planned: int
    days_completed: int
    cycles_planned: int
    cycles_completed: int
    summary: Mapping[str, Any]
    started_at: datetime
    updated_at: datetime


@dataclass
class MerchantFigures:
    """What the platform recorded of one merchant, for the simulation's summary."""

    orders: int = 0
    cases: int = 0
    escalated: int = 0  # disputes: cases someone took to the platform (not the policy's routing)
    lost: int = 0  # disputes arbitrated for the buyer
    arbitrated: int = 0  # disputes arbitrated
    stars: int = 0  # sum of service ratings
    ratings: int = 0
    satisfied: int = 0  # ratings of 4 or 5 stars


class SimulationRunRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, run: StoredRun) -> None:
        self._conn.execute(insert(simulation_runs).values(**_row(run)))

    def save_progress(self, run: StoredRun) -> None:
        values = _row(run)
        del values["id"]
        self._conn.execute(
            update(simulation_runs).where(simulation_runs.c.id == run.id).values(**values)
        )

    def get(self, run_id: str) -> StoredRun | None:
        row = self._conn.execute(
            select(simulation_runs).where(simulation_runs.c.id == run_id)
        ).first()
        return None if row is None else StoredRun(**row._mapping)

    def latest(self) -> StoredRun | None:
        row = self._conn.execute(
            select(simulation_runs).order_by(simulation_runs.c.started_at.desc()).limit(1)
        ).first()
        return None if row is None else StoredRun(**row._mapping)

    def figures(self) -> SimulationFigures:
        return SimulationFigures(self._conn)

    def database_in_use(self) -> bool:
        """Whether the database already holds marketplace data (a simulation needs none)."""
        found = self._conn.execute(select(orders.c.id).limit(1)).first()
        return found is not None or self.count() > 0

    def has_its_tables(self) -> bool:
        """Whether this database still has the platform's tables: an in-memory database whose
        connection was dropped comes back empty."""
        return inspect(self._conn).has_table(simulation_runs.name)

    def count(self) -> int:
        return int(
            self._conn.execute(select(func.count()).select_from(simulation_runs)).scalar_one()
        )

    def write_to(self, path: Path) -> None:
        """Write this (SQLite) database to the file ``path``, whole, in place of what it held.

        SQLite's online backup copies every page into a file beside ``path``, which then
        replaces it: an interruption leaves the previous file, never half of each. The log
        files of the previous one go first, or SQLite would replay them into the new one."""
        partial = path.with_name(f"{path.name}.writing")
        partial.unlink(missing_ok=True)
        source = self._conn.connection.driver_connection
        assert isinstance(source, sqlite3.Connection), "only a SQLite database is written out"
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # ends in a synced commit
        finally:
            copy.close()
        for log in (f"{path}-wal", f"{path}-shm"):
            Path(log).unlink(missing_ok=True)
        os.replace(partial, path)


def _row(run: StoredRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "seed": run.seed,
        "parameters": dict(run.parameters),
        "status": run.status,
        "sim_start": run.sim_start,
        "sim_reached": run.sim_reached,
        "days_planned": run.days_planned,
        "days_completed": run.days_completed,
        "cycles_planned": run.cycles_planned,
        "cycles_completed": run.cycles_completed,
        "summary": dict(run.summary),
        "started_at": run.started_at,
        "updated_at": run.updated_at,
    }


# ---- figures for the summary (read, never written) ---------------------------------------------


def _by(conn: Connection, stmt: Any) -> dict[str, int]:
    return {str(key): int(n) for key, n in conn.execute(stmt)}


class SimulationFigures:
    """Counts over everything a simulation stored, by the platform's own records."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def totals(self) -> dict[str, Any]:
        conn = self._conn
        kinds = _by(
            conn,
            select(case_events.c.kind, func.count(distinct(case_events.c.case_id))).group_by(
                case_events.c.kind
            ),
        )
        return {
            "orders": conn.execute(select(func.count()).select_from(orders)).scalar_one(),
            "units": conn.execute(
                select(func.coalesce(func.sum(order_lines.c.quantity), 0))
            ).scalar_one(),
            "cases": _by(conn, select(cases.c.state, func.count()).group_by(cases.c.state)),
            "escalated": kinds.get("escalated", 0),
            "arbitrated": kinds.get("arbitrated", 0),
            "appealed": kinds.get("appealed", 0),
            "rated": kinds.get("rated", 0),
            "safety_cases": conn.execute(
                select(func.count()).select_from(safety_reports)
            ).scalar_one(),
            "emergencies": conn.execute(select(func.count()).where(cases.c.emergency)).scalar_one(),
            "alerts": _by(conn, select(alerts.c.status, func.count()).group_by(alerts.c.status)),
            "recalls": _by(conn, select(recalls.c.state, func.count()).group_by(recalls.c.state)),
            "content_stages": _by(
                conn, select(content_items.c.stage, func.count()).group_by(content_items.c.stage)
            ),
            "enrolments": _by(
                conn,
                select(programme_enrolments.c.mode, func.count()).group_by(
                    programme_enrolments.c.mode
                ),
            ),
        }

    def busiest(self, party: str) -> str | None:
        """The consumer (``party="consumer"``) or merchant with the most cases in the most states:
        the one whose view shows the most of the platform."""
        column = cases.c.consumer_id if party == "consumer" else cases.c.merchant_id
        row = self._conn.execute(
            select(column)
            .group_by(column)
            .order_by(func.count(distinct(cases.c.state)).desc(), func.count().desc(), column)
            .limit(1)
        ).first()
        return None if row is None else str(row[0])

    def merchants(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, MerchantFigures]:
        """Orders, cases, escalations, arbitrations and ratings of every merchant; with a window,
        the orders placed and the cases opened in it (and what became of those cases)."""
        conn = self._conn
        found: dict[str, MerchantFigures] = {}

        def add(stmt: Any, name: str) -> None:
            for merchant, n in conn.execute(stmt):
                figures = found.setdefault(merchant, MerchantFigures())
                setattr(figures, name, getattr(figures, name) + int(n or 0))

        placed, opened = (
            _window(orders.c.placed_at, since, until),
            _window(cases.c.opened_at, since, until),
        )
        add(
            select(orders.c.merchant_id, func.count())
            .where(*placed)
            .group_by(orders.c.merchant_id),
            "orders",
        )
        add(
            select(cases.c.merchant_id, func.count()).where(*opened).group_by(cases.c.merchant_id),
            "cases",
        )
        picked = _picked(opened)
        disputed = case_events.c.case_id.in_(_disputes())
        add(_cases_with("escalated").where(disputed, *picked), "escalated")
        add(_cases_with("arbitrated").where(disputed, *picked), "arbitrated")
        verdict = case_events.c.data["verdict"].as_string()
        add(_cases_with("arbitrated").where(verdict == "consumer", disputed, *picked), "lost")
        stars = case_events.c.data["score"].as_integer()
        rated = _events("rated").where(*picked)
        add(rated.with_only_columns(cases.c.merchant_id, func.sum(stars)), "stars")
        add(rated.with_only_columns(cases.c.merchant_id, func.count()), "ratings")
        add(
            rated.with_only_columns(cases.c.merchant_id, func.count()).where(stars >= 4),
            "satisfied",
        )
        return found


def _window(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
    found = []
    if since is not None:
        found.append(column >= since)
    if until is not None:
        found.append(column < until)
    return found


def _picked(opened: list[Any]) -> list[Any]:
    """The conditions on the events of the cases opened in the window: the cases picked by id
    as well, since joined on the window alone SQLite read every event ever stored first."""
    if not opened:
        return []
    return [*opened, case_events.c.case_id.in_(select(cases.c.id).where(*opened))]


def _events(kind: str) -> Any:
    return (
        select(cases.c.merchant_id)
        .join(case_events, case_events.c.case_id == cases.c.id)
        .where(case_events.c.kind == kind)
        .group_by(cases.c.merchant_id)
    )


def _disputes() -> Any:
    """The cases someone took to the platform: the policy routes hazards there at opening, and
    that is not a dispute (as in the scorecard, ``analytics.query``)."""
    e = case_events.alias("escalations").c  # apart from the events the outer query reads
    by_someone = or_(
        e.actor_role != POLICY.role.value, func.coalesce(e.actor_id, "") != POLICY.subject
    )
    return select(e.case_id).where(e.kind == "escalated", by_someone)


def _cases_with(kind: str) -> Any:
    """Per merchant, the cases with at least one event of this kind."""
    return _events(kind).with_only_columns(
        cases.c.merchant_id, func.count(distinct(case_events.c.case_id))
    )
