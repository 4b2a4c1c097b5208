"""The API's input refusals (422 from the models, 400 for a body that is not JSON) answer in the
language the request prefers, with the English kept under ``details``; English as before."""

# ruff: noqa: RUF001

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support import Market, assert_problem

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-US"}


def test_bad_query_parameters_are_refused_in_chinese_when_asked(
    client: TestClient, market: Market
) -> None:
    url = "/api/v1/recalls?state=gone&limit=0"
    headers = market.auth("operator")

    chinese = assert_problem(client.get(url, headers=headers | ZH), 422, "validation_failed")
    english = assert_problem(client.get(url, headers=headers | EN), 422, "validation_failed")
    plain = assert_problem(client.get(url, headers=headers), 422, "validation_failed")

    assert english == plain and "details" not in english
    assert [e["msg"] for e in english["errors"]] == [
        "Input should be 'review', 'confirmed' or 'dismissed'",
        "Input should be greater than or equal to 1",
    ]
    assert [(e["loc"], e["msg"]) for e in chinese["errors"]] == [
        (["query", "state", 0], "应为以下之一：'review'、'confirmed'、'dismissed'"),
        (["query", "limit"], "应大于或等于 1"),
    ]
    assert [e["details"]["en"] for e in chinese["errors"]] == [e["msg"] for e in english["errors"]]
    assert chinese["detail"] == (
        "query.state.0: 应为以下之一：'review'、'confirmed'、'dismissed'；"
        "query.limit: 应大于或等于 1"
    )
    assert chinese["details"] == {"en": english["detail"], "zh": chinese["detail"]}


def test_bad_bodies_are_refused_in_chinese_when_asked(client: TestClient, market: Market) -> None:
    headers = market.auth("c1")

    def post(body: dict[str, Any], lang: dict[str, str]) -> dict[str, Any]:
        answer = client.post("/api/v1/cases", json=body, headers=headers | lang)
        return assert_problem(answer, 422, "validation_failed")

    missing = post({"type": "return_refund", "description": "坏了", "x": 1}, ZH)
    english = post({"type": "return_refund", "description": "坏了", "x": 1}, EN)

    assert {tuple(e["loc"]): e["msg"] for e in missing["errors"]} == {
        ("body", "order_line_id"): "缺少必填项",
        ("body", "x"): "不允许多余的字段",
    }
    assert {tuple(e["loc"]): e["msg"] for e in english["errors"]} == {
        ("body", "order_line_id"): "Field required",
        ("body", "x"): "Extra inputs are not permitted",
    }


def test_a_body_that_is_not_json_is_refused_in_chinese_when_asked(
    client: TestClient, market: Market
) -> None:
    headers = market.auth("c1") | {"Content-Type": "application/json"}

    def post(lang: dict[str, str]) -> dict[str, Any]:
        answer = client.post("/api/v1/cases", content=b'{"type": "re', headers=headers | lang)
        return assert_problem(answer, 400, "malformed_request")

    chinese, english = post(ZH), post(EN)

    assert chinese["detail"] == "请求体不是有效的 JSON"
    assert chinese["details"] == {"en": english["detail"], "zh": chinese["detail"]}
    assert english["detail"] == "the body is not valid JSON" and "details" not in english
