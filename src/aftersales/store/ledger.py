"""The evidence log in the database: entries, complete-subtree nodes, the state row, checkpoints.

Appends lock the one state row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the writing
transaction already holds the database's write lock), extend the frontier kept in that row and
insert the entry with the nodes it completed, all in the caller's transaction. So an entry
commits with the decision it records or not at all, and indices stay contiguous whatever the
number of writers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Row,
    Select,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from aftersales.ledger import (
    EMPTY_ROOT,
    Frontier,
    HashSource,
    Inconsistent,
    Node,
    NodeKey,
    leaf_hash,
    prefetched,
)
from aftersales.ledger.tree import compose_range
from aftersales.store.prepared import Prepared
from aftersales.store.tables import ledger_checkpoints, ledger_entries, ledger_nodes, ledger_state

__all__ = ["LedgerRepository", "NewEntry", "StoredCheckpoint", "StoredEntry"]

_STATE_ID = 1
T = TypeVar("T")
_E, _N, _S, _C = ledger_entries.c, ledger_nodes.c, ledger_state.c, ledger_checkpoints.c

# Built once: the append path runs these for every decision, straight on the driver
# (store/prepared.py).
_LOCK_STATE = Prepared(select(_S.size, _S.frontier).where(_S.id == _STATE_ID).with_for_update())
_READ_STATE = select(_S.size, _S.frontier).where(_S.id == _STATE_ID)
_INSERT_ENTRIES = Prepared(insert(ledger_entries))
_INSERT_NODES = Prepared(insert(ledger_nodes))
_UPDATE_STATE = Prepared(
    update(ledger_state)
    .where(_S.id == _STATE_ID, _S.size == bindparam("old_size"))
    .values(size=bindparam("new_size"), frontier=bindparam("new_frontier"))
)


@functools.lru_cache(maxsize=256)
def _nodes_statement(count: int) -> Select[Any]:
    """``SELECT … WHERE (level = ? AND idx = ?) OR …`` for ``count`` keys, built once per count.

    Each pair is a primary-key lookup on both databases. A row-value ``(level, idx) IN (…)``
    reads the same but makes SQLite scan the whole table (16 ms at 100,000 entries), and a
    statement rebuilt per call costs more to compile than to run.
    """
    pairs = (
        and_(_N.level == bindparam(f"l{k}"), _N.idx == bindparam(f"i{k}")) for k in range(count)
    )
    return select(_N.level, _N.idx, _N.hash).where(or_(*pairs))


@dataclass(frozen=True, slots=True)
class NewEntry:
    """An entry to append: its canonical bytes and what it is about."""

    body: bytes
    kind: str
    subject: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredEntry:
    index: int
    leaf_hash: bytes
    body: bytes
    kind: str
    subject: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    size: int
    root: bytes
    note: str
    created_at: datetime


class LedgerRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ---- appending -------------------------------------------------------------------------

    def append(self, entries: Sequence[NewEntry]) -> list[int]:
        """Append the entries in order under the state lock; return their indices."""
        if not entries:
            return []
        frontier = self.lock()
        start = frontier.size
        rows: list[Mapping[str, Any]] = []
        nodes: list[Node] = []
        for entry in entries:
            leaf = leaf_hash(entry.body)
            rows.append(_entry_row(frontier.size, leaf, entry))
            nodes.extend(frontier.append(leaf))
        _INSERT_ENTRIES.run_many(self._conn, rows)
        _INSERT_NODES.run_many(
            self._conn, [{"level": n.level, "idx": n.index, "hash": n.hash} for n in nodes]
        )
        moved = _UPDATE_STATE.run(
            self._conn,
            {"old_size": start, "new_size": frontier.size, "new_frontier": frontier.encode()},
        )
        if moved != 1:  # only if the state row was changed without holding its lock
            raise Inconsistent(f"the log's size moved from {start} during an append")
        return list(range(start, frontier.size))

    def lock(self) -> Frontier:
        """Lock the state row for this transaction (creating it in an empty log) and read it."""
        row = _LOCK_STATE.first(self._conn)
        if row is None:
            self._create_state()
            row = _LOCK_STATE.first(self._conn)
            assert row is not None  # created, or created by the append that raced this one
        return Frontier.decode(row.size, row.frontier)

    def _create_state(self) -> None:
        # Two first appends may race to create the row: one inserts, the other waits on it and
        # then does nothing, and both go on to lock the one row.
        values = {"id": _STATE_ID, "size": 0, "frontier": b""}
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        self._conn.execute(dialect.insert(ledger_state).values(values).on_conflict_do_nothing())

    # ---- reading ---------------------------------------------------------------------------

    def frontier(self) -> Frontier:
        """The committed size and frontier, without locking."""
        row = self._conn.execute(_READ_STATE).one_or_none()
        return Frontier() if row is None else Frontier.decode(row.size, row.frontier)

    def size(self) -> int:
        return self.frontier().size

    def entry(self, index: int) -> StoredEntry | None:
        row = self._conn.execute(select(ledger_entries).where(_E.idx == index)).one_or_none()
        return None if row is None else _entry(row)

    def entries_about(self, subject: str) -> list[StoredEntry]:
        rows = self._conn.execute(
            select(ledger_entries).where(_E.subject == subject).order_by(_E.idx)
        )
        return [_entry(r) for r in rows]

    def scan_entries(self, below: int, batch: int = 4096) -> Iterator[list[StoredEntry]]:
        """The entries under index ``below`` in order, a batch at a time (keyset pages)."""
        after = -1
        while True:
            rows = self._conn.execute(
                select(ledger_entries)
                .where(_E.idx > after, _E.idx < below)
                .order_by(_E.idx)
                .limit(batch)
            ).all()
            if not rows:
                return
            yield [_entry(r) for r in rows]
            after = rows[-1].idx

    def nodes(self, keys: Collection[NodeKey]) -> dict[NodeKey, bytes]:
        """The stored hashes of these ``(level, index)`` nodes (absent ones are left out)."""
        if not keys:
            return {}
        params: dict[str, int] = {}
        for k, (level, index) in enumerate(keys):
            params[f"l{k}"], params[f"i{k}"] = level, index
        rows = self._conn.execute(_nodes_statement(len(keys)), params)
        return {(r.level, r.idx): bytes(r.hash) for r in rows}

    def nodes_in(self, level: int, first: int, last: int) -> dict[int, bytes]:
        """The stored nodes of one level with index in ``[first, last]``."""
        rows = self._conn.execute(
            select(_N.idx, _N.hash).where(_N.level == level, _N.idx.between(first, last))
        )
        return {r.idx: r.hash for r in rows}

    def node_count(self, size: int) -> int:
        """How many nodes are stored for the tree of the first ``size`` entries."""
        # Node (level, i) belongs to that tree when its last leaf does: i < size >> level.
        # Counted level by level, since SQLite has no portable power of two in SQL.
        return sum(
            int(
                self._conn.execute(
                    select(func.count()).where(_N.level == level, _N.idx < size >> level)
                ).scalar_one()
            )
            for level in range(size.bit_length())
        )

    def prove(self, compute: Callable[[HashSource], T]) -> T:
        """Run a proof (or root) function against the stored nodes, fetched in one query."""
        return prefetched(compute, self.nodes)

    def root(self, size: int) -> bytes:
        """The root of the tree of the first ``size`` entries, from the stored nodes."""
        if size == 0:
            return EMPTY_ROOT
        return self.prove(lambda source: source.subtree_hash(0, size))

    def subtree_hash(self, start: int, end: int) -> bytes:
        """``HashSource``: one query per node; ``prove`` is the fast path."""
        return compose_range(start, end, self._node)

    def _node(self, level: int, index: int) -> bytes:
        found = self.nodes([(level, index)]).get((level, index))
        if found is None:
            raise Inconsistent(f"the log has no stored node ({level}, {index})")
        return found

    # ---- checkpoints -----------------------------------------------------------------------

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        self._conn.execute(
            insert(ledger_checkpoints).values(
                size=checkpoint.size,
                root=checkpoint.root,
                note=checkpoint.note,
                created_at=checkpoint.created_at,
            )
        )

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        row = self._conn.execute(
            select(ledger_checkpoints).order_by(_C.size.desc()).limit(1)
        ).one_or_none()
        return None if row is None else _checkpoint(row)

    def checkpoint(self, size: int) -> StoredCheckpoint | None:
        row = self._conn.execute(select(ledger_checkpoints).where(_C.size == size)).one_or_none()
        return None if row is None else _checkpoint(row)

    def checkpoints(self, after: int = -1, limit: int | None = None) -> list[StoredCheckpoint]:
        """Stored checkpoints by size, those above ``after``."""
        stmt = select(ledger_checkpoints).where(_C.size > after).order_by(_C.size)
        rows = self._conn.execute(stmt if limit is None else stmt.limit(limit))
        return [_checkpoint(r) for r in rows]


def _entry_row(index: int, leaf: bytes, entry: NewEntry) -> Mapping[str, Any]:
    return {
        "idx": index,
        "leaf_hash": leaf,
        "body": entry.body,
        "kind": entry.kind,
        "subject": entry.subject,
        "created_at": entry.created_at,
    }


def _entry(r: Row[Any]) -> StoredEntry:
    return StoredEntry(r.idx, _bytes(r.leaf_hash), _bytes(r.body), r.kind, r.subject, r.created_at)


def _bytes(value: Any) -> bytes:
    """A stored byte column as bytes. A value rewritten as text by hand (SQLite keeps what it is
    given) is read as its UTF-8 bytes, so the audit compares it with its hash rather than
    stopping on it: a changed value fails that comparison like any other tampering."""
    return value.encode() if isinstance(value, str) else bytes(value)


def _checkpoint(r: Row[Any]) -> StoredCheckpoint:
    return StoredCheckpoint(r.size, bytes(r.root), r.note, r.created_at)
