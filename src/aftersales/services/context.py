"""What every use case needs from the outside world, built once by ``bootstrap``."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from aftersales.domain.clock import Clock
from aftersales.domain.sla import AfterSalesWindows, SlaTerms
from aftersales.recall.terms import RecallTerms
from aftersales.services.policy_source import PolicySource
from aftersales.services.token_cache import TokenCache
from aftersales.store.blobs import BlobStore
from aftersales.store.ledger_keys import LedgerKeys
from aftersales.store.uow import UnitOfWork
from aftersales.triage import Triager

__all__ = ["Context", "new_id"]


def new_id(prefix: str) -> str:
    """A random, URL-safe id with a readable prefix (``cs_…`` for a case)."""
    return f"{prefix}_{secrets.token_hex(10)}"


@dataclass
class Context:
    uow: Callable[..., UnitOfWork]
    clock: Clock
    blobs: BlobStore
    windows: AfterSalesWindows
    sla: SlaTerms  # the clocks the policy decision does not set (consumer reply, appeal, close)
    policy: PolicySource  # the pack in force, following activations
    triager: Callable[[], Triager]  # the triage model, loaded on first use
    evidence_max_bytes: int = 10 * 1024 * 1024
    idempotency_ttl_hours: float = 24
    ids: Callable[[str], str] = field(default=new_id)
    close: Callable[[], None] = field(default=lambda: None)  # releases database connections
    tokens: TokenCache = field(default_factory=TokenCache)  # recently authenticated tokens
    ledger: LedgerKeys | None = None  # the evidence log's signer and salt, if configured
    recall_terms: RecallTerms = field(default_factory=RecallTerms)  # the emergency plan
