"""Engines for the embedded SQLite default and for PostgreSQL."""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

__all__ = ["READ_ONLY", "make_engine", "writer_lock"]

# Execution option: the transaction only reads, so SQLite need not take the write lock for it.
READ_ONLY = "aftersales_read_only"

# SQLite admits one writer at a time. Writers of this process queue on a lock of ours before
# BEGIN IMMEDIATE rather than in SQLite's busy handler, which polls with sleeps of up to 100 ms
# (and so turned 16 concurrent writers into p99 latencies of seconds). Other processes on the
# same file still meet the busy timeout, as before.
_WRITER_LOCKS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


def make_engine(url: str) -> Engine:
    """An engine for the URL, tuned for the database it points to."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    _WRITER_LOCKS[engine] = threading.RLock()
    return engine


def writer_lock(engine: Engine) -> threading.RLock | None:
    """The lock a writing transaction holds on this engine, if its database needs one (SQLite)."""
    return _WRITER_LOCKS.get(engine)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the driver so that writers can BEGIN IMMEDIATE: a writer
    # then waits for the lock up front instead of failing half-way on a read-to-write upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
