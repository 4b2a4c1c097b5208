"""Large query results into Arrow without SQLAlchemy's rows.

The assessment cycle reads hundreds of thousands to millions of rows per run (a window's order
lines, cases and events). Through ``Connection.execute`` every row became a SQLAlchemy ``Row``
whose values passed through the type's processors before Arrow took the columns back: on SQLite
that cost twice what the database spent on the query. Here the statement runs on the driver's
cursor of the same connection, in its transaction, and each chunk's columns go to Arrow as the
driver returns them; the caller converts the columns that need it, Arrow-to-Arrow (decision
0029).

The statements are SQLAlchemy Core, compiled for the connection's dialect with their values
rendered in (``literal_binds``): they hold only the platform's own values (window bounds, event
kinds), never a user's text, and the SQL then needs no driver-specific parameter style.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pv
from sqlalchemy import Connection, Select

from aftersales.store.prepared import batches, driver_errors

__all__ = ["Convert", "columns_of", "read_arrow", "to_table"]

# Arrow-to-Arrow conversions of a column, by name; the others are cast to the schema's type.
Convert = Callable[[pa.Array], pa.Array]
_CHUNK = 50_000
_SAMPLE = 1_000  # rows from which a chunk's column types are inferred


def to_table(columns: list[pa.Array], schema: pa.Schema, convert: Mapping[str, Convert]) -> Any:
    """Columns as the driver gave them, converted (``convert``) or cast to ``schema``."""
    arrays = [
        (convert[f.name](col) if f.name in convert else col).cast(f.type)
        for f, col in zip(schema, columns, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def read_arrow(
    conn: Connection,
    stmt: Select[Any],
    schema: pa.Schema,
    convert: Mapping[str, Convert],
    sent: pa.Schema | None = None,
) -> pa.Table:
    """The rows of ``stmt`` (its columns in the schema's order) as a table of ``schema``.

    ``sent`` is the types of the columns as PostgreSQL sends them, before ``convert`` (the
    schema's own by default)."""
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "postgresql":
        return _copied(conn, sql, sent or schema, schema, convert)
    parts = []
    for rows in batches(conn, sql, None, _CHUNK):
        parts.append(to_table(columns_of(rows, len(schema)), schema, convert))
    return pa.concat_tables(parts) if parts else schema.empty_table()


def columns_of(rows: Sequence[Sequence[Any]], width: int) -> list[pa.Array]:
    """The driver's rows as Arrow columns, each of the type Arrow infers from its values.

    Arrow reads a list of tuples as a struct array in one pass in C++, several times faster
    than transposing the rows in Python (``zip``) and converting each column: the window's
    order lines on SQLite, all text, spent more on that than SQLite on the join. The struct's
    types are those inferred from the first rows, and only text, floats and booleans go that
    way: a value of another kind then fails and the chunk takes the plain path, whereas an
    integer column would take a later float truncated, and a column of NULLs has no type yet."""
    sample = [pa.array(column) for column in zip(*rows[:_SAMPLE], strict=True)]
    if len(sample) == width and all(_checked(c.type) for c in sample):
        struct = pa.struct([(str(i), c.type) for i, c in enumerate(sample)])
        try:
            return list(pa.array(rows, type=struct).flatten())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
    return [pa.array(column) for column in zip(*rows, strict=True)]


def _checked(kind: pa.DataType) -> bool:
    """Types that take a later value of another kind as plain inference would, or refuse it."""
    return bool(pa.types.is_string(kind) or pa.types.is_float64(kind) or pa.types.is_boolean(kind))


def _copied(
    conn: Connection, sql: str, sent: pa.Schema, schema: pa.Schema, convert: Mapping[str, Convert]
) -> pa.Table:
    """On PostgreSQL, the rows as the server's CSV (``COPY … TO STDOUT``), parsed by Arrow.

    The server writes the text in C and Arrow parses it on every core; no value becomes a
    Python object. Fetched as rows, a window of ten million order lines took about a minute
    on the driver's side alone (docs/benchmarks.md)."""
    data = io.BytesIO()
    cursor = conn.connection.cursor()
    try:
        with driver_errors(conn, sql):
            cursor.execute("SET LOCAL datestyle TO ISO")  # the times as Arrow parses them
            with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
                for block in copy:
                    data.write(block)
    finally:
        cursor.close()
    if not data.tell():
        return schema.empty_table()
    data.seek(0)
    # PostgreSQL's CSV writes NULL as nothing, an empty text as "", booleans as t and f.
    types = pv.ConvertOptions(
        column_types=sent,
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        true_values=["t"],
        false_values=["f"],
    )
    names = pv.ReadOptions(column_names=sent.names)
    texts = pv.ParseOptions(newlines_in_values=True)  # a quoted text may hold line breaks
    table = pv.read_csv(data, names, texts, types)
    return to_table(table.columns, schema, convert)
