"""A rank or impressions body that is not JSON (or nested deeper than the parser goes) is a 400
``malformed_request`` however early it goes wrong, as on every other endpoint; well-formed JSON
with wrong fields stays a 422."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.exposure_support import API, rank_body
from tests.support import Market, outcome

DEEP = "[" * 5000 + "]" * 5000  # deeper than any JSON parser of ours goes


def test_a_truncated_or_broken_rank_body_is_a_bad_request_even_after_a_wrong_value(
    client: TestClient, market: Market
) -> None:
    whole = json.dumps(rank_body("feed", {"a": ("m1", 0.5), "b": ("m2", 0.4)}, 2))
    headers = market.auth("integration") | {"Content-Type": "application/json"}

    def post(raw: str, path: str = "rank") -> str:
        return outcome(client.post(f"{API}/exposure/{path}", content=raw, headers=headers))

    answers = {
        "cut in half": post(whole[: len(whole) // 2]),
        "cut after an unknown field": post('{"page": 2, "slot": "fe'),
        "cut after a candidate without merchant": post(
            '{"slot": "feed", "user_id": "u", "candidates": [{"item_id": "a"}, {"it'
        ),
        "cut after a score as text": post('{"slot": "feed", "k": "3", "user_id"'),
        "cut after an infinite score": post(
            '{"slot": "feed", "candidates": [{"item_id": "a", "merchant_id": "m", '
            '"score": 1e400}, {"it'
        ),
        "trailing text after a wrong value": post('{"slot": 1} and more'),
        "an array cut short": post("[1,"),
        "impressions cut after a wrong value": post('{"slot": 7, "items": [', "impressions"),
        "nested too deep": post(DEEP),
        "nested too deep in an ignored field": post(
            whole.replace('"score"', f'"x": {DEEP}, "score"')
        ),
        "well-formed with a wrong value": post('{"slot": 1}'),
        "well-formed impressions with a wrong value": post(
            '{"slot": 7, "items": []}', "impressions"
        ),
    }

    assert answers == {
        "cut in half": "400 malformed_request",
        "cut after an unknown field": "400 malformed_request",
        "cut after a candidate without merchant": "400 malformed_request",
        "cut after a score as text": "400 malformed_request",
        "cut after an infinite score": "400 malformed_request",
        "trailing text after a wrong value": "400 malformed_request",
        "an array cut short": "400 malformed_request",
        "impressions cut after a wrong value": "400 malformed_request",
        "nested too deep": "400 malformed_request",
        "nested too deep in an ignored field": "400 malformed_request",
        "well-formed with a wrong value": "422 validation_failed",
        "well-formed impressions with a wrong value": "422 validation_failed",
    }


def test_a_malformed_rank_body_is_refused_in_the_language_asked_for(
    client: TestClient, market: Market
) -> None:
    headers = market.auth("integration") | {"Content-Type": "application/json"}
    asked = {
        lang: client.post(
            f"{API}/exposure/rank",
            content='{"page": 2, "slot": "fe',
            headers=headers | {"Accept-Language": lang},
        ).json()
        for lang in ("zh-CN", "en")
    }

    chinese, english = asked["zh-CN"], asked["en"]
    assert chinese["details"] == english["details"]
    assert chinese["detail"] == chinese["details"]["zh"] and "JSON" in chinese["detail"]
    assert english["detail"] == english["details"]["en"]
    assert english["detail"].startswith("the body is not valid JSON")
