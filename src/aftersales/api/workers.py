"""``serve --workers N``: N server processes, each with a listening socket of its own.

uvicorn's own workers share one listening socket, and whichever is awake when a client opens its
connections accepts them all. A marketplace's ranker keeps a pool of keep-alive connections
opened at once: with 16 of them, one of two workers held 15 or all 16 in 4 starts out of 10
(counted with ``ss``; libuv's ``UV_TCP_SINGLE_ACCEPT`` did not help), so the server used one core
of two. On Linux each worker here binds its own socket to the port with ``SO_REUSEPORT``, and
the kernel spreads new connections over the workers by their addresses. Elsewhere uvicorn's
workers run as before.

The parent restarts a worker that dies, and stops all of them on SIGINT or SIGTERM. A worker
builds its app with the factory it is given (``aftersales.api.worker:worker_app``), from the
environment the parent passes on.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import threading
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

from aftersales.errors import AftersalesError, Text

__all__ = ["run_workers"]

_STARTUP_SECONDS = 10.0  # a worker that dies sooner failed to start: stop, do not loop


def run_workers(
    app: str, *, host: str, port: int, workers: int, app_dir: str | None = None, **settings: Any
) -> None:
    """Serve the app factory ``app`` ("module:function") from ``workers`` processes until
    SIGINT or SIGTERM; ``settings`` are uvicorn's."""
    if not (sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")):
        where = {**settings, **({} if app_dir is None else {"app_dir": app_dir})}
        uvicorn.run(app, factory=True, workers=workers, host=host, port=port, **where)
        return
    _listening_socket(host, port).close()  # the port taken by another program: fail here, once
    _Supervisor(app, host, port, app_dir, settings).run(workers)


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        text = Text(
            f"cannot listen on {host}:{port}: {exc.strerror}",
            f"无法在 {host}:{port} 上监听：{exc.strerror}",
        )
        raise AftersalesError(text) from None
    return sock


def _worker(app: str, host: str, port: int, app_dir: str | None, settings: dict[str, Any]) -> None:
    """One worker process: its own socket on the shared port, one uvicorn server on it."""
    if app_dir is not None:
        sys.path.insert(0, app_dir)
    config = uvicorn.Config(app, factory=True, host=host, port=port, **settings)
    uvicorn.Server(config).run(sockets=[_listening_socket(host, port)])


class _Supervisor:
    def __init__(
        self, app: str, host: str, port: int, app_dir: str | None, settings: dict[str, Any]
    ) -> None:
        self._args = (app, host, port, app_dir, settings)
        self._spawn = multiprocessing.get_context("spawn")
        self._stop = threading.Event()

    def run(self, workers: int) -> None:
        handlers = {sig: signal.signal(sig, self._on_signal) for sig in _SIGNALS}
        running = [self._start() for _ in range(workers)]
        try:
            while not self._stop.wait(0.5):
                running = [self._kept(worker) for worker in running]
        finally:
            _stop_all([process for process, _ in running])
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stop.set()

    def _start(self) -> tuple[BaseProcess, float]:
        process = self._spawn.Process(target=_worker, args=self._args, daemon=False)
        process.start()
        return process, time.monotonic()

    def _kept(self, worker: tuple[BaseProcess, float]) -> tuple[BaseProcess, float]:
        """The worker, or a new one in its place if it died; one that died while starting
        stops the server (its error is already on stderr)."""
        process, started = worker
        if process.is_alive() or self._stop.is_set():
            return worker
        if time.monotonic() - started < _STARTUP_SECONDS:
            self._stop.set()
            raise AftersalesError(
                Text(
                    f"a server process exited while starting (exit code {process.exitcode})",
                    f"一个服务进程在启动时退出（退出码 {process.exitcode}）",
                )
            )
        return self._start()


_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _stop_all(processes: list[BaseProcess]) -> None:
    """SIGTERM each (uvicorn then finishes the requests in flight), SIGKILL what lingers."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + 20
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
