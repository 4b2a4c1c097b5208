"""The simulation's agenda: things to do at given moments, done in time order.

Ties are broken by the order they were added in, so a run never depends on how two equal
moments compare, and one seed always does the same things in the same order.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime

__all__ = ["Agenda"]


class Agenda:
    def __init__(self) -> None:
        self._heap: list[tuple[datetime, int, Callable[[], None]]] = []
        self._added = 0

    def __len__(self) -> int:
        return len(self._heap)

    def at(self, moment: datetime, action: Callable[[], None]) -> None:
        """Do ``action`` at ``moment``."""
        self._added += 1
        heapq.heappush(self._heap, (moment, self._added, action))

    def run_until(self, end: datetime, set_clock: Callable[[datetime], None]) -> int:
        """Do everything due before ``end`` in time order, the clock set to each moment first;
        return how many were done. Actions may add more, which run too if due before ``end``."""
        done = 0
        while self._heap and self._heap[0][0] < end:
            moment, _, action = heapq.heappop(self._heap)
            set_clock(moment)
            action()
            done += 1
        return done
