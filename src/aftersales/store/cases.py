"""Case repository: snapshots for reading, append-only events and outbox rows for every change."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from aftersales.domain import case_refusals as refused
from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case, CaseEvent
from aftersales.domain.snapshot import encode
from aftersales.errors import Conflict, Text
from aftersales.store.prepared import Prepared
from aftersales.store.tables import case_events, cases, outbox

__all__ = ["CaseQuery", "CaseRepository"]

# The statements every case change runs, built once: constructing a statement costs more than
# running a cached one; and run straight on the driver (store/prepared.py).
# The assessment is written once, to its own column, and left out of the snapshot that every
# change of the case rewrites; reading a case puts the two back together (``_case``).
# With them: the version, and the indexed columns as they are, so a change sets only those of
# them that it moves (``_moved``).
_INDEXED = ("state", "is_active", "next_due_at")
_SELECT = select(
    cases.c.snapshot, cases.c.assessment, cases.c.version, *(cases.c[n] for n in _INDEXED)
).where(cases.c.id == bindparam("case_id"))
_GET = Prepared(_SELECT)
_GET_FOR_UPDATE = Prepared(_SELECT.with_for_update())
_ACTIVE_ON_LINE = select(cases.c.id).where(
    cases.c.order_line_id == bindparam("order_line_id"), cases.c.is_active
)
_RECENT = and_(
    cases.c.consumer_id == bindparam("consumer_id"), cases.c.opened_at >= bindparam("since")
)
# What opening a case checks of the cases table, in one round trip: an active case on the line,
# and the consumer's recent cases (how many, how many of them refund-only).
_OPENING_CHECKS = Prepared(
    select(
        _ACTIVE_ON_LINE.limit(1).scalar_subquery(),
        select(func.count()).where(_RECENT).scalar_subquery(),
        select(func.count()).where(_RECENT, cases.c.type == "refund_only").scalar_subquery(),
    )
)
_INSERT_CASE = Prepared(insert(cases))
# SET takes the columns of the parameters; the WHERE names its own (the version it replaces).
_UPDATE_CASE = Prepared(
    update(cases).where(
        cases.c.id == bindparam("where_id"), cases.c.version == bindparam("where_version")
    )
)
_INSERT_EVENTS = Prepared(insert(case_events))
_INSERT_OUTBOX = Prepared(insert(outbox))


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """Filters for listing cases; the scope of the actor is always applied on top."""

    states: Sequence[str] = ()
    types: Sequence[str] = ()
    order_line_id: str | None = None
    queues: Sequence[str] = ()  # the policy's routing: technical_support, product_safety, …
    sort: str = "newest"  # newest | deadline
    limit: int = 50
    after: tuple[datetime, str] | None = None  # keyset cursor: (sort key, id) of the last row


class CaseRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        # case id -> (version, *indexed columns) as last read in this transaction
        self._read: dict[str, tuple[Any, ...]] = {}

    def add(self, case: Case) -> None:
        """Insert a new case; refuse a second active case on the same order line.

        No savepoint around the insert: the refusal ends the unit of work, which rolls back."""
        try:
            _INSERT_CASE.run(self._conn, self._row(case) | _assessment_row(case))
        except IntegrityError as exc:
            raise refused.already_open() from exc
        self._store_events(case)

    def get(self, case_id: str, *, for_update: bool = False) -> Case | None:
        stmt = _GET_FOR_UPDATE if for_update else _GET
        row = stmt.first(self._conn, {"case_id": case_id})
        if row is None:
            return None
        self._read[case_id] = tuple(row[2:])
        return _case(row.snapshot, row.assessment)

    def save(self, case: Case) -> None:
        """Store the case's new state and events; fail if someone else changed it meanwhile."""
        if not case.pending:
            return
        previous = case.pending[0].seq - 1
        values = _moved(_changing(case), self._read.get(case.id), previous)
        params = values | {"where_id": case.id, "where_version": previous}
        try:
            changed = _UPDATE_CASE.run(self._conn, params)
        except IntegrityError as exc:
            # An appeal makes a resolved case active again; if a newer case is open on the same
            # line meanwhile, the one-active-case index refuses it. A refusal, not a 500.
            raise refused.cannot_reopen() from exc
        if changed != 1:
            raise Conflict(
                Text(
                    "the case was changed by someone else at the same time; try again",
                    "该售后单刚被他人同时修改，请重试",
                )
            )
        self._store_events(case)

    def events(self, case_id: str) -> list[CaseEvent]:
        rows = self._conn.execute(
            select(case_events).where(case_events.c.case_id == case_id).order_by(case_events.c.seq)
        )
        return [
            CaseEvent(r.case_id, r.seq, r.kind, r.at, Actor(Role(r.actor_role), r.actor_id), r.data)
            for r in rows
        ]

    def assessments(self, since: datetime | None) -> Iterator[tuple[str, dict[str, Any]]]:
        """(category, assessment) of every case opened since then that has one, oldest first."""
        stmt = select(cases.c.category, cases.c.assessment).where(cases.c.assessment.is_not(None))
        if since is not None:
            stmt = stmt.where(cases.c.opened_at >= since)
        rows = self._conn.execution_options(yield_per=5000).execute(
            stmt.order_by(cases.c.opened_at)
        )
        for category, assessment in rows:
            yield str(category), assessment

    def opening_checks(
        self, order_line_id: str, consumer_id: str, since: datetime
    ) -> tuple[str | None, tuple[int, int]]:
        """The active case on the line, if any; and how many cases the consumer opened since
        then, with how many of them were refund-only."""
        params = {"order_line_id": order_line_id, "consumer_id": consumer_id, "since": since}
        row = _OPENING_CHECKS.first(self._conn, params)
        assert row is not None  # a SELECT of three subqueries gives one row
        active, opened, refund_only = row
        return active, (int(opened), int(refund_only))

    def search(self, query: CaseQuery, actor: Actor) -> list[Case]:
        key = cases.c.next_due_at if query.sort == "deadline" else cases.c.opened_at
        stmt = select(cases.c.snapshot, cases.c.assessment).where(*_scope(actor))
        if query.states:
            stmt = stmt.where(cases.c.state.in_(query.states))
        elif query.sort == "deadline":  # the work queue: cases still in motion
            stmt = stmt.where(cases.c.is_active)
        if query.types:
            stmt = stmt.where(cases.c.type.in_(query.types))
        if query.order_line_id:
            stmt = stmt.where(cases.c.order_line_id == query.order_line_id)
        if query.queues:
            stmt = stmt.where(cases.c.queue.in_(query.queues))
        if query.sort == "deadline":
            stmt = stmt.where(cases.c.next_due_at.is_not(None))
            if query.after:
                stmt = stmt.where(_after(key, query.after, ascending=True))
            stmt = stmt.order_by(key, cases.c.id)
        else:
            if query.after:
                stmt = stmt.where(_after(key, query.after, ascending=False))
            stmt = stmt.order_by(key.desc(), cases.c.id.desc())
        rows = self._conn.execute(stmt.limit(query.limit))
        return [_case(*row) for row in rows]

    def count_by_state(self, actor: Actor) -> dict[str, int]:
        rows = self._conn.execute(
            select(cases.c.state, func.count()).where(*_scope(actor)).group_by(cases.c.state)
        )
        return {state: n for state, n in rows}

    def due(self, now: datetime, limit: int) -> list[str]:
        """Ids of cases with a timeout due by ``now``, most overdue first."""
        rows = self._conn.execute(
            select(cases.c.id)
            .where(cases.c.next_due_at <= now)
            .order_by(cases.c.next_due_at)
            .limit(limit)
        )
        return list(rows.scalars())

    def _row(self, case: Case) -> dict[str, Any]:
        assert case.facts is not None and case.type is not None
        return {
            "id": case.id,
            "order_line_id": case.facts.order_line_id,
            "consumer_id": case.facts.consumer_id,
            "merchant_id": case.facts.merchant_id,
            "type": case.type.value,
            "category": case.facts.category,
            "channel": case.facts.channel,
            "region": case.facts.region,
            "opened_at": case.opened_at,
        } | _changing(case)

    def _store_events(self, case: Case) -> None:
        events = case.take_events()
        _INSERT_EVENTS.run_many(self._conn, [_event_row(e) for e in events])
        _INSERT_OUTBOX.run_many(self._conn, [_outbox_row(case, e) for e in events])


_KEPT_APART = ("assessment",)  # snapshot fields with a column of their own


def _changing(case: Case) -> dict[str, Any]:
    """The columns a change of the case can alter; the others are fixed at opening.

    A change sets these alone: SQLite rewrites the entry of every index whose column an UPDATE
    sets, changed or not, and the fixed columns carry five of the table's indexes (decision
    0026, Update of 2026-11-30)."""
    return {
        "state": case.state.value,
        "is_active": case.is_active,
        "updated_at": case.updated_at,
        "next_due_at": case.next_deadline(),
        "version": case.version,
        "snapshot": case.to_snapshot(omit=_KEPT_APART),
    }


def _moved(values: dict[str, Any], read: tuple[Any, ...] | None, previous: int) -> dict[str, Any]:
    """The values less the indexed columns that already hold them, as read of the version the
    update replaces: each column set costs its index entry rewritten, and most changes leave the
    case active, and a message leaves its state, as they were."""
    if read is None or read[0] != previous:
        return values
    same = {name for name, old in zip(_INDEXED, read[1:], strict=True) if values[name] == old}
    return {k: v for k, v in values.items() if k not in same}


def _case(snapshot: dict[str, Any], assessment: dict[str, Any] | None) -> Case:
    """A case from its snapshot and its assessment column (older snapshots carry it inline)."""
    if assessment is not None:
        snapshot = snapshot | {"assessment": assessment}
    return Case.from_snapshot(snapshot)


def _assessment_row(case: Case) -> dict[str, Any]:
    """The assessment's columns; written once, at opening, as the assessment never changes."""
    return _routing(case.assessment or {}) | {"assessment": case.assessment}


def _routing(assessment: dict[str, Any]) -> dict[str, Any]:
    """What the opening assessment decided, as the case's columns hold it."""
    decision = assessment.get("decision") or {}
    triage = assessment.get("triage") or {}
    facts = assessment.get("facts") or {}
    return {
        "queue": assessment.get("queue") or decision.get("queue") or triage.get("queue"),
        "issue_type": facts.get("issue_type") or triage.get("issue_type"),
        "severity": decision.get("severity") or triage.get("severity"),
        "cause": decision.get("cause"),
        "counts_against_merchant": decision.get("counts_against_merchant"),
        "emergency": decision.get("emergency"),
        "policy_version": decision.get("policy_version"),
    }


def _scope(actor: Actor) -> list[Any]:
    if actor.role is Role.CONSUMER:
        return [cases.c.consumer_id == actor.subject]
    if actor.role is Role.MERCHANT_AGENT:
        return [cases.c.merchant_id == actor.subject]
    if actor.role in (Role.OPERATOR, Role.AUDITOR, Role.SYSTEM):
        return []
    return [cases.c.id.is_(None)]  # any other role sees no case


def _after(key: Any, after: tuple[datetime, str], *, ascending: bool) -> Any:
    value, case_id = after
    if ascending:
        return or_(key > value, and_(key == value, cases.c.id > case_id))
    return or_(key < value, and_(key == value, cases.c.id < case_id))


def _event_row(e: CaseEvent) -> dict[str, Any]:
    return {
        "case_id": e.case_id,
        "seq": e.seq,
        "kind": e.kind,
        "at": e.at,
        "actor_role": e.actor.role.value,
        "actor_id": e.actor.subject,
        "data": e.data,
    }


def _outbox_row(case: Case, e: CaseEvent) -> dict[str, Any]:
    assert case.facts is not None
    payload = {
        "case_id": e.case_id,
        "seq": e.seq,
        "kind": e.kind,
        "at": encode(e.at),
        "actor": {"role": e.actor.role.value, "id": e.actor.subject},
        "merchant_id": case.facts.merchant_id,
        "order_line_id": case.facts.order_line_id,
        "case_state": case.state.value,  # the state once this transaction commits
        "data": _outside_view(e.data),
    }
    return {"topic": f"case.{e.kind}", "key": e.case_id, "payload": payload, "created_at": e.at}


_OUTSIDE_SUMMARY = ("queue", "issue_type", "severity", "emergency", "policy_version")


def _outside_view(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Event data as outside systems get it: the opening assessment only as its routing summary.

    The full assessment holds the policy's facts, among them the consumer's recent case
    history, which a merchant's system must not receive; whoever needs the rest reads the case
    through the API, which shows each party what it may see. It also keeps the opening's
    outbox row short."""
    assessment = data.get("assessment")
    if not assessment:
        return data
    routing = _routing(assessment)
    return {**data, "assessment": {k: routing[k] for k in _OUTSIDE_SUMMARY}}
