"""The load generator against a real server process: it prepares its marketplace, replays
openings, proposals and acceptances at the asked rate, and stops at its bound."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.loadgen import Bounds, Report, prepare, replay


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A migrated SQLite file and a server process on it: (base URL, database URL)."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    bootstrap(Settings(env="test", data_dir=tmp_path, database_url=url)).close()
    port = _free_port()
    cli = "import sys; from aftersales.cli import app; sys.exit(app(prog_name='aftersales'))"
    server = subprocess.Popen(
        [sys.executable, "-c", cli, "serve", "--port", str(port), "--db", url, "--no-sweep"],
        env=os.environ | {"AFTERSALES_DATA_DIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200:
                    break
            time.sleep(0.2)
        yield base, url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_replays_case_traffic_against_a_running_server(
    served: tuple[str, str], tmp_path: Path
) -> None:
    base, url = served
    ctx = bootstrap(Settings(env="test", data_dir=tmp_path, database_url=url), schema="as_is")

    async def go() -> Report:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            cast = await prepare(client, ctx, 15, seed=3)
            return await replay(client, cast, Bounds(rate=20, count=36, seconds=None))

    try:
        report = asyncio.run(go())
    finally:
        ctx.close()
    kinds = {status.split()[0] for status in report.statuses}
    assert report.sent == 36 and report.failures == {}
    assert kinds == {"open", "propose", "accept"}
    assert all(s.split()[1] in ("200", "201") for s in report.statuses)
    assert report.elapsed >= 36 / 20 * 0.9  # the rate held it back
