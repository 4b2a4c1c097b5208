"""The driver's rows become the same Arrow columns by the fast path as by plain conversion."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from aftersales.store import arrow_reads
from aftersales.store.arrow_reads import columns_of

_ROWS: dict[str, list[tuple[Any, ...]]] = {
    "text, with NULLs": [("l1", "m1", None), ("l2", None, "2026-03-01 00:00:00.000000")] * 3,
    "an integer column": [("l1", 1), ("l2", None), ("l3", 3)],
    "floats after integers": [(1,), (2,), (1.5,)],
    "integers after floats": [(1.5,), (None,), (3,)],
    "floats, then a boolean": [(1.5,), (2.5,), (True,)],
    "NULLs first": [(None, "a"), (None, "b"), ("x", "c")],
}


@pytest.mark.parametrize("rows", list(_ROWS.values()), ids=list(_ROWS))
def test_every_kind_of_column_comes_out_as_plain_conversion_gives_it(
    rows: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(arrow_reads, "_SAMPLE", 2)  # later rows differ from the sample
    plain = [pa.array(column) for column in zip(*rows, strict=True)]

    got = columns_of(rows, len(rows[0]))

    assert [c.type for c in got] == [c.type for c in plain]
    assert [c.to_pylist() for c in got] == [c.to_pylist() for c in plain]


def test_a_value_that_fits_no_column_type_is_refused_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(arrow_reads, "_SAMPLE", 2)
    with pytest.raises(pa.ArrowTypeError):
        columns_of([("a",), ("b",), (3,)], 1)
