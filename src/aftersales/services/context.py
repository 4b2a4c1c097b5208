"""What every use case needs from the outside world, built once by ``bootstrap``."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from aftersales.domain.cases_types import CaseType
from aftersales.domain.catalog import Channel
from aftersales.domain.clock import Clock
from aftersales.domain.sla import AfterSalesWindows, SlaTerms
from aftersales.recall.terms import RecallTerms
from aftersales.services.token_cache import TokenCache
from aftersales.store.blobs import BlobStore
from aftersales.store.ledger_keys import LedgerKeys
from aftersales.store.uow import UnitOfWork

__all__ = ["Context", "SlaChooser", "new_id"]


def new_id(prefix: str) -> str:
    """A random, URL-safe id with a readable prefix (``cs_…`` for a case)."""
    return f"{prefix}_{secrets.token_hex(10)}"


# Chooses the SLA terms of a new case; configuration today, the policy engine tomorrow.
SlaChooser = Callable[[str, Channel, CaseType], SlaTerms]


@dataclass
class Context:
    uow: Callable[..., UnitOfWork]
    clock: Clock
    blobs: BlobStore
    windows: AfterSalesWindows
    sla: SlaChooser
    evidence_max_bytes: int = 10 * 1024 * 1024
    idempotency_ttl_hours: float = 24
    ids: Callable[[str], str] = field(default=new_id)
    close: Callable[[], None] = field(default=lambda: None)  # releases database connections
    tokens: TokenCache = field(default_factory=TokenCache)  # recently authenticated tokens
    ledger: LedgerKeys | None = None  # the evidence log's signer and salt, if configured
    recall_terms: RecallTerms = field(default_factory=RecallTerms)  # the emergency plan
