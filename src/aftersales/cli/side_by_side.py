"""``simulate --compare``: the two variants run side by side, one process each.

A simulation is Python work on one core, and each variant is a whole run in a database of its
own. On a machine with two cores or more the two run at once, in two processes, and a what-if
takes about as long as one run instead of two (docs/decisions/0033-compare-side-by-side.md).
They run one after the other on one core, or where the two in-memory databases would not fit
together in half the memory available (``sim_database.fits_in_memory``).

The processes are spawned, not forked: a fork would copy a parent that holds threads and open
connections, and spawning works the same on every system. Each sends its days (for the parent's
progress bars), its remarks and its outcome through a queue; the parent prints the summaries in
the variants' order. Ctrl-C (or SIGTERM) stops both: each writes its database as far as it
got, marked partial, as a single run does.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from aftersales.cli.sim_database import Interrupted, fits_in_memory, run_in_database
from aftersales.cli.simulate_report import runs_progress
from aftersales.cli.stop_signals import on_stop_signals
from aftersales.config import Settings
from aftersales.errors import AftersalesError, ErrorCode
from aftersales.services.simulate import DayReport
from aftersales.simulation import SimulationParams

__all__ = ["Finished", "VariantRun", "run_side_by_side", "side_by_side_possible"]

_POLL = 0.5  # seconds between looks at whether a silent process is still alive
_NOTHING_STORED = "interrupted before anything was stored"


@dataclass(frozen=True, slots=True)
class VariantRun:
    """One run of a comparison: its label, its platform's settings and its parameters."""

    label: str
    settings: Settings
    params: SimulationParams


@dataclass(frozen=True, slots=True)
class Finished:
    """What a variant's process sends back of its run."""

    run_id: str
    status: str
    summary: dict[str, Any]


def side_by_side_possible(orders_each: int) -> bool:
    """Whether two runs of about ``orders_each`` orders can run at once here."""
    return (os.cpu_count() or 1) >= 2 and fits_in_memory(2 * orders_each)


def run_side_by_side(
    variants: Sequence[VariantRun], *, bar: bool, on_disk: bool, say: Callable[[str], None]
) -> list[Finished]:
    """Every variant's run, each in a process of its own, in the variants' order.

    After Ctrl-C or SIGTERM, says how far each got and raises ``Interrupted``. When one
    failed, raises its error, named after it. The others are waited for either way, so no run
    is left half written."""
    spawn = multiprocessing.get_context("spawn")
    messages = spawn.Queue()
    workers = [
        spawn.Process(target=_work, args=(i, v.settings, v.params, on_disk, bar, messages))
        for i, v in enumerate(variants)
    ]
    for worker in workers:
        worker.start()
    outcomes: dict[int, tuple[Any, ...]] = {}
    days = max(v.params.days for v in variants)
    bars = [f"变体 variant {i}" for i in range(1, len(variants) + 1)]  # the names are long
    with _passing_stops_on(workers, outcomes) as stop:
        try:
            with runs_progress(days, bars, show=bar) as advance:
                _collect(workers, messages, outcomes, advance, say)
        finally:
            for worker in workers:
                worker.join()
        # Said while a late Ctrl-C is still passed on, so that it cannot cut the lines off.
        _say_if_stopped(variants, outcomes, stop.signum, say)
    return _results(variants, outcomes)


def _collect(
    workers: Sequence[BaseProcess],
    messages: Any,
    outcomes: dict[int, tuple[Any, ...]],
    advance: Callable[[int, DayReport], None],
    say: Callable[[str], None],
) -> None:
    """Read the workers' messages until each has sent its outcome or died without one."""
    while len(outcomes) < len(workers):
        try:
            _read(messages.get(timeout=_POLL), outcomes, advance, say)
        except queue.Empty:
            _drain(messages, outcomes, advance, say)  # a process's last words, then its death
            for i, worker in enumerate(workers):
                if i not in outcomes and not worker.is_alive():
                    outcomes[i] = ("crashed", f"its process ended (exit code {worker.exitcode})")


def _drain(
    messages: Any,
    outcomes: dict[int, tuple[Any, ...]],
    advance: Callable[[int, DayReport], None],
    say: Callable[[str], None],
) -> None:
    while True:
        try:
            _read(messages.get_nowait(), outcomes, advance, say)
        except queue.Empty:
            return


def _read(
    message: tuple[Any, ...],
    outcomes: dict[int, tuple[Any, ...]],
    advance: Callable[[int, DayReport], None],
    say: Callable[[str], None],
) -> None:
    kind, which, *rest = message
    if kind == "day":
        advance(which, rest[0])
    elif kind == "say":
        say(rest[0])
    else:
        outcomes[which] = (kind, *rest)


class _Stop:
    signum = 0  # the signal that asked the runs to stop, if one did


@contextmanager
def _passing_stops_on(
    workers: Sequence[BaseProcess], outcomes: dict[int, tuple[Any, ...]]
) -> Iterator[_Stop]:
    """Ctrl-C or SIGTERM, while inside, is remembered and passed on to the runs still going,
    which stop at the end of their day (``SimulationDatabase.stopping_at_day_end``) and
    report; it never interrupts the parent, which waits for them. A terminal sends Ctrl-C to
    them too, and a run asked twice stops once."""
    stop = _Stop()

    def pass_on(signum: int) -> None:
        stop.signum = stop.signum or signum
        for i, worker in enumerate(workers):
            if i not in outcomes and worker.pid is not None and worker.is_alive():
                os.kill(worker.pid, signum)

    with on_stop_signals(pass_on):
        yield stop


def _say_if_stopped(
    variants: Sequence[VariantRun],
    outcomes: dict[int, tuple[Any, ...]],
    signum: int,
    say: Callable[[str], None],
) -> None:
    """After a stop signal, how far each variant got, said; then ``Interrupted``."""
    stopped_by = [o[2] for o in outcomes.values() if o[0] == "stopped"]  # (kind, text, signal)
    if not signum and not stopped_by:
        return
    lines = "\n".join(f"{v.label}: {_stopped(outcomes[i])}" for i, v in enumerate(variants))
    say(lines)
    raise Interrupted(lines, signum or stopped_by[0])


def _results(
    variants: Sequence[VariantRun], outcomes: dict[int, tuple[Any, ...]]
) -> list[Finished]:
    labelled = [(v.label, outcomes[i]) for i, v in enumerate(variants)]
    for label, (kind, *rest) in labelled:
        if kind == "failed":
            code, detail = rest
            raise AftersalesError(f"{label}: {detail}", code=ErrorCode(code))
        if kind == "crashed":
            raise RuntimeError(f"{label} failed: {rest[0]}")
    return [outcome[1] for _, outcome in labelled]


def _stopped(outcome: tuple[Any, ...]) -> str:
    kind, *rest = outcome
    if kind == "stopped":
        return str(rest[0])
    if kind == "done":
        return f"finished before the interruption: run {rest[0].run_id}"
    return _NOTHING_STORED


def _work(
    which: int,
    settings: Settings,
    params: SimulationParams,
    on_disk: bool,
    progress: bool,
    messages: Any,
) -> None:
    """One variant's run, in its own process; every outcome goes back as a message."""

    def on_day(report: DayReport) -> None:
        if progress:
            messages.put(("day", which, report))

    try:
        result = run_in_database(
            settings,
            params,
            on_day,
            on_disk=on_disk,
            say=lambda text: messages.put(("say", which, text)),
        )
    except Interrupted as stop:
        messages.put(("stopped", which, stop.message, stop.signum))
    except KeyboardInterrupt:  # before the run had a database
        messages.put(("stopped", which, _NOTHING_STORED, signal.SIGINT))
    except AftersalesError as exc:
        messages.put(("failed", which, exc.code.value, exc.detail))
    except Exception:  # a fault, not a user's mistake: its traceback goes to the parent
        messages.put(("crashed", which, traceback.format_exc()))
    else:
        messages.put(("done", which, Finished(result.run_id, result.status, result.summary)))
