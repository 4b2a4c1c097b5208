"""The exposure API's refusals in the language the ranking system asks for: Chinese under
``Accept-Language: zh``, the English as it always was otherwise and under ``details.en``."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.exposure_support import API, rank_body, use_tiers
from tests.support import ZH, Market, assert_problem


@pytest.fixture
def tiers(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return use_tiers(monkeypatch, {"m1": "good", "m2": "standard"})


def test_a_rank_request_with_duplicate_items_is_refused_in_the_callers_language(
    client: TestClient, market: Market, tiers: dict[str, str]
) -> None:
    body = rank_body("feed", {"a": ("m1", 0.5), "b": ("m2", 0.4)}, 2)
    body["candidates"] *= 2
    url, auth = f"{API}/exposure/rank", market.auth("integration")

    chinese = assert_problem(
        client.post(url, json=body, headers=auth | ZH), 422, "validation_failed"
    )
    english = assert_problem(client.post(url, json=body, headers=auth), 422, "validation_failed")

    assert english["detail"] == "duplicate item ids among the candidates: a, b"
    assert chinese["details"] == {
        "en": "duplicate item ids among the candidates: a, b",
        "zh": "候选商品中有重复的商品 id：a、b",  # noqa: RUF001
    }
    assert chinese["detail"] == chinese["details"]["zh"]
    assert chinese["duplicates"] == english["duplicates"] == ["a", "b"]


def test_an_unknown_slot_in_an_impressions_report_is_refused_in_chinese(
    client: TestClient, market: Market, tiers: dict[str, str]
) -> None:
    item = {"item_id": "a", "merchant_id": "m1"}
    answer = client.post(
        f"{API}/exposure/impressions",
        json={"slot": "banner", "items": [item]},
        headers=market.auth("integration") | ZH,
    )

    body = assert_problem(answer, 422, "validation_failed")
    assert body["details"]["en"] == "unknown slot 'banner' (known: search, feed, mini_detail)"
    assert body["detail"] == "未知的流量位 'banner'（可选：search, feed, mini_detail）"  # noqa: RUF001
