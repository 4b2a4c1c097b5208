"""Dispatch through the API, on SQLite and PostgreSQL: automatic assignment at opening, the
tenant boundary, capacity, the backlog, presence, escalations and an operator's reassignment."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi.testclient import TestClient

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType
from aftersales.domain.clock import ManualClock
from aftersales.services import cases as uc
from aftersales.services.context import Context
from aftersales.services.sla import sweep
from tests.dispatch_support import (
    PHONE_FIRE,
    UNCLEAR,
    add_agent,
    agent_of,
    fresh_line,
    loads_match_assignments,
    open_case,
    platform_agent,
)
from tests.support import Market, Storage, assert_problem


def assign(client: TestClient, market: Market, case_id: str, **body: object) -> dict[str, object]:
    answer = client.post(
        f"/api/v1/cases/{case_id}/assign", json=body, headers=market.auth("operator")
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, object] = answer.json()
    return found


def test_a_new_case_goes_to_the_least_loaded_qualified_agent_of_its_own_merchant(
    client: TestClient, market: Market, ctx: Context, db_url: str
) -> None:
    busy = add_agent(client, market, name="Busy", capacity=2)
    free = add_agent(client, market, name="Free", capacity=10)
    other_shop = add_agent(client, market, merchant_id="m2", capacity=10)
    english_only = add_agent(client, market, languages=["en"], capacity=50)

    first = open_case(client, market, fresh_line(ctx))
    second = open_case(client, market, fresh_line(ctx))
    third = open_case(client, market, fresh_line(ctx))

    # 0/2 and 0/10 tie on load: more room wins; then 0/2 is below 1/10; then 1/10 below 1/2
    assert set(agent_of(client, market, free["id"])["case_ids"]) == {first["id"], third["id"]}
    assert agent_of(client, market, busy["id"])["case_ids"] == [second["id"]]
    assert agent_of(client, market, other_shop["id"])["open_cases"] == 0
    assert agent_of(client, market, english_only["id"])["open_cases"] == 0  # Chinese complaints
    assert loads_match_assignments(db_url) == {}


def test_when_nobody_qualifies_the_case_waits_and_an_agent_coming_online_takes_it(
    client: TestClient, market: Market, ctx: Context, db_url: str
) -> None:
    away = add_agent(client, market, online=False)
    case = open_case(client, market, fresh_line(ctx))

    listed = client.get("/api/v1/agents", headers=market.auth("m1")).json()
    assert listed["waiting"] == 1
    back = client.patch(
        f"/api/v1/agents/{away['id']}", json={"online": True}, headers=market.auth("m1")
    )

    assert back.status_code == 200, back.text
    assert back.json()["dispatched"] == {"reassigned": 0, "waiting": 0, "taken": 1}
    assert back.json()["case_ids"] == [case["id"]]
    assert client.get("/api/v1/agents", headers=market.auth("m1")).json()["waiting"] == 0
    assert loads_match_assignments(db_url) == {}


def test_a_case_the_policy_settles_at_opening_gives_nobody_work(
    client: TestClient, market: Market, ctx: Context, db_url: str
) -> None:
    agent = add_agent(client, market)
    line = fresh_line(ctx, consumer="c2", price=3000)  # ¥30: refunded at once by the policy

    case = open_case(client, market, line, "屏幕有坏点", consumer="c2", type="refund_only")

    assert case["state"] == "resolved", case["resolution"]
    assert agent_of(client, market, agent["id"])["open_cases"] == 0
    assert client.get("/api/v1/agents", headers=market.auth("operator")).json()["waiting"] == 0
    assert loads_match_assignments(db_url) == {}


def test_capacity_is_never_exceeded_and_a_finished_case_frees_the_place_for_the_next(
    client: TestClient, market: Market, ctx: Context, db_url: str
) -> None:
    agent = add_agent(client, market, capacity=1)
    first = open_case(client, market, fresh_line(ctx))
    second = open_case(client, market, fresh_line(ctx))
    assert agent_of(client, market, agent["id"])["case_ids"] == [first["id"]]

    proposal = {"resolution": "refund_only", "amount": "999.00"}
    client.post(f"/api/v1/cases/{first['id']}/proposals", json=proposal, headers=market.auth("m1"))
    accepted = client.post(f"/api/v1/cases/{first['id']}/accept", headers=market.auth("c1"))

    assert accepted.json()["state"] == "resolved"
    found = agent_of(client, market, agent["id"])
    assert (found["case_ids"], found["open_cases"]) == ([second["id"]], 1)
    assert loads_match_assignments(db_url) == {}


def test_an_agent_going_offline_hands_its_cases_to_the_others_and_the_rest_wait(
    client: TestClient, market: Market, ctx: Context, db_url: str
) -> None:
    leaving = add_agent(client, market, name="Leaving", capacity=5)
    cases = [open_case(client, market, fresh_line(ctx))["id"] for _ in range(3)]
    stays = add_agent(client, market, name="Stays", capacity=2)

    gone = client.patch(
        f"/api/v1/agents/{leaving['id']}", json={"online": False}, headers=market.auth("operator")
    )

    assert gone.status_code == 200, gone.text
    assert gone.json()["dispatched"] == {"reassigned": 2, "waiting": 1, "taken": 0}
    assert (gone.json()["online"], gone.json()["open_cases"]) == (False, 0)
    assert set(agent_of(client, market, stays["id"])["case_ids"]) < set(cases)
    assert agent_of(client, market, stays["id"])["open_cases"] == 2
    assert client.get("/api/v1/agents", headers=market.auth("m1")).json()["waiting"] == 1
    assert loads_match_assignments(db_url) == {}


def test_a_safety_case_goes_to_the_platforms_safety_agent_never_to_the_merchant(
    client: TestClient, market: Market, ctx: Context, db_url: str
) -> None:
    merchant_agent = add_agent(client, market, capacity=5)
    safety = platform_agent(client, market, name="Safety desk")

    case = open_case(client, market, fresh_line(ctx), PHONE_FIRE)

    assert case["state"] == "escalated"  # the emergency plan hands it to the platform
    assert agent_of(client, market, safety["id"])["case_ids"] == [case["id"]]
    assert agent_of(client, market, merchant_agent["id"])["open_cases"] == 0
    # the merchant sees its own agents only, and the platform's desk does not exist for it
    seen = client.get("/api/v1/agents", headers=market.auth("m1")).json()["items"]
    assert [a["id"] for a in seen] == [merchant_agent["id"]]
    hidden = client.get(f"/api/v1/agents/{safety['id']}", headers=market.auth("m1"))
    assert_problem(hidden, 404, "not_found")
    assert loads_match_assignments(db_url) == {}


def test_an_unclear_complaint_goes_to_people_on_the_platform_first(
    client: TestClient, market: Market, ctx: Context
) -> None:
    triager = platform_agent(client, market, queues=["human_triage"])
    case = open_case(client, market, fresh_line(ctx), UNCLEAR)
    assert agent_of(client, market, triager["id"])["case_ids"] == [case["id"]]

    moved = assign(client, market, case["id"], queue="technical_support", issue_type="malfunction")

    assert (moved["queue"], moved["pool"], moved["state"]) == (
        "technical_support",
        "merchant",
        "waiting",
    )
    assert moved["issue_type"] == "malfunction"
    assert agent_of(client, market, triager["id"])["open_cases"] == 0


def test_an_escalated_case_moves_from_the_merchants_agent_to_a_platform_arbitrator(
    client: TestClient, market: Market, ctx: Context, db_url: str
) -> None:
    agent = add_agent(client, market)
    arbitrator = platform_agent(client, market, queues=["arbitration"])
    case = open_case(client, market, fresh_line(ctx))
    client.post(
        f"/api/v1/cases/{case['id']}/messages", json={"body": "no"}, headers=market.auth("m1")
    )

    escalated = client.post(
        f"/api/v1/cases/{case['id']}/escalate", json={"reason": "stuck"}, headers=market.auth("c1")
    )

    assert escalated.json()["state"] == "escalated", escalated.text
    assert agent_of(client, market, agent["id"])["open_cases"] == 0
    assert agent_of(client, market, arbitrator["id"])["case_ids"] == [case["id"]]
    verdict = {
        "verdict": "consumer",
        "liable_party": "merchant",
        "resolution": "refund_only",
        "amount": "100.00",
        "note": "defect shown",
    }
    client.post(
        f"/api/v1/cases/{case['id']}/arbitration", json=verdict, headers=market.auth("operator")
    )
    assert agent_of(client, market, arbitrator["id"])["open_cases"] == 0
    assert loads_match_assignments(db_url) == {}


def test_an_operator_hands_a_case_to_a_named_agent_within_the_tenant_boundary(
    client: TestClient, market: Market, ctx: Context, storage: Storage, db_url: str
) -> None:
    first = add_agent(client, market, name="First")
    second = add_agent(client, market, name="Second", capacity=1)
    case = open_case(client, market, fresh_line(ctx))
    other_shop = add_agent(client, market, merchant_id="m2")
    away = add_agent(client, market, online=False)
    before = storage.snapshot()

    url = f"/api/v1/cases/{case['id']}/assign"
    op = market.auth("operator")
    refusals = [
        (
            client.post(url, json={"agent_id": other_shop["id"]}, headers=op),
            422,
            "validation_failed",
        ),
        (client.post(url, json={"agent_id": away["id"]}, headers=op), 409, "agent_unavailable"),
        (client.post(url, json={"agent_id": "ag_nobody"}, headers=op), 422, "unknown_reference"),
        (client.post(url, json={"queue": "teleport"}, headers=op), 422, "validation_failed"),
        (client.post(url, json={}, headers=op), 422, "validation_failed"),
        (
            client.post(url, json={"agent_id": second["id"]}, headers=market.auth("m1")),
            403,
            "permission_denied",
        ),
        (
            client.post("/api/v1/cases/cs_nope/assign", json={"queue": "general"}, headers=op),
            404,
            "not_found",
        ),
    ]
    for answer, status, code in refusals:
        assert_problem(answer, status, code)
    assert storage.snapshot() == before

    moved = assign(client, market, case["id"], agent_id=second["id"])

    assert (moved["agent_id"], moved["assigned_by"], moved["state"]) == (
        second["id"],
        "operator:platform",
        "assigned",
    )
    assert agent_of(client, market, first["id"])["open_cases"] == 0
    full = client.post(url, json={"agent_id": second["id"]}, headers=op)  # it already has it
    assert full.status_code == 200
    another = open_case(client, market, fresh_line(ctx))
    at_capacity = client.post(
        f"/api/v1/cases/{another['id']}/assign", json={"agent_id": second["id"]}, headers=op
    )
    assert_problem(at_capacity, 409, "agent_unavailable")
    assert loads_match_assignments(db_url) == {}


def test_agents_bad_input_is_refused_and_writes_nothing(
    client: TestClient, market: Market, storage: Storage
) -> None:
    agent = add_agent(client, market)
    before = storage.snapshot()
    op = market.auth("operator")
    good = {
        "name": "A",
        "merchant_id": "m1",
        "queues": ["general"],
        "languages": ["zh"],
        "capacity": 3,
    }
    answers = [
        client.post("/api/v1/agents", json=good | {"queues": ["product_safety"]}, headers=op),
        client.post("/api/v1/agents", json=good | {"queues": ["nope"]}, headers=op),
        client.post("/api/v1/agents", json=good | {"capacity": 0}, headers=op),
        client.post("/api/v1/agents", json=good | {"languages": ["fr"]}, headers=op),
        client.post("/api/v1/agents", json=good | {"categories": ["moon"]}, headers=op),
        client.post("/api/v1/agents", json=good | {"name": " "}, headers=op),
        client.post("/api/v1/agents", json=good | {"name": "A\u0000"}, headers=op),
        client.post("/api/v1/agents", json=good | {"shoe_size": 42}, headers=op),
        client.patch(f"/api/v1/agents/{agent['id']}", json={}, headers=op),
        client.patch(f"/api/v1/agents/{agent['id']}", json={"capacity": 10_000}, headers=op),
        client.post(
            "/api/v1/agents",
            content=b"{not json",
            headers=op | {"Content-Type": "application/json"},
        ),
    ]
    unknown_merchant = client.post(
        "/api/v1/agents", json=good | {"merchant_id": "m404"}, headers=op
    )

    assert [a.status_code for a in answers] == [422] * 10 + [400]
    assert all(a.headers["content-type"] == "application/problem+json" for a in answers)
    assert_problem(unknown_merchant, 422, "unknown_reference")
    assert_problem(client.get("/api/v1/agents/ag_nobody", headers=op), 404, "not_found")
    assert_problem(
        client.get("/api/v1/agents", headers=market.auth("c1")), 403, "permission_denied"
    )
    assert storage.snapshot() == before


def test_a_merchant_manages_its_own_agents_presence_and_nobody_elses(
    client: TestClient, market: Market
) -> None:
    mine = add_agent(client, market, merchant_id="m1")
    theirs = add_agent(client, market, merchant_id="m2")

    own = client.patch(
        f"/api/v1/agents/{mine['id']}", json={"capacity": 9}, headers=market.auth("m1")
    )
    other = client.patch(
        f"/api/v1/agents/{theirs['id']}", json={"online": False}, headers=market.auth("m1")
    )
    audit = client.patch(
        f"/api/v1/agents/{mine['id']}", json={"capacity": 2}, headers=market.auth("auditor")
    )

    assert (own.status_code, own.json()["capacity"]) == (200, 9)
    assert_problem(other, 404, "not_found")
    assert_problem(audit, 403, "permission_denied")
    listed = client.get("/api/v1/agents?merchant_id=m2", headers=market.auth("m1")).json()
    assert listed == {"items": [], "waiting": 0}


def test_concurrent_openings_never_overfill_an_agent(
    market: Market, ctx: Context, client: TestClient, db_url: str
) -> None:
    agent = add_agent(client, market, capacity=3)
    lines = [fresh_line(ctx) for _ in range(8)]
    consumer = Actor(Role.CONSUMER, "c1")

    def opening(line: str) -> str:
        return uc.open_case(
            ctx, consumer, uc.OpenCase(line, CaseType.RETURN_REFUND, "屏幕有坏点")
        ).id

    with ThreadPoolExecutor(max_workers=8) as pool:
        opened = list(pool.map(opening, lines))

    found = agent_of(client, market, agent["id"])
    assert found["open_cases"] == 3 and len(found["case_ids"]) == 3
    assert set(found["case_ids"]) <= set(opened)
    assert client.get("/api/v1/agents", headers=market.auth("operator")).json()["waiting"] == 5
    assert loads_match_assignments(db_url) == {}


def test_a_complaint_the_merchant_ignores_goes_to_arbitration_when_its_deadline_passes(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock
) -> None:
    agent = add_agent(client, market)
    arbitrator = platform_agent(client, market, queues=["arbitration"])
    case = open_case(client, market, fresh_line(ctx), type="complaint")
    assert agent_of(client, market, agent["id"])["case_ids"] == [case["id"]]

    clock.advance(timedelta(days=3))
    sweep(ctx)

    assert agent_of(client, market, agent["id"])["open_cases"] == 0
    assert agent_of(client, market, arbitrator["id"])["case_ids"] == [case["id"]]
