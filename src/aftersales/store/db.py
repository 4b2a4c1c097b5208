"""Engines for the embedded SQLite default and for PostgreSQL."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import os
import threading
import weakref
from pathlib import Path
from types import TracebackType
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one server process per SQLite file
    fcntl = None  # type: ignore[assignment]

import msgspec
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from aftersales.errors import Text, ValidationFailed

__all__ = [
    "IN_MEMORY",
    "READ_ONLY",
    "WriterLock",
    "make_engine",
    "make_folder",
    "reading_options",
    "sqlite_file",
    "writer_lock",
]

IN_MEMORY = "sqlite:///:memory:"  # a database that lives as long as its engine

# Execution option: the transaction only reads, so SQLite need not take the write lock for it.
READ_ONLY = "aftersales_read_only"
# What a reading unit of work asks of PostgreSQL: one snapshot for all its statements, as SQLite's
# deferred transaction gives. In READ COMMITTED each statement sees what was committed when it
# began, so a read of several tables (a cycle's lines, cases, events and appeals; a page and its
# count) could mix two states of the database. A read-only transaction never fails to serialize.
_PG_READING = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
_CHECKPOINT_PAGES = 10_000  # SQLite's WAL checkpoint threshold, see _sqlite_on_connect

# SQLite admits one writer at a time. Writers queue on a lock of ours before BEGIN IMMEDIATE
# rather than in SQLite's busy handler, which polls with sleeps of up to 100 ms (and so turned 16
# concurrent writers into p99 latencies of seconds). The lock spans processes through a lock file
# beside the database, so the workers of `serve --workers N` queue the same way.


class WriterLock:
    """A re-entrant lock held by one writing thread of one process at a time.

    Threads of this process queue on an ``RLock``; the thread that gets it then takes an
    exclusive ``flock`` on the lock file, where the kernel queues the other processes and wakes
    the next one the moment it is released. Without ``fcntl`` (Windows) it is the ``RLock``
    alone, which is right for a single server process.
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._threads = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        self._threads.acquire()
        try:
            if self._depth == 0:
                self._lock_file()
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def _lock_file(self) -> None:
        if self._path is None or fcntl is None:
            return
        # A forked child shares its parent's open file, and with it the flock: open our own.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        fcntl.flock(self._fd, fcntl.LOCK_EX)


_WRITER_LOCKS: weakref.WeakKeyDictionary[Engine, WriterLock] = weakref.WeakKeyDictionary()


def make_engine(url: str) -> Engine:
    """An engine for the URL, tuned for the database it points to."""
    parsed = _parsed(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, **_JSON_CODEC)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for another database or one in memory."""
    parsed = _parsed(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_folder(file: Path) -> None:
    """The folder of a SQLite file, made if missing; a one-line refusal if it cannot be."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationFailed(
            Text(
                f"cannot make the database's folder {file.parent}: {exc.strerror}",
                f"无法创建数据库所在的文件夹 {file.parent}：{exc.strerror}",
            )
        ) from exc


def _parsed(url: str) -> URL:
    """The URL of a database the platform runs on, or a one-line refusal (the text itself is not
    repeated: it may hold a password)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValidationFailed(
            Text(
                "the database URL cannot be read; give one such as sqlite:///var/aftersales.db or"
                " postgresql+psycopg://user@host:5432/aftersales",
                "无法解析数据库 URL；请提供形如 sqlite:///var/aftersales.db 或"
                " postgresql+psycopg://user@host:5432/aftersales 的地址",
            )
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        backend = parsed.get_backend_name()
        raise ValidationFailed(
            Text(
                f"the platform runs on SQLite or PostgreSQL, not {backend!r}",
                f"平台只支持 SQLite 或 PostgreSQL，不支持 {backend!r}",
            )
        )
    return parsed


def _json_text(value: object) -> str:
    # Chinese as UTF-8 rather than \uXXXX escapes, and no padding: a complaint's assessment is
    # about a third shorter. Every case change writes JSON, and msgspec encodes it about five
    # times faster than the standard library.
    return _ENCODER.encode(value).decode()


def _plain(value: object) -> object:
    """What msgspec does not encode by itself but the standard library did: subclasses of
    ``int`` and ``float`` (NumPy's ``float64`` among them: the simulator's and scoring's figures)
    and NumPy's other scalars."""
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        return int(value)
    item = getattr(value, "item", None)  # a NumPy scalar
    if callable(item):
        return item()
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


_ENCODER = msgspec.json.Encoder(enc_hook=_plain)
_JSON_CODEC: dict[str, Any] = {
    "json_serializer": _json_text,
    "json_deserializer": msgspec.json.decode,
}


def _sqlite_engine(url: str, database: str | None) -> Engine:
    lock_file = None
    if database and database != ":memory:":
        make_folder(Path(database))
        lock_file = Path(f"{database}.writer-lock")
    # An in-memory database lives as long as its connection: one, shared by every thread (the
    # default gives each thread its own, empty database).
    memory = {} if lock_file else {"poolclass": StaticPool}
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        **memory,
        **_JSON_CODEC,
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    _WRITER_LOCKS[engine] = WriterLock(lock_file)
    return engine


def reading_options(engine: Engine) -> dict[str, object]:
    """The execution options of a transaction that only reads, on this engine's database."""
    return {READ_ONLY: True, **(_PG_READING if engine.dialect.name == "postgresql" else {})}


def writer_lock(engine: Engine) -> WriterLock | None:
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
    # Copy the log back into the database every 10,000 pages (40 MB) rather than SQLite's
    # 1,000: each copy ends in two fsyncs, and at 1,000 a bulk push of orders paid one at
    # nearly every commit and a case change one every few dozen (decision 0026, Update).
    cursor.execute(f"PRAGMA wal_autocheckpoint={_CHECKPOINT_PAGES}")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    # Straight to the driver: through SQLAlchemy's statement machinery, BEGIN cost as much as a
    # real query, and every unit of work runs one.
    connection.connection.driver_connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
