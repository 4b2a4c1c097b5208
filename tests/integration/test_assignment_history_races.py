"""The assignment history on SQLite and PostgreSQL under racing moves: every case's holdings
follow one another without gap, overlap or duplicate, whoever wins; and the history cannot be
rewritten (decision 0025)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType
from aftersales.services import cases as uc
from aftersales.services.agents import AddAgent, AgentUpdate, add_agent, update_agent
from aftersales.services.assignment import Assign, assign
from aftersales.services.assignment_history import case_holdings
from aftersales.services.context import Context
from aftersales.store.tables import metadata
from tests.dispatch_support import PHONE_DEFECT, fresh_line, loads_match_assignments
from tests.history_support import chain_breaks, history_rows
from tests.integration.test_concurrency import race

OPERATORS = [Actor(Role.OPERATOR, "ana"), Actor(Role.OPERATOR, "bo")]
C1, M1 = Actor(Role.CONSUMER, "c1"), Actor(Role.MERCHANT_AGENT, "m1")
CASES = 3

pytestmark = pytest.mark.usefixtures("market")


def agent(ctx: Context, name: str, capacity: int = 10) -> str:
    cmd = AddAgent(name, "m1", ("technical_support",), ("zh",), capacity)
    return add_agent(ctx, OPERATORS[0], cmd).view.agent.id


def opened(ctx: Context, n: int) -> list[str]:
    cmd = uc.OpenCase  # each on a fresh line of c1 at m1
    return [
        uc.open_case(ctx, C1, cmd(fresh_line(ctx), CaseType.RETURN_REFUND, PHONE_DEFECT)).id
        for _ in range(n)
    ]


def to(ctx: Context, case_id: str, agent_id: str, by: Actor) -> Callable[[], object]:
    return lambda: assign(ctx, by, case_id, Assign(agent_id=agent_id))


def test_two_reassignments_racing_each_close_one_holding_in_one_unbroken_chain(
    ctx: Context, db_url: str
) -> None:
    first = agent(ctx, "First")
    cases = opened(ctx, CASES)
    b, c = agent(ctx, "B"), agent(ctx, "C")

    calls = [
        to(ctx, case, a, by) for case in cases for a, by in zip((b, c), OPERATORS, strict=True)
    ]
    results = race(*calls)

    assert [r for r in results if isinstance(r, Exception)] == []
    for case in cases:
        held = case_holdings(ctx, OPERATORS[0], case)
        assert chain_breaks(held) == [], held
        assert held[0].agent_id == first
        assert {h.agent_id for h in held[1:]} == {b, c}  # one after the other, either order
        assert history_rows(db_url, case) == 2
        # each closed holding names the operator whose move ended it: ana sent it to B, bo to C
        moves = {(h.actor, after.agent_id) for h, after in pairwise(held)}
        assert moves == {(OPERATORS[0], b), (OPERATORS[1], c)}
    assert loads_match_assignments(db_url) == {}


def test_an_agent_leaving_while_its_cases_are_reassigned_leaves_one_chain_per_case(
    ctx: Context, db_url: str
) -> None:
    leaving = agent(ctx, "Leaving")
    cases = opened(ctx, CASES)
    stays, named = agent(ctx, "Stays"), agent(ctx, "Named")
    offline = AgentUpdate(online=False)

    results = race(
        lambda: update_agent(ctx, M1, leaving, offline),
        *(to(ctx, case, named, OPERATORS[0]) for case in cases),
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    for case in cases:
        held = case_holdings(ctx, OPERATORS[0], case)
        assert chain_breaks(held) == [], held
        assert held[0].agent_id == leaving and held[-1].agent_id == named
        assert {h.agent_id for h in held} <= {leaving, stays, named, None}
        assert held[0].reason in ("agent_offline", "reassigned")
        assert history_rows(db_url, case) == len(held) - 1
    assert loads_match_assignments(db_url) == {}


def test_the_history_cannot_be_rewritten(ctx: Context, db_url: str) -> None:
    agent(ctx, "First")
    case = opened(ctx, 1)[0]
    assign(ctx, OPERATORS[0], case, Assign(queue="general"))
    engine = create_engine(db_url)
    refused = []
    for statement in (
        "UPDATE case_assignment_history SET agent_id = NULL",
        "DELETE FROM case_assignment_history",
    ):
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text(statement))
        refused.append("append-only" in str(caught.value))
    engine.dispose()

    assert refused == [True, True]
    assert history_rows(db_url, case) == 1


def test_the_migration_creates_the_history_table_as_the_code_declares_it(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()

    assert [d for d in diff if "assignment_history" in repr(d)] == []
