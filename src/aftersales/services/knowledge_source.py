"""The knowledge base each process answers with: the shipped file with operators' edits over it.

Like the policy pack (``services/policy_source.py``), the live set is followed, not reloaded on
every case: at most every few seconds one small query counts the revisions written, and only a
new count reads the edits and rebuilds the set. A case opening in between pays a clock read.
An edit made in this process is seen by its next case at once (``changed``). A stored entry
that no longer passes the checks (a category gone from a newer release, say) is left out and
logged, and a database that cannot be read keeps the set in force: neither may stop a reply.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from aftersales.errors import ValidationFailed
from aftersales.store.knowledge import StoredEntry
from aftersales.store.uow import UnitOfWork
from aftersales.triage.knowledge_base import Entry, KnowledgeBase
from aftersales.triage.knowledge_entry import parse_entry

__all__ = ["KnowledgeSource", "overlay"]

log = logging.getLogger(__name__)


def overlay(stored: list[StoredEntry]) -> list[tuple[str, Entry | None]]:
    """Operators' entries as edits of the base: None for a retired one; one that no longer
    passes the checks is left out (the shipped entry of its id, if any, answers)."""
    edits: list[tuple[str, Entry | None]] = []
    for row in stored:
        if row.retired:
            edits.append((row.id, None))
            continue
        try:
            edits.append((row.id, parse_entry(row.content, revision=row.revision)))
        except ValidationFailed as exc:
            log.error("knowledge entry %s revision %s left out: %s", row.id, row.revision, exc)
    return edits


class KnowledgeSource:
    """This process's knowledge base, following operators' edits in the database."""

    def __init__(
        self,
        base: Callable[[], KnowledgeBase],
        uow: Callable[..., UnitOfWork] | None = None,
        refresh_seconds: float = 5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base = base  # the shipped file, or AFTERSALES_KNOWLEDGE_BASE
        self._uow = uow  # none: no database, the base alone
        self._refresh = refresh_seconds
        self._monotonic = monotonic
        self._checked_at = float("-inf")
        self._version: int | None = None
        self._live: KnowledgeBase | None = None
        self._lock = threading.Lock()

    def __call__(self) -> KnowledgeBase:
        """The set to answer with, after a look for edits if one is due."""
        now = self._monotonic()
        if (
            self._uow is not None
            and now - self._checked_at >= self._refresh
            and self._lock.acquire(blocking=False)  # one thread looks; the others go on
        ):
            try:
                self._checked_at = now
                self._follow(self._uow)
            finally:
                self._lock.release()
        return self._live or self.base()

    def changed(self) -> None:
        """An edit was committed here: look again at the next call, not a few seconds later."""
        self._checked_at = float("-inf")

    def _follow(self, uow: Callable[..., UnitOfWork]) -> None:
        try:
            with uow(read_only=True) as tx:
                version = tx.knowledge.version()
                if version == self._version:
                    return
                stored = tx.knowledge.all()
        except SQLAlchemyError as exc:
            log.error("knowledge base edits not read, still answering with the last set: %s", exc)
            return
        self._live = self.base().with_edits(overlay(stored))
        self._version = version
