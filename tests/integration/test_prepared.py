"""Statements run straight on the driver (``Prepared``, and the Arrow reads of the cycle's
inputs) store and read what ``Connection.execute`` does, and fail as it does, on both
databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pyarrow as pa
import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from aftersales.store import arrow_reads
from aftersales.store.db import make_engine
from aftersales.store.prepared import Prepared
from aftersales.store.tables import agents

_AT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
_INSERT = Prepared(insert(agents))
_GET = Prepared(select(agents).where(agents.c.id == bindparam("agent_id")))
_FREE = Prepared(select(agents.c.id).where(agents.c.online).order_by(agents.c.id))
_TAKE = Prepared(
    update(agents)
    .where(agents.c.id == bindparam("agent_id"), agents.c.open_cases < agents.c.capacity)
    .values(open_cases=agents.c.open_cases + 1, online=False)
)


def _agent(agent_id: str, **changes: object) -> dict[str, object]:
    return {
        "id": agent_id,
        "merchant_id": None,
        "name": "李 Ann",
        "queues": ["general", "product_safety"],
        "languages": ["zh"],
        "categories": [],
        "capacity": 1,
        "online": True,
        "open_cases": 0,
        "created_at": _AT,
        "updated_at": _AT + timedelta(hours=8),
    } | changes


def test_prepared_statements_store_and_read_what_execute_does(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        _INSERT.run(conn, _agent("a1"))
        _INSERT.run_many(conn, [_agent("a2", online=False), _agent("a3")])
        conn.execute(insert(agents), _agent("a4"))
    with engine.begin() as conn:
        for agent_id in ("a1", "a2", "a4"):  # a4 was written by ``execute``
            read = conn.execute(select(agents).where(agents.c.id == agent_id)).one()
            assert tuple(_GET.first(conn, {"agent_id": agent_id}) or ()) == tuple(read)
        mine = _GET.first(conn, {"agent_id": "a1"})
        assert mine is not None and mine.id == "a1"
        assert mine.queues == ["general", "product_safety"] and mine.name == "李 Ann"
        assert mine.online is True and mine.created_at == _AT
        assert [r.id for r in _FREE.all(conn)] == ["a1", "a3", "a4"]
        assert _GET.first(conn, {"agent_id": "nobody"}) is None
        # Values the statement binds itself (``online=False``) go in; the count says what moved.
        assert _TAKE.run(conn, {"agent_id": "a1"}) == 1
        assert _TAKE.run(conn, {"agent_id": "a1"}) == 0
        taken = conn.execute(select(agents).where(agents.c.id == "a1")).one()
        assert (taken.open_cases, taken.online) == (1, False)
    engine.dispose()


def test_times_are_stored_as_utc_and_read_back_aware_whatever_their_offset(db_url: str) -> None:
    beijing = _AT.astimezone(timezone(timedelta(hours=8)))
    midnight = datetime(2026, 3, 1, tzinfo=UTC)  # no microseconds: still six digits in SQLite
    engine = make_engine(db_url)
    with engine.begin() as conn:
        _INSERT.run_many(
            conn, [_agent("a1", created_at=beijing), _agent("a2", created_at=midnight)]
        )
        conn.execute(insert(agents), _agent("a3", created_at=beijing))
        with pytest.raises(StatementError, match="naive"):
            conn.execute(insert(agents), _agent("a4", created_at=_AT.replace(tzinfo=None)))
    with engine.begin() as conn:
        read = dict(conn.execute(select(agents.c.id, agents.c.created_at)).all())
        as_text = conn.execute(text("SELECT id, CAST(created_at AS TEXT) FROM agents"))
        stored: dict[str, str] = {agent_id: at for agent_id, at in as_text}
    assert read == {"a1": _AT, "a2": midnight, "a3": _AT}
    assert all(t.tzinfo is UTC for t in read.values())
    if db_url.startswith("sqlite"):  # SQLAlchemy's text form, which the cycle's reads parse
        assert stored == {
            "a1": "2026-03-01 09:30:15.123456",
            "a2": "2026-03-01 00:00:00.000000",
            "a3": "2026-03-01 09:30:15.123456",
        }
    engine.dispose()


def test_a_prepared_statement_fails_as_execute_does(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        _INSERT.run(conn, _agent("a1"))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _INSERT.run(conn, _agent("a1"))
    engine.dispose()


def test_a_statement_whose_sql_depends_on_its_values_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    listed = Prepared(select(agents.c.id).where(agents.c.id.in_(bindparam("ids", expanding=True))))
    with pytest.raises(TypeError), engine.begin() as conn:
        listed.all(conn, {"ids": ["a1"]})
    engine.dispose()


_ROWS = pa.schema([("id", pa.string()), ("capacity", pa.int64()), ("online", pa.bool_())])


def test_arrow_reads_give_the_rows_execute_does_across_chunks(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(arrow_reads, "_CHUNK", 2)  # five rows: three chunks, the last short
    engine = make_engine(db_url)
    stmt = select(agents.c.id, agents.c.capacity, agents.c.online).order_by(agents.c.id)
    with engine.begin() as conn:
        _INSERT.run_many(conn, [_agent(f"a{i}", capacity=i, online=i % 2 == 0) for i in range(5)])
        table = arrow_reads.read_arrow(conn, stmt, _ROWS, {})
        rows = [tuple(r) for r in conn.execute(stmt)]
    engine.dispose()

    assert [tuple(r.values()) for r in table.to_pylist()] == rows and len(rows) == 5


_NAMES = ("a, b", 'say "hi"', "two\nlines", "", "李 Ann\r\n", "\\N", "t")


def test_arrow_reads_keep_every_text_as_stored_and_tell_empty_text_from_null(
    db_url: str,
) -> None:
    # PostgreSQL's rows come as CSV: quoting, line breaks and NULL against "" must survive it.
    engine = make_engine(db_url)
    schema = pa.schema([("id", pa.string()), ("name", pa.string()), ("merchant_id", pa.string())])
    stmt = select(agents.c.id, agents.c.name, agents.c.merchant_id).order_by(agents.c.id)
    with engine.begin() as conn:
        _INSERT.run_many(conn, [_agent(f"a{i}", name=name) for i, name in enumerate(_NAMES)])
        table = arrow_reads.read_arrow(conn, stmt, schema, {})
        rows = [tuple(r) for r in conn.execute(stmt)]
    engine.dispose()

    assert [tuple(r.values()) for r in table.to_pylist()] == rows
    assert [r[1] for r in rows] == list(_NAMES) and all(r[2] is None for r in rows)


def test_arrow_reads_parse_times_whatever_the_sessions_date_style(db_url: str) -> None:
    engine = make_engine(db_url)
    schema = pa.schema([("id", pa.string()), ("created_at", pa.timestamp("us"))])
    stmt = select(agents.c.id, agents.c.created_at)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET datestyle TO 'SQL, DMY'")  # 01/03/2026 09:30:15.123456
        _INSERT.run_many(conn, [_agent("a1")])
        table = arrow_reads.read_arrow(conn, stmt, schema, {})
    engine.dispose()

    assert table.column("created_at").to_pylist() == [_AT.replace(tzinfo=None)]


def test_an_arrow_read_of_no_rows_is_an_empty_table_of_the_schema(db_url: str) -> None:
    engine = make_engine(db_url)
    stmt = select(agents.c.id, agents.c.capacity, agents.c.online)
    with engine.connect() as conn:
        table = arrow_reads.read_arrow(conn, stmt, _ROWS, {})
    engine.dispose()

    assert table.num_rows == 0 and table.schema.equals(_ROWS)


def test_an_arrow_read_fails_as_execute_does(db_url: str) -> None:
    missing = Table("no_such_table", MetaData(), Column("id", String), Column("capacity", Integer))
    stmt = select(missing.c.id, missing.c.capacity, literal(True))
    engine = make_engine(db_url)
    with pytest.raises(DBAPIError), engine.connect() as conn:
        arrow_reads.read_arrow(conn, stmt, _ROWS, {})
    engine.dispose()
