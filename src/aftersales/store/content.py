"""Content repository: items on the ladder, their metrics per day (counters that reports add to),
and each shop's audience."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, or_, select, update

from aftersales.errors import Conflict, Text
from aftersales.exposure import ContentItem, ContentKind, ContentMetrics, Stage
from aftersales.recall.workdays import CST
from aftersales.store.exposure import dialect_insert
from aftersales.store.tables import content_items, content_metrics, shop_audiences

__all__ = ["Audience", "ContentQuery", "ContentRecord", "ContentRepository"]


@dataclass(frozen=True, slots=True)
class ContentRecord:
    """An item as kept: the ladder's value plus what only the platform needs."""

    item: ContentItem
    title: str
    published_at: datetime
    updated_at: datetime
    version: int = 1

    @property
    def id(self) -> str:
        return self.item.id

    def moved(self, item: ContentItem, at: datetime) -> ContentRecord:
        return replace(self, item=item, updated_at=at, version=self.version + 1)


@dataclass(frozen=True, slots=True)
class ContentQuery:
    merchant_id: str | None = None  # None: every merchant's
    stages: Sequence[str] = ()
    nominated: bool | None = None  # True: waiting for an operator's review
    before: tuple[datetime, str] | None = None  # (published_at, id) of the last item seen
    limit: int = 50
    published_since: datetime | None = None  # None: whenever published


@dataclass(frozen=True, slots=True)
class Audience:
    merchant_id: str
    fans: int
    active_fans: int
    reported_at: datetime


class ContentRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ---- items ---------------------------------------------------------------------------

    def add(self, record: ContentRecord) -> None:
        # The row as parameters, not in the statement: one compiled INSERT serves every item.
        self._conn.execute(insert(content_items), _row(record))

    def get(self, content_id: str, *, for_update: bool = False) -> ContentRecord | None:
        stmt = select(*_RECORD_COLUMNS).where(content_items.c.id == content_id)
        row = self._conn.execute(stmt.with_for_update() if for_update else stmt).one_or_none()
        return None if row is None else _record(row)

    def published_days(self, content_ids: Iterable[str]) -> dict[str, date]:
        """The day (China Standard Time) each item of ``content_ids`` that exists was published."""
        c = content_items.c
        wanted = sorted(set(content_ids))
        rows = self._conn.execute(select(c.id, c.published_at).where(c.id.in_(wanted)))
        return {r.id: _day_of(r.published_at) for r in rows}

    def save(self, records: Iterable[ContentRecord]) -> None:
        """Store moved items; fail if one was changed by someone else meanwhile.

        Only what a move changes is written (an item's content is fixed once published), by one
        statement for all the items: the daily run moves hundreds."""
        rows = [_moved_row(record) for record in records]
        if not rows:
            return
        saved = self._conn.execute(_SAVE, rows).rowcount
        if saved != len(rows):
            raise Conflict(_conflict(rows, saved))

    def search(self, query: ContentQuery) -> list[ContentRecord]:
        c = content_items.c
        stmt = select(*_RECORD_COLUMNS)
        if query.merchant_id is not None:
            stmt = stmt.where(c.merchant_id == query.merchant_id)
        if query.stages:
            stmt = stmt.where(c.stage.in_(list(query.stages)))
        if query.nominated is not None:
            nominated = c.nominated_on.is_not(None)
            stmt = stmt.where(nominated if query.nominated else ~nominated)
        if query.published_since is not None:
            stmt = stmt.where(c.published_at >= query.published_since)
        if query.before is not None:
            at, last = query.before
            stmt = stmt.where(or_(c.published_at < at, (c.published_at == at) & (c.id < last)))
        stmt = stmt.order_by(c.published_at.desc(), c.id.desc()).limit(query.limit)
        return [_record(r) for r in self._conn.execute(stmt)]

    def with_quota_stage(self) -> list[ContentItem]:
        """Items in a stage that carries a daily quota (cold start, boost, amplification)."""
        c = content_items.c
        # The stages by name rather than "not organic": the stage index finds them.
        rows = self._conn.execute(
            select(*_ITEM_COLUMNS).where(c.stage.in_(_QUOTA_STAGES)).order_by(c.id)
        )
        return [_item(r) for r in rows]

    def ladder_items(
        self, published_since: datetime, first: date, last: date
    ) -> list[ContentRecord]:
        """The items a daily run may move: on a stage with a quota, young enough for cold start,
        or with metrics in the window (an organic item may earn a boost on its own)."""
        c = content_items.c
        reported = select(content_metrics.c.content_id).where(
            content_metrics.c.day.between(first, last)
        )
        rows = self._conn.execute(
            select(*_RECORD_COLUMNS)
            .where(
                or_(
                    c.stage.in_(_QUOTA_STAGES),
                    c.published_at >= published_since,
                    c.id.in_(reported),
                )
            )
            .order_by(c.id)
        )
        return [_record(r) for r in rows]

    def posts(self, since: datetime, until: datetime) -> dict[str, int]:
        """Items each merchant published in [since, until)."""
        c = content_items.c
        rows = self._conn.execute(
            select(c.merchant_id, func.count())
            .where(c.published_at >= since, c.published_at < until)
            .group_by(c.merchant_id)
        )
        return {r[0]: int(r[1]) for r in rows}

    # ---- metrics -------------------------------------------------------------------------

    def add_metrics(
        self, content_id: str, day: date, metrics: ContentMetrics, at: datetime
    ) -> ContentMetrics:
        """Add a report to the item's counters for the day; returns the day's totals."""
        self.add_metrics_many(day, {content_id: metrics}, at)
        return self.metrics_between(first=day, last=day, content_id=content_id).get(
            content_id, ContentMetrics()
        )

    def add_metrics_many(
        self, day: date, reports: Mapping[str, ContentMetrics], at: datetime
    ) -> None:
        """Add each item's report to its counters for the day, in one statement."""
        if not reports:
            return
        m = content_metrics.c
        stmt = dialect_insert(self._conn, content_metrics)
        stmt = stmt.on_conflict_do_update(
            index_elements=["content_id", "day"],
            set_={
                "impressions": m.impressions + stmt.excluded.impressions,
                "clicks": m.clicks + stmt.excluded.clicks,
                "dwell_seconds": m.dwell_seconds + stmt.excluded.dwell_seconds,
                "new_fans": m.new_fans + stmt.excluded.new_fans,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        rows = [
            {
                "content_id": content_id,
                "day": day,
                "impressions": metrics.impressions,
                "clicks": metrics.clicks,
                "dwell_seconds": float(metrics.dwell_seconds),
                "new_fans": metrics.new_fans,
                "updated_at": at,
            }
            for content_id, metrics in reports.items()
        ]
        self._conn.execute(stmt, rows)

    def metrics_between(
        self, *, first: date, last: date, content_id: str | None = None
    ) -> dict[str, ContentMetrics]:
        """Each item's metrics summed over the days ``first`` to ``last``, both included."""
        m = content_metrics.c
        stmt = (
            select(
                m.content_id,
                func.sum(m.impressions),
                func.sum(m.clicks),
                func.sum(m.dwell_seconds),
                func.sum(m.new_fans),
            )
            .where(m.day.between(first, last))
            .group_by(m.content_id)
        )
        if content_id is not None:
            stmt = stmt.where(m.content_id == content_id)
        # PostgreSQL sums bigints as numeric (Decimal): the ladder takes plain numbers.
        return {
            r[0]: ContentMetrics(int(r[1]), int(r[2]), float(r[3]), int(r[4]))
            for r in self._conn.execute(stmt)
        }

    # ---- shop audiences ------------------------------------------------------------------

    def put_audience(self, audience: Audience) -> None:
        stmt = dialect_insert(self._conn, shop_audiences)
        stmt = stmt.on_conflict_do_update(
            index_elements=["merchant_id"],
            set_={
                "fans": stmt.excluded.fans,
                "active_fans": stmt.excluded.active_fans,
                "reported_at": stmt.excluded.reported_at,
            },
        )
        self._conn.execute(
            stmt,
            {
                "merchant_id": audience.merchant_id,
                "fans": audience.fans,
                "active_fans": audience.active_fans,
                "reported_at": audience.reported_at,
            },
        )

    def audiences(self) -> dict[str, Audience]:
        rows = self._conn.execute(select(shop_audiences))
        return {
            r.merchant_id: Audience(r.merchant_id, r.fans, r.active_fans, r.reported_at)
            for r in rows
        }


def _row(record: ContentRecord) -> dict[str, Any]:
    item = record.item
    return {
        "id": item.id,
        "merchant_id": item.merchant_id,
        "kind": item.kind.value,
        "title": record.title,
        "product_ids": list(item.product_ids),
        "published_at": record.published_at,
        "stage": item.stage.value,
        "stage_since": item.stage_since,
        "cold_start_used": item.cold_start_used,
        "nominated_on": item.nominated_on,
        "declined_on": item.declined_on,
        "updated_at": record.updated_at,
        "version": record.version,
    }


# What a ``ContentItem`` is read from: the ladder's view, without what only the platform keeps.
_ITEM_NAMES = (
    "id",
    "merchant_id",
    "kind",
    "product_ids",
    "published_at",
    "stage",
    "stage_since",
    "cold_start_used",
    "nominated_on",
    "declined_on",
)
_ITEM_COLUMNS = tuple(content_items.c[name] for name in _ITEM_NAMES)
# A ``ContentRecord``: the item's columns, then what only the platform keeps.
_RECORD_COLUMNS = (
    *_ITEM_COLUMNS,
    content_items.c.title,
    content_items.c.updated_at,
    content_items.c.version,
)
_QUOTA_STAGES = tuple(s.value for s in Stage if s is not Stage.ORGANIC)

# What a move changes: the rest of an item (merchant, kind, title, products, publication) is
# fixed when it is published.
_MOVED = (
    "stage",
    "stage_since",
    "cold_start_used",
    "nominated_on",
    "declined_on",
    "updated_at",
    "version",
)

# A moved item's row, matched on the version it was read at (``_moved_row`` names the binds).
_SAVE = (
    update(content_items)
    .where(
        content_items.c.id == bindparam("b_id"),
        content_items.c.version == bindparam("b_read_version"),
    )
    .values({name: bindparam(name) for name in _MOVED})
)


def _moved_row(record: ContentRecord) -> dict[str, Any]:
    row = _row(record)
    return {name: row[name] for name in _MOVED} | {
        "b_id": record.id,
        "b_read_version": record.version - 1,
    }


def _conflict(rows: Sequence[Mapping[str, Any]], saved: int) -> Text:
    if len(rows) == 1:
        content_id = rows[0]["b_id"]
        return Text(
            f"content {content_id} was changed at the same time; try again",
            f"内容 {content_id} 刚被同时修改，请重试",
        )
    changed = len(rows) - saved
    return Text(
        f"{changed} of {len(rows)} content items were changed at the same time; try again",
        f"{len(rows)} 条内容中有 {changed} 条刚被同时修改，请重试",
    )


def _item(row: Any) -> ContentItem:
    """The item of a row of ``_ITEM_COLUMNS`` (or ``_RECORD_COLUMNS``)."""
    return ContentItem(
        id=row.id,
        merchant_id=row.merchant_id,
        kind=ContentKind(row.kind),
        product_ids=tuple(row.product_ids),
        published_on=_day_of(row.published_at),
        stage=Stage(row.stage),
        stage_since=row.stage_since,
        cold_start_used=row.cold_start_used,
        nominated_on=row.nominated_on,
        declined_on=row.declined_on,
    )


def _record(row: Any) -> ContentRecord:
    """The record of a row of ``_RECORD_COLUMNS``."""
    return ContentRecord(_item(row), row.title, row.published_at, row.updated_at, row.version)


def _day_of(moment: datetime) -> date:
    return moment.astimezone(CST).date()  # the ladder counts days in China Standard Time
