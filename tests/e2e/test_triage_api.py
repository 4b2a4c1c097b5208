"""``POST /api/v1/triage``: classify a text without opening a case; bad input is a clear result
or a clear 4xx, and nothing is written either way."""

# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.support import Market, Storage, assert_problem

FIELDS = {
    "issue_type",
    "severity",
    "cause",
    "safety",
    "confidence",
    "language",
    "needs_human",
    "queue",
    "hazards",
    "reasons",
    "model_version",
}


def triage(
    client: TestClient, market: Market, body: object, who: str = "operator"
) -> dict[str, object]:
    answer = client.post("/api/v1/triage", json=body, headers=market.auth(who))
    assert answer.status_code == 200, answer.text
    found: dict[str, object] = answer.json()
    return found


def test_an_operator_or_the_integration_classifies_a_complaint_without_a_case(
    client: TestClient, market: Market, storage: Storage
) -> None:
    before = storage.snapshot()

    fire = triage(
        client, market, {"text": "充电器冒烟了，插头都烧黑了", "category": "digital/phone"}
    )
    spoiled = triage(client, market, {"text": "牛奶打开就是臭的，已经变质了"}, who="integration")

    assert set(fire) == FIELDS
    assert (fire["issue_type"], fire["safety"], fire["severity"]) == (
        "fire_overheat",
        True,
        "critical",
    )
    assert fire["hazards"] == ["fire"] and fire["language"] == "zh"
    assert spoiled["safety"] is True and spoiled["queue"] == "food_safety"
    assert storage.snapshot() == before


def test_negated_hazards_and_mixed_language_come_back_as_they_are(
    client: TestClient, market: Market
) -> None:
    calm = triage(
        client,
        market,
        {"text": "取暖器没有冒烟也没有焦味，就是不制热", "category": "appliance/heater"},
    )
    mixed = triage(
        client,
        market,
        {"text": "iPhone 屏幕 flicker 很严重，screen 一直闪", "category": "digital/phone"},
    )

    assert calm["safety"] is False
    assert mixed["language"] in ("mixed", "zh")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("😡😡😡😡", "unknown_language"),
        ("Это ужасный телефон", "unknown_language"),
        ("\ufffd\ufffd\ufffd\ufffd\x01\x02 abc", "binary"),
    ],
)
def test_text_it_cannot_read_gets_other_with_no_confidence_for_people(
    client: TestClient, market: Market, text: str, reason: str
) -> None:
    found = triage(client, market, {"text": text})
    assert (found["issue_type"], found["confidence"], found["needs_human"]) == ("other", 0.0, True)
    assert reason in found["reasons"]  # type: ignore[operator]


def test_a_long_text_is_cut_and_said_so(client: TestClient, market: Market) -> None:
    found = triage(client, market, {"text": "屏幕有坏点。" * 3000})
    assert "truncated" in found["reasons"]  # type: ignore[operator]


def test_bad_requests_are_refused_with_a_problem_and_write_nothing(
    client: TestClient, market: Market, storage: Storage
) -> None:
    before = storage.snapshot()
    op = market.auth("operator")
    answers = {
        "1 MB": client.post("/api/v1/triage", json={"text": "坏" * 1_000_000}, headers=op),
        "NUL": client.post("/api/v1/triage", json={"text": "a\u0000b"}, headers=op),
        "category": client.post(
            "/api/v1/triage", json={"text": "坏了", "category": "spaceship"}, headers=op
        ),
        "no text": client.post("/api/v1/triage", json={"category": "digital"}, headers=op),
        "not a string": client.post("/api/v1/triage", json={"text": 42}, headers=op),
        "extra": client.post("/api/v1/triage", json={"text": "x", "lang": "zh"}, headers=op),
    }
    for answer in answers.values():
        assert_problem(answer, 422, "validation_failed")
    assert "unknown category" in answers["category"].json()["detail"]
    merchant = client.post("/api/v1/triage", json={"text": "x"}, headers=market.auth("m1"))
    assert_problem(merchant, 403, "permission_denied")
    assert storage.snapshot() == before
