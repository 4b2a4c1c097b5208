"""The evidence log over HTTP: what an auditor reads and checks, the receipts a party keeps,
and clear problem+json answers for requests outside the log."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aftersales.domain.cases_types import LiableParty, ResolutionType, Verdict
from aftersales.ledger import (
    Verifier,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
    verify_receipt,
)
from aftersales.services import cases as uc
from aftersales.services import ledger
from aftersales.services.context import Context
from tests.ledger_cases import C1, OPERATOR, arbitrated_case, escalated_case, serviced_case
from tests.support import Market, assert_problem

API = "/api/v1"
pytestmark = pytest.mark.usefixtures("market")


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def log_key(client: TestClient, market: Market) -> Verifier:
    response = client.get(f"{API}/ledger/key", headers=market.auth("auditor"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    return Verifier.from_vkey(response.text.strip())


def get(client: TestClient, market: Market, path: str, who: str = "auditor") -> Any:
    response = client.get(f"{API}{path}", headers=market.auth(who))
    assert response.status_code == 200, response.text
    return response


def old_note(ctx: Context) -> str:
    return ledger.latest_checkpoint(ctx).note


def test_an_auditor_checks_checkpoint_entries_and_proofs_with_the_public_key_alone(
    client: TestClient, market: Market, ctx: Context
) -> None:
    arbitrated_case(ctx)
    serviced_case(ctx)
    key = log_key(client, market)
    old = open_checkpoint(get(client, market, "/ledger/checkpoint").text, key)
    arbitrated_case(ctx)
    assert get(client, market, "/ledger/checkpoint").text == old_note(ctx)  # no new one yet
    ledger.checkpoint(ctx)  # the periodic job's work
    new = open_checkpoint(get(client, market, "/ledger/checkpoint").text, key)

    assert (old.size, new.size) == (2, 3)
    for index in range(new.size):
        entry = get(client, market, f"/ledger/entries/{index}").json()
        proof = get(client, market, f"/ledger/proof/inclusion?index={index}&size={new.size}")
        assert entry["leaf_hash"] == base64.b64encode(leaf_hash(b64(entry["entry"]))).decode()
        hashes = [b64(h) for h in proof.json()["proof"]]
        verify_inclusion(leaf_hash(b64(entry["entry"])), index, new.size, hashes, new.root)
    consistency = get(client, market, f"/ledger/proof/consistency?old={old.size}&new={new.size}")
    hashes = [b64(h) for h in consistency.json()["proof"]]
    verify_consistency(old.size, new.size, old.root, new.root, hashes)
    listed = get(client, market, "/ledger/checkpoints").json()
    assert [c["size"] for c in listed["items"]] == [2, 3] and listed["next_after"] is None
    assert get(client, market, "/ledger/checkpoints/2").text == listed["items"][0]["note"]


def test_an_entry_shows_the_record_it_logged(
    client: TestClient, market: Market, ctx: Context
) -> None:
    case_id = arbitrated_case(ctx)

    entry = get(client, market, "/ledger/entries/0", who="operator").json()

    assert entry["kind"] == "case.arbitration"
    assert entry["subject"] == f"case:{case_id}"
    assert entry["record"]["record"]["verdict"] == "consumer"
    assert b64(entry["entry"]).startswith(b'{"at":')


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/ledger/entries/3", 404, "not_found"),
        ("/ledger/entries/-1", 422, "validation_failed"),
        ("/ledger/entries/99999999999999999999", 422, "validation_failed"),
        ("/ledger/checkpoints/2", 404, "not_found"),
        ("/ledger/proof/inclusion?index=3&size=3", 422, "ledger_range"),
        ("/ledger/proof/inclusion?index=0&size=4", 422, "ledger_range"),
        ("/ledger/proof/inclusion?index=0&size=0", 422, "ledger_range"),
        ("/ledger/proof/inclusion?index=0", 422, "validation_failed"),
        ("/ledger/proof/consistency?old=3&new=2", 422, "ledger_range"),
        ("/ledger/proof/consistency?old=0&new=2", 422, "ledger_range"),
        ("/ledger/proof/consistency?old=1&new=5", 422, "ledger_range"),
        ("/ledger/proof/consistency?old=x&new=2", 422, "validation_failed"),
    ],
)
def test_requests_outside_the_log_get_a_clear_problem(
    path: str, status: int, code: str, client: TestClient, market: Market, ctx: Context
) -> None:
    for _ in range(3):
        arbitrated_case(ctx)

    response = client.get(f"{API}{path}", headers=market.auth("auditor"))

    body = assert_problem(response, status, code)
    if code == "ledger_range":
        assert "size" in body["detail"] or "leaf" in body["detail"]


def test_a_consumer_and_the_merchant_get_receipts_they_can_verify_offline(
    client: TestClient, market: Market, ctx: Context
) -> None:
    case_id = escalated_case(ctx)
    first = uc.ArbitrationCommand(
        Verdict.SPLIT, LiableParty.LOGISTICS, ResolutionType.QUICK_COMPENSATION, 3000, "courier"
    )
    uc.arbitrate(ctx, OPERATOR, case_id, first)
    uc.appeal(ctx, C1, case_id, "the courier is the merchant's choice")
    final = uc.ArbitrationCommand(
        Verdict.CONSUMER, LiableParty.MERCHANT, ResolutionType.REFUND_ONLY, 9000, "merchant pays"
    )
    uc.arbitrate(ctx, OPERATOR, case_id, final)
    arbitrated_case(ctx)  # someone else's decision, later in the log
    key = log_key(client, market)

    for who in ("c1", "m1", "operator", "auditor"):
        receipts = get(client, market, f"/cases/{case_id}/receipts", who=who).json()
        assert [r["record"]["record"]["liable_party"] for r in receipts] == [
            "logistics",
            "merchant",
        ]
        for receipt in receipts:
            checkpoint = verify_receipt(receipt, key)
            assert checkpoint.size > receipt["index"]
            assert receipt["tlog_proof"].startswith("c2sp.org/tlog-proof@v1\n")


def test_receipts_of_someone_elses_case_do_not_exist_for_the_caller(
    client: TestClient, market: Market, ctx: Context
) -> None:
    case_id = arbitrated_case(ctx)
    url = f"{API}/cases/{case_id}/receipts"

    assert_problem(client.get(url, headers=market.auth("c2")), 404, "not_found")
    assert_problem(client.get(url, headers=market.auth("m2")), 404, "not_found")
    assert_problem(client.get(url, headers=market.auth("integration")), 403, "permission_denied")
    assert_problem(client.get(url), 401, "authentication_failed")


def test_a_case_without_logged_decisions_has_no_receipts(
    client: TestClient, market: Market, ctx: Context
) -> None:
    case_id = escalated_case(ctx)

    assert get(client, market, f"/cases/{case_id}/receipts", who="c1").json() == []


@pytest.mark.parametrize("who", ["c1", "m1", "integration"])
def test_parties_read_receipts_not_the_log(
    who: str, client: TestClient, market: Market, ctx: Context
) -> None:
    arbitrated_case(ctx)

    for path in (
        "/ledger/checkpoint",
        "/ledger/entries/0",
        "/ledger/proof/inclusion?index=0&size=1",
    ):
        response = client.get(f"{API}{path}", headers=market.auth(who))
        assert_problem(response, 403, "permission_denied")
    assert_problem(client.get(f"{API}/ledger/checkpoint"), 401, "authentication_failed")


def test_the_private_key_is_never_served(client: TestClient, market: Market, ctx: Context) -> None:
    case_id = arbitrated_case(ctx)
    assert ctx.ledger is not None
    # PRIVATE+KEY+name+id+data: the key data may itself hold "+", so split four times only.
    secret = ctx.ledger.signer.skey().split("+", 4)[4]
    assert len(secret) > 40

    answers = [
        client.get(f"{API}{path}", headers=market.auth("operator")).text
        for path in (
            "/ledger/key",
            "/ledger/checkpoint",
            "/ledger/checkpoints",
            "/ledger/entries/0",
            f"/cases/{case_id}/receipts",
            "/openapi.json",
        )
    ]

    assert not any(secret in a or "PRIVATE+KEY" in a for a in answers)
    assert not any(ctx.ledger.salt.hex() in a for a in answers)
