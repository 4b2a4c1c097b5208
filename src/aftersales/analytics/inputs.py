"""What the cycle query reads: a handful of flat Arrow tables, and the window it looks through.

The operational database keeps cases as snapshots and JSON events; the cycle reads them as flat
columns so that the same expressions run on DuckDB, Spark or anything else Ibis targets. The
store fills these tables from SQLite or PostgreSQL (``store/cycle_source.py``); the benchmark
and the tests fill them from NumPy (``synthetic.py``).

Times are seconds since the Unix epoch (float64, UTC): arithmetic on them is the same on every
engine, where timestamp and interval types are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

__all__ = ["BOUNDS", "BOUNDS_SCHEMA", "SCHEMAS", "CycleInputs", "Window", "bounds", "empty"]

_TEXT = pa.string()
_TIME = pa.float64()

SCHEMAS: dict[str, pa.Schema] = {
    # One row per order line: the unit a case is opened on, in the category of its product.
    "lines": pa.schema(
        [
            ("line_id", _TEXT),
            ("merchant_id", _TEXT),
            ("consumer_id", _TEXT),
            ("category", _TEXT),
            ("placed_at", _TIME),
        ]
    ),
    # One row per case, with its line's merchant, buyer, category and order time (so the cases
    # need no join with the lines); the due times are the case's own clocks, set at opening.
    "cases": pa.schema(
        [
            ("case_id", _TEXT),
            ("line_id", _TEXT),
            ("merchant_id", _TEXT),
            ("consumer_id", _TEXT),
            ("category", _TEXT),
            ("placed_at", _TIME),
            ("type", _TEXT),
            ("opened_at", _TIME),
            ("counts_against_merchant", pa.bool_()),  # null: opened before the policy decided
            ("first_response_due", _TIME),
            ("proposal_due", _TIME),
            ("resolved_at", _TIME),  # null while unresolved
        ]
    ),
    # The case events the metrics are read from, with the few fields of their data they need.
    "events": pa.schema(
        [
            ("case_id", _TEXT),
            ("seq", pa.int64()),
            ("kind", _TEXT),
            ("at", _TIME),
            ("actor_role", _TEXT),
            ("actor_id", _TEXT),  # "policy" for the policy's own actions at opening
            ("first_response", pa.bool_()),  # message_posted, proposed
            ("reason", _TEXT),  # escalated
            ("verdict", _TEXT),  # arbitrated
            ("score", pa.int64()),  # rated
        ]
    ),
    # Cases whose safety report a confirmed recall took in: confirmed safety incidents.
    "safety": pa.schema([("case_id", _TEXT)]),
    # Recalls confirmed, by merchant: a severe breach in the window they fall in.
    "recalls": pa.schema([("merchant_id", _TEXT), ("confirmed_at", _TIME)]),
    # Cases whose attribution appeal an operator accepted.
    "appeals": pa.schema([("case_id", _TEXT), ("reason", _TEXT)]),
    # Every merchant, with the category most of its products are in: merchants without orders
    # in the window still get a scorecard (not enough data).
    "merchants": pa.schema([("merchant_id", _TEXT), ("category", _TEXT)]),
}


# The window the query looks through, as a one-row table beside the inputs.
BOUNDS = "cycle_bounds"
BOUNDS_SCHEMA = pa.schema([("start_s", _TIME), ("end_s", _TIME)])


@dataclass(frozen=True, slots=True)
class Window:
    """The orders placed in [start, end), with everything that happened to them before end."""

    start: datetime
    end: datetime

    @property
    def start_s(self) -> float:
        return self.start.timestamp()

    @property
    def end_s(self) -> float:
        return self.end.timestamp()


@dataclass(frozen=True, slots=True)
class CycleInputs:
    """The tables of one cycle, each with the schema of ``SCHEMAS``."""

    lines: pa.Table
    cases: pa.Table
    events: pa.Table
    safety: pa.Table = field(default_factory=lambda: empty("safety"))
    recalls: pa.Table = field(default_factory=lambda: empty("recalls"))
    appeals: pa.Table = field(default_factory=lambda: empty("appeals"))
    merchants: pa.Table = field(default_factory=lambda: empty("merchants"))

    def __post_init__(self) -> None:
        for name, schema in SCHEMAS.items():
            table: pa.Table = getattr(self, name)
            if not table.schema.equals(schema):
                object.__setattr__(self, name, table.select(schema.names).cast(schema))

    def tables(self) -> dict[str, pa.Table]:
        return {name: getattr(self, name) for name in SCHEMAS}


def bounds(window: Window) -> pa.Table:
    """The ``BOUNDS`` table of ``window``."""
    return pa.table([[window.start_s], [window.end_s]], schema=BOUNDS_SCHEMA)


def empty(name: str) -> pa.Table:
    """A table of ``name``'s schema with no rows."""
    return SCHEMAS[name].empty_table()
