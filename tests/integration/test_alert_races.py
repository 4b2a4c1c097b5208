"""Alerts under concurrency: two runs storing the same week, two operators changing one alert.

PostgreSQL is the real target (ON CONFLICT on the unique key, optimistic versions); SQLite
serialises writers and must give the same answers.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError, ErrorCode
from aftersales.services import alerts as uc
from aftersales.services.context import Context
from aftersales.store.alerts import AlertRecord
from aftersales.store.db import make_engine
from aftersales.store.tables import alert_events, alerts
from aftersales.warning import AlertStatus
from tests.integration.test_concurrency import race
from tests.warning_support import WEEK, alert_record, stored_alert

ROUNDS = 5
ANA, BO = Actor(Role.OPERATOR, "ana"), Actor(Role.OPERATOR, "bo")

pytestmark = pytest.mark.usefixtures("market")


def _count(db_url: str, table: object) -> int:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        n = int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]
    engine.dispose()
    return n


def test_two_runs_storing_the_same_alarm_at_once_store_it_once(ctx: Context, db_url: str) -> None:
    for n in range(ROUNDS):
        template = alert_record(ctx, week=WEEK - timedelta(weeks=n))

        def store(record: AlertRecord) -> int:
            with ctx.uow() as uow:
                added = uow.alerts.add_new([record])
                uow.commit()
            return len(added)

        copies = [dataclasses.replace(template, id=ctx.ids("al")) for _ in range(2)]
        results = race(*(lambda r=r: store(r) for r in copies))

        assert sorted(results) == [0, 1], results  # type: ignore[type-var]
    assert _count(db_url, alerts) == ROUNDS
    assert _count(db_url, alert_events) == ROUNDS


def test_two_operators_acknowledging_one_alert_at_once_one_wins_the_other_is_told(
    ctx: Context, db_url: str
) -> None:
    for n in range(ROUNDS):
        alert = stored_alert(ctx, week=WEEK - timedelta(weeks=n))

        results = race(
            lambda a=alert: uc.acknowledge(ctx, ANA, a),
            lambda a=alert: uc.acknowledge(ctx, BO, a),
        )

        won = [r for r in results if isinstance(r, AlertRecord)]
        lost = [r for r in results if isinstance(r, AftersalesError)]
        assert (len(won), len(lost)) == (1, 1), results
        assert lost[0].code in (ErrorCode.INVALID_TRANSITION, ErrorCode.CONCURRENT_UPDATE)
        final = uc.get_alert(ctx, ANA, alert)
        assert [c.status for c in final.history] == [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]
        assert final.history[-1].by == won[0].history[-1].by and final.version == 2
    assert _count(db_url, alert_events) == 2 * ROUNDS
