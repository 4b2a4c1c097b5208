"""``serve --workers 2`` ranking over HTTP: every worker builds its own plan, never shows a held
product, and the counts of both reach the shared counters (real processes, on SQLite)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.exposure import ContentKind
from aftersales.services import content, recalls
from aftersales.services.content import Publish
from aftersales.services.ladder_run import run_ladder
from aftersales.store.content import Audience
from tests.support import INTEGRATION, build_market

REQUESTS = 24


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _post(url: str, token: str, body: object) -> tuple[int, Any]:
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _seed(url: str, data_dir: Path) -> tuple[str, str]:
    """m1's item in cold start today and a stop-sale hold on m1's p3; returns the item's id and
    the integration's token."""
    now = datetime.now(UTC)
    clock = ManualClock(now - timedelta(days=1))
    ctx = bootstrap(Settings(env="test", data_dir=data_dir, database_url=url), clock=clock)
    try:
        market = build_market(ctx)
        m1 = Actor(Role.MERCHANT_AGENT, "m1")
        content.put_audience(ctx, INTEGRATION, Audience("m1", 1000, 100, clock.now()))
        made = [
            content.publish(ctx, m1, Publish(ContentKind.POST, f"post {n}", ("p1",))).id
            for n in range(3)
        ]
        clock.set(now)
        assert run_ladder(ctx).moved == 3  # cold start today: a quota on the feed
        recalls.open_review(ctx, Actor(Role.OPERATOR, "op"), recalls.OpenReview("smoke", "p3"))
        return made[0], market.tokens["integration"]
    finally:
        ctx.close()


def _start(url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "AFTERSALES_DATA_DIR": str(data_dir),
        "AFTERSALES_EXPOSURE_SYNC_SECONDS": "0.3",
    }
    cli = "import sys; from aftersales.cli import app; sys.exit(app(prog_name='aftersales'))"
    command = [sys.executable, "-c", cli, "serve", "--port", str(port), "--db", url]
    server = subprocess.Popen(
        [*command, "--workers", "2", "--no-sweep"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer,
        ):
            if answer.status == 200:
                return server
        time.sleep(0.2)
    server.terminate()
    pytest.fail("the server did not come up")


def test_two_workers_rank_without_held_products_and_share_their_counts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    item, token = _seed(url, tmp_path)
    port = _free_port()
    server = _start(url, tmp_path, port)
    body = {
        "slot": "feed",
        "user_id": "u1",
        "k": 3,
        "candidates": [
            {"item_id": "p3", "merchant_id": "m1", "score": 0.99},  # on hold
            {"item_id": "p1", "merchant_id": "m1", "content_id": item, "score": 0.95},
        ]
        + [{"item_id": f"x{n}", "merchant_id": "m2", "score": 0.5 - n / 100} for n in range(8)],
    }
    try:
        answers = [
            _post(f"http://127.0.0.1:{port}/api/v1/exposure/rank", token, body)
            for _ in range(REQUESTS)
        ]
        time.sleep(1.5)  # a few sync intervals of both workers
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert {status for status, _ in answers} == {200}
    assert all("p3" not in [i["item_id"] for i in a["items"]] for _, a in answers)
    assert all(a["held_out"] == 1 for _, a in answers)
    ctx = bootstrap(Settings(env="test", data_dir=tmp_path, database_url=url), schema="as_is")
    try:
        with ctx.uow(read_only=True) as uow:
            totals = uow.exposure.live_counts(datetime.now(UTC))
    finally:
        ctx.close()
    merit = sum(c[1] for (key, _), c in totals.items() if key == f"ladder:{item}")
    assert merit == REQUESTS  # p1 earned its place in every request, whichever worker ranked it
