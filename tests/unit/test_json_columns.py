"""JSON columns: what the database stores, and what it refuses, through the engine's codec."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from aftersales.store.db import make_engine
from aftersales.store.tables import Json


def _round_trip(tmp_path: Path, value: object) -> object:
    engine = make_engine(f"sqlite:///{tmp_path / 'json.db'}")
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("v", Json))
    table.create(engine)
    with engine.begin() as conn:
        conn.execute(insert(table).values(id=1, v=value))
        stored = conn.execute(select(table.c.v)).scalar_one()
    engine.dispose()
    return stored


def test_chinese_and_numbers_come_back_as_written(tmp_path: Path) -> None:
    value = {"zh": "屏幕有坏点", "n": 3, "x": 0.25, "ok": True, "none": None, "list": [1, "二"]}
    assert _round_trip(tmp_path, value) == value


def test_numpy_scalars_are_stored_as_plain_numbers(tmp_path: Path) -> None:
    # The simulator's and the scoring's figures are NumPy scalars; the standard library's
    # encoder took float64 (a float subclass), so the faster one must too.
    value = {"share": np.float64(0.5), "count": np.int64(7), "flag": np.bool_(True)}
    assert _round_trip(tmp_path, value) == {"share": 0.5, "count": 7, "flag": True}


def test_datetimes_are_stored_as_iso_text(tmp_path: Path) -> None:
    at = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert _round_trip(tmp_path, {"at": at}) == {"at": "2026-11-29T12:00:00Z"}


def test_an_object_with_no_json_form_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="cannot store a object as JSON"):
        _round_trip(tmp_path, {"x": object()})
