"""Stop signals taken as a request: handled while inside, put back afterwards."""

from __future__ import annotations

import os
import signal
import threading

from aftersales.cli.stop_signals import exit_code, on_stop_signals


def test_both_stop_signals_call_the_handler_and_are_put_back() -> None:
    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    seen: list[int] = []
    with on_stop_signals(seen.append):
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
    assert seen == [signal.SIGINT, signal.SIGTERM]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_a_signal_the_process_ignores_stays_ignored() -> None:
    seen: list[int] = []
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a shell's background job
    try:
        with on_stop_signals(seen.append):
            assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)
        assert seen == []
    finally:
        signal.signal(signal.SIGINT, previous)


def test_outside_the_main_thread_nothing_changes() -> None:
    before = signal.getsignal(signal.SIGINT)  # a library (Spark) may have its own
    handlers: list[object] = []

    def elsewhere() -> None:
        with on_stop_signals(lambda signum: None):
            handlers.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert handlers == [before]


def test_exit_codes_are_the_shells() -> None:
    assert exit_code(signal.SIGINT) == 130 and exit_code(signal.SIGTERM) == 143
