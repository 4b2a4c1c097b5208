"""Who may call what: every caller against every route of the API.

The rule (docs/decisions/0004): no or a bad token is 401; a role that can never use a route is
403; a caller of the right role who is not a party to the object is 404, so another tenant's ids
are never confirmed; a party gets its answer. A refused request writes nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import count
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from aftersales.api.app import create_app
from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType, LiableParty, ResolutionType, Verdict
from aftersales.domain.catalog import Channel, Order, OrderLine
from aftersales.services import cases as uc
from aftersales.services import catalog, ledger
from aftersales.services import evidence as ev
from aftersales.services.context import Context
from aftersales.services.tokens import create_token, revoke_token
from tests import dispatch_support as dispatch_targets
from tests import exposure_support as exposure_targets
from tests import recall_support as recall_targets
from tests import scoring_support as scoring_targets
from tests import warning_support as warning_targets
from tests.support import (
    INTEGRATION,
    START,
    Market,
    Storage,
    assert_problem,
    order_body,
    outcome,
)

C1 = Actor(Role.CONSUMER, "c1")
M1 = Actor(Role.MERCHANT_AGENT, "m1")
OPERATOR = Actor(Role.OPERATOR)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# ---- the callers ----------------------------------------------------------------------------

NO_TOKEN, WRONG_TOKEN = "no token", "wrong token"
CONSUMERS = frozenset({"c1", "c2"})
MERCHANTS = frozenset({"m1", "m2"})
OPERATORS = frozenset({"operator"})
INTEGRATIONS = frozenset({"integration"})
READERS = CONSUMERS | MERCHANTS | OPERATORS | {"auditor"}
LOG_READERS = OPERATORS | {"auditor"}
ANYONE = READERS | INTEGRATIONS  # every valid token
CALLERS = [NO_TOKEN, WRONG_TOKEN, *sorted(ANYONE)]

# Parties to c1's order with merchant m1 (the object of every case route), plus the platform.
CASE_READERS = frozenset({"c1", "m1", "operator", "auditor"})


def headers_of(market: Market, caller: str) -> dict[str, str]:
    if caller == NO_TOKEN:
        return {}
    if caller == WRONG_TOKEN:
        return {"Authorization": "Bearer ast_this-token-was-never-issued"}
    return market.auth(caller)


# ---- the objects the callers act on, each made fresh through the use cases ------------------

Target = dict[str, str]
_serial = count(1)


def fresh_line(ctx: Context) -> Target:
    """A new order of c1 at merchant m1, delivered just now, with one line and no case."""
    n = next(_serial)
    order_id, line_id = f"oa{n}", f"la{n}"
    line = OrderLine(line_id, order_id, "p1", 99900, 1, "b1")
    placed = START.replace(day=1)
    order = Order(
        order_id, "m1", "c1", "s1", Channel.ONLINE, "CN-BJ", placed, (line,), placed, START
    )
    catalog.push_order(ctx, INTEGRATION, order)
    return {"line_id": line_id}


def awaiting_merchant(ctx: Context) -> Target:
    line = fresh_line(ctx)["line_id"]
    opened = uc.open_case(ctx, C1, uc.OpenCase(line, CaseType.RETURN_REFUND, "屏幕闪烁"))
    return {"case_id": opened.id}


def responded(ctx: Context) -> Target:
    target = awaiting_merchant(ctx)
    uc.post_message(ctx, M1, target["case_id"], "please send a photo")
    return target


def proposed(ctx: Context, resolution: ResolutionType = ResolutionType.REFUND_ONLY) -> Target:
    target = awaiting_merchant(ctx)
    uc.propose(ctx, M1, target["case_id"], resolution, 10000)
    return target


def in_service(ctx: Context) -> Target:
    target = proposed(ctx, ResolutionType.RETURN_REFUND)
    uc.accept(ctx, C1, target["case_id"])
    return target


def resolved(ctx: Context) -> Target:
    target = proposed(ctx, ResolutionType.REFUND_ONLY)  # done on agreement
    uc.accept(ctx, C1, target["case_id"])
    return target


def escalated(ctx: Context) -> Target:
    target = responded(ctx)
    uc.escalate(ctx, M1, target["case_id"], "the consumer does not answer")
    return target


def arbitrated(ctx: Context) -> Target:
    target = escalated(ctx)
    verdict = uc.ArbitrationCommand(
        Verdict.CONSUMER, LiableParty.MERCHANT, ResolutionType.REFUND_ONLY, 10000, "refund"
    )
    uc.arbitrate(ctx, OPERATOR, target["case_id"], verdict)
    return target


def with_evidence(ctx: Context) -> Target:
    target = awaiting_merchant(ctx)
    record = ev.add_evidence(ctx, C1, target["case_id"], "photo.png", PNG)
    return target | {"evidence_id": record.id}


def nothing(ctx: Context) -> Target:
    return {}


def logged(ctx: Context) -> Target:
    """The log's first entry: the verdict on a fresh case."""
    arbitrated(ctx)
    return {"index": "0"}


def checkpointed(ctx: Context) -> Target:
    return {"size": str(ledger.checkpoint(ctx).size)}


# ---- the matrix -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """Who may call a route and who owns the object it acts on.

    ``allowed``: callers whose role passes the route's gate (the others get 403).
    ``owners``: allowed callers who are a party to the object (the others get 404).
    ``target``: makes the object in the state the route acts on, fresh for each owner.
    String values of ``json`` are formatted with the target (``{line_id}``).
    """

    allowed: frozenset[str]
    owners: frozenset[str]
    ok: int = 200
    target: Callable[[Context], Target] = nothing
    json: Mapping[str, Any] | None = None
    upload: bool = False
    query: str = ""  # appended to the URL, formatted with the target like ``json``
    headers: Mapping[str, str] | None = None  # sent by every caller (an If-Match, say)


ROUTES: dict[str, Route] = {
    # master data and orders, pushed by the marketplace integration
    "GET /api/v1/categories": Route(allowed=ANYONE, owners=ANYONE),
    "PUT /api/v1/merchants/{merchant_id}": Route(
        allowed=INTEGRATIONS,
        owners=INTEGRATIONS,
        target=lambda ctx: {"merchant_id": "m9"},
        json={
            "name": "Merchant Nine",
            "stores": [{"id": "s9", "kind": "online", "name": "M9 shop", "region": "CN-ZJ"}],
        },
    ),
    "PUT /api/v1/products/{product_id}": Route(
        allowed=INTEGRATIONS,
        owners=INTEGRATIONS,
        target=lambda ctx: {"product_id": "p9"},
        json={"merchant_id": "m1", "category": "digital/phone", "name": "Phone Y"},
    ),
    "PUT /api/v1/consumers/{consumer_id}": Route(
        allowed=INTEGRATIONS,
        owners=INTEGRATIONS,
        target=lambda ctx: {"consumer_id": "c9"},
        json={"display_name": "consumer nine", "region": "CN-SC"},
    ),
    "POST /api/v1/orders": Route(
        allowed=INTEGRATIONS,
        owners=INTEGRATIONS,
        ok=201,
        json=order_body(),
    ),
    "GET /api/v1/orders/{order_id}": Route(
        allowed=ANYONE,
        owners=frozenset({"c1", "m1", "operator", "auditor", "integration"}),
        target=lambda ctx: {"order_id": "o1"},
    ),
    # cases
    "POST /api/v1/cases": Route(
        allowed=CONSUMERS,
        owners=frozenset({"c1"}),
        ok=201,
        target=fresh_line,
        json={"order_line_id": "{line_id}", "type": "return_refund", "description": "坏了"},
    ),
    "GET /api/v1/cases": Route(allowed=READERS, owners=READERS, target=awaiting_merchant),
    "GET /api/v1/cases/{case_id}": Route(
        allowed=READERS, owners=CASE_READERS, target=awaiting_merchant
    ),
    "GET /api/v1/cases/{case_id}/events": Route(
        allowed=READERS, owners=CASE_READERS, target=awaiting_merchant
    ),
    "POST /api/v1/cases/{case_id}/messages": Route(
        allowed=CONSUMERS | MERCHANTS | OPERATORS,
        owners=frozenset({"c1", "m1", "operator"}),
        ok=201,
        target=awaiting_merchant,
        json={"body": "any news?"},
    ),
    "POST /api/v1/cases/{case_id}/evidence": Route(
        allowed=CONSUMERS | MERCHANTS | OPERATORS,
        owners=frozenset({"c1", "m1", "operator"}),
        ok=201,
        target=awaiting_merchant,
        upload=True,
    ),
    "GET /api/v1/cases/{case_id}/evidence": Route(
        allowed=READERS, owners=CASE_READERS, target=with_evidence
    ),
    "GET /api/v1/cases/{case_id}/evidence/{evidence_id}": Route(
        allowed=READERS, owners=CASE_READERS, target=with_evidence
    ),
    "POST /api/v1/cases/{case_id}/proposals": Route(
        allowed=MERCHANTS,
        owners=frozenset({"m1"}),
        target=awaiting_merchant,
        json={"resolution": "return_refund", "amount": "999.00"},
    ),
    "POST /api/v1/cases/{case_id}/accept": Route(
        allowed=CONSUMERS, owners=frozenset({"c1"}), target=proposed
    ),
    "POST /api/v1/cases/{case_id}/reject": Route(
        allowed=CONSUMERS, owners=frozenset({"c1"}), target=proposed, json={"reason": "too low"}
    ),
    "POST /api/v1/cases/{case_id}/complete": Route(
        allowed=MERCHANTS, owners=frozenset({"m1"}), target=in_service, json={"note": "refunded"}
    ),
    "POST /api/v1/cases/{case_id}/cancel": Route(
        allowed=CONSUMERS,
        owners=frozenset({"c1"}),
        target=awaiting_merchant,
        json={"reason": "found it works"},
    ),
    "POST /api/v1/cases/{case_id}/escalate": Route(
        allowed=CONSUMERS | MERCHANTS,
        owners=frozenset({"c1", "m1"}),
        target=responded,
        json={"reason": "we cannot agree"},
    ),
    "POST /api/v1/cases/{case_id}/arbitration": Route(
        allowed=OPERATORS,
        owners=OPERATORS,
        target=escalated,
        json={
            "verdict": "consumer",
            "liable_party": "merchant",
            "resolution": "refund_only",
            "amount": "100.00",
            "note": "the photos show the defect",
        },
    ),
    "POST /api/v1/cases/{case_id}/appeal": Route(
        allowed=CONSUMERS | MERCHANTS,
        owners=frozenset({"c1", "m1"}),
        target=arbitrated,
        json={"reason": "the verdict ignores the courier's report"},
    ),
    "POST /api/v1/cases/{case_id}/rating": Route(
        allowed=CONSUMERS, owners=frozenset({"c1"}), target=resolved, json={"score": 4}
    ),
    "GET /api/v1/cases/{case_id}/receipts": Route(
        allowed=READERS, owners=CASE_READERS, target=arbitrated
    ),
    # the evidence log: auditors and operators read it; the public key is for every caller
    "GET /api/v1/ledger/key": Route(allowed=ANYONE, owners=ANYONE),
    "GET /api/v1/ledger/checkpoint": Route(allowed=LOG_READERS, owners=LOG_READERS),
    "GET /api/v1/ledger/checkpoints": Route(allowed=LOG_READERS, owners=LOG_READERS),
    "GET /api/v1/ledger/checkpoints/{size}": Route(
        allowed=LOG_READERS, owners=LOG_READERS, target=checkpointed
    ),
    "GET /api/v1/ledger/entries/{index}": Route(
        allowed=LOG_READERS, owners=LOG_READERS, target=logged
    ),
    "GET /api/v1/ledger/proof/inclusion": Route(
        allowed=LOG_READERS, owners=LOG_READERS, target=logged, query="?index={index}&size=1"
    ),
    "GET /api/v1/ledger/proof/consistency": Route(
        allowed=LOG_READERS, owners=LOG_READERS, target=logged, query="?old=1&new=1"
    ),
    # recalls: m1's heater bought by c1 (tests/recall_support.py); c2 and m2 are not concerned
    "POST /api/v1/recalls": Route(
        allowed=OPERATORS,
        owners=OPERATORS,
        ok=201,
        target=recall_targets.fresh_batch,
        json={"batch_ids": ["{batch_id}"], "hazard": "the plug melts"},
    ),
    "GET /api/v1/recalls": Route(
        allowed=READERS, owners=READERS, target=recall_targets.confirmed_recall
    ),
    "GET /api/v1/recalls/{recall_id}": Route(
        allowed=READERS, owners=CASE_READERS, target=recall_targets.confirmed_recall
    ),
    "POST /api/v1/recalls/{recall_id}/decision": Route(
        allowed=OPERATORS,
        owners=OPERATORS,
        target=recall_targets.recall_review,
        json={"decision": "confirm", "remedies": ["refund", "repair"]},
    ),
    "POST /api/v1/recalls/{recall_id}/remedies/{unit}": Route(
        allowed=CONSUMERS | MERCHANTS | OPERATORS,
        owners=frozenset({"c1", "m1", "operator"}),
        target=recall_targets.confirmed_recall,
        json={"remedy": "refund"},
    ),
    # early-warning alerts: on m1's products (tests/warning_support.py); consumers are refused
    "GET /api/v1/alerts": Route(
        allowed=MERCHANTS | OPERATORS | {"auditor"},
        owners=MERCHANTS | OPERATORS | {"auditor"},
        target=warning_targets.alert_target,
    ),
    "GET /api/v1/alerts/{alert_id}": Route(
        allowed=MERCHANTS | OPERATORS | {"auditor"},
        owners=frozenset({"m1", "operator", "auditor"}),
        target=warning_targets.alert_target,
    ),
    "POST /api/v1/alerts/{alert_id}/acknowledge": Route(
        allowed=OPERATORS, owners=OPERATORS, target=warning_targets.alert_target
    ),
    "POST /api/v1/alerts/{alert_id}/link-recall": Route(
        allowed=OPERATORS,
        owners=OPERATORS,
        target=warning_targets.alert_with_recall,
        json={"recall_id": "{recall_id}"},
    ),
    "POST /api/v1/alerts/{alert_id}/dismiss": Route(
        allowed=OPERATORS,
        owners=OPERATORS,
        target=warning_targets.alert_target,
        json={"reason": "a promotion doubled the sales"},
    ),
    # dispatch (tests/dispatch_support.py): m1's agent; operators and the integration manage
    "POST /api/v1/agents": Route(
        allowed=OPERATORS | INTEGRATIONS,
        owners=OPERATORS | INTEGRATIONS,
        ok=201,
        json={
            "name": "A",
            "merchant_id": "m1",
            "queues": ["general"],
            "languages": ["zh"],
            "capacity": 3,
        },
    ),
    "GET /api/v1/agents": Route(
        allowed=OPERATORS | INTEGRATIONS | MERCHANTS | {"auditor"},
        owners=OPERATORS | INTEGRATIONS | MERCHANTS | {"auditor"},
        target=dispatch_targets.m1_agent,
    ),
    "GET /api/v1/agents/{agent_id}": Route(
        allowed=OPERATORS | INTEGRATIONS | MERCHANTS | {"auditor"},
        owners=frozenset({"operator", "integration", "auditor", "m1"}),
        target=dispatch_targets.m1_agent,
    ),
    "PATCH /api/v1/agents/{agent_id}": Route(
        allowed=OPERATORS | INTEGRATIONS | MERCHANTS,
        owners=frozenset({"operator", "integration", "m1"}),
        target=dispatch_targets.m1_agent,
        json={"capacity": 4},
    ),
    "POST /api/v1/cases/{case_id}/assign": Route(
        allowed=OPERATORS, owners=OPERATORS, target=awaiting_merchant, json={"queue": "general"}
    ),
    "GET /api/v1/cases/{case_id}/assignments": Route(
        allowed=MERCHANTS | OPERATORS | {"auditor"},
        owners=frozenset({"m1", "operator", "auditor"}),
        target=awaiting_merchant,
    ),
    "POST /api/v1/triage": Route(
        allowed=OPERATORS | INTEGRATIONS,
        owners=OPERATORS | INTEGRATIONS,
        json={"text": "屏幕坏了", "category": "digital/phone"},
    ),
    # the knowledge base of first replies: operators write it, operators and auditors read it
    "GET /api/v1/knowledge": Route(allowed=LOG_READERS, owners=LOG_READERS),
    "GET /api/v1/knowledge/{entry_id}": Route(
        allowed=LOG_READERS, owners=LOG_READERS, target=lambda ctx: {"entry_id": "wrong_item"}
    ),
    "POST /api/v1/knowledge": Route(
        allowed=OPERATORS,
        owners=OPERATORS,
        ok=201,
        json={
            "id": "screen.x1",
            "issue_types": ["quality_defect"],
            "zh": {"lead": "请自检。", "steps": ["运行坏点检测。"]},
            "en": {"lead": "Check it first.", "steps": ["Run the pixel check."]},
        },
    ),
    "PUT /api/v1/knowledge/{entry_id}": Route(
        allowed=OPERATORS,
        owners=OPERATORS,
        target=lambda ctx: {"entry_id": "wrong_item"},
        headers={"If-Match": '"0"'},
        json={
            "issue_types": ["wrong_item"],
            "zh": {"lead": "发错货了。", "steps": ["拍下收到的商品和面单。"]},
            "en": {"lead": "Wrong item.", "steps": ["Photograph the item and the label."]},
        },
    ),
    "DELETE /api/v1/knowledge/{entry_id}": Route(
        allowed=OPERATORS, owners=OPERATORS, target=lambda ctx: {"entry_id": "late_delivery"}
    ),
    "POST /api/v1/knowledge/preview": Route(
        allowed=OPERATORS, owners=OPERATORS, json={"text": "屏幕坏了", "category": "digital/phone"}
    ),
    "GET /api/v1/faults": Route(
        allowed=MERCHANTS | OPERATORS | {"auditor"},
        owners=frozenset({"m1", "operator", "auditor"}),
        target=awaiting_merchant,
        query="?product_id=p1",
    ),
    # merchant scoring: m1's scorecard of October; appeals against a case's attribution
    "GET /api/v1/merchants/{merchant_id}/scorecard": Route(
        allowed=MERCHANTS | OPERATORS | {"auditor"},
        owners=frozenset({"m1", "operator", "auditor"}),
        target=scoring_targets.scored,
    ),
    "GET /api/v1/scorecards": Route(
        allowed=LOG_READERS, owners=LOG_READERS, target=scoring_targets.scored
    ),
    "POST /api/v1/appeals": Route(
        allowed=MERCHANTS,
        owners=frozenset({"m1"}),
        ok=201,
        target=scoring_targets.appealable_case,
        json={"case_id": "{case_id}", "reason": "the courier broke it"},
    ),
    "GET /api/v1/appeals": Route(
        allowed=MERCHANTS | OPERATORS | {"auditor"},
        owners=MERCHANTS | OPERATORS | {"auditor"},
        target=scoring_targets.pending_appeal,
    ),
    "POST /api/v1/appeals/{appeal_id}/accept": Route(
        allowed=OPERATORS,
        owners=OPERATORS,
        target=scoring_targets.pending_appeal,
        json={"reason": "the tracking shows it"},
    ),
    "POST /api/v1/appeals/{appeal_id}/reject": Route(
        allowed=OPERATORS,
        owners=OPERATORS,
        target=scoring_targets.pending_appeal,
        json={"reason": "the photos show a defect"},
    ),
    # traffic incentives (tests/exposure_support.py): m1's content; m1 and m2 in tier good
    "POST /api/v1/exposure/rank": Route(
        allowed=INTEGRATIONS,
        owners=INTEGRATIONS,
        json={
            "slot": "feed",
            "user_id": "u1",
            "k": 1,
            "candidates": [{"item_id": "p1", "merchant_id": "m1", "score": 0.5}],
        },
    ),
    "POST /api/v1/exposure/impressions": Route(
        allowed=INTEGRATIONS,
        owners=INTEGRATIONS,
        json={"slot": "feed", "items": [{"item_id": "p1", "merchant_id": "m1"}]},
    ),
    "GET /api/v1/exposure/events": Route(
        allowed=MERCHANTS | OPERATORS | {"auditor"}, owners=MERCHANTS | OPERATORS | {"auditor"}
    ),
    "POST /api/v1/programme/enrolments": Route(
        allowed=MERCHANTS,
        owners=MERCHANTS,
        ok=201,
        target=exposure_targets.eligible_merchants,
        json={"mode": "store"},
    ),
    "GET /api/v1/merchants/{merchant_id}/programme": Route(
        allowed=MERCHANTS | OPERATORS | {"auditor"},
        owners=frozenset({"m1", "operator", "auditor"}),
        target=lambda ctx: {"merchant_id": "m1"},
    ),
    "PUT /api/v1/merchants/{merchant_id}/audience": Route(
        allowed=INTEGRATIONS,
        owners=INTEGRATIONS,
        target=lambda ctx: {"merchant_id": "m1"},
        json={"fans": 100, "active_fans": 10},
    ),
    "POST /api/v1/contents": Route(
        allowed=MERCHANTS,
        owners=frozenset({"m1"}),  # m2 may not link m1's phone: it is not found among its own
        ok=201,
        json={"kind": "post", "title": "unboxing", "product_ids": ["p1"]},
    ),
    "GET /api/v1/contents": Route(
        allowed=MERCHANTS | OPERATORS | {"auditor"} | INTEGRATIONS,
        owners=MERCHANTS | OPERATORS | {"auditor"} | INTEGRATIONS,
        target=exposure_targets.m1_content,
    ),
    "GET /api/v1/contents/{content_id}": Route(
        allowed=MERCHANTS | OPERATORS | {"auditor"} | INTEGRATIONS,
        owners=frozenset({"m1", "operator", "auditor", "integration"}),
        target=exposure_targets.m1_content,
    ),
    "POST /api/v1/contents/{content_id}/metrics": Route(
        allowed=INTEGRATIONS,
        owners=INTEGRATIONS,
        target=exposure_targets.m1_content,
        json={"impressions": 100, "clicks": 4, "dwell_seconds": 30},
    ),
    "POST /api/v1/contents/{content_id}/approve": Route(
        allowed=OPERATORS, owners=OPERATORS, target=exposure_targets.nominated_content
    ),
    "POST /api/v1/contents/{content_id}/decline": Route(
        allowed=OPERATORS,
        owners=OPERATORS,
        target=exposure_targets.nominated_content,
        json={"reason": "the same video as last week"},
    ),
}


def expected(route: Route, caller: str) -> str:
    if caller in (NO_TOKEN, WRONG_TOKEN):
        return "401 authentication_failed"
    if caller not in route.allowed:
        return "403 permission_denied"
    if caller not in route.owners:
        return "404 not_found"
    return str(route.ok)


def call(client: TestClient, key: str, target: Target, headers: dict[str, str]) -> Response:
    route = ROUTES[key]
    method, template = key.split(" ", 1)
    url = template.format(**target) + route.query.format(**target)
    if route.upload:
        return client.post(url, files={"file": ("photo.png", PNG, "image/png")}, headers=headers)
    body = None if route.json is None else _fill(route.json, target)
    return client.request(method, url, json=body, headers=dict(route.headers or {}) | headers)


def _fill(value: Any, target: Target) -> Any:
    if isinstance(value, str):
        return value.format(**target)
    if isinstance(value, Mapping):
        return {k: _fill(v, target) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, target) for v in value]
    return value


# ---- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(ROUTES))
def test_every_caller_gets_the_answer_the_matrix_gives_and_refusals_write_nothing(
    key: str, client: TestClient, market: Market, ctx: Context, storage: Storage
) -> None:
    route = ROUTES[key]
    owners = [c for c in CALLERS if expected(route, c) == str(route.ok)]
    refused = [c for c in CALLERS if c not in owners]
    target = route.target(ctx)
    answers: dict[str, str] = {}
    wrote_when_refused: list[str] = []
    stored = storage.snapshot()
    for caller in refused:
        answers[caller] = outcome(call(client, key, target, headers_of(market, caller)))
        stored, before = storage.snapshot(), stored
        if stored != before:
            wrote_when_refused.append(caller)
    for n, caller in enumerate(owners):
        if n and not key.startswith("GET "):
            target = route.target(ctx)  # each owner acts on an object of its own
        answers[caller] = outcome(call(client, key, target, headers_of(market, caller)))

    assert answers == {caller: expected(route, caller) for caller in CALLERS}
    assert wrote_when_refused == []


def test_the_matrix_lists_every_route_of_the_api() -> None:
    app = create_app(cast(Context, None))  # the route table needs no database
    served = {
        f"{method.upper()} {path}"
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in operations
    }
    assert served == set(ROUTES)


def test_a_refused_case_action_leaves_the_case_events_untouched(
    client: TestClient, market: Market, ctx: Context
) -> None:
    case_id = proposed(ctx)["case_id"]
    events_url = f"/api/v1/cases/{case_id}/events"
    before = client.get(events_url, headers=market.auth("auditor")).json()

    attempts = [
        ("c2", "accept", None),  # someone else's case
        ("m2", "escalate", {"reason": "x"}),  # someone else's case
        ("m1", "accept", None),  # wrong role
        ("auditor", "reject", {"reason": "x"}),  # wrong role
        (NO_TOKEN, "cancel", {"reason": "x"}),
    ]
    statuses = [
        client.post(
            f"/api/v1/cases/{case_id}/{action}", json=body, headers=headers_of(market, who)
        ).status_code
        for who, action, body in attempts
    ]

    assert statuses == [404, 404, 403, 403, 401]
    after = client.get(events_url, headers=market.auth("auditor")).json()
    assert after == before
    assert [e["kind"] for e in after] == ["opened", "proposed"]


def test_consumers_and_merchants_list_only_their_own_cases(
    client: TestClient, market: Market
) -> None:
    for who, line in (("c1", "l1"), ("c2", "l2"), ("c2", "l4")):
        body = {"order_line_id": line, "type": "return_refund", "description": "not as described"}
        response = client.post("/api/v1/cases", json=body, headers=market.auth(who))
        assert response.status_code == 201, response.text

    def lines_seen_by(who: str, **params: str) -> list[str]:
        response = client.get("/api/v1/cases", params=params, headers=market.auth(who))
        assert response.status_code == 200, response.text
        return sorted(c["order_line_id"] for c in response.json()["items"])

    everyone = ("c1", "c2", "m1", "m2", "operator", "auditor")
    assert {who: lines_seen_by(who) for who in everyone} == {
        "c1": ["l1"],
        "c2": ["l2", "l4"],  # l4 was bought from m1, l2 from m2
        "m1": ["l1", "l4"],
        "m2": ["l2"],
        "operator": ["l1", "l2", "l4"],
        "auditor": ["l1", "l2", "l4"],
    }
    # Filtering by another tenant's line does not reach past the caller's own cases.
    assert {who: lines_seen_by(who, order_line_id="l1") for who in everyone} == {
        "c1": ["l1"],
        "c2": [],
        "m1": ["l1"],
        "m2": [],
        "operator": ["l1"],
        "auditor": ["l1"],
    }


def test_someone_elses_case_or_order_looks_exactly_like_one_that_does_not_exist(
    client: TestClient, market: Market, ctx: Context
) -> None:
    case_id = awaiting_merchant(ctx)["case_id"]
    urls = {
        "c2 on c1's case": ("c2", f"/api/v1/cases/{case_id}"),
        "c2 on a case that does not exist": ("c2", "/api/v1/cases/cs_00000000000000000000"),
        "m2 on m1's order": ("m2", "/api/v1/orders/o1"),
        "m2 on an order that does not exist": ("m2", "/api/v1/orders/o404"),
    }

    details = {
        name: assert_problem(client.get(url, headers=market.auth(who)), 404, "not_found")["detail"]
        for name, (who, url) in urls.items()
    }

    assert details == {
        "c2 on c1's case": f"case {case_id} not found",
        "c2 on a case that does not exist": "case cs_00000000000000000000 not found",
        "m2 on m1's order": "order o1 not found",
        "m2 on an order that does not exist": "order o404 not found",
    }


def test_a_missing_or_malformed_authorization_is_answered_with_a_bearer_challenge(
    client: TestClient, market: Market
) -> None:
    authorizations = [
        None,
        "Basic YzE6cGFzc3dvcmQ=",
        "Bearer",
        "Bearer not-even-our-prefix",
        "ast_without_scheme",
        f"Bearer {market.tokens['c1']}x",  # one character off a real token
    ]

    answers = {}
    for authorization in authorizations:
        headers = {} if authorization is None else {"Authorization": authorization}
        response = client.get("/api/v1/cases", headers=headers)
        assert_problem(response, 401, "authentication_failed")
        answers[authorization] = response.headers.get("www-authenticate")

    assert answers == {authorization: "Bearer" for authorization in authorizations}


def test_a_revoked_token_is_refused(client: TestClient, market: Market, ctx: Context) -> None:
    token_id, secret = create_token(ctx, C1, "phone app")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200

    revoke_token(ctx, token_id)

    assert_problem(client.get("/api/v1/cases", headers=headers), 401, "authentication_failed")
    assert client.get("/api/v1/cases", headers=market.auth("c1")).status_code == 200


def test_health_check_needs_no_token() -> None:
    with TestClient(create_app(cast(Context, None))) as client:  # it touches no database
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_the_case_history_shows_the_merchant_the_assessment_as_the_case_does(
    client: TestClient, market: Market, ctx: Context
) -> None:
    """The opening's facts hold the consumer's cases and refund-only requests at every shop in
    the last 90 days: the platform's to weigh, not the merchant's to read."""
    case_id = proposed(ctx)["case_id"]
    url = f"/api/v1/cases/{case_id}/events"
    seen = {
        who: client.get(url, headers=market.auth(who)).json()[0]["data"]["assessment"]
        for who in ("m1", "c1", "auditor")
    }
    shown = client.get(f"/api/v1/cases/{case_id}", headers=market.auth("m1")).json()["assessment"]

    assert seen["m1"] == seen["c1"] == shown
    assert "facts" not in seen["m1"] and "cases_90d" not in str(seen["m1"])
    assert "consumer" in seen["auditor"]["facts"]  # the platform's own readers see it all
