"""A short-lived, in-process memory of authenticated tokens, so most requests skip the database.

An entry is trusted for ``ttl_seconds`` (monotonic time). Revoking a token through this process
(``revoke_token``) forgets every entry at once; a token revoked by another process (another
server, ``aftersales token revoke`` on the command line) is refused at the latest ``ttl_seconds``
later. A ``ttl_seconds`` of 0 turns the cache off.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aftersales.domain.actors import Actor

__all__ = ["TokenCache"]


class TokenCache:
    """Token hash → (actor, expiry). Safe to share between threads (single dict operations)."""

    def __init__(
        self,
        ttl_seconds: float = 5.0,
        max_entries: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._max_entries = max_entries
        self._monotonic = monotonic
        self._entries: dict[str, tuple[Actor, float]] = {}

    def get(self, token_hash: str) -> Actor | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        actor, expires = entry
        if self._monotonic() >= expires:
            self._entries.pop(token_hash, None)
            return None
        return actor

    def put(self, token_hash: str, actor: Actor) -> None:
        if self.ttl_seconds <= 0:
            return
        if len(self._entries) >= self._max_entries:
            self._entries.clear()  # rare; simpler and cheaper than an LRU
        self._entries[token_hash] = (actor, self._monotonic() + self.ttl_seconds)

    def clear(self) -> None:
        self._entries.clear()
