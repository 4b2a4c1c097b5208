"""Whole seconds since the epoch of a stored timestamp, computed by the database.

Timestamps are stored naive, in UTC (SQLAlchemy's text 'YYYY-MM-DD HH:MM:SS.ffffff' on SQLite).
SQLite reads a time to the millisecond and rounds, so ``strftime('%s', t)`` gives 18 for
17.9997: a case resolved the moment it opened read as resolved a second before it, and a case
opened at 23:59:59.9997 fell on the next day. The seconds are read from the text without its
fraction instead, which SQLite reads exactly. Decision 0024, "Update (2026-11-30)". Early
warning's China day uses it; the cycle's reader has Arrow parse the text instead (decision 0029).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

__all__ = ["whole_seconds"]


class whole_seconds(FunctionElement[int]):  # lower case: reads as the SQL function it stands for
    """The whole seconds since 1970-01-01 UTC of a stored timestamp, its fraction dropped."""

    type = BigInteger()
    inherit_cache = True


@compiles(whole_seconds, "sqlite")
def _whole_seconds_sqlite(element: whole_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    moment = compiler.process(element.clauses, **kw)
    return f"CAST(strftime('%s', substr({moment}, 1, 19)) AS INTEGER)"


@compiles(whole_seconds)
def _whole_seconds_standard(element: whole_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL (and the standard): the epoch of a timestamp without time zone is its UTC one.
    moment = compiler.process(element.clauses, **kw)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {moment})) AS BIGINT)"
