"""Refusals of the use cases over the API: in Chinese for a request that prefers it, with both
languages under ``details`` and the English (and the ``errors`` list) exactly as before."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support import ZH, Market, assert_problem, order_body


def test_a_case_nobody_can_see_is_not_found_in_chinese(client: TestClient, market: Market) -> None:
    found = client.get("/api/v1/cases/cs_nope", headers=market.auth("c1") | ZH)

    problem = assert_problem(found, 404, "not_found")
    assert problem["detail"] == "找不到售后单 cs_nope"
    assert problem["details"] == {"en": "case cs_nope not found", "zh": "找不到售后单 cs_nope"}


def test_an_order_with_several_unknown_references_lists_them_all_in_chinese(
    client: TestClient, market: Market
) -> None:
    body = order_body(consumer_id="c404", line={"product_id": "p2"})

    pushed = client.post("/api/v1/orders", json=body, headers=market.auth("integration") | ZH)

    problem = assert_problem(pushed, 422, "unknown_reference")
    english = ["consumer c404 is unknown", "line l9: product p2 is not sold by this merchant"]
    chinese = "消费者 c404 不存在；订单商品 l9：商品 p2 不是该商家销售的商品"
    assert problem["detail"] == chinese
    assert problem["details"] == {"en": "; ".join(english), "zh": chinese}
    assert problem["errors"] == english


def test_an_idempotency_key_reused_for_another_order_is_refused_in_chinese(
    client: TestClient, market: Market
) -> None:
    headers = market.auth("integration") | {"Idempotency-Key": "push-1"}
    first = client.post("/api/v1/orders", json=order_body(), headers=headers)
    other = order_body(line={"unit_price": "20.00"})

    again = client.post("/api/v1/orders", json=other, headers=headers | ZH)

    assert first.status_code == 201, first.text
    problem = assert_problem(again, 422, "idempotency_key_reused")
    assert problem["detail"] == "该 Idempotency-Key 已用于另一个内容不同的请求"
    assert problem["details"]["en"] == (
        "this Idempotency-Key was already used with a different request"
    )


def test_without_a_language_an_unknown_agent_is_refused_in_english_as_before(
    client: TestClient, market: Market
) -> None:
    found = client.get("/api/v1/agents/ag_nope", headers=market.auth("operator"))

    problem = assert_problem(found, 404, "not_found")
    assert problem["detail"] == problem["details"]["en"] == "agent ag_nope not found"
    assert problem["details"]["zh"] == "找不到客服 ag_nope"
