"""Bad input gets a clear 4xx problem+json answer — never a 500 — and writes nothing.

Groups of cheap variants run as one table per test (one marketplace each, which keeps the suite
fast); a failure shows the whole table of answers, with ``and wrote`` where a refusal stored
something.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from aftersales.domain.clock import ManualClock
from aftersales.services.context import Context
from aftersales.services.sla import sweep
from tests.support import START, Market, Storage, assert_problem, order_body, outcome

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 56


class Attempt:
    """Sends a request and answers with its outcome, plus ``and wrote`` if it stored anything."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self.last: Response | None = None

    def __call__(self, send: Callable[[], Response]) -> str:
        before = self._storage.snapshot()
        self.last = send()
        answer = outcome(self.last)
        if self._storage.snapshot() != before:
            answer += " and wrote"
        return answer

    @property
    def problem(self) -> dict[str, Any]:
        """The body of the last answer."""
        assert self.last is not None
        body: dict[str, Any] = self.last.json()
        return body


@pytest.fixture
def attempt(storage: Storage) -> Attempt:
    return Attempt(storage)


def open_case(
    client: TestClient, market: Market, line: str = "l1", type: str = "return_refund"
) -> str:
    body = {"order_line_id": line, "type": type, "description": "屏幕有坏点"}
    response = client.post("/api/v1/cases", json=body, headers=market.auth("c1"))
    assert response.status_code == 201, response.text
    case_id: str = response.json()["id"]
    return case_id


def resolved_case(client: TestClient, market: Market) -> str:
    """A case on l1 settled by a refund the consumer accepted (done on agreement)."""
    case_id = open_case(client, market)
    proposal = {"resolution": "refund_only", "amount": "100.00"}
    proposed = client.post(
        f"/api/v1/cases/{case_id}/proposals", json=proposal, headers=market.auth("m1")
    )
    assert proposed.status_code == 200, proposed.text
    accepted = client.post(f"/api/v1/cases/{case_id}/accept", headers=market.auth("c1"))
    assert accepted.json()["state"] == "resolved", accepted.text
    return case_id


def case_view(client: TestClient, market: Market, case_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/cases/{case_id}", headers=market.auth("operator"))
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    return view


# ---- opening a case -------------------------------------------------------------------------


def test_opening_a_case_on_a_line_that_is_not_yours_is_not_found(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    def open_as(who: str, line: str) -> Response:
        body = {"order_line_id": line, "type": "repair", "description": "broken"}
        return client.post("/api/v1/cases", json=body, headers=market.auth(who))

    attempts = {"an unknown line": ("c1", "l404"), "someone else's line": ("c2", "l1")}
    answers, details = {}, {}
    for name, (who, line) in attempts.items():
        answers[name] = attempt(lambda w=who, ln=line: open_as(w, ln))
        details[name] = attempt.problem["detail"]

    assert answers == {name: "404 not_found" for name in attempts}
    # The same words for both: whether l1 exists is not confirmed to c2.
    assert details == {
        "an unknown line": "order line l404 not found among your orders",
        "someone else's line": "order line l1 not found among your orders",
    }


def test_a_second_open_case_on_the_same_line_is_refused(
    client: TestClient, market: Market, storage: Storage
) -> None:
    first = open_case(client, market, "l1", "return_refund")
    before = storage.snapshot()
    body = {"order_line_id": "l1", "type": "exchange", "description": "or swap it"}

    response = client.post("/api/v1/cases", json=body, headers=market.auth("c1"))

    assert_problem(response, 409, "case_already_open")
    assert storage.snapshot() == before
    listed = client.get(
        "/api/v1/cases", params={"order_line_id": "l1"}, headers=market.auth("operator")
    ).json()["items"]
    assert [c["id"] for c in listed] == [first]


def test_cases_outside_their_after_sales_window_are_refused_but_a_repair_is_not(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    # l3 was delivered 30 days before START: past the 15 days of a return, within a repair's year
    def open_on_l3(case_type: str) -> Response:
        body = {"order_line_id": "l3", "type": case_type, "description": "the leg broke"}
        return client.post("/api/v1/cases", json=body, headers=market.auth("c1"))

    refused = {}
    for case_type in ("return_refund", "refund_only", "exchange"):
        refused[case_type] = (
            attempt(lambda t=case_type: open_on_l3(t)),
            attempt.problem["detail"],
        )

    assert refused == {
        t: (
            "422 outside_after_sales_window",
            f"the after-sales window for {t} closed on 2026-10-18 (15 days after delivery)",
        )
        for t in ("return_refund", "refund_only", "exchange")
    }
    repair = open_on_l3("repair")
    assert repair.status_code == 201, repair.text
    assert repair.json()["type"] == "repair"


# ---- proposals and amounts ------------------------------------------------------------------


def test_a_proposal_on_a_cancelled_or_closed_case_is_an_invalid_transition(
    client: TestClient, market: Market, ctx: Context, clock: ManualClock, attempt: Attempt
) -> None:
    closed = resolved_case(client, market)  # on l1
    clock.advance(timedelta(days=7, hours=1))  # past close_after
    sweep(ctx)
    cancelled = open_case(client, market, "l3", "repair")
    cancel = client.post(
        f"/api/v1/cases/{cancelled}/cancel", json={"reason": "fixed"}, headers=market.auth("c1")
    )
    assert cancel.status_code == 200, cancel.text
    cases = {"closed": closed, "cancelled": cancelled}
    assert {state: case_view(client, market, c)["state"] for state, c in cases.items()} == {
        "closed": "closed",
        "cancelled": "cancelled",
    }

    def propose(case_id: str) -> Response:
        body = {"resolution": "refund_only", "amount": "50.00"}
        return client.post(
            f"/api/v1/cases/{case_id}/proposals", json=body, headers=market.auth("m1")
        )

    answers, details = {}, {}
    for state, case_id in cases.items():
        answers[state] = attempt(lambda c=case_id: propose(c))
        details[state] = attempt.problem["detail"]

    assert answers == {"closed": "409 invalid_transition", "cancelled": "409 invalid_transition"}
    assert details == {
        "closed": "cannot propose a resolution while the case is closed",
        "cancelled": "cannot propose a resolution while the case is cancelled",
    }


def test_amounts_that_could_not_be_paid_are_refused(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    case_id = open_case(client, market)  # l1 was paid 2999.00

    def propose(amount: Any) -> Response:
        body = {"resolution": "refund_only", "amount": amount}
        return client.post(
            f"/api/v1/cases/{case_id}/proposals", json=body, headers=market.auth("m1")
        )

    amounts = {
        "more than was paid": "2999.01",
        "negative": "-1.00",
        "three decimals": "10.005",
        "a float with three decimals": 10.005,
        "not a number": "ten yuan",
        "infinite": "Infinity",
        "zero for a refund": "0.00",
    }
    answers = {name: attempt(lambda a=a: propose(a)) for name, a in amounts.items()}

    # The case's own refusals have codes of their own (docs/decisions/0039), the schema's not.
    refused_by_the_case = {
        "more than was paid": "422 amount_over_paid",
        "zero for a refund": "422 amount_required",
    }
    assert answers == {name: "422 validation_failed" for name in amounts} | refused_by_the_case
    attempt(lambda: propose("2999.01"))
    assert attempt.problem["detail"] == "the amount exceeds what was paid for the line (2999.00)"
    assert propose("2999.00").status_code == 200  # the whole price is fine


# ---- evidence -------------------------------------------------------------------------------


def test_evidence_larger_than_the_limit_is_refused_and_the_limit_itself_is_fine(
    client: TestClient, market: Market, ctx: Context, attempt: Attempt
) -> None:
    case_id = open_case(client, market)
    ctx.evidence_max_bytes = 1024

    def upload(size: int) -> Response:
        data = PNG + b"\x00" * (size - len(PNG))
        return client.post(
            f"/api/v1/cases/{case_id}/evidence",
            files={"file": ("photo.png", data, "image/png")},
            headers=market.auth("c1"),
        )

    answers = {size: attempt(lambda s=size: upload(s)) for size in (1025, 200 * 1024)}

    assert answers == {1025: "413 evidence_too_large", 200 * 1024: "413 evidence_too_large"}
    at_limit = upload(1024)
    assert at_limit.status_code == 201, at_limit.text
    assert at_limit.json()["size"] == 1024


def test_evidence_of_a_type_that_is_not_allowed_is_refused_whatever_its_name(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    case_id = open_case(client, market)
    files = {
        "a text file": ("notes.txt", b"the screen flickers after an hour\n", "text/plain"),
        "an exe renamed .jpg": ("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 59, "image/jpeg"),
        "html named .pdf": ("receipt.pdf", b"<html><body>paid</body></html>", "application/pdf"),
        "an svg": ("sketch.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        "an empty file": ("photo.png", b"", "image/png"),
    }

    def upload(file: tuple[str, bytes, str]) -> Response:
        return client.post(
            f"/api/v1/cases/{case_id}/evidence", files={"file": file}, headers=market.auth("c1")
        )

    answers = {name: attempt(lambda f=f: upload(f)) for name, f in files.items()}

    assert answers == {name: "415 evidence_type_not_allowed" for name in files}
    assert case_view(client, market, case_id)["evidence"] == 0


# ---- request shape --------------------------------------------------------------------------

# (who, method, path, a valid body) — ``{case_id}`` is a case of c1 on l1.
SHAPED = {
    "open a case": (
        "c1",
        "POST",
        "/api/v1/cases",
        {"order_line_id": "l3", "type": "repair", "description": "x"},
    ),
    "post a message": ("c1", "POST", "/api/v1/cases/{case_id}/messages", {"body": "hello"}),
    "propose": (
        "m1",
        "POST",
        "/api/v1/cases/{case_id}/proposals",
        {"resolution": "refund_only", "amount": "10.00"},
    ),
    "push an order": (
        "integration",
        "POST",
        "/api/v1/orders",
        {
            "id": "o9",
            "merchant_id": "m1",
            "consumer_id": "c1",
            "store_id": "s1",
            "channel": "online",
            "region": "CN-BJ",
            "placed_at": "2026-11-01T08:00:00Z",
            "lines": [{"id": "l9", "product_id": "p1", "unit_price": "10.00", "quantity": 1}],
        },
    ),
    "put a merchant": (
        "integration",
        "PUT",
        "/api/v1/merchants/m9",
        {"name": "M9", "stores": [{"id": "s9", "kind": "online", "name": "M9", "region": "CN-ZJ"}]},
    ),
}


def send_shaped(
    client: TestClient,
    market: Market,
    case_id: str,
    name: str,
    *,
    json: Any = None,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    who, method, path, _ = SHAPED[name]
    return client.request(
        method,
        path.format(case_id=case_id),
        json=json,
        content=content,
        headers=market.auth(who) | (headers or {}),
    )


def test_malformed_json_is_a_bad_request(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    case_id = open_case(client, market)
    broken = b'{"body": "unterminated'
    json_type = {"Content-Type": "application/json"}

    answers = {
        name: attempt(
            lambda n=name: send_shaped(
                client, market, case_id, n, content=broken, headers=json_type
            )
        )
        for name in SHAPED
    }

    assert answers == {name: "400 malformed_request" for name in SHAPED}


def test_a_body_that_cannot_be_read_is_the_same_bad_request(
    client: TestClient, market: Market
) -> None:
    """Bytes that are not UTF-8, or JSON nested deeper than the parser goes, answer as any
    other malformed body does: one code, one title, and the address asked."""
    case_id = open_case(client, market)
    url = f"/api/v1/cases/{case_id}/messages"
    bodies = {"not utf-8": b'{"body": "\xff"}', "too deep": b"[" * 5000 + b"]" * 5000}
    json_type = {"Content-Type": "application/json"}
    for name, raw in bodies.items():
        response = client.post(url, content=raw, headers=market.auth("m1") | json_type)
        assert outcome(response) == "400 malformed_request", name
        answer = response.json()
        assert (answer["title"], answer["instance"]) == ("Malformed request", url), name


def test_unknown_fields_are_refused(client: TestClient, market: Market, attempt: Attempt) -> None:
    case_id = open_case(client, market)
    extra: dict[str, tuple[Callable[[dict[str, Any]], None], list[Any]]] = {
        "open a case": (lambda b: b.update(priority="urgent"), ["body", "priority"]),
        "post a message": (lambda b: b.update(internal=True), ["body", "internal"]),
        "propose": (lambda b: b.update(currency="USD"), ["body", "currency"]),
        "push an order": (
            lambda b: b["lines"][0].update(discount="1.00"),
            ["body", "lines", 0, "discount"],
        ),
        "put a merchant": (
            lambda b: b["stores"][0].update(phone="110"),
            ["body", "stores", 0, "phone"],
        ),
    }
    answers, locations = {}, {}
    for name, (add_field, _) in extra.items():
        body = copy.deepcopy(SHAPED[name][3])
        add_field(body)
        answers[name] = attempt(
            lambda n=name, b=body: send_shaped(client, market, case_id, n, json=b)
        )
        locations[name] = [e["loc"] for e in attempt.problem.get("errors", [])]

    assert answers == {name: "422 validation_failed" for name in extra}
    assert locations == {name: [loc] for name, (_, loc) in extra.items()}


def test_values_outside_an_enumeration_are_refused(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    case_id = open_case(client, market)
    wrong = {
        "open a case": ("type", "refund_please"),
        "propose": ("resolution", "cash"),
        "push an order": ("channel", "telepathy"),
    }

    def send(name: str, field: str, value: str) -> Response:
        body = copy.deepcopy(SHAPED[name][3]) | {field: value}
        return send_shaped(client, market, case_id, name, json=body)

    answers = {name: attempt(lambda n=name, fv=fv: send(n, *fv)) for name, fv in wrong.items()}
    answers["list by state"] = attempt(
        lambda: client.get("/api/v1/cases", params={"state": "open"}, headers=market.auth("c1"))
    )

    assert answers == {name: "422 validation_failed" for name in [*wrong, "list by state"]}


# ---- orders ---------------------------------------------------------------------------------


def test_orders_that_reference_what_the_merchant_does_not_own_are_refused(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    bad = {
        "an unknown product": (
            order_body(line={"product_id": "p404"}),
            "line l9: product p404 is not sold by this merchant",
        ),
        "another merchant's product": (
            order_body(line={"product_id": "p2"}),
            "line l9: product p2 is not sold by this merchant",
        ),
        "a store of another merchant": (
            order_body(store_id="s3"),
            "store s3 is not a store of merchant m1",
        ),
        "an online order from an offline store": (
            order_body(store_id="s2"),
            "order cannot come from offline store s2",
        ),
        "an unknown consumer": (order_body(consumer_id="c404"), "consumer c404 is unknown"),
        "a batch of another product": (
            order_body(line={"product_id": "p3", "batch_id": "b1"}),
            "line l9: batch b1 is not a batch of the product",
        ),
        "a line of another order": (
            order_body(line={"id": "l1"}),
            "line l1 already belongs to order o1",
        ),
    }
    answers, reasons = {}, {}
    for name, (body, reason) in bad.items():
        answers[name] = attempt(
            lambda b=body: client.post("/api/v1/orders", json=b, headers=market.auth("integration"))
        )
        errors = attempt.problem.get("errors", [])
        reasons[name] = reason if len(errors) == 1 and reason in errors[0] else errors

    assert answers == {name: "422 unknown_reference" for name in bad}
    assert reasons == {name: reason for name, (_, reason) in bad.items()}


def test_an_order_placed_or_paid_in_the_future_is_refused_and_not_stored(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    later = (START + timedelta(hours=2)).isoformat()
    bodies = {
        "placed later": order_body(placed_at=later),
        "paid later": order_body(paid_at=later),
    }

    answers = {
        name: attempt(
            lambda b=body: client.post("/api/v1/orders", json=b, headers=market.auth("integration"))
        )
        for name, body in bodies.items()
    }

    assert answers == {name: "422 validation_failed" for name in bodies}
    assert "is in the future" in attempt.problem["detail"]
    missing = client.get("/api/v1/orders/o9", headers=market.auth("integration"))
    assert missing.status_code == 404


def o1_body(**changes: Any) -> dict[str, Any]:
    """Order o1 exactly as the marketplace first pushed it (see tests/support.py)."""
    body = {
        "id": "o1",
        "merchant_id": "m1",
        "consumer_id": "c1",
        "store_id": "s1",
        "channel": "online",
        "region": "CN-BJ",
        "placed_at": (START - timedelta(days=4)).isoformat(),
        "paid_at": (START - timedelta(days=4)).isoformat(),
        "delivered_at": (START - timedelta(days=2)).isoformat(),
        "lines": [
            {
                "id": "l1",
                "product_id": "p1",
                "batch_id": "b1",
                "unit_price": "2999.00",
                "quantity": 1,
            }
        ],
    }
    return body | changes


def test_re_pushing_an_order_with_other_lines_or_parties_is_a_conflict(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    line = o1_body()["lines"][0]
    changed = {
        "another quantity": o1_body(lines=[line | {"quantity": 2}]),
        "another price": o1_body(lines=[line | {"unit_price": "1999.00"}]),
        "an extra line": o1_body(lines=[line, line | {"id": "l1b"}]),
        "another consumer": o1_body(consumer_id="c2"),
    }

    answers = {
        name: attempt(
            lambda b=body: client.post("/api/v1/orders", json=b, headers=market.auth("integration"))
        )
        for name, body in changed.items()
    }

    assert answers == {name: "409 order_conflict" for name in changed}
    stored = client.get("/api/v1/orders/o1", headers=market.auth("integration")).json()
    assert [(ln["id"], ln["quantity"], ln["unit_price"]) for ln in stored["lines"]] == [
        ("l1", 1, "2999.00")
    ]


def test_re_pushing_the_same_order_with_a_new_delivery_time_updates_it(
    client: TestClient, market: Market
) -> None:
    redelivered = START - timedelta(hours=3)

    response = client.post(
        "/api/v1/orders",
        json=o1_body(delivered_at=redelivered.isoformat()),
        headers=market.auth("integration"),
    )

    assert response.status_code == 200, response.text
    assert response.json()["delivered_at"] == "2026-11-02T06:00:00Z"
    stored = client.get("/api/v1/orders/o1", headers=market.auth("c1")).json()
    assert stored["delivered_at"] == "2026-11-02T06:00:00Z"
    assert stored["placed_at"] == "2026-10-29T09:00:00Z"


# ---- ratings and replies --------------------------------------------------------------------


def test_rating_twice_is_refused_and_the_first_rating_stands(
    client: TestClient, market: Market, storage: Storage
) -> None:
    case_id = resolved_case(client, market)
    url = f"/api/v1/cases/{case_id}/rating"
    first = client.post(url, json={"score": 5, "comment": "fast"}, headers=market.auth("c1"))
    assert first.status_code == 200, first.text
    before = storage.snapshot()

    again = client.post(url, json={"score": 1}, headers=market.auth("c1"))

    problem = assert_problem(again, 409, "already_rated")
    assert problem["detail"] == "the service has already been rated"
    assert storage.snapshot() == before
    assert case_view(client, market, case_id)["rating"] == {"score": 5, "comment": "fast"}


def test_ratings_outside_one_to_five_are_refused(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    case_id = resolved_case(client, market)
    url = f"/api/v1/cases/{case_id}/rating"
    scores: list[Any] = [0, 6, -1, 3.5, "five", None]

    answers = {
        repr(score): attempt(
            lambda s=score: client.post(url, json={"score": s}, headers=market.auth("c1"))
        )
        for score in scores
    }

    assert answers == {repr(score): "422 validation_failed" for score in scores}
    assert case_view(client, market, case_id)["rating"] is None


def test_replying_to_a_proposal_never_made_or_rating_too_early_is_an_invalid_transition(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    case_id = open_case(client, market)  # awaiting the merchant: no proposal yet
    url = f"/api/v1/cases/{case_id}"
    c1 = market.auth("c1")
    sends: dict[str, Callable[[], Response]] = {
        "accept": lambda: client.post(f"{url}/accept", headers=c1),
        "reject": lambda: client.post(f"{url}/reject", json={"reason": "no"}, headers=c1),
        "rating": lambda: client.post(f"{url}/rating", json={"score": 5}, headers=c1),
    }

    answers, details = {}, {}
    for name, send in sends.items():
        answers[name] = attempt(send)
        details[name] = attempt.problem["detail"]

    assert answers == {name: "409 invalid_transition" for name in sends}
    assert details == {
        "accept": "cannot accept a proposal while the case is awaiting_merchant",
        "reject": "cannot reject a proposal while the case is awaiting_merchant",
        "rating": "cannot rate the service while the case is awaiting_merchant",
    }


# ---- characters no database may store, and cursors we never gave out ------------------------


def test_text_with_a_nul_character_is_refused_on_every_database(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    # PostgreSQL cannot store U+0000 at all; SQLite can. Both must answer the same 4xx.
    case_id = open_case(client, market)
    c1, integration = market.auth("c1"), market.auth("integration")
    sends: dict[str, Callable[[], Response]] = {
        "a case description": lambda: client.post(
            "/api/v1/cases",
            json={"order_line_id": "l3", "type": "repair", "description": "leg\x00broke"},
            headers=c1,
        ),
        "a message": lambda: client.post(
            f"/api/v1/cases/{case_id}/messages", json={"body": "hi\x00"}, headers=c1
        ),
        "a merchant name": lambda: client.put(
            "/api/v1/merchants/m9", json={"name": "M\x009"}, headers=integration
        ),
        "a product attribute": lambda: client.put(
            "/api/v1/products/p9",
            json={
                "merchant_id": "m1",
                "category": "digital/phone",
                "name": "Y",
                "attributes": {"colour": "bl\x00ck"},
            },
            headers=integration,
        ),
        "a case id in the path": lambda: client.get("/api/v1/cases/cs%00", headers=c1),
        "an order line filter": lambda: client.get(
            "/api/v1/cases", params={"order_line_id": "l\x001"}, headers=c1
        ),
        "a queue filter": lambda: client.get(
            "/api/v1/cases", params={"queue": ["general", "q\x00"]}, headers=c1
        ),
        "a console filter": lambda: client.get("/console/cases", params={"state": "\x00"}),
    }

    answers = {name: attempt(send) for name, send in sends.items()}

    assert answers == {name: "422 validation_failed" for name in sends}


def test_days_out_of_any_calendar_the_platform_keeps_are_refused(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    # The first moment of 0001-01-01 in China time comes before the first datetime Python has.
    operator, integration = market.auth("operator"), market.auth("integration")
    decision = {
        "decision": "confirm",
        "remedies": ["refund", "repair"],
        "scope": {"delivered_from": "0001-01-01"},
    }
    sends: dict[str, tuple[str, Callable[[], Response]]] = {
        "a faults report since": (
            "since",
            lambda: client.get(
                "/api/v1/faults",
                params={"product_id": "p1", "since": "0001-01-01"},
                headers=operator,
            ),
        ),
        "alerts since": (
            "since",
            lambda: client.get("/api/v1/alerts", params={"since": "0001-01-01"}, headers=operator),
        ),
        "alerts since the end of time": (
            "since",
            lambda: client.get("/api/v1/alerts", params={"since": "9999-12-31"}, headers=operator),
        ),
        "a recall's scope": (
            "delivered_from",
            lambda: client.post("/api/v1/recalls/rc_x/decision", json=decision, headers=operator),
        ),
        "a content metrics day": (
            "day",
            lambda: client.post(
                "/api/v1/contents/ct_x/metrics", json={"day": "0001-01-01"}, headers=integration
            ),
        ),
    }

    answers = {}
    for name, (field, send) in sends.items():
        answers[name] = attempt(send)
        assert field in attempt.problem["detail"], (name, attempt.problem["detail"])

    assert answers == {name: "422 validation_failed" for name in sends}


def test_a_nul_character_in_an_evidence_file_name_is_dropped(
    client: TestClient, market: Market
) -> None:
    case_id = open_case(client, market)
    # Written by hand: HTTP clients escape a NUL in a file name, a hostile one need not.
    body = (
        b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="ph\x00oto.png"'
        b"\r\nContent-Type: image/png\r\n\r\n" + PNG + b"\r\n--b0undary--\r\n"
    )

    response = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        content=body,
        headers=market.auth("c1") | {"Content-Type": "multipart/form-data; boundary=b0undary"},
    )

    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "photo.png"


def test_a_cursor_the_api_never_gave_out_is_refused(
    client: TestClient, market: Market, attempt: Attempt
) -> None:
    open_case(client, market)

    def cursor(text: bytes) -> str:
        return base64.urlsafe_b64encode(text).decode()

    cursors = {
        "not base64": "%%%",
        "no separator": cursor(b"2026-11-02T09:00:00+00:00"),
        "not a time": cursor(b"yesterday|cs_1"),
        "a time without a zone": cursor(b"2026-11-02T09:00:00|cs_1"),
        "a NUL in the case id": cursor(b"2026-11-02T09:00:00+00:00|cs\x00"),
    }

    answers = {
        name: attempt(
            lambda c=c: client.get("/api/v1/cases", params={"cursor": c}, headers=market.auth("c1"))
        )
        for name, c in cursors.items()
    }

    assert answers == {name: "422 validation_failed" for name in cursors}
