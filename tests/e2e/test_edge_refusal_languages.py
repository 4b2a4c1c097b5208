"""What every API client meets first, said in the language the request prefers: a missing
token, a role the route does not admit, a cursor the API did not give out, an order it cannot
find. English without ``Accept-Language``, as it always was; both under ``details``."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support import ZH, Market, assert_problem


def test_a_request_without_a_token_is_refused_in_chinese_when_asked(client: TestClient) -> None:
    refused = client.get("/api/v1/cases", headers=ZH)

    problem = assert_problem(refused, 401, "authentication_failed")
    assert problem["detail"] == "请在 Authorization 请求头中携带 Bearer 令牌"
    assert problem["details"] == {
        "en": "send a bearer token in the Authorization header",
        "zh": "请在 Authorization 请求头中携带 Bearer 令牌",
    }


def test_a_request_without_a_token_or_a_language_is_refused_in_english_as_before(
    client: TestClient,
) -> None:
    problem = assert_problem(client.get("/api/v1/cases"), 401, "authentication_failed")
    assert problem["detail"] == "send a bearer token in the Authorization header"


def test_a_role_the_route_does_not_admit_is_told_the_roles_in_chinese(
    client: TestClient, market: Market
) -> None:
    refused = client.get("/api/v1/scorecards", headers=market.auth("c1") | ZH)

    problem = assert_problem(refused, 403, "permission_denied")
    assert problem["details"]["en"] == ("this needs one of the roles: operator, auditor")
    assert (
        problem["detail"]
        == problem["details"]["zh"]
        == ("此操作仅限以下角色：平台运营（operator）、审计（auditor）")
    )


def test_a_cursor_the_api_did_not_give_out_is_refused_in_chinese(
    client: TestClient, market: Market
) -> None:
    refused = client.get("/api/v1/cases?cursor=bm90LW91cnM", headers=market.auth("c1") | ZH)

    problem = assert_problem(refused, 422, "validation_failed")
    assert problem["details"]["en"] == "the cursor is not one this API gave out"
    assert problem["detail"] == "cursor 无效：不是本接口返回的分页游标"


def test_an_order_not_found_is_said_in_chinese(client: TestClient, market: Market) -> None:
    refused = client.get("/api/v1/orders/none-such", headers=market.auth("integration") | ZH)

    problem = assert_problem(refused, 404, "not_found")
    assert problem["details"] == {"en": "order none-such not found", "zh": "找不到订单 none-such"}
    assert problem["detail"] == "找不到订单 none-such"
