"""A case's refusal over the API: its own code, the status of its kind, the reason in the
language the request prefers (English otherwise, as before), both languages under ``details``,
and the values it names (the amount paid as the API writes money, the remedy, the state)."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.support import ZH, Market, Storage, assert_problem


def open_case(client: TestClient, market: Market) -> str:
    body = {"order_line_id": "l1", "type": "return_refund", "description": "屏幕有坏点"}
    response = client.post("/api/v1/cases", json=body, headers=market.auth("c1"))
    assert response.status_code == 201, response.text
    case_id: str = response.json()["id"]
    return case_id


def rated_case(client: TestClient, market: Market) -> str:
    """A case on l1 settled by a refund the consumer accepted, then rated."""
    case_id = open_case(client, market)
    url = f"/api/v1/cases/{case_id}"
    proposal = {"resolution": "refund_only", "amount": "100.00"}
    steps = [
        client.post(f"{url}/proposals", json=proposal, headers=market.auth("m1")),
        client.post(f"{url}/accept", headers=market.auth("c1")),
        client.post(f"{url}/rating", json={"score": 5}, headers=market.auth("c1")),
    ]
    assert [s.status_code for s in steps] == [200, 200, 200], [s.text for s in steps]
    return case_id


def test_rating_twice_in_chinese_is_said_in_chinese_with_the_english_beside_it(
    client: TestClient, market: Market, storage: Storage
) -> None:
    url = f"/api/v1/cases/{rated_case(client, market)}/rating"
    before = storage.snapshot()

    again = client.post(url, json={"score": 1}, headers=market.auth("c1") | ZH)

    problem = assert_problem(again, 409, "already_rated")
    assert problem["title"] == "Already rated"
    assert problem["detail"] == "该服务已评价过，每个售后单只能评价一次"
    assert problem["details"] == {
        "en": "the service has already been rated",
        "zh": "该服务已评价过，每个售后单只能评价一次",
    }
    assert storage.snapshot() == before


def test_rating_twice_without_a_language_is_said_in_english_as_before(
    client: TestClient, market: Market
) -> None:
    url = f"/api/v1/cases/{rated_case(client, market)}/rating"

    again = client.post(url, json={"score": 1}, headers=market.auth("c1"))

    problem = assert_problem(again, 409, "already_rated")
    assert problem["detail"] == problem["details"]["en"] == "the service has already been rated"


@pytest.mark.parametrize(
    ("sent", "status", "code", "zh", "values"),
    [
        (
            {"resolution": "reject", "amount": "10.00"},
            422,
            "rejection_with_amount",
            "「不予处理」不含金额，金额须为 0",
            {"resolution": "reject"},
        ),
        (
            {"resolution": "refund_only", "amount": "2999.01"},
            422,
            "amount_over_paid",
            "金额超过了该商品的实付金额（¥2,999.00）",
            {"paid": "2999.00"},
        ),
        (
            {"resolution": "refund_only", "amount": "0.00"},
            422,
            "amount_required",
            "「仅退款」需要大于零的金额",
            {"resolution": "refund_only"},
        ),
    ],
    ids=["a rejection with an amount", "more than was paid", "a refund of nothing"],
)
def test_a_refused_proposal_in_chinese_names_the_remedy_or_the_amount(
    client: TestClient,
    market: Market,
    sent: dict[str, str],
    status: int,
    code: str,
    zh: str,
    values: dict[str, str],
) -> None:
    url = f"/api/v1/cases/{open_case(client, market)}/proposals"

    refused = client.post(url, json=sent, headers=market.auth("m1") | ZH)

    problem = assert_problem(refused, status, code)
    assert problem["detail"] == problem["details"]["zh"] == zh
    assert {k: problem[k] for k in values} == values


def test_a_step_the_state_does_not_allow_keeps_its_code_and_names_the_state_in_chinese(
    client: TestClient, market: Market
) -> None:
    url = f"/api/v1/cases/{open_case(client, market)}/accept"

    refused = client.post(url, headers=market.auth("c1") | ZH)

    problem = assert_problem(refused, 409, "invalid_transition")
    assert problem["details"] == {
        "en": "cannot accept a proposal while the case is awaiting_merchant",
        "zh": "售后单当前状态为「待商家处理」，无法接受方案",
    }
    assert problem["detail"] == problem["details"]["zh"]
    assert problem["state"] == "awaiting_merchant"


def test_opening_outside_the_window_or_twice_is_said_in_chinese(
    client: TestClient, market: Market
) -> None:
    """The refusals a consumer meets when opening a case, in the consumer's language."""
    late = {"order_line_id": "l3", "type": "return_refund", "description": "桌腿断了"}
    refused_late = client.post("/api/v1/cases", json=late, headers=market.auth("c1") | ZH)
    open_case(client, market)
    again = {"order_line_id": "l1", "type": "exchange", "description": "还是有坏点"}
    refused_again = client.post("/api/v1/cases", json=again, headers=market.auth("c1") | ZH)

    window = assert_problem(refused_late, 422, "outside_after_sales_window")
    assert window["detail"] == (
        "「退货退款」的申请期已于 2026-10-18 17:00（北京时间）结束（签收后 15 天内可申请）"
    )
    assert window["details"]["en"] == (
        "the after-sales window for return_refund closed on 2026-10-18 (15 days after delivery)"
    )
    assert window["due"].startswith("2026-10-18")
    twice = assert_problem(refused_again, 409, "case_already_open")
    assert twice["detail"] == "该商品已有进行中的售后单，请在原售后单中继续处理"


def test_an_evidence_file_of_the_wrong_type_is_said_in_chinese(
    client: TestClient, market: Market
) -> None:
    case_id = open_case(client, market)

    response = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        files={"file": ("notes.txt", b"just some words", "text/plain")},
        headers=market.auth("c1") | ZH,
    )

    problem = assert_problem(response, 415, "evidence_type_not_allowed")
    assert problem["detail"].startswith("凭证文件须为以下格式之一：")
