"""Opening a case runs triage and the policy, and applies the decision; packs change live.

The shipped pack and the shipped triage model decide here, through the API, on both databases:
the clocks a case gets, where it is routed, what it shows each party, and what an operator's
activation or backtest of another pack does.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.errors import ValidationFailed
from aftersales.policy import PackInvalid, default_pack_dir, load_pack
from aftersales.services import policy
from aftersales.services.backtest import backtest
from aftersales.services.context import Context
from tests.support import Market, assert_problem, order_body

OPERATOR = Actor(Role.OPERATOR, "ops")
HOUR = timedelta(hours=1)


def open_case(client: TestClient, market: Market, who: str, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/cases", json=body, headers=market.auth(who))
    assert response.status_code == 201, response.text
    return dict(response.json())


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def candidate_pack(tmp_path: Path, version: str, online_first_response: int) -> Path:
    """A copy of the shipped pack with another version and another online response clock."""
    target = tmp_path / f"pack-{version}"
    shutil.copytree(default_pack_dir(), target)
    manifest = target / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('version: "2026.1"', f'version: "{version}"'),
        encoding="utf-8",
    )
    channel = target / "platform" / "channel.yaml"
    channel.write_text(
        channel.read_text(encoding="utf-8").replace(
            "sla: {first_response_hours: 4, proposal_hours: 24",
            f"sla: {{first_response_hours: {online_first_response}, proposal_hours: 24",
        ),
        encoding="utf-8",
    )
    shutil.rmtree(target / "tests")  # its tests expect the old clock
    return target


def test_an_online_case_gets_the_decisions_clocks_and_shows_why(
    client: TestClient, market: Market, clock: ManualClock
) -> None:
    case = open_case(
        client,
        market,
        "c1",
        order_line_id="l1",
        type="repair",
        description="手机用了两天就黑屏 重启也没用 充电也没反应",
    )
    decision = case["assessment"]["decision"]
    assert decision["policy_version"] == "2026.1"
    assert "platform.channel.online" in decision["rules"]
    assert decision["queue"] == "technical_support"
    assert "platform.channel.online" in decision["explanation"]["zh"]
    assert "platform.channel.online" in decision["explanation"]["en"]
    # The online channel answers within 4 hours, not the 24 of the configuration.
    assert when(case["deadlines"]["first_response_due"]) == clock.now() + 4 * HOUR
    assert case["deadlines"]["proposal_due"] is not None
    # The merchant sees the same decision; the facts behind it (the consumer's record) stay in.
    seen = client.get(f"/api/v1/cases/{case['id']}", headers=market.auth("m1")).json()
    assert seen["assessment"] == case["assessment"]
    assert "facts" not in seen["assessment"]


def test_an_offline_bulky_item_goes_to_on_site_service(
    client: TestClient, market: Market, clock: ManualClock
) -> None:
    case = open_case(
        client,
        market,
        "c1",
        order_line_id="l3",
        type="repair",
        description="沙发坐垫塌陷 一边高一边低 买了一个月就这样",
    )
    decision = case["assessment"]["decision"]
    assert decision["queue"] == "on_site_service"
    assert decision["resolutions"][0]["type"] == "on_site_inspection"
    assert when(case["deadlines"]["first_response_due"]) == clock.now() + 24 * HOUR
    queue = client.get(
        "/api/v1/cases",
        params={"queue": "on_site_service", "sort": "deadline"},
        headers=market.auth("operator"),
    ).json()
    assert [c["id"] for c in queue["items"]] == [case["id"]]
    other = client.get(
        "/api/v1/cases", params={"queue": "technical_support"}, headers=market.auth("operator")
    ).json()
    assert other["items"] == []


def test_the_item_condition_is_validated(client: TestClient, market: Market) -> None:
    body = {"order_line_id": "l2", "type": "return_refund", "description": "洗了一次就缩水"}
    unknown = client.post(
        "/api/v1/cases",
        json=body | {"condition": {"care_applied": ["wash_at_home"]}},
        headers=market.auth("c2"),
    )
    problem = assert_problem(unknown, 422, "validation_failed")
    assert "wash_at_home" in problem["detail"]
    extra = client.post(
        "/api/v1/cases",
        json=body | {"condition": {"misuse": False}},
        headers=market.auth("c2"),
    )
    assert_problem(extra, 422, "validation_failed")
    fine = client.post(
        "/api/v1/cases",
        json=body | {"condition": {"opened": True, "intact": True}},
        headers=market.auth("c2"),
    )
    assert fine.status_code == 201, fine.text


def test_an_activated_pack_decides_new_cases_and_a_broken_one_changes_nothing(
    client: TestClient, market: Market, ctx: Context, tmp_path: Path
) -> None:
    pack = policy.activate(ctx, OPERATOR, candidate_pack(tmp_path, "2026.2", 2))
    assert pack.version == "2026.2"
    case = open_case(
        client, market, "c1", order_line_id="l1", type="repair", description="屏幕闪烁"
    )
    assert case["assessment"]["decision"]["policy_version"] == "2026.2"

    broken = candidate_pack(tmp_path, "2026.3", 1)
    (broken / "platform" / "channel.yaml").write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(PackInvalid) as refused:
        policy.activate(ctx, OPERATOR, broken)
    assert "channel.yaml" in str(refused.value.problems)
    assert ctx.policy.pack.version == "2026.2"
    with pytest.raises(ValidationFailed):  # its own tests must pass too
        policy.activate(ctx, OPERATOR, _with_failing_test(tmp_path))
    assert ctx.policy.pack.version == "2026.2"


def _with_failing_test(tmp_path: Path) -> Path:
    target = tmp_path / "failing"
    shutil.copytree(default_pack_dir(), target)
    channel = target / "platform" / "channel.yaml"
    channel.write_text(
        channel.read_text(encoding="utf-8").replace(
            "sla: {first_response_hours: 4,", "sla: {first_response_hours: 5,"
        ),
        encoding="utf-8",
    )
    return target


def test_other_processes_adopt_an_activation_on_their_next_look(
    ctx: Context, market: Market, tmp_path: Path
) -> None:
    from aftersales.services.policy_source import PolicySource

    elsewhere = PolicySource(ctx.policy.pack, refresh_seconds=0)
    policy.activate(ctx, OPERATOR, candidate_pack(tmp_path, "2026.4", 3))
    with ctx.uow(read_only=True) as uow:
        assert elsewhere.current(uow).version == "2026.4"


def test_backtest_reports_what_a_candidate_pack_would_change(
    client: TestClient, market: Market, ctx: Context, tmp_path: Path
) -> None:
    online = open_case(
        client, market, "c1", order_line_id="l1", type="repair", description="充电很慢"
    )
    offline = open_case(
        client, market, "c1", order_line_id="l3", type="repair", description="沙发腿断了"
    )
    assert online and offline
    tally = backtest(ctx, OPERATOR, load_pack(candidate_pack(tmp_path, "2026.5", 1)))
    report = tally.to_json()
    assert report["cases"] == 2
    assert report["changed"] == 1  # only the online case's clock moves
    assert report["changed_fields"] == {"sla": 1}
    assert report["changed_by_category"] == {"digital/phone": 1}
    assert "platform.channel.online" in report["changed_by_rule"]
    before, after = report["first_response_hours"].values()
    assert after < before
    same = backtest(ctx, OPERATOR, ctx.policy.pack).to_json()
    assert same["changed"] == 0


def test_policy_cli_activates_and_backtests(
    market: Market, ctx: Context, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {"AFTERSALES_DATA_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": db_url}
    candidate = candidate_pack(tmp_path, "2026.6", 2)
    result = runner.invoke(app, ["policy", "backtest", "--pack", str(candidate)], env=env)
    assert result.exit_code == 0, result.output
    assert '"cases": 0' in result.output
    result = runner.invoke(app, ["policy", "activate", str(candidate)], env=env)
    assert result.exit_code == 0, result.output
    assert "2026.6" in result.output
    with ctx.uow(read_only=True) as uow:
        latest = uow.policy.latest()
    assert latest is not None and latest.version == "2026.6"


def test_the_policy_grants_at_once_only_the_remedy_the_consumer_asked_for(
    client: TestClient, market: Market, clock: ManualClock
) -> None:
    """A minor flaw on a cheap item earns a quick compensation, paid at once when the consumer
    named no remedy. A consumer who asked for a return or a refund is never settled with the
    compensation instead: the return within the statutory week cannot be refused."""
    now = clock.now()
    lines = [
        {"id": f"l9{k}", "product_id": "p2", "unit_price": "39.00", "quantity": 1} for k in range(3)
    ]
    placed, delivered = (now - timedelta(days=d) for d in (3, 1))
    body = order_body(
        merchant_id="m2", consumer_id="c2", store_id="s3", region="CN-SH", lines=lines,
        placed_at=placed.isoformat(), delivered_at=delivered.isoformat(),
    )  # fmt: skip
    pushed = client.post("/api/v1/orders", json=body, headers=market.auth("integration"))
    assert pushed.status_code == 201, pushed.text
    flaw = "毛衣上有个小线头，不影响穿"  # noqa: RUF001 (a minor flaw on a ¥39 sweater)
    asked = {
        kind: open_case(client, market, "c2", order_line_id=line, type=kind, description=flaw)
        for kind, line in (("complaint", "l90"), ("return_refund", "l91"), ("refund_only", "l92"))
    }

    def offered(case: dict[str, Any]) -> list[str]:
        return [r["type"] for r in case["assessment"]["decision"]["resolutions"]]

    assert all(offered(case)[0] == "quick_compensation" for case in asked.values())
    assert asked["complaint"]["state"] == "resolved"
    assert asked["complaint"]["resolution"]["type"] == "quick_compensation"
    returning = asked["return_refund"]
    assert returning["state"] == "awaiting_merchant" and returning["resolution"] is None
    assert "return_refund" in offered(returning)  # the compensation stays one choice of two
    refund = asked["refund_only"]
    assert refund["state"] == "resolved" and refund["resolution"]["type"] == "refund_only"


def test_the_work_queue_lists_only_cases_still_in_motion(
    client: TestClient, market: Market, clock: ManualClock
) -> None:
    """A resolved case keeps a deadline (its automatic closing) but is no one's work."""
    body = {"order_line_id": "l1", "type": "refund_only", "description": "屏幕有坏点"}
    case = open_case(client, market, "c1", **body)
    auth = market.auth("m1")
    refund = {"resolution": "refund_only", "amount": "100.00"}  # done once agreed
    proposed = client.post(f"/api/v1/cases/{case['id']}/proposals", json=refund, headers=auth)
    assert proposed.status_code == 200, proposed.text
    accepted = client.post(f"/api/v1/cases/{case['id']}/accept", headers=market.auth("c1"))
    assert accepted.status_code == 200, accepted.text
    other = open_case(client, market, "c2", order_line_id="l2", type="exchange", description="起球")

    def queue(who: str, **params: str) -> list[str]:
        found = client.get(
            "/api/v1/cases", params={"sort": "deadline", **params}, headers=market.auth(who)
        )
        assert found.status_code == 200, found.text
        return [c["id"] for c in found.json()["items"]]

    assert queue("operator") == [other["id"]] and queue("m1") == []
    assert queue("operator", state="resolved") == [case["id"]]  # asked for by name


def test_a_promised_delivery_still_ahead_is_no_delivery(
    client: TestClient, market: Market, clock: ManualClock
) -> None:
    """The statutory week runs from the day after the goods arrive, not from a promise."""
    now = clock.now()
    promised = (now + timedelta(days=300)).isoformat()
    body = order_body(placed_at=(now - timedelta(days=1)).isoformat(), delivered_at=promised)
    pushed = client.post("/api/v1/orders", json=body, headers=market.auth("integration"))
    assert pushed.status_code == 201, pushed.text
    case = open_case(
        client, market, "c1", order_line_id="l9", type="return_refund", description="不想要了"
    )
    with_facts = client.get(f"/api/v1/cases/{case['id']}/events", headers=market.auth("auditor"))
    facts = with_facts.json()[0]["data"]["assessment"]["facts"]
    assert facts["days_since_delivery"] is None
    assert "statutory.no_reason_return" not in case["assessment"]["decision"]["rules"]
