"""Repository of merchant scoring: cycles, scorecards, tier events and attribution appeals.

Cycles, scorecards and tier events are only ever inserted (triggers refuse the rest, migration
0006). Appeals change state once, from pending to accepted or rejected.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from aftersales.analytics import CycleInputs, Window
from aftersales.errors import Conflict
from aftersales.scoring.texts import Text
from aftersales.store.cycle_source import has_lines, read_inputs
from aftersales.store.tables import scorecards, scoring_appeals, scoring_cycles, tier_events

__all__ = [
    "CardQuery",
    "NewTierEvent",
    "ScoringRepository",
    "StoredAppeal",
    "StoredCard",
    "StoredCycle",
]

_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class StoredCycle:
    id: str
    kind: str
    period: str
    revision: int
    reason: str | None
    window_start: datetime
    window_end: datetime
    computed_at: datetime
    computed_by: str
    engine: str
    parameters: dict[str, Any]
    parameters_digest: str
    merchants: int


@dataclass(frozen=True, slots=True)
class StoredCard:
    cycle_id: str
    merchant_id: str
    category: str
    tier: str
    score: float | None
    percentile: float | None
    card: dict[str, Any]
    standing: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewTierEvent:
    merchant_id: str
    at: datetime
    tier_before: str
    tier_after: str
    change: str
    standing: dict[str, Any]
    explanation: dict[str, str]


def _row(record: StoredCard | NewTierEvent) -> dict[str, Any]:
    """A record's fields as an insert's row. Not ``asdict``, which copies the JSON of every
    card value by value: a tenth of a cycle's time with a few hundred merchants."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


@dataclass(frozen=True, slots=True)
class StoredAppeal:
    id: str
    case_id: str
    merchant_id: str
    state: str
    reason: str
    filed_at: datetime
    filed_by: str | None
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_reason: str | None = None


@dataclass(frozen=True, slots=True)
class CardQuery:
    tier: str | None = None
    category: str | None = None  # a category and its subcategories
    after: str | None = None  # the last merchant id of the previous page
    limit: int = 100


def _cycle(row: Row[Any]) -> StoredCycle:
    return StoredCycle(**row._mapping)


def _card(row: Row[Any]) -> StoredCard:
    return StoredCard(**row._mapping)


class ScoringRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ---- the cycle's inputs ----------------------------------------------------------------

    def read_inputs(self, window: Window) -> CycleInputs:
        """The operational data the cycle of ``window`` reads, as Arrow tables."""
        return read_inputs(self._conn, window)

    def has_lines(self, window: Window) -> bool:
        return has_lines(self._conn, window)

    # ---- cycles ----------------------------------------------------------------------------

    def add_cycle(self, cycle: StoredCycle) -> None:
        """Insert a cycle; a revision someone else stored first is a Conflict."""
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(scoring_cycles).values(**asdict(cycle)))
        except IntegrityError as error:
            raise Conflict(_cycle_taken(cycle)) from error

    def latest(self, kind: str, period: str | None = None) -> StoredCycle | None:
        """The latest revision of ``period`` (or of the latest period) of this kind."""
        c = scoring_cycles.c
        stmt = select(scoring_cycles).where(c.kind == kind)
        if period is not None:
            stmt = stmt.where(c.period == period)
        stmt = stmt.order_by(c.window_end.desc(), c.revision.desc()).limit(1)
        row = self._conn.execute(stmt).first()
        return None if row is None else _cycle(row)

    def latest_before(self, kind: str, end: datetime) -> StoredCycle | None:
        """The latest revision of the last period of this kind that ended by ``end``."""
        c = scoring_cycles.c
        stmt = (
            select(scoring_cycles)
            .where(c.kind == kind, c.window_end <= end)
            .order_by(c.window_end.desc(), c.revision.desc())
            .limit(1)
        )
        row = self._conn.execute(stmt).first()
        return None if row is None else _cycle(row)

    def latest_cycles(self, kind: str, limit: int) -> list[StoredCycle]:
        """The latest revision of each of the last ``limit`` periods of this kind, newest first."""
        c, later = scoring_cycles.c, scoring_cycles.alias("later")
        newer = select(later.c.id).where(
            later.c.kind == c.kind, later.c.period == c.period, later.c.revision > c.revision
        )
        stmt = (
            select(scoring_cycles)
            .where(c.kind == kind, ~newer.exists())
            .order_by(c.window_end.desc())
            .limit(limit)
        )
        return [_cycle(r) for r in self._conn.execute(stmt)]

    def cards_in(self, cycle_ids: Sequence[str], merchant_id: str) -> dict[str, StoredCard]:
        """The merchant's card in each of these cycles that has one, by cycle id."""
        c = scorecards.c
        stmt = select(scorecards).where(c.cycle_id.in_(cycle_ids), c.merchant_id == merchant_id)
        return {row.cycle_id: _card(row) for row in self._conn.execute(stmt)}

    def revisions(self, kind: str, period: str) -> list[StoredCycle]:
        c = scoring_cycles.c
        stmt = select(scoring_cycles).where(c.kind == kind, c.period == period)
        return [_cycle(r) for r in self._conn.execute(stmt.order_by(c.revision))]

    # ---- scorecards ------------------------------------------------------------------------

    def add_cards(self, cards: Sequence[StoredCard]) -> None:
        for start in range(0, len(cards), _BATCH):
            rows = [_row(card) for card in cards[start : start + _BATCH]]
            self._conn.execute(insert(scorecards), rows)

    def card(self, cycle_id: str, merchant_id: str) -> StoredCard | None:
        c = scorecards.c
        stmt = select(scorecards).where(c.cycle_id == cycle_id, c.merchant_id == merchant_id)
        row = self._conn.execute(stmt).first()
        return None if row is None else _card(row)

    def cards(self, cycle_id: str, query: CardQuery) -> list[StoredCard]:
        c = scorecards.c
        stmt = select(scorecards).where(c.cycle_id == cycle_id)
        if query.tier is not None:
            stmt = stmt.where(c.tier == query.tier)
        if query.category is not None:
            under = query.category.replace("%", r"\%").replace("_", r"\_") + "/%"
            stmt = stmt.where(or_(c.category == query.category, c.category.like(under, "\\")))
        if query.after is not None:
            stmt = stmt.where(c.merchant_id > query.after)
        stmt = stmt.order_by(c.merchant_id).limit(query.limit)
        return [_card(r) for r in self._conn.execute(stmt)]

    def every_card(self, cycle_id: str) -> Iterator[StoredCard]:
        stmt = select(scorecards).where(scorecards.c.cycle_id == cycle_id)
        result = self._conn.execution_options(yield_per=_BATCH).execute(
            stmt.order_by(scorecards.c.merchant_id)
        )
        for row in result:
            yield _card(row)

    def standings(
        self, cycle_id: str, merchants: Iterable[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """Each merchant's standing in the cycle (``merchants``: only those)."""
        c = scorecards.c
        stmt = select(c.merchant_id, c.standing).where(c.cycle_id == cycle_id)
        if merchants is not None:
            stmt = stmt.where(c.merchant_id.in_(list(merchants)))
        return {merchant: standing for merchant, standing in self._conn.execute(stmt)}

    # ---- tier events -----------------------------------------------------------------------

    def add_tier_events(self, cycle_id: str, events: Sequence[NewTierEvent]) -> None:
        for start in range(0, len(events), _BATCH):
            rows = [_row(e) | {"cycle_id": cycle_id} for e in events[start : start + _BATCH]]
            self._conn.execute(insert(tier_events), rows)

    def weekly_since(
        self, start: datetime, merchants: Iterable[str] | None = None
    ) -> list[Row[Any]]:
        """Weekly-check events of checks whose week ended after ``start``, oldest first."""
        t, c = tier_events.c, scoring_cycles.c
        stmt = (
            select(t.merchant_id, t.tier_after, t.standing, t.at)
            .join(scoring_cycles, scoring_cycles.c.id == t.cycle_id)
            .where(c.kind == "weekly", c.window_end > start)
        )
        if merchants is not None:
            stmt = stmt.where(t.merchant_id.in_(list(merchants)))
        return list(self._conn.execute(stmt.order_by(t.at, t.id)))

    def tier_history(self, merchant_id: str, limit: int = 20) -> list[Row[Any]]:
        t = tier_events.c
        stmt = select(tier_events).where(t.merchant_id == merchant_id)
        return list(self._conn.execute(stmt.order_by(t.at.desc(), t.id.desc()).limit(limit)))

    # ---- appeals ---------------------------------------------------------------------------

    def add_appeal(self, appeal: StoredAppeal) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(scoring_appeals).values(**asdict(appeal)))
        except IntegrityError as error:
            refusal = Text(
                f"case {appeal.case_id} has already been appealed; an attribution is appealed once",
                f"售后单 {appeal.case_id} 已申诉过；每单只能申诉一次",
            )
            raise Conflict(refusal.en, text=refusal) from error

    def appeal(self, appeal_id: str, *, for_update: bool = False) -> StoredAppeal | None:
        stmt = select(scoring_appeals).where(scoring_appeals.c.id == appeal_id)
        row = self._conn.execute(stmt.with_for_update() if for_update else stmt).first()
        return None if row is None else StoredAppeal(**row._mapping)

    def appeals(
        self, merchant_id: str | None, state: str | None, limit: int = 100
    ) -> list[StoredAppeal]:
        a = scoring_appeals.c
        conditions = [
            cond
            for cond in (
                a.merchant_id == merchant_id if merchant_id is not None else None,
                a.state == state if state is not None else None,
            )
            if cond is not None
        ]
        stmt = select(scoring_appeals).where(and_(True, *conditions))
        rows = self._conn.execute(stmt.order_by(a.filed_at.desc(), a.id).limit(limit))
        return [StoredAppeal(**r._mapping) for r in rows]

    def decide_appeal(self, appeal: StoredAppeal) -> None:
        """Store a decision; an appeal decided meanwhile by someone else is a Conflict."""
        a = scoring_appeals.c
        result = self._conn.execute(
            update(scoring_appeals)
            .where(a.id == appeal.id, a.state == "pending")
            .values(
                state=appeal.state,
                decided_at=appeal.decided_at,
                decided_by=appeal.decided_by,
                decision_reason=appeal.decision_reason,
            )
        )
        if result.rowcount != 1:
            raise Conflict(
                Text(
                    f"appeal {appeal.id} was decided by someone else at the same time",
                    f"申诉 {appeal.id} 已被他人同时处理",
                )
            )


# The kinds of cycle (services/cycles.py) as a Chinese reader names them.
_KIND_NAMES = {"monthly": "月度考核周期", "weekly": "周度检查"}


def _cycle_taken(cycle: StoredCycle) -> Text:
    kind, period, revision = cycle.kind, cycle.period, cycle.revision
    return Text(
        f"{kind} cycle {period} revision {revision} was just stored by"
        " someone else; look at it, or compute the next revision",
        f"{_KIND_NAMES.get(kind, kind)} {period} 的第 {revision} 版刚被他人保存；"
        "请先查看该版本，或计算下一版",
    )


def tiers_of(rows: Mapping[str, dict[str, Any]]) -> dict[str, str]:
    """Tier names from stored standings."""
    return {merchant: str(standing["tier"]) for merchant, standing in rows.items()}
