"""An independent verifier: Go's own sumdb/note and sumdb/tlog check the running service.

The verifier (tests/go/verifier/main.go) is built offline in GOPATH mode against Debian's
golang-go and golang-golang-x-mod-dev, and talks to the real API served by uvicorn on a free
port: every checkpoint's signature, an inclusion proof for every entry, consistency between
each pair of consecutive checkpoints, and receipts saved by a consumer. The test is skipped
where Go is missing, unless AFTERSALES_TEST_REQUIRE_GO=1 (as in CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import update

from aftersales.api.app import create_app
from aftersales.ledger import Signer
from aftersales.services import ledger
from aftersales.services.context import Context
from aftersales.store.tables import ledger_entries
from tests.ledger_cases import arbitrated_case, as_administrator, serviced_case
from tests.support import Market

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "tests" / "go" / "verifier"
GOPATH = Path("/usr/share/gocode")
REQUIRE_GO = os.environ.get("AFTERSALES_TEST_REQUIRE_GO") == "1"
BULK = 1000  # entries beyond the case decisions, so the verifier checks over a thousand proofs


@pytest.fixture(scope="session")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = shutil.which("go")
    if go is None or not (GOPATH / "src/golang.org/x/mod/sumdb/tlog").is_dir():
        reason = "needs Debian's golang-go and golang-golang-x-mod-dev"
        if REQUIRE_GO:
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("go")
    env = os.environ | {
        "GO111MODULE": "off",  # GOPATH mode: no module proxy, no network
        "GOPATH": str(GOPATH),
        "GOCACHE": str(out / "cache"),
        "GOFLAGS": "",
        "GOPROXY": "off",
    }
    build = subprocess.run(
        [go, "build", "-o", str(out / "verifier"), "."],
        cwd=SOURCE,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    return out / "verifier"


@pytest.fixture
def api(ctx: Context) -> Iterator[str]:
    """The real app served by uvicorn on a free port, in a thread of this process."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(ctx), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/api/v1"
    server.should_exit = True
    thread.join(timeout=20)
    sock.close()


@pytest.fixture
def populated(ctx: Context, market: Market, api: str, tmp_path: Path) -> Path:
    """Decisions and bulk entries with checkpoints between them; a consumer's saved receipts."""
    ledger.checkpoint(ctx)  # size 0: a verifier must cope with the empty tree
    case_id = arbitrated_case(ctx)
    ledger.checkpoint(ctx)
    serviced_case(ctx)
    ledger.checkpoint(ctx)
    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for start in range(0, BULK, 250):
        with ctx.uow() as uow:
            drafts = [
                ledger.Draft("test.bulk", f"bulk:{i}", {"i": i}, at)
                for i in range(start, start + 250)
            ]
            ledger.append_many(uow, drafts)
            uow.commit()
        ledger.checkpoint(ctx)
    arbitrated_case(ctx)
    response = httpx.get(f"{api}/cases/{case_id}/receipts", headers=market.auth("c1"))
    assert response.status_code == 200, response.text
    path = tmp_path / "receipts.json"
    path.write_text(response.text, encoding="utf-8")
    return path


def run(
    verifier: Path, api: str, market: Market, vkey: str, receipts: Path
) -> subprocess.CompletedProcess[str]:
    args = [str(verifier), "-api", api, "-token", market.tokens["auditor"], "-vkey", vkey]
    return subprocess.run(
        [*args, "-receipts", str(receipts)], capture_output=True, text=True, timeout=300
    )


def test_go_verifies_checkpoints_every_inclusion_proof_consistency_and_receipts(
    verifier: Path, api: str, ctx: Context, market: Market, populated: Path
) -> None:
    vkey = httpx.get(f"{api}/ledger/key", headers=market.auth("auditor")).text.strip()

    result = run(verifier, api, market, vkey, populated)

    size = ledger.latest_checkpoint(ctx).size
    checkpoints = len(ledger.checkpoints(ctx))
    assert result.returncode == 0, result.stderr
    assert size > BULK and len(json.loads(populated.read_text())) == 1
    assert result.stdout == (
        f"OK checkpoints={checkpoints} inclusion={size} consistency={checkpoints - 2} receipts=1\n"
    )


def test_go_rejects_the_log_under_another_key(
    verifier: Path, api: str, market: Market, populated: Path
) -> None:
    impostor = Signer.generate("aftersales.local/evidence-log").verifier().vkey()

    result = run(verifier, api, market, impostor, populated)

    assert result.returncode == 1
    assert "checkpoint signature" in result.stderr


def test_go_catches_an_entry_rewritten_in_the_database(
    verifier: Path, api: str, ctx: Context, market: Market, db_url: str, populated: Path
) -> None:
    with as_administrator(db_url) as conn:
        conn.execute(
            update(ledger_entries).where(ledger_entries.c.idx == 7).values(body=b'{"forged":1}')
        )
    vkey = ledger.public_key(ctx).vkey()

    result = run(verifier, api, market, vkey, populated)

    assert result.returncode == 1
    assert "inclusion proof" in result.stderr
