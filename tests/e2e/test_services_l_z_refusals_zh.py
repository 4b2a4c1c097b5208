"""Refusals of the use cases from ledger to warning runs are said in Chinese too: over the API
in the language the request prefers, with both under ``details`` and the English word for word
as it always was; called directly, with the Chinese in ``extra["text"]``."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Channel, Order, OrderLine
from aftersales.errors import AftersalesError, Text
from aftersales.services.context import Context
from aftersales.services.order_batches import push_orders
from aftersales.services.sessions import sign_in
from aftersales.services.tokens import check_subject
from aftersales.services.warning_run import cst_today, run_warning
from tests.support import INTEGRATION, ZH, Market, assert_problem, bilingual


def said(exc: pytest.ExceptionInfo[AftersalesError] | AftersalesError) -> Text:
    return bilingual(exc.value if isinstance(exc, pytest.ExceptionInfo) else exc)


# ---- over the API ------------------------------------------------------------------------------


def test_a_recall_nobody_opened_is_not_found_in_chinese(client: TestClient, market: Market) -> None:
    answer = client.get("/api/v1/recalls/rc_nope", headers=market.auth("operator") | ZH)

    problem = assert_problem(answer, 404, "not_found")
    assert problem["detail"] == "找不到召回 rc_nope"
    assert problem["details"] == {"en": "recall rc_nope not found", "zh": "找不到召回 rc_nope"}


def test_another_merchants_scorecard_is_not_found_in_chinese_and_in_english_as_before(
    client: TestClient, market: Market
) -> None:
    url = "/api/v1/merchants/m2/scorecard"

    chinese = assert_problem(client.get(url, headers=market.auth("m1") | ZH), 404, "not_found")
    english = assert_problem(client.get(url, headers=market.auth("m1")), 404, "not_found")

    assert chinese["detail"] == "找不到商家 m2"
    assert english["detail"] == chinese["details"]["en"] == "merchant m2 not found"


def test_a_token_that_is_not_one_of_ours_is_refused_in_chinese(client: TestClient) -> None:
    headers = {"Authorization": "Bearer not-a-token"} | ZH

    problem = assert_problem(
        client.get("/api/v1/recalls", headers=headers), 401, "authentication_failed"
    )

    assert problem["details"] == {"en": "the bearer token is not valid", "zh": "Bearer 令牌无效"}
    assert problem["detail"] == "Bearer 令牌无效"


def test_batches_not_of_the_product_are_listed_in_chinese_with_the_english_errors_kept(
    client: TestClient, market: Market
) -> None:
    body = {"product_id": "p1", "batch_ids": ["b404", "b405"], "hazard": "外壳过热"}

    answer = client.post("/api/v1/recalls", json=body, headers=market.auth("operator") | ZH)

    problem = assert_problem(answer, 422, "unknown_reference")
    english = [f"batch {b} is not a batch of product p1" for b in ("b404", "b405")]
    assert problem["detail"] == "批次 b404 不属于商品 p1；批次 b405 不属于商品 p1"
    assert problem["details"]["en"] == "; ".join(english)
    assert problem["errors"] == english


def test_a_second_recall_over_the_same_product_names_the_first_and_its_state_in_chinese(
    client: TestClient, market: Market
) -> None:
    body = {"product_id": "p1", "hazard": "外壳过热"}
    first = client.post("/api/v1/recalls", json=body, headers=market.auth("operator"))
    assert first.status_code == 201, first.text
    recall_id = first.json()["id"]

    again = client.post("/api/v1/recalls", json=body, headers=market.auth("operator") | ZH)

    problem = assert_problem(again, 409, "recall_overlaps")
    assert problem["detail"] == f"召回 {recall_id}（评估中）已覆盖整个商品 p1"
    assert (
        problem["details"]["en"]
        == f"recall {recall_id} (review) already covers the whole product p1"
    )
    assert problem["recall_id"] == recall_id


def test_deciding_an_appeal_nobody_filed_is_not_found_in_chinese(
    client: TestClient, market: Market
) -> None:
    url = "/api/v1/appeals/ap_nope/accept"

    answer = client.post(url, json={"reason": "核实无误"}, headers=market.auth("operator") | ZH)

    problem = assert_problem(answer, 404, "not_found")
    assert problem["details"] == {"en": "appeal ap_nope not found", "zh": "找不到申诉 ap_nope"}


# ---- the use cases themselves -------------------------------------------------------------------


def test_an_order_pushed_in_a_batch_with_bad_references_is_refused_piece_by_piece_in_chinese(
    ctx: Context, market: Market
) -> None:
    now = ctx.clock.now()
    line = OrderLine("lx1", "ox1", "p1", 299900, 1, "b1")
    # An online order from m1's offline store s2, by a consumer nobody pushed.
    order = Order(
        "ox1", "m1", "c404", "s2", Channel.ONLINE, "CN-BJ", now - timedelta(days=1), (line,)
    )

    report = push_orders(ctx, INTEGRATION, [order])

    refusal = report.refused["ox1"]
    text = said(refusal)
    assert text.en == "an online order cannot come from offline store s2; consumer c404 is unknown"
    assert text.zh == "线上订单不能来自线下店铺 s2；消费者 c404 不存在"
    assert refusal.extra["errors"] == text.en.split("; ")


def test_pushing_orders_is_for_the_integration_in_both_languages(ctx: Context) -> None:
    with pytest.raises(AftersalesError) as refused:
        push_orders(ctx, Actor(Role.OPERATOR), [])

    assert said(refused) == Text(
        "only the marketplace integration can push master data and orders",
        "只有平台系统可以推送主数据和订单",
    )


@pytest.mark.parametrize(
    ("actor", "en", "zh"),
    [
        (
            Actor(Role.OPERATOR, "m1"),
            "a token for the operator role has no subject",
            "平台运营（operator）角色的令牌不能指定主体",
        ),
        (
            Actor(Role.CONSUMER),
            "a token for the consumer role needs a subject (--subject)",
            "消费者（consumer）角色的令牌须指定主体（--subject）",
        ),
        (
            Actor(Role.MERCHANT_AGENT, "m404"),
            "merchant_agent subject m404 is unknown",
            "找不到商家 m404",
        ),
    ],
    ids=["subject given", "subject missing", "unknown merchant"],
)
def test_a_token_for_a_wrong_subject_is_refused_in_both_languages(
    ctx: Context, market: Market, actor: Actor, en: str, zh: str
) -> None:
    with pytest.raises(AftersalesError) as refused:
        check_subject(ctx, actor)

    assert said(refused) == Text(en, zh)


def test_a_failed_sign_in_says_the_same_in_both_languages(ctx: Context) -> None:
    with pytest.raises(AftersalesError) as refused:
        sign_in(ctx, "nobody", "wrong password")

    assert said(refused) == Text(
        "the name or password is not right, or sign-in is paused after repeated failures",
        "用户名或密码不正确，或因多次输错已暂停登录",
    )


def test_an_early_warning_run_for_a_day_to_come_is_refused_in_chinese(ctx: Context) -> None:
    today = cst_today(ctx)
    tomorrow = today + timedelta(days=1)

    with pytest.raises(AftersalesError) as refused:
        run_warning(ctx, as_of=tomorrow)

    assert said(refused) == Text(
        f"{tomorrow} is in the future (today is {today}, China Standard Time): only weeks "
        "that have ended can be judged",
        f"{tomorrow} 尚未到来（北京时间今天是 {today}）：预警只研判已结束的周",
    )


def test_an_entry_of_an_empty_evidence_log_is_refused_without_a_range(ctx: Context) -> None:
    from aftersales.services import ledger

    with pytest.raises(AftersalesError) as caught:
        ledger.entry(ctx, 3)
    assert caught.value.detail == "the log has no entry 3; it is empty"
    assert caught.value.extra["text"].zh == "存证日志中还没有条目"
