"""This process's copy of the rows early warning counts: every week's run reads up to five years
of sales and cases, of which only the last week is new.

Orders and cases are only ever added: an order's lines, region and time never change (a second
push changes its payment and delivery times only), nor does a case's opening. So the rows read
for a range of days stay right as long as nothing has been added to the range since, which one
COUNT tells. A run then reads only the days after the kept ones; an order pushed late into a
kept range changes the count, and the whole range is read again. The count is taken before the
rows, so a row added in between makes the next run read again rather than miss it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from aftersales.recall.workdays import CST
from aftersales.store.case_feed import Columns
from aftersales.store.uow import UnitOfWork

__all__ = ["CountedHistory"]

_EPOCH = date(1970, 1, 1)
Read = Callable[[datetime, datetime], Columns]
Count = Callable[[list[tuple[datetime, datetime]]], list[int]]


@dataclass(frozen=True)
class _Kept:
    since: datetime
    until: datetime
    count: int  # orders placed (cases opened) in [since, until) before the rows were read
    rows: Columns


class CountedHistory:
    """Sales and cases per day, product and region, kept between early-warning runs."""

    def __init__(self) -> None:
        self._kept: dict[str, _Kept] = {}
        self._lock = threading.Lock()  # the scheduler's run and an operator's may overlap

    def sales(self, uow: UnitOfWork, since: datetime, until: datetime) -> Columns:
        """Units sold in orders placed in [since, until), as ``case_feed.sales`` reads them."""
        feed = uow.case_feed
        return self._rows("sales", since, until, feed.sales, feed.orders_placed)

    def cases(self, uow: UnitOfWork, since: datetime, until: datetime) -> Columns:
        """Cases opened in [since, until), as ``case_feed.cases`` reads them."""
        feed = uow.case_feed
        return self._rows("cases", since, until, feed.cases, feed.cases_opened)

    def _rows(
        self, kind: str, since: datetime, until: datetime, read: Read, count: Count
    ) -> Columns:
        with self._lock:
            kept = self._kept.get(kind)
            if kept is not None and kept.since <= since <= kept.until <= until:
                total, rows = _extended(kept, since, until, read, count)
            else:
                (total,) = count([(since, until)])
                rows = read(since, until)
            self._kept[kind] = _Kept(since, until, total, rows)
            return rows


def _extended(
    kept: _Kept, since: datetime, until: datetime, read: Read, count: Count
) -> tuple[int, Columns]:
    """How many orders (cases) [since, until) holds, and its rows: the kept ones and the days
    after them, or all read again if one was added to the kept days since they were read."""
    whole, dropped, added = count(
        [(kept.since, kept.until), (kept.since, since), (kept.until, until)]
    )
    total = whole - dropped + added  # from the kept range's count: one long count, not two
    if whole != kept.count:
        return total, read(since, until)
    return total, _joined(_from(kept.rows, since), read(kept.until, until))


def _from(rows: Columns, since: datetime) -> Columns:
    """The rows of the days from ``since`` (a day's first moment, China Standard Time) on."""
    first = (since.astimezone(CST).date() - _EPOCH).days
    keep = rows["day"] >= first
    if keep.all():  # a platform younger than the history read: nothing to drop, nothing to copy
        return rows
    return {name: column[keep] for name, column in rows.items()}


def _joined(old: Columns, new: Columns) -> Columns:
    return {name: np.concatenate([old[name], new[name]]) for name in old}
