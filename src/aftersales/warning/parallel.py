"""Run independent batches on every core, each with a single-threaded BLAS.

The batched fits multiply tall, thin matrices ((series x weeks) @ (weeks x 21)). OpenBLAS
splits each such product over its threads; on this 2-core machine that made the method 2 to 4
times *slower* as soon as anything else ran, because its threads spin waiting for each other
(measured in docs/benchmarks.md). One BLAS thread per batch and one batch per core is faster
when the machine is idle and degrades gracefully when it is not: NumPy releases the GIL inside
its array operations, so plain Python threads keep every core busy.

``threadpoolctl`` (installed with scikit-learn) limits the BLAS threads; without it the batches
still run, with whatever threads BLAS chooses. The limit is process-wide while a call runs, so
other NumPy work in the same process (a web request, say) shares the single BLAS thread for
that time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import fields
from typing import Any, TypeVar

import numpy as np

__all__ = ["concat", "map_batches", "row_slices"]

T = TypeVar("T")
R = TypeVar("R")

try:  # pragma: no cover - which branch runs depends on the environment
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover
    threadpool_limits = None


def map_batches(fn: Callable[[T], R], batches: Sequence[T], workers: int | None = None) -> list[R]:
    """``[fn(b) for b in batches]``, on up to ``workers`` threads (default: one per core)."""
    workers = min(workers or os.cpu_count() or 1, len(batches))
    with _one_blas_thread():
        if workers <= 1:
            return [fn(b) for b in batches]
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(fn, batches))


def _one_blas_thread() -> AbstractContextManager[object]:
    if threadpool_limits is None:  # pragma: no cover
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")  # type: ignore[no-any-return]


def row_slices(n: int, largest: int = 8192, smallest: int = 256) -> list[slice]:
    """Slices of ``n`` rows: one or more per core, at most ``largest`` rows each."""
    size = max(smallest, min(largest, -(-n // (os.cpu_count() or 1))))
    return [slice(i, min(i + size, n)) for i in range(0, n, size)] or [slice(0, 0)]


def concat(parts: Sequence[T]) -> T:
    """Join dataclasses of per-row arrays, batch after batch, into one."""
    if len(parts) == 1:
        return parts[0]
    joined: dict[str, Any] = {
        f.name: np.concatenate([getattr(p, f.name) for p in parts])
        for f in fields(parts[0])  # type: ignore[arg-type]
    }
    return type(parts[0])(**joined)
