"""The assignment history through the API and the CLI, on SQLite and PostgreSQL: opening writes
none, each kind of move closes exactly one holding with its reason, times and actor, and each
reader sees what it may (decision 0025)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.domain.clock import ManualClock
from aftersales.services.context import Context
from aftersales.services.sla import sweep
from tests.dispatch_support import (
    PHONE_FIRE,
    add_agent,
    agent_of,
    fresh_line,
    loads_match_assignments,
    open_case,
    platform_agent,
)
from tests.history_support import history, history_rows, iso, summary
from tests.support import START, Market, assert_problem

MINUTE = timedelta(minutes=1)
OWN = ("technical_support", "merchant")  # the queue and pool m1's phone complaints go to


def at(minutes: int) -> str:
    return iso(START + minutes * MINUTE)


def assign(client: TestClient, market: Market, case_id: str, **body: object) -> None:
    answer = client.post(
        f"/api/v1/cases/{case_id}/assign", json=body, headers=market.auth("operator")
    )
    assert answer.status_code == 200, answer.text


def set_online(client: TestClient, market: Market, agent_id: str, online: bool, who: str) -> None:
    answer = client.patch(
        f"/api/v1/agents/{agent_id}", json={"online": online}, headers=market.auth(who)
    )
    assert answer.status_code == 200, answer.text


def settle(client: TestClient, market: Market, case_id: str) -> None:
    """m1 proposes a refund and c1 accepts it: the case ends."""
    proposal = {"resolution": "refund_only", "amount": "999.00"}
    url = f"/api/v1/cases/{case_id}"
    client.post(f"{url}/proposals", json=proposal, headers=market.auth("m1"))
    accepted = client.post(f"{url}/accept", headers=market.auth("c1"))
    assert accepted.json()["state"] == "resolved", accepted.text


def test_opening_writes_no_history_the_assignment_row_is_the_first_holding(
    client: TestClient, market: Market, ctx: Context, db_url: str
) -> None:
    agent = add_agent(client, market, capacity=1)
    held = open_case(client, market, fresh_line(ctx))
    waits = open_case(client, market, fresh_line(ctx))
    cheap = fresh_line(ctx, consumer="c2", price=3000)  # refunded at once: nobody's work
    settled = open_case(client, market, cheap, "屏幕有坏点", consumer="c2", type="refund_only")
    safety = open_case(client, market, fresh_line(ctx), PHONE_FIRE)  # no platform agent yet

    assert history_rows(db_url) == 0
    assert [summary(h) for h in history(client, market, held["id"])] == [
        (agent["id"], *OWN, at(0), None, None, None)
    ]
    assert [summary(h) for h in history(client, market, waits["id"])] == [
        (None, *OWN, at(0), None, None, None)
    ]
    assert [summary(h) for h in history(client, market, safety["id"])] == [
        (None, "product_safety", "platform", at(0), None, None, None)
    ]
    assert history(client, market, settled["id"]) == []


def test_an_operators_reassignment_closes_one_holding_and_a_label_alone_closes_none(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock, db_url: str
) -> None:
    first = add_agent(client, market, name="First")
    case = open_case(client, market, fresh_line(ctx))["id"]
    second = add_agent(client, market, name="Second")

    clock.advance(10 * MINUTE)
    assign(client, market, case, agent_id=second["id"])
    clock.advance(5 * MINUTE)
    assign(client, market, case, issue_type="malfunction")  # the same queue: a label
    clock.advance(5 * MINUTE)
    assign(client, market, case, queue="general", agent_id=second["id"])  # it keeps the case

    assert history_rows(db_url, case) == 2
    by_operator = ("reassigned", "operator:None")
    assert [summary(h) for h in history(client, market, case)] == [
        (first["id"], *OWN, at(0), at(10), *by_operator),
        (second["id"], *OWN, at(10), at(20), *by_operator),
        (second["id"], "general", "merchant", at(20), None, None, None),
    ]
    assert agent_of(client, market, second["id"])["open_cases"] == 1  # one place, not two
    assert loads_match_assignments(db_url) == {}


def test_a_waiting_case_refiled_to_another_queue_closes_its_backlog_holding(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock, db_url: str
) -> None:
    case = open_case(client, market, fresh_line(ctx))["id"]  # nobody works m1's queues

    clock.advance(3 * MINUTE)
    assign(client, market, case, queue="general")

    assert [summary(h) for h in history(client, market, case)] == [
        (None, *OWN, at(0), at(3), "reassigned", "operator:None"),
        (None, "general", "merchant", at(3), None, None, None),
    ]
    assert history_rows(db_url) == 1


def test_an_agent_going_offline_closes_each_of_its_holdings_once(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock, db_url: str
) -> None:
    leaving = add_agent(client, market, name="Leaving")
    cases = [open_case(client, market, fresh_line(ctx))["id"] for _ in range(2)]
    stays = add_agent(client, market, name="Stays", capacity=1)

    clock.advance(30 * MINUTE)
    set_online(client, market, leaving["id"], False, "m1")

    now_held = {c: history(client, market, c) for c in cases}
    assert history_rows(db_url) == 2
    for items in now_held.values():
        offline = ("agent_offline", "merchant_agent:m1")
        assert summary(items[0]) == (leaving["id"], *OWN, at(0), at(30), *offline)
        assert (items[1]["held_from"], items[1]["held_until"]) == (at(30), None)
    assert sorted(str(i[1]["agent_id"]) for i in now_held.values()) == ["None", stays["id"]]
    assert loads_match_assignments(db_url) == {}


def test_an_agent_with_room_takes_waiting_cases_and_each_closes_its_backlog_holding(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock, db_url: str
) -> None:
    agent = add_agent(client, market, capacity=1, online=False)
    first = open_case(client, market, fresh_line(ctx))["id"]
    clock.advance(MINUTE)
    second = open_case(client, market, fresh_line(ctx))["id"]

    clock.advance(9 * MINUTE)
    set_online(client, market, agent["id"], True, "operator")  # room for the oldest only
    clock.advance(10 * MINUTE)
    settle(client, market, first)  # its place goes to the one still waiting

    assert [summary(h) for h in history(client, market, first)] == [
        (None, *OWN, at(0), at(10), "taken_from_backlog", "operator:None"),
        (agent["id"], *OWN, at(10), at(20), "released", "consumer:c1"),
    ]
    assert [summary(h) for h in history(client, market, second)] == [
        (None, *OWN, at(1), at(20), "taken_from_backlog", "system:dispatch"),
        (agent["id"], *OWN, at(20), None, None, None),
    ]
    assert history_rows(db_url) == 3
    assert loads_match_assignments(db_url) == {}


def test_an_escalation_hands_the_case_to_the_platform_and_an_appeal_files_it_again(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock, db_url: str
) -> None:
    agent = add_agent(client, market)
    arbitrator = platform_agent(client, market, queues=["arbitration"])
    case = open_case(client, market, fresh_line(ctx))["id"]
    url = f"/api/v1/cases/{case}"
    client.post(f"{url}/messages", json={"body": "no"}, headers=market.auth("m1"))

    clock.advance(60 * MINUTE)
    escalated = client.post(f"{url}/escalate", json={"reason": "x"}, headers=market.auth("c1"))
    clock.advance(60 * MINUTE)
    verdict = {
        "verdict": "consumer",
        "liable_party": "merchant",
        "resolution": "refund_only",
        "amount": "100.00",
        "note": "defect shown",
    }
    client.post(f"{url}/arbitration", json=verdict, headers=market.auth("operator"))
    clock.advance(60 * MINUTE)
    appealed = client.post(f"{url}/appeal", json={"reason": "y"}, headers=market.auth("m1"))

    assert escalated.json()["state"] == appealed.json()["state"] == "escalated", appealed.text
    arbitration = ("arbitration", "platform")
    assert [summary(h) for h in history(client, market, case)] == [
        (agent["id"], *OWN, at(0), at(60), "escalated", "consumer:c1"),
        (arbitrator["id"], *arbitration, at(60), at(120), "released", "operator:None"),
        # nobody held it between the verdict and the appeal
        (arbitrator["id"], *arbitration, at(180), None, None, None),
    ]
    assert history_rows(db_url) == 2
    assert loads_match_assignments(db_url) == {}


def test_a_complaint_the_merchant_ignores_moves_to_the_platform_by_the_sla_clock(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock
) -> None:
    agent = add_agent(client, market)
    case = open_case(client, market, fresh_line(ctx), type="complaint")["id"]

    clock.advance(timedelta(days=3))
    sweep(ctx)

    first, now = history(client, market, case)
    assert (first["agent_id"], first["reason"], first["actor"]) == (
        agent["id"],
        "escalated",
        {"role": "system", "id": "sla"},
    )
    assert (now["queue"], now["pool"], now["agent_id"]) == ("arbitration", "platform", None)


def test_each_reader_sees_what_it_may_of_a_case_the_platform_took_over(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock
) -> None:
    agent = add_agent(client, market)
    case = open_case(client, market, fresh_line(ctx))["id"]
    client.post(f"/api/v1/cases/{case}/messages", json={"body": "no"}, headers=market.auth("m1"))
    clock.advance(MINUTE)
    client.post(f"/api/v1/cases/{case}/escalate", json={"reason": "x"}, headers=market.auth("c1"))
    url = f"/api/v1/cases/{case}/assignments"

    everything = history(client, market, case)
    # the merchant sees its own agent's holding; who at the platform has it is not its business
    assert history(client, market, case, "m1") == everything[:1]
    assert everything[0]["agent_id"] == agent["id"] and everything[1]["pool"] == "platform"
    assert history(client, market, case, "auditor") == everything
    assert_problem(client.get(url, headers=market.auth("m2")), 404, "not_found")
    assert_problem(client.get(url, headers=market.auth("c1")), 403, "permission_denied")
    assert_problem(client.get(url, headers=market.auth("integration")), 403, "permission_denied")
    missing = client.get("/api/v1/cases/cs_nobody/assignments", headers=market.auth("operator"))
    assert_problem(missing, 404, "not_found")
    malformed = client.get("/api/v1/cases/a%20b/assignments", headers=market.auth("m1"))
    assert_problem(malformed, 422, "validation_failed")


def test_the_command_line_prints_the_history_as_text_and_as_json(
    client: TestClient,
    market: Market,
    ctx: Context,
    clock: ManualClock,
    db_url: str,
    tmp_path: Path,
) -> None:
    first = add_agent(client, market, name="First")
    case = open_case(client, market, fresh_line(ctx))["id"]
    second = add_agent(client, market, name="Second")
    clock.advance(10 * MINUTE)
    assign(client, market, case, agent_id=second["id"])
    env = {"AFTERSALES_DATA_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": db_url}

    text = CliRunner().invoke(app, ["agent", "history", case], env=env)
    as_json = CliRunner().invoke(app, ["agent", "history", case, "--format", "json"], env=env)
    unknown = CliRunner().invoke(app, ["agent", "history", "cs_nobody"], env=env)

    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines() == [
        f"2026-11-02T09:00:00+00:00 → 2026-11-02T09:10:00+00:00  {first['id']}  "
        "technical_support (merchant)  reassigned by operator",
        f"2026-11-02T09:10:00+00:00 → now  {second['id']}  technical_support (merchant)",
    ]
    assert text.stderr == "2 holding(s)\n"
    doc = json.loads(as_json.stdout)
    assert doc["case_id"] == case
    assert [(h["agent_id"], h["reason"]) for h in doc["items"]] == [
        (first["id"], "reassigned"),
        (second["id"], None),
    ]
    assert doc["items"][0]["actor"] == {"role": "operator", "id": None}
    assert unknown.exit_code == 1
    assert unknown.stderr == "error [not_found] case cs_nobody not found\n"
