"""CPython's cycle collector, held back while a job allocates objects by the hundred thousand.

The collector runs a young collection every 700 allocations and, as survivors pile up, full
collections that scan everything alive. A job that builds hundreds of thousands of short-lived,
acyclic objects (a cycle's 50,000 scorecards, a simulated year's rows) pays for scans that find
nothing to free: a third of the scorer's time at 50,000 merchants, and full scans of a
hundred-thousand-buyer world some 35 times in 60 simulated days (docs/benchmarks.md).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["fewer_collections"]

_YOUNG = 50_000  # allocations between young collections, instead of 700
_lock = threading.Lock()
_depth = 0  # jobs inside one another (a simulation, its cycles), in any thread


@contextmanager
def fewer_collections() -> Iterator[None]:
    """What is alive at the start is frozen out of the scans, and young objects are collected
    every 50,000 allocations instead of every 700; both are as before on the way out, an error
    included. A caller that froze its own objects already keeps them frozen, and the job's
    objects stay in the scans: cycles among them are still freed. Inside another such job (a
    simulation's cycle) it changes nothing: counting what is frozen walks all of it, millions of
    objects in a simulated world."""
    global _depth
    with _lock:
        _depth += 1
        outermost = _depth == 1
    try:
        if not outermost:
            yield
            return
        before = gc.get_threshold()
        ours = gc.get_freeze_count() == 0
        if ours:
            gc.freeze()
        gc.set_threshold(_YOUNG, 20, 20)
        try:
            yield
        finally:
            gc.set_threshold(*before)
            if ours:
                gc.unfreeze()
    finally:
        with _lock:
            _depth -= 1
