"""Where a simulation runs: a SQLite file's run is built in memory and written to the file.

SQLite writes every commit's changed pages to its log and copies them into the file at each
checkpoint: a simulated year of the million-order market commits some 300,000 units of work
and wrote about 43 GB for a 1.5 GB file. In memory a commit writes nothing. The database is
written to its file, whole, at the end, when the run stops early (Ctrl-C), and along the way at
a month's end (after its cycle) once the last writing is five minutes old: the file always holds
a run complete for the days it reports, marked partial until it is done. It costs memory the
size of the database (about 1.5 GB for a million orders): a run that would not fit in half the
memory available, or one given ``--on-disk``, writes to the file as it goes instead. PostgreSQL runs
in place. (docs/decisions/0032-simulation-in-memory.md)
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from aftersales.bootstrap import bootstrap
from aftersales.cli.stop_signals import on_stop_signals
from aftersales.config import Settings
from aftersales.domain.clock import ManualClock
from aftersales.errors import ValidationFailed
from aftersales.services.context import Context
from aftersales.services.simulate import (
    DATABASE_IN_USE,
    DayReport,
    SimulationResult,
    run_simulation,
)
from aftersales.simulation import SimulationParams, day_start
from aftersales.store.db import IN_MEMORY, make_folder, sqlite_file

__all__ = [
    "BYTES_PER_ORDER",
    "WRITE_EVERY",
    "Interrupted",
    "SimulationDatabase",
    "fits_in_memory",
    "run_in_database",
]

# Each writing copies the whole database (seconds at a million orders, most of them the disk's),
# so a long run is written at most every five minutes along the way, not at every month's end.
WRITE_EVERY = 300.0
# A simulated order's share of the database, cases and all: 1.5 GB for a million orders.
BYTES_PER_ORDER = 1_600


class SimulationDatabase:
    """The context a simulation runs in, and the file it is written to (if any)."""

    def __init__(
        self,
        settings: Settings,
        start: datetime,
        *,
        on_disk: bool = False,
        orders: int = 0,
        every: float = WRITE_EVERY,
    ) -> None:
        """``orders``: about how many the run will record; a run whose database would not fit
        in half the memory available now runs on disk."""
        file = None if on_disk else sqlite_file(settings.db_url)
        self.too_big = file is not None and not fits_in_memory(orders)
        self.file = None if self.too_big else file
        if self.file is not None:
            _refuse_if_in_use(settings, self.file)
            settings = settings.model_copy(update={"database_url": IN_MEMORY})
        self.ctx: Context = bootstrap(settings, clock=ManualClock(start))
        self._every = every
        self._months = 0
        self._written = time.monotonic()
        self.stop_asked = 0  # the signal that asked the run to stop, if one did

    def after_each_day(self, on_day: Callable[[DayReport], None]) -> Callable[[DayReport], None]:
        """``on_day``, and the file written at a month's end (its cycle run) when the last
        writing is ``every`` seconds old; then the run stops if Ctrl-C asked it to
        (``stopping_at_day_end``)."""

        def both(report: DayReport) -> None:
            if report.cycles > self._months:
                self._months = report.cycles
                if time.monotonic() - self._written >= self._every:
                    self.write()
            on_day(report)
            if self.stop_asked:
                raise KeyboardInterrupt

        return both

    @contextmanager
    def stopping_at_day_end(self) -> Iterator[None]:
        """Ctrl-C or SIGTERM, while inside, asks the run to stop at the end of the simulated day.

        Raised where the signal lands, the interruption would often land in a database call,
        and SQLAlchemy then drops the connection, whose state it cannot know: an in-memory
        database goes with it, the whole run; an unhandled SIGTERM ends the process before
        anything is written. At the end of a day everything the run did is stored. A day takes
        about a second at a million orders a year. (``cli.stop_signals``)"""

        def ask(signum: int) -> None:
            self.stop_asked = self.stop_asked or signum

        with on_stop_signals(ask):
            yield

    def write(self) -> None:
        """The run as it stands, to its file; never a database that lost it over the file."""
        if self.file is None:
            return
        try:
            with self.ctx.uow(read_only=True) as uow:
                if not uow.simulation_runs.has_its_tables():
                    raise ValidationFailed(
                        f"the simulation's database was lost; {self.file} keeps what was last"
                        " written to it"
                    )
                uow.simulation_runs.write_to(self.file)
        except (OSError, sqlite3.Error) as exc:  # a full disk, say: one line, no traceback
            raise ValidationFailed(f"could not write the simulation to {self.file}: {exc}") from exc
        self._written = time.monotonic()

    def close(self) -> None:
        self.ctx.close()


class Interrupted(Exception):
    """The run was stopped (Ctrl-C, SIGTERM); its database holds it as far as it got, marked
    partial."""

    def __init__(self, message: str, signum: int = signal.SIGINT) -> None:
        super().__init__(message)
        self.message = message
        self.signum = signum


def run_in_database(
    settings: Settings,
    params: SimulationParams,
    on_day: Callable[[DayReport], None],
    *,
    on_disk: bool = False,
    say: Callable[[str], None],
) -> SimulationResult:
    """The simulation for the settings' database (a SQLite file's in memory, written to the
    file as it goes); on Ctrl-C or SIGTERM the run is written as far as it got and
    ``Interrupted`` says how far that is."""
    orders = params.orders_per_day * params.days
    db = SimulationDatabase(settings, day_start(params.start), on_disk=on_disk, orders=orders)
    if db.too_big:
        say("the run would not fit in memory: it writes to its file as it goes")
    try:
        with db.stopping_at_day_end():  # and no Ctrl-C cuts a writing short
            try:
                result = run_simulation(db.ctx, params, db.after_each_day(on_day))
                db.write()
            except KeyboardInterrupt:
                db.write()  # as far as it got, marked partial
                raise Interrupted(_how_far(db.ctx), db.stop_asked or signal.SIGINT) from None
    finally:
        db.close()
    return result


def _how_far(ctx: Context) -> str:
    with ctx.uow(read_only=True) as uow:
        run = uow.simulation_runs.latest()
    if run is None:
        return "interrupted before anything was stored"
    return (
        f"interrupted: run {run.id} is recorded as partial, {run.days_completed} of"
        f" {run.days_planned} days and {run.cycles_completed} of {run.cycles_planned} cycles"
        f" complete (simulated time reached {run.sim_reached:%Y-%m-%d %H:%M} UTC)"
    )


def fits_in_memory(orders: int) -> bool:
    """Whether a database of ``orders`` fits in half the memory available now (where the
    system says; elsewhere it is assumed to)."""
    free = _free_memory()
    return free is None or orders * BYTES_PER_ORDER <= free / 2


def _free_memory() -> int | None:
    """Linux's estimate of the memory available without swapping (the page cache it would give
    up counts); the free pages elsewhere, or None."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not on this system
        return None


def _refuse_if_in_use(settings: Settings, file: Path) -> None:
    if not file.exists() or file.stat().st_size == 0:
        make_folder(file)
        if not os.access(file.parent, os.W_OK):  # found now, not at the first writing
            raise ValidationFailed(f"cannot write the simulation's database in {file.parent}")
        return
    ctx = bootstrap(settings)  # brings an older file's schema up to date, as a run would
    try:
        with ctx.uow(read_only=True) as uow:
            if uow.simulation_runs.database_in_use():
                raise ValidationFailed(DATABASE_IN_USE)
    finally:
        ctx.close()
