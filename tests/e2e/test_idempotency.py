"""Idempotency-Key on the creating POSTs: a retried request is answered, not done twice.

docs/decisions/0004: the key is scoped to the caller; the same key with the same body replays
the first answer (``Idempotent-Replayed: true``); with another body it is 422; a request that
fails releases its key; keys expire after the TTL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from aftersales.domain.clock import ManualClock
from aftersales.services import idempotency
from aftersales.services.context import Context
from tests.support import Market, Storage, assert_problem, order_body

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 56
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def open_case(client: TestClient, market: Market, line: str = "l1") -> str:
    body = {"order_line_id": line, "type": "repair", "description": "no sound"}
    response = client.post("/api/v1/cases", json=body, headers=market.auth("c1"))
    assert response.status_code == 201, response.text
    case_id: str = response.json()["id"]
    return case_id


@dataclass(frozen=True)
class Creator:
    """One creating POST: how to send it (``variant`` changes the body) and what it created."""

    who: str
    send: Callable[[TestClient, str, int, dict[str, str]], Response]
    count: Callable[[TestClient, Market, str], int]  # how many of the created thing exist


def _open(client: TestClient, case_id: str, variant: int, headers: dict[str, str]) -> Response:
    body = {"order_line_id": "l3", "type": "repair", "description": f"leg broke ({variant})"}
    return client.post("/api/v1/cases", json=body, headers=headers)


def _message(client: TestClient, case_id: str, variant: int, headers: dict[str, str]) -> Response:
    body = {"body": f"any news? ({variant})"}
    return client.post(f"/api/v1/cases/{case_id}/messages", json=body, headers=headers)


def _evidence(client: TestClient, case_id: str, variant: int, headers: dict[str, str]) -> Response:
    data = PNG if variant == 1 else JPEG
    files = {"file": ("photo", data, "application/octet-stream")}
    return client.post(f"/api/v1/cases/{case_id}/evidence", files=files, headers=headers)


def _order(client: TestClient, case_id: str, variant: int, headers: dict[str, str]) -> Response:
    body = order_body(line={"unit_price": f"{variant}0.00"})
    return client.post("/api/v1/orders", json=body, headers=headers)


def _cases_on_l3(client: TestClient, market: Market, case_id: str) -> int:
    listed = client.get(
        "/api/v1/cases", params={"order_line_id": "l3"}, headers=market.auth("operator")
    )
    return len(listed.json()["items"])


def _messages(client: TestClient, market: Market, case_id: str) -> int:
    case = client.get(f"/api/v1/cases/{case_id}", headers=market.auth("operator")).json()
    messages: int = case["messages"]
    return messages


def _evidence_files(client: TestClient, market: Market, case_id: str) -> int:
    listed = client.get(f"/api/v1/cases/{case_id}/evidence", headers=market.auth("operator"))
    return len(listed.json())


def _orders_o9(client: TestClient, market: Market, case_id: str) -> int:
    found = client.get("/api/v1/orders/o9", headers=market.auth("integration"))
    return 1 if found.status_code == 200 else 0


CREATORS = {
    "open a case": Creator("c1", _open, _cases_on_l3),
    "post a message": Creator("c1", _message, _messages),
    "upload evidence": Creator("c1", _evidence, _evidence_files),
    "push an order": Creator("integration", _order, _orders_o9),
}


@pytest.mark.parametrize("name", list(CREATORS))
def test_a_retry_with_the_same_key_replays_the_first_answer_and_another_body_is_refused(
    name: str, client: TestClient, market: Market, storage: Storage
) -> None:
    creator = CREATORS[name]
    case_id = open_case(client, market)
    headers = market.auth(creator.who) | key("retry-1")

    first = creator.send(client, case_id, 1, headers)
    again = creator.send(client, case_id, 1, headers)

    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    assert (again.status_code, again.content) == (201, first.content)  # byte for byte
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == "application/json"
    assert creator.count(client, market, case_id) == 1

    before = storage.snapshot()
    other = creator.send(client, case_id, 2, headers)

    problem = assert_problem(other, 422, "idempotency_key_reused")
    assert problem["detail"] == "this Idempotency-Key was already used with a different request"
    assert storage.snapshot() == before


def test_without_a_key_a_repeated_message_is_posted_twice(
    client: TestClient, market: Market
) -> None:
    case_id = open_case(client, market)

    for _ in range(2):
        response = _message(client, case_id, 1, market.auth("c1"))
        assert response.status_code == 201, response.text
        assert "idempotent-replayed" not in response.headers

    assert _messages(client, market, case_id) == 2


def test_keys_are_scoped_to_the_caller(client: TestClient, market: Market) -> None:
    # Two consumers open cases with the same key ...
    opened = {}
    for who, line in (("c1", "l1"), ("c2", "l2")):
        body = {"order_line_id": line, "type": "repair", "description": "no sound"}
        response = client.post(
            "/api/v1/cases", json=body, headers=market.auth(who) | key("same-key")
        )
        assert response.status_code == 201, response.text
        assert "idempotent-replayed" not in response.headers
        opened[who] = (response.json()["consumer_id"], response.json()["order_line_id"])
    assert opened == {"c1": ("c1", "l1"), "c2": ("c2", "l2")}

    # ... and the consumer and the merchant post the same message on one case with one key.
    case_id = client.get("/api/v1/cases", headers=market.auth("c1")).json()["items"][0]["id"]
    answers = [
        _message(client, case_id, 1, market.auth(who) | key("message-key")) for who in ("c1", "m1")
    ]

    assert [(a.status_code, a.headers.get("idempotent-replayed")) for a in answers] == [
        (201, None),
        (201, None),
    ]
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=market.auth("auditor"))
    posted_by = [e["actor"]["id"] for e in events.json() if e["kind"] == "message_posted"]
    assert posted_by == ["c1", "m1"]


def test_a_refused_request_releases_its_key_for_the_corrected_retry(
    client: TestClient, market: Market, storage: Storage
) -> None:
    case_id = open_case(client, market, line="l3")
    cases, evidence = "/api/v1/cases", f"/api/v1/cases/{case_id}/evidence"
    body = {"type": "repair", "description": "no sound"}
    # (who, the refused request, its status and code, the corrected retry), all with one key
    retries = {
        "someone else's line": (
            "c2",
            lambda h: client.post(cases, json=body | {"order_line_id": "l1"}, headers=h),
            (404, "not_found"),
            lambda h: client.post(cases, json=body | {"order_line_id": "l2"}, headers=h),
        ),
        "a line with an open case": (
            "c1",
            lambda h: client.post(cases, json=body | {"order_line_id": "l3"}, headers=h),
            (409, "case_already_open"),
            lambda h: client.post(cases, json=body | {"order_line_id": "l1"}, headers=h),
        ),
        "a text file as evidence": (
            "m1",
            lambda h: client.post(evidence, files={"file": ("a.txt", b"text")}, headers=h),
            (415, "evidence_type_not_allowed"),
            lambda h: client.post(evidence, files={"file": ("a.png", PNG)}, headers=h),
        ),
    }

    answers = {}
    for name, (who, refused, (status, code), corrected) in retries.items():
        headers = market.auth(who) | key("try-1")
        before = storage.snapshot()
        assert_problem(refused(headers), status, code)
        assert storage.snapshot() == before  # not even the key stays behind
        retried = corrected(headers)
        answers[name] = (retried.status_code, retried.headers.get("idempotent-replayed"))

    assert answers == {name: (201, None) for name in retries}


def test_keys_expire_after_the_ttl(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock
) -> None:
    headers = market.auth("c1") | key("nightly-retry")
    first = client.post(
        "/api/v1/cases",
        json={"order_line_id": "l1", "type": "repair", "description": "no sound"},
        headers=headers,
    )
    assert first.status_code == 201, first.text
    other_body = {"order_line_id": "l3", "type": "repair", "description": "leg broke"}
    ttl = timedelta(hours=ctx.idempotency_ttl_hours)

    clock.advance(ttl - timedelta(minutes=1))
    assert idempotency.purge_expired(ctx) == 0
    still_held = client.post("/api/v1/cases", json=other_body, headers=headers)
    assert_problem(still_held, 422, "idempotency_key_reused")

    clock.advance(timedelta(minutes=2))
    assert idempotency.purge_expired(ctx) == 1
    reused = client.post("/api/v1/cases", json=other_body, headers=headers)

    assert reused.status_code == 201, reused.text
    assert "idempotent-replayed" not in reused.headers
    assert reused.json()["order_line_id"] == "l3"
