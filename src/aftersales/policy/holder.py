"""The active pack, swapped atomically when an operator activates a new version."""

from __future__ import annotations

import threading
from pathlib import Path

from aftersales.policy.decision import Decision
from aftersales.policy.facts import Facts
from aftersales.policy.loader import load_pack
from aftersales.policy.pack import Pack

__all__ = ["ActivePolicy"]


class ActivePolicy:
    """Holds the pack every decision uses; readers never see a half-loaded pack.

    A new pack is loaded and validated completely before the swap, so a pack that fails to load
    leaves the old one active. Readers take no lock: reading one attribute is atomic, and a
    decision keeps the pack it started with even if another thread activates a new one.
    """

    def __init__(self, pack: Pack) -> None:
        self._pack = pack
        self._swap = threading.Lock()

    @property
    def pack(self) -> Pack:
        return self._pack

    def activate(self, pack: Pack) -> Pack:
        """Make ``pack`` active; return the one it replaces."""
        with self._swap:
            previous, self._pack = self._pack, pack
        return previous

    def activate_dir(self, directory: str | Path) -> Pack:
        """Load the pack in ``directory`` and make it active; ``PackInvalid`` keeps the old one."""
        return self.activate(load_pack(directory))

    def decide(self, facts: Facts) -> Decision:
        return self._pack.decide(facts)
