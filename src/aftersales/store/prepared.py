"""Hot statements run straight on the driver's cursor, compiled once per dialect.

Every case change runs the same handful of statements (read the case, update it, insert its
events and outbox rows). Through ``Connection.execute`` each one paid about two and a half
times what the database spent on it in SQLAlchemy's per-call machinery: the compiled-cache
lookup, an execution context, parameter and result objects, events. A ``Prepared`` statement
does that work once per dialect and set of parameter names — the SQL text, the order of the
parameters, each one's bind processor and each result column's processor, all SQLAlchemy's
own — and then only converts the values and calls the driver, on the connection's own driver
connection and so in its transaction. Driver errors come back as SQLAlchemy's exceptions
(``IntegrityError`` …), as from ``Connection.execute``. Decision 0026, Update of 2026-11-30.

Only for plain statements: no expanding ``IN`` lists, no defaults computed in Python, no
statements whose SQL depends on more than the dialect and the parameter names.

Large reads (early warning's rows, the cycle's inputs) take the other way to the driver here:
``batches`` fetches raw rows a batch at a time, for a caller that builds columns of them.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

__all__ = ["Prepared", "batches", "bound", "driver_errors"]

_Processor = Callable[[Any], Any] | None
_Converter = tuple[int, Callable[[Any], Any]]
_NONE: Mapping[str, Any] = {}


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    names: tuple[str, ...]  # the bound parameters, in the order the SQL takes them
    keys: tuple[str, ...]  # the driver's names for them (named paramstyles only)
    positional: bool
    fixed: dict[str, Any]  # values the statement itself binds (``.values(active=False)``)
    binds: tuple[_Converter, ...]  # the parameters that have a bind processor
    results: tuple[_Converter, ...]  # the result columns that have a result processor
    row_type: Callable[..., tuple[Any, ...]]  # rows by name too, as SQLAlchemy's ``Row``

    def params(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        given = {**self.fixed, **values} if self.fixed else values
        converted = _converted([given[n] for n in self.names], self.binds)
        return converted if self.positional else dict(zip(self.keys, converted, strict=True))

    def row(self, raw: Sequence[Any]) -> Any:
        return self.row_type(*_converted(list(raw), self.results))


def _converted(values: list[Any], converters: tuple[_Converter, ...]) -> list[Any]:
    """``values`` with each converter's processor applied at its position, in place: most
    columns have none, and the statements of a case change run on every move."""
    for i, process in converters:
        values[i] = process(values[i])
    return values


def _converters(processors: Iterable[_Processor]) -> tuple[_Converter, ...]:
    return tuple((i, p) for i, p in enumerate(processors) if p is not None)


class Prepared:
    """A Core statement, run on the driver with the values of one or many parameter sets."""

    def __init__(self, statement: ClauseElement) -> None:
        self._statement = statement
        self._plans: dict[tuple[str, tuple[str, ...]], _Plan] = {}

    def run(self, conn: Connection, values: Mapping[str, Any]) -> int:
        """Run it with one set of values; how many rows it changed."""
        plan = self._plan(conn.dialect, values)
        cursor = _on_driver(conn, plan.sql, plan.params(values))
        count: int = cursor.rowcount
        cursor.close()
        return count

    def run_many(self, conn: Connection, values: Sequence[Mapping[str, Any]]) -> None:
        """Run it once per set of values (all with the same keys), in one driver call."""
        if not values:
            return
        plan = self._plan(conn.dialect, values[0])
        params = [plan.params(v) for v in values]
        _on_driver(conn, plan.sql, params, many=True).close()

    def first(self, conn: Connection, values: Mapping[str, Any] = _NONE) -> Any | None:
        """The first row the statement returns (by position and by name), or None."""
        plan = self._plan(conn.dialect, values)
        cursor = _on_driver(conn, plan.sql, plan.params(values))
        raw = cursor.fetchone()
        cursor.close()
        return None if raw is None else plan.row(raw)

    def all(self, conn: Connection, values: Mapping[str, Any] = _NONE) -> list[Any]:
        """Every row the statement returns (by position and by name)."""
        plan = self._plan(conn.dialect, values)
        cursor = _on_driver(conn, plan.sql, plan.params(values))
        rows = cursor.fetchall()
        cursor.close()
        return [plan.row(raw) for raw in rows]

    def _plan(self, dialect: Dialect, values: Mapping[str, Any]) -> _Plan:
        key = (dialect.name, tuple(values))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _compile(self._statement, dialect, key[1])
        return plan


def _compile(statement: ClauseElement, dialect: Dialect, keys: tuple[str, ...]) -> _Plan:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    assert isinstance(compiled, SQLCompiler)
    binds = compiled.binds
    if (
        compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.literal_execute_params
        or any(b.expanding for b in binds.values())
    ):
        raise TypeError("a prepared statement's SQL must not depend on the values")
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup or ()) if positional else tuple(binds)
    escaped: dict[str, str] = dict(compiled.escaped_bind_names or {})
    returned = getattr(statement, "exported_columns", ())
    return _Plan(
        sql=compiled.string,
        names=names,
        keys=tuple(escaped.get(n, n) for n in names),
        positional=positional,
        fixed={n: binds[n].effective_value for n in names if n not in keys},
        binds=_converters(
            binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names
        ),
        results=_converters(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in returned
        ),
        row_type=namedtuple("Row", list(returned.keys()) if returned else [], rename=True),
    )


def bound(statement: ClauseElement, dialect: Dialect) -> tuple[str, Sequence[Any] | dict[str, Any]]:
    """The SQL of a statement whose values are all in it, and those values through their types'
    bind processors, as ``Connection.execute`` would send them (no expanding ``IN`` lists)."""
    plan = _compile(statement, dialect, ())
    return plan.sql, plan.params(_NONE)


def batches(
    conn: Connection, sql: str, params: Any | None, size: int
) -> Iterator[Sequence[Sequence[Any]]]:
    """The raw rows of ``sql``, ``size`` at a time, from a driver cursor of ``conn`` (in its
    transaction). For results too large to hold twice in memory, as SQLAlchemy's rows or as the
    driver's whole answer: on PostgreSQL the cursor is a named (server-side) one, since psycopg's
    client cursor would fetch everything first; SQLite's steps through the rows as they are
    fetched."""
    named = {"name": "batches"} if conn.dialect.name == "postgresql" else {}
    cursor = conn.connection.cursor(**named)
    try:
        with driver_errors(conn, sql):  # a server-side cursor may fail at a fetch, too
            cursor.execute(sql) if params is None else cursor.execute(sql, params)
            while rows := cursor.fetchmany(size):
                yield rows
    finally:
        cursor.close()


@contextmanager
def driver_errors(conn: Connection, sql: str) -> Iterator[None]:
    """Driver errors raised inside come out as SQLAlchemy's (``IntegrityError`` …)."""
    dbapi = conn.dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dbapi.Error, dialect=conn.dialect) from exc


def _on_driver(conn: Connection, sql: str, params: Any, *, many: bool = False) -> Any:
    """A driver cursor of ``conn`` that has run ``sql`` with ``params`` (each of them: ``many``)."""
    cursor = conn.connection.cursor()
    try:
        with driver_errors(conn, sql):
            (cursor.executemany if many else cursor.execute)(sql, params)
    except BaseException:
        cursor.close()
        raise
    return cursor
