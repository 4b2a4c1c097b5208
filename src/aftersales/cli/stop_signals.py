"""Ctrl-C (SIGINT) and the polite kill (SIGTERM) taken as a request to stop, not as an exception.

A simulation asked to stop finishes its simulated day and writes what it did; raised wherever
the signal lands, a ``KeyboardInterrupt`` would often land inside a database call, and an
unhandled SIGTERM ends the process before anything is written (decision 0032, Update).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["STOP_SIGNALS", "exit_code", "on_stop_signals"]

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def exit_code(signum: int) -> int:
    """What a command stopped by ``signum`` exits with, as a shell reports it: 130 for Ctrl-C."""
    return 128 + signum


@contextmanager
def on_stop_signals(handler: Callable[[int], None]) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM call ``handler(signal number)`` instead.

    A signal the process was told to ignore (a shell's background job ignores Ctrl-C) stays
    ignored. Only the main thread takes signals: elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    taken = [s for s, before in previous.items() if before != signal.SIG_IGN]

    def take(signum: int, frame: FrameType | None) -> None:
        handler(signum)

    for s in taken:
        signal.signal(s, take)
    try:
        yield
    finally:
        for s in taken:
            signal.signal(s, previous[s])
