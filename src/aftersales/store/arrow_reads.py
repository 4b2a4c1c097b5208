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

from collections.abc import Callable, Mapping
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, Select

from aftersales.store.prepared import batches

__all__ = ["Convert", "read_arrow", "to_table"]

# Arrow-to-Arrow conversions of a column, by name; the others are cast to the schema's type.
Convert = Callable[[pa.Array], pa.Array]
_CHUNK = 50_000


def to_table(columns: list[pa.Array], schema: pa.Schema, convert: Mapping[str, Convert]) -> Any:
    """Columns as the driver gave them, converted (``convert``) or cast to ``schema``."""
    arrays = [
        (convert[f.name](col) if f.name in convert else col).cast(f.type)
        for f, col in zip(schema, columns, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def read_arrow(
    conn: Connection, stmt: Select[Any], schema: pa.Schema, convert: Mapping[str, Convert]
) -> pa.Table:
    """The rows of ``stmt`` (its columns in the schema's order) as a table of ``schema``."""
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    parts = []
    for rows in batches(conn, sql, None, _CHUNK):
        columns = [pa.array(column) for column in zip(*rows, strict=True)]
        parts.append(to_table(columns, schema, convert))
    return pa.concat_tables(parts) if parts else schema.empty_table()
