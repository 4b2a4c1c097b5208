"""The scheduler inside ``serve``: a job added with ``every`` keeps an interval of its own."""

from __future__ import annotations

import threading
import time

from aftersales.scheduler import Scheduler


def test_a_job_with_its_own_interval_runs_far_more_often_than_the_shared_round() -> None:
    shared: list[float] = []
    own: list[float] = []
    twice = threading.Event()

    def often() -> None:
        own.append(time.monotonic())
        if len(own) >= 3:
            twice.set()

    scheduler = Scheduler(3600, [lambda: shared.append(time.monotonic())])
    scheduler.every(0.02, often)
    scheduler.start()
    try:
        assert twice.wait(timeout=10)
    finally:
        scheduler.stop()

    assert shared == []  # the hourly round has not come yet
    assert len(own) >= 3


def test_a_failing_job_does_not_stop_the_others() -> None:
    ran = threading.Event()

    def broken() -> None:
        raise RuntimeError("boom")

    scheduler = Scheduler(3600, [])
    scheduler.every(0.01, broken)
    scheduler.every(0.01, ran.set)
    scheduler.start()
    try:
        assert ran.wait(timeout=10)
    finally:
        scheduler.stop()
