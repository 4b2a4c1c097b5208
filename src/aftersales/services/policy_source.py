"""The policy pack each process decides with, following the newest activation in the database.

An activation is a row naming the pack's directory and the digest of its files (see
``services.policy.activate``). Each process holds a ``PolicySource`` that looks at the newest row
at most every few seconds, inside a transaction the caller already has open, so it costs one
small query, and swaps to the new pack once it has loaded and matched the digest. A pack that
fails to load, or whose files changed after activation, is not adopted: the process keeps
deciding with the pack it has, and says so in the log.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from aftersales.errors import ValidationFailed
from aftersales.policy import ActivePolicy, Pack, PackInvalid, load_pack
from aftersales.store.policy import Activation
from aftersales.store.uow import UnitOfWork

__all__ = ["PolicySource", "pack_digest"]

log = logging.getLogger(__name__)


def pack_digest(directory: Path) -> str:
    """SHA-256 over the pack's YAML files, by relative path, so any edit changes it."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.suffix in {".yaml", ".yml"}):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class PolicySource:
    """This process's pack, following the newest activation recorded in the database."""

    def __init__(
        self,
        fallback: Pack,
        refresh_seconds: float = 5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._active = ActivePolicy(fallback)
        self._refresh = refresh_seconds
        self._monotonic = monotonic
        self._checked_at = float("-inf")
        self._seen: int | None = None  # the activation adopted, or refused, last
        self._lock = threading.Lock()

    @property
    def pack(self) -> Pack:
        """The pack in force in this process, without looking for a newer one."""
        return self._active.pack

    def current(self, uow: UnitOfWork) -> Pack:
        """The pack to decide with, after a look for a newer activation if one is due."""
        now = self._monotonic()
        if now - self._checked_at >= self._refresh and self._lock.acquire(blocking=False):
            try:
                self._checked_at = now
                latest = uow.policy.latest()
                if latest is not None and latest.id != self._seen:
                    self._seen = latest.id
                    self._adopt(latest)
            finally:
                self._lock.release()
        return self._active.pack

    def adopt(self, pack: Pack, activation_id: int) -> None:
        """Use ``pack`` at once: the process that activated it need not wait for its own poll."""
        self._seen = activation_id
        self._active.activate(pack)

    def _adopt(self, activation: Activation) -> None:
        directory = Path(activation.path)
        try:
            if pack_digest(directory) != activation.digest:
                raise ValidationFailed("its files changed after it was activated")
            self._active.activate(load_pack(directory))
        except (PackInvalid, ValidationFailed, OSError) as exc:
            log.error(
                "policy activation %s (%s %s) not adopted, still deciding with %s: %s",
                activation.id,
                activation.name,
                activation.version,
                self._active.pack.version,
                exc,
            )
