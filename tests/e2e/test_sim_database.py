"""A simulation of a SQLite file runs in memory and is written to the file as it goes."""

from __future__ import annotations

import os
import signal
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from aftersales.cli import sim_database
from aftersales.cli.sim_database import (
    BYTES_PER_ORDER,
    Interrupted,
    SimulationDatabase,
    fits_in_memory,
    run_in_database,
)
from aftersales.config import Settings
from aftersales.errors import ValidationFailed
from aftersales.services.simulate import DayReport, run_simulation
from aftersales.simulation import SimulationParams, day_start
from aftersales.store.simulation_runs import SimulationRunRepository

START = date(2026, 8, 1)


def _settings(tmp_path: Path, file: Path) -> Settings:
    return Settings(env="test", data_dir=tmp_path / "var", database_url=f"sqlite:///{file}")


def _params(days: int) -> SimulationParams:
    end = day_start(START + timedelta(days=days))
    return SimulationParams(7, 5, 80, 40, START, end)


def _run_row(file: Path) -> tuple[str, int, int]:
    with sqlite3.connect(file) as con:
        row = con.execute("SELECT status, days_completed, cycles_completed FROM simulation_runs")
        found: tuple[str, int, int] = row.fetchone()
        return found


def _orders(file: Path) -> int:
    with sqlite3.connect(file) as con:
        return int(con.execute("SELECT count(*) FROM orders").fetchone()[0])


def test_the_file_holds_a_finished_month_then_as_far_as_the_run_got(tmp_path: Path) -> None:
    file = tmp_path / "sim.db"
    db = SimulationDatabase(_settings(tmp_path, file), day_start(START), every=0.0)
    seen: dict[int, tuple[str, int, int] | None] = {}

    def watch(report: DayReport) -> None:
        if report.index in (10, 33):
            seen[report.index] = _run_row(file) if file.exists() else None
        if report.index == 35:
            raise KeyboardInterrupt  # Ctrl-C on the 36th day

    try:
        with pytest.raises(KeyboardInterrupt):
            run_simulation(db.ctx, _params(60), db.after_each_day(watch))
        assert seen[10] is None  # nothing written before a month is over
        assert seen[33] == ("partial", 31, 1)  # August and its cycle, written when it ended
        db.write()  # what the command does on Ctrl-C
    finally:
        db.close()
    assert _run_row(file) == ("partial", 36, 1) and _orders(file) > 1000
    with sqlite3.connect(file) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_file_that_holds_a_marketplace_is_refused_before_anything_runs(tmp_path: Path) -> None:
    file = tmp_path / "sim.db"
    first = SimulationDatabase(_settings(tmp_path, file), day_start(START))
    try:
        run_simulation(first.ctx, _params(2))
        first.write()
    finally:
        first.close()
    orders = _orders(file)

    with pytest.raises(ValidationFailed, match="already holds marketplace data"):
        SimulationDatabase(_settings(tmp_path, file), day_start(START))
    assert _run_row(file) == ("complete", 2, 0) and _orders(file) == orders > 0


def test_on_disk_the_run_writes_to_its_file_as_it_goes(tmp_path: Path) -> None:
    file = tmp_path / "sim.db"
    db = SimulationDatabase(_settings(tmp_path, file), day_start(START), on_disk=True)
    seen: list[tuple[str, int, int]] = []
    try:
        run_simulation(db.ctx, _params(3), db.after_each_day(lambda r: seen.append(_run_row(file))))
    finally:
        db.close()
    assert seen == [("partial", 1, 0), ("partial", 2, 0), ("partial", 3, 0)]
    assert _run_row(file) == ("complete", 3, 0)


def test_a_month_is_written_only_once_the_last_writing_is_old_enough(tmp_path: Path) -> None:
    file = tmp_path / "sim.db"
    db = SimulationDatabase(_settings(tmp_path, file), day_start(START))  # every five minutes
    try:
        run_simulation(db.ctx, _params(33), db.after_each_day(lambda report: None))
        assert not file.exists()  # August ended seconds after the start
        db.write()
    finally:
        db.close()
    assert _run_row(file) == ("complete", 33, 1)


def test_a_run_too_big_for_the_memory_free_writes_to_its_file_as_it_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sim_database, "_free_memory", lambda: 3 * BYTES_PER_ORDER * 1000)
    file = tmp_path / "sim.db"
    db = SimulationDatabase(_settings(tmp_path, file), day_start(START), orders=2000)
    try:
        assert db.too_big and db.file is None
        run_simulation(db.ctx, _params(2), db.after_each_day(lambda report: None))
        assert _run_row(file) == ("complete", 2, 0)  # in the file before anything is written
    finally:
        db.close()
    assert fits_in_memory(1500) and not fits_in_memory(1501)


def test_a_file_that_cannot_be_written_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: object, path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SimulationRunRepository, "write_to", full)
    file = tmp_path / "sim.db"
    db = SimulationDatabase(_settings(tmp_path, file), day_start(START))
    try:
        message = r"could not write the simulation to .*sim\.db: .*No space left"
        with pytest.raises(ValidationFailed, match=message):
            db.write()
    finally:
        db.close()
    assert not file.exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stop_signal_inside_a_database_call_stops_the_run_at_the_day_end_and_keeps_it(
    tmp_path: Path, signum: int
) -> None:
    """Most of a run is spent in database calls, so that is where Ctrl-C usually lands. Raised
    there, it made SQLAlchemy drop the in-memory database's connection, and the file was
    written over with an empty database; SIGTERM ended the run before anything was written."""
    statements = 0

    def signal_once(*args: object) -> None:
        nonlocal statements
        statements += 1
        if statements == 3000:
            os.kill(os.getpid(), signum)

    file = tmp_path / "sim.db"
    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    event.listen(Engine, "before_cursor_execute", signal_once)
    try:
        with pytest.raises(Interrupted, match="is recorded as partial") as stopped:
            run_in_database(_settings(tmp_path, file), _params(60), lambda r: None, say=print)
    finally:
        event.remove(Engine, "before_cursor_execute", signal_once)
    assert stopped.value.signum == signum
    status, days, _ = _run_row(file)
    assert status == "partial" and 0 < days < 60 and _orders(file) > 0
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_a_database_that_lost_its_tables_is_never_written_over_the_file(tmp_path: Path) -> None:
    file = tmp_path / "sim.db"
    db = SimulationDatabase(_settings(tmp_path, file), day_start(START))
    try:
        run_simulation(db.ctx, _params(2))
        db.write()
        with db.ctx.uow(read_only=True) as uow:
            uow._conn.invalidate()  # what SQLAlchemy does when Ctrl-C lands in a call
        with pytest.raises(ValidationFailed, match="database was lost"):
            db.write()
    finally:
        db.close()
    assert _run_row(file) == ("complete", 2, 0)
