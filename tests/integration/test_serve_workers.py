"""Several server processes on one SQLite file: the writer lock spans them, and they all serve.

``aftersales serve --workers N`` runs N processes on the same database. SQLite's own busy
handler would make their writers poll with sleeps; our writer lock queues them in the kernel
instead. These tests run real processes, because threads cannot show what processes do.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.store.db import WriterLock
from tests.support import build_market

HOLD_SECONDS = 0.3


def _hold_and_mark(lock_path: str, log_path: str, name: str) -> None:
    """In a child process: take the lock, write start and end marks around a pause."""
    lock = WriterLock(Path(lock_path))
    with lock:
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"{name} start\n")
        time.sleep(HOLD_SECONDS)
        with lock:  # re-entrant within the holding thread, as nested units of work are
            pass
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"{name} end\n")


def test_writer_lock_admits_one_process_at_a_time(tmp_path: Path) -> None:
    lock_path, log_path = tmp_path / "db.writer-lock", tmp_path / "log.txt"
    spawn = multiprocessing.get_context("spawn")
    children = [
        spawn.Process(target=_hold_and_mark, args=(str(lock_path), str(log_path), f"p{i}"))
        for i in range(3)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0

    marks = log_path.read_text(encoding="utf-8").split("\n")[:-1]
    assert len(marks) == 6
    # Each start is followed at once by the same process's end: no two held the lock together.
    for start, end in zip(marks[::2], marks[1::2], strict=True):
        assert start.endswith(" start")
        assert end == start.replace(" start", " end")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _request(url: str, token: str | None = None, body: object = None) -> tuple[int, object]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serve_with_two_workers_opens_cases_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    ctx = bootstrap(Settings(env="test", data_dir=tmp_path, database_url=url))
    market = build_market(ctx)  # orders relative to the real clock the server will use
    ctx.close()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {"AFTERSALES_DATA_DIR": str(tmp_path)}
    cli = "import sys; from aftersales.cli import app; sys.exit(app(prog_name='aftersales'))"
    command = [sys.executable, "-c", cli, "serve", "--port", str(port), "--db", url]
    server = subprocess.Popen(
        [*command, "--workers", "2", "--no-sweep"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            with contextlib.suppress(OSError):
                if _request(f"{base}/healthz")[0] == 200:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the server did not come up")

        # Openings on two lines by two consumers, then the duplicate is refused: every worker
        # sees the same database and the same rules.
        c1, c2 = market.tokens["c1"], market.tokens["c2"]
        opened = _request(
            f"{base}/api/v1/cases",
            c1,
            {"order_line_id": "l1", "type": "repair", "description": "screen flickers"},
        )
        assert opened[0] == 201, opened
        again = _request(
            f"{base}/api/v1/cases",
            c1,
            {"order_line_id": "l1", "type": "repair", "description": "again"},
        )
        assert again[0] == 409
        other = _request(
            f"{base}/api/v1/cases",
            c2,
            {"order_line_id": "l2", "type": "return_refund", "description": "too small"},
        )
        assert other[0] == 201, other
        listed = [_request(f"{base}/api/v1/cases", c1)[1] for _ in range(6)]
        assert all(len(page["items"]) == 1 for page in listed)  # type: ignore[index]
    finally:
        server.terminate()
        server.wait(timeout=30)
