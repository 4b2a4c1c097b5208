"""The automatic first reply of a new case, through the API on SQLite and PostgreSQL: posted
in the consumer's language, and the merchant's first response only when it is concrete."""

# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.clock import ManualClock
from aftersales.services.context import Context
from aftersales.services.sla import sweep
from aftersales.triage.replies import Reply
from tests.dispatch_support import PHONE_DEFECT, PHONE_FIRE, UNCLEAR, fresh_line, open_case
from tests.support import Market


@pytest.fixture
def replying(ctx: Context) -> Iterator[Context]:
    ctx.auto_reply = True  # the shared fixture runs without (tests/conftest.py says why)
    yield ctx


def events(client: TestClient, market: Market, case_id: str) -> list[dict[str, Any]]:
    answer = client.get(f"/api/v1/cases/{case_id}/events", headers=market.auth("c1"))
    found: list[dict[str, Any]] = answer.json()
    return found


def test_a_sure_complaint_gets_a_concrete_reply_that_is_the_merchants_first_response(
    client: TestClient, market: Market, replying: Context, clock: ManualClock
) -> None:
    case = open_case(client, market, fresh_line(replying), PHONE_DEFECT)

    opened, reply = events(client, market, case["id"])
    assert (opened["kind"], reply["kind"]) == ("opened", "message_posted")
    assert reply["actor"] == {"role": "system", "id": "auto_reply"}
    assert reply["data"]["first_response"] is True
    assert reply["data"]["auto_reply"]["concrete_step"] is True
    assert reply["data"]["auto_reply"]["language"] == "zh"
    assert "序列号" in reply["data"]["body"] and "1. " in reply["data"]["body"]
    assert case["deadlines"]["responded_at"] == case["opened_at"]
    assert case["messages"] == 1

    # Online phones: 4 h to respond, 24 h to propose (the default pack).
    clock.advance(timedelta(hours=20))
    report = sweep(replying)
    assert "first_response_missed" not in report.events  # the reply answered in time

    clock.advance(timedelta(hours=5))
    report = sweep(replying)
    assert "first_response_missed" in report.events  # but the merchant itself never acted


def test_an_english_complaint_is_answered_in_english(
    client: TestClient, market: Market, replying: Context
) -> None:
    case = open_case(
        client, market, fresh_line(replying), "The screen has dead pixels after two days"
    )

    reply = events(client, market, case["id"])[1]["data"]
    assert reply["auto_reply"]["language"] == "en"
    assert reply["body"].startswith("Hello,")


def test_an_unclear_complaint_gets_an_acknowledgement_and_the_clock_keeps_running(
    client: TestClient, market: Market, replying: Context, clock: ManualClock
) -> None:
    case = open_case(client, market, fresh_line(replying), UNCLEAR)

    reply = events(client, market, case["id"])[1]["data"]
    assert reply["auto_reply"] == {
        "entry": "acknowledgement",
        "language": "zh",
        "concrete_step": False,
    }
    assert reply["first_response"] is False
    assert case["deadlines"]["responded_at"] is None

    clock.advance(timedelta(hours=30))
    assert sweep(replying).events["first_response_missed"] == 1


def test_a_hazard_gets_the_safety_steps_and_is_never_told_to_send_the_item_back(
    client: TestClient, market: Market, replying: Context
) -> None:
    case = open_case(client, market, fresh_line(replying), PHONE_FIRE)

    kinds = [e["kind"] for e in events(client, market, case["id"])]
    reply = events(client, market, case["id"])[-1]["data"]
    assert kinds == ["opened", "escalated", "message_posted"]
    assert reply["auto_reply"]["entry"] == "fire_overheat.digital"
    assert "不要再充电" in reply["body"] and "退回" not in reply["body"]
    assert reply["first_response"] is False  # the platform owns the case; no merchant clock


def test_the_reply_is_announced_through_the_outbox_with_the_case(
    client: TestClient, market: Market, replying: Context, db_url: str
) -> None:
    from sqlalchemy import select

    from aftersales.store.db import make_engine
    from aftersales.store.tables import outbox

    case = open_case(client, market, fresh_line(replying), PHONE_DEFECT)

    engine = make_engine(db_url)
    with engine.connect() as conn:
        topics = conn.execute(select(outbox.c.topic).where(outbox.c.key == case["id"])).scalars()
        assert list(topics) == ["case.opened", "case.message_posted"]
    engine.dispose()


def test_with_replies_switched_off_nothing_is_posted(
    client: TestClient, market: Market, ctx: Context
) -> None:
    case = open_case(client, market, fresh_line(ctx), PHONE_DEFECT)
    assert [e["kind"] for e in events(client, market, case["id"])] == ["opened"]


class FakeDrafter:
    def __init__(self, lead: str | None) -> None:
        self.lead = lead
        self.seen: list[str] = []

    def draft_lead(self, complaint: str, reply: Reply) -> str | None:
        self.seen.append(complaint)
        return self.lead


def test_a_configured_drafter_writes_the_opening_and_the_steps_stay_the_knowledge_bases(
    client: TestClient, market: Market, replying: Context
) -> None:
    replying.drafter = FakeDrafter("非常抱歉给您带来困扰，我们已经收到。")
    case = open_case(client, market, fresh_line(replying), PHONE_DEFECT)

    reply = events(client, market, case["id"])[1]["data"]
    assert reply["body"].splitlines()[1] == "非常抱歉给您带来困扰，我们已经收到。"
    assert "序列号" in reply["body"] and reply["first_response"] is True


def test_a_failing_drafter_changes_nothing(
    client: TestClient, market: Market, replying: Context
) -> None:
    replying.drafter = FakeDrafter(None)
    case = open_case(client, market, fresh_line(replying), PHONE_DEFECT)

    reply = events(client, market, case["id"])[1]["data"]
    assert reply["body"].splitlines()[1] == "商品存在质量问题，请先留存证据。"
