"""Bad input to the recall API gets a clear 4xx problem+json answer and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from aftersales.services.context import Context
from tests.recall_support import BAD_BATCH, GOOD_BATCH, HEATER, add_heaters
from tests.support import Market, Storage, order_body, outcome


@pytest.fixture
def heaters(ctx: Context, market: Market) -> Market:
    add_heaters(ctx, market)
    return market


class Attempts:
    """Sends requests and answers each with its outcome, plus ``and wrote`` if it stored any."""

    def __init__(self, client: TestClient, market: Market, storage: Storage) -> None:
        self._client, self._market, self._storage = client, market, storage

    def post(self, url: str, body: Any, who: str = "operator") -> str:
        return self.send(lambda: self._client.post(url, json=body, headers=self._market.auth(who)))

    def send(self, request: Callable[[], Response]) -> str:
        before = self._storage.snapshot()
        answer = outcome(request())
        return answer + (" and wrote" if self._storage.snapshot() != before else "")


@pytest.fixture
def attempts(client: TestClient, heaters: Market, storage: Storage) -> Attempts:
    return Attempts(client, heaters, storage)


def open_review(client: TestClient, market: Market, **body: Any) -> dict[str, Any]:
    body = {"hazard": "the casing gets hot enough to burn"} | body
    response = client.post("/api/v1/recalls", json=body, headers=market.auth("operator"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_recall_on_an_unknown_or_foreign_product_or_batch_is_refused(
    attempts: Attempts,
) -> None:
    hazard = "sparks from the switch"
    answers = {
        "unknown product": attempts.post(
            "/api/v1/recalls", {"product_id": "p404", "hazard": hazard}
        ),
        "unknown batch": attempts.post(
            "/api/v1/recalls", {"batch_ids": ["b404"], "hazard": hazard}
        ),
        "batch of another product": attempts.post(
            "/api/v1/recalls", {"product_id": HEATER, "batch_ids": ["b1"], "hazard": hazard}
        ),
        "neither": attempts.post("/api/v1/recalls", {"hazard": hazard}),
        "no hazard": attempts.post("/api/v1/recalls", {"product_id": HEATER, "hazard": "  "}),
        "batch twice": attempts.post(
            "/api/v1/recalls", {"batch_ids": [BAD_BATCH, BAD_BATCH], "hazard": hazard}
        ),
    }

    assert answers == {
        "unknown product": "422 unknown_reference",
        "unknown batch": "422 unknown_reference",
        "batch of another product": "422 unknown_reference",
        "neither": "422 validation_failed",
        "no hazard": "422 validation_failed",
        "batch twice": "422 validation_failed",
    }


def test_an_overlapping_recall_is_refused_with_the_recall_it_overlaps(
    client: TestClient, heaters: Market, attempts: Attempts
) -> None:
    first = open_review(client, heaters, batch_ids=[BAD_BATCH])
    hazard = {"hazard": "again"}

    answers = {
        "same batch": attempts.post("/api/v1/recalls", {"batch_ids": [BAD_BATCH]} | hazard),
        "whole product": attempts.post("/api/v1/recalls", {"product_id": HEATER} | hazard),
        "other batch": attempts.post("/api/v1/recalls", {"batch_ids": [GOOD_BATCH]} | hazard),
    }

    assert answers == {
        "same batch": "409 recall_overlaps",
        "whole product": "409 recall_overlaps",
        "other batch": "201 and wrote",
    }
    again = client.post(
        "/api/v1/recalls",
        json={"batch_ids": [BAD_BATCH]} | hazard,
        headers=heaters.auth("operator"),
    )
    assert again.json()["recall_id"] == first["id"]


def test_a_bad_decision_is_refused_and_the_review_stays_as_it_was(
    client: TestClient, heaters: Market, attempts: Attempts
) -> None:
    review = open_review(client, heaters, batch_ids=[BAD_BATCH])
    url = f"/api/v1/recalls/{review['id']}/decision"

    answers = {
        "dismissal without reason": attempts.post(url, {"decision": "dismiss"}),
        "dismissal with blank reason": attempts.post(url, {"decision": "dismiss", "reason": "  "}),
        "dismissal with remedies": attempts.post(
            url, {"decision": "dismiss", "reason": "fine", "remedies": ["refund"]}
        ),
        "one remedy": attempts.post(url, {"decision": "confirm", "remedies": ["refund"]}),
        "same remedy twice": attempts.post(
            url, {"decision": "confirm", "remedies": ["refund", "refund"]}
        ),
        "unknown remedy": attempts.post(
            url, {"decision": "confirm", "remedies": ["cash", "repair"]}
        ),
        "scope batch unknown": attempts.post(
            url,
            {
                "decision": "confirm",
                "remedies": ["refund", "repair"],
                "scope": {"batch_ids": ["b404"]},
            },
        ),
        "scope batch of another product": attempts.post(
            url,
            {
                "decision": "confirm",
                "remedies": ["refund", "repair"],
                "scope": {"batch_ids": ["b1"]},
            },
        ),
        "dates backwards": attempts.post(
            url,
            {
                "decision": "confirm",
                "remedies": ["refund", "repair"],
                "scope": {"delivered_from": "2026-10-31", "delivered_to": "2026-10-01"},
            },
        ),
        "bad region": attempts.post(
            url,
            {
                "decision": "confirm",
                "remedies": ["refund", "repair"],
                "scope": {"regions": ["Beijing"]},
            },
        ),
        "not an operator": attempts.post(url, {"decision": "dismiss", "reason": "x"}, who="m1"),
        "unknown recall": attempts.post(
            "/api/v1/recalls/rc_404/decision", {"decision": "dismiss", "reason": "x"}
        ),
    }

    assert answers == {
        "dismissal without reason": "422 validation_failed",
        "dismissal with blank reason": "422 validation_failed",
        "dismissal with remedies": "422 validation_failed",
        "one remedy": "422 validation_failed",
        "same remedy twice": "422 validation_failed",
        "unknown remedy": "422 validation_failed",
        "scope batch unknown": "422 unknown_reference",
        "scope batch of another product": "422 unknown_reference",
        "dates backwards": "422 validation_failed",
        "bad region": "422 validation_failed",
        "not an operator": "403 permission_denied",
        "unknown recall": "404 not_found",
    }


def test_a_decided_recall_cannot_be_decided_again(
    client: TestClient, heaters: Market, attempts: Attempts
) -> None:
    review = open_review(client, heaters, batch_ids=[BAD_BATCH])
    url = f"/api/v1/recalls/{review['id']}/decision"
    dismissed = client.post(
        url,
        json={"decision": "dismiss", "reason": "the lab found no fault"},
        headers=heaters.auth("operator"),
    )
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["holds"] == []

    answers = {
        "confirm": attempts.post(url, {"decision": "confirm", "remedies": ["refund", "repair"]}),
        "dismiss": attempts.post(url, {"decision": "dismiss", "reason": "again"}),
    }

    assert answers == {"confirm": "409 invalid_transition", "dismiss": "409 invalid_transition"}
    sold = client.post(
        "/api/v1/orders",
        json=order_body(line={"product_id": HEATER, "batch_id": BAD_BATCH}),
        headers=heaters.auth("integration"),
    )
    assert sold.status_code == 201, sold.text  # the hold was lifted with the dismissal


def test_a_remedy_outside_the_campaign_or_not_offered_is_refused(
    client: TestClient, heaters: Market, attempts: Attempts
) -> None:
    review = open_review(client, heaters, batch_ids=[BAD_BATCH])
    url = f"/api/v1/recalls/{review['id']}"
    confirmed = client.post(
        f"{url}/decision",
        json={"decision": "confirm", "remedies": ["refund", "replacement"]},
        headers=heaters.auth("operator"),
    )
    assert confirmed.status_code == 200, confirmed.text
    pending = f"/api/v1/recalls/{open_review(client, heaters, batch_ids=[GOOD_BATCH])['id']}"
    remedy = {"remedy": "refund"}

    answers = {
        "a line of the good batch": attempts.post(f"{url}/remedies/hl5", remedy, who="c4"),
        "a line without a batch": attempts.post(f"{url}/remedies/hl6", remedy, who="operator"),
        "no such line": attempts.post(f"{url}/remedies/hl404", remedy, who="operator"),
        "someone else's unit": attempts.post(f"{url}/remedies/hl2", remedy, who="c1"),
        "a remedy not offered": attempts.post(
            f"{url}/remedies/hl1", {"remedy": "repair"}, who="c1"
        ),
        "not a remedy": attempts.post(f"{url}/remedies/hl1", {"remedy": "cash"}, who="c1"),
        "another merchant": attempts.post(f"{url}/remedies/hl1", remedy, who="m2"),
        "an auditor": attempts.post(f"{url}/remedies/hl1", remedy, who="auditor"),
        "a review, not a campaign": attempts.post(f"{pending}/remedies/hl5", remedy, who="c4"),
    }

    assert answers == {
        "a line of the good batch": "404 not_found",
        "a line without a batch": "404 not_found",
        "no such line": "404 not_found",
        "someone else's unit": "404 not_found",
        "a remedy not offered": "422 remedy_not_offered",
        "not a remedy": "422 validation_failed",
        "another merchant": "404 not_found",
        "an auditor": "403 permission_denied",
        "a review, not a campaign": "404 not_found",
    }
