"""``serve --workers 2`` spreads connections opened at once over both workers (Linux: a listening
socket per worker, ``SO_REUSEPORT``), where a shared socket often left them all on one."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

CONNECTIONS = 16  # all on one worker by chance: 2 x 0.5**16, about 3 in 100,000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            if entry.name.isdigit():
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == pid:
                    found.append(int(entry.name))
    return found


def _established_inodes(port: int) -> set[str]:
    """Socket inodes of the server's side of connections established on ``port``."""
    return _inodes(port, "01")


def _inodes(port: int, state: str) -> set[str]:
    """Socket inodes on local ``port`` in a TCP ``state`` (01 established, 0A listening)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                    inodes.add(fields[9])
    return inodes


def _sockets_of(pid: int) -> set[str]:
    held = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    held.add(target[8:-1])
    return held


def _start(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    cli = "import sys; from aftersales.cli import app; sys.exit(app(prog_name='aftersales'))"
    url = f"sqlite:///{tmp_path / 'served.db'}"
    command = [sys.executable, "-c", cli, "serve", "--port", str(port), "--db", url]
    server = subprocess.Popen(
        [*command, "--workers", "2", "--no-sweep"],
        env=os.environ | {"AFTERSALES_DATA_DIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        # Each worker binds its own socket: until both have, the kernel sends every connection
        # to the one that has (a slow start on a loaded machine left one worker out).
        listening = _inodes(port, "0A")
        workers = [p for p in _children(server.pid) if _sockets_of(p) & listening]
        if len(workers) >= 2 and _answers(port):
            return server
        time.sleep(0.2)
    server.terminate()
    pytest.fail("the workers did not come up")


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def test_connections_opened_at_once_reach_both_workers(tmp_path: Path) -> None:
    port = _free_port()
    server = _start(tmp_path, port)
    try:
        time.sleep(2.0)  # both workers past their start-up work, waiting on their sockets
        connections = [http.client.HTTPConnection("127.0.0.1", port) for _ in range(CONNECTIONS)]
        for c in connections:
            c.connect()
        for c in connections:  # answered, so accepted by a worker and kept alive
            c.request("GET", "/healthz")
            assert c.getresponse().read()
        established = _established_inodes(port)
        held = {pid: len(_sockets_of(pid) & established) for pid in _children(server.pid)}
        for c in connections:
            c.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    busy = sorted((n for n in held.values() if n), reverse=True)
    assert sum(busy) == CONNECTIONS and len(busy) == 2, held
