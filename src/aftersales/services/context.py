"""What every use case needs from the outside world, built once by ``bootstrap``."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from aftersales.domain.clock import Clock
from aftersales.domain.sign_in import SignInTerms
from aftersales.domain.sla import AfterSalesWindows, SlaTerms
from aftersales.recall.terms import RecallTerms
from aftersales.scoring.terms import CycleTerms
from aftersales.services.counted_history import CountedHistory
from aftersales.services.exposure_hub import ExposureHub
from aftersales.services.knowledge_source import KnowledgeSource
from aftersales.services.policy_source import PolicySource
from aftersales.services.token_cache import TokenCache
from aftersales.store.blobs import BlobStore
from aftersales.store.ledger_keys import LedgerKeys
from aftersales.store.uow import UnitOfWork
from aftersales.triage import Triager
from aftersales.triage.knowledge_base import default_knowledge
from aftersales.triage.replies import ReplyDrafter

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
    cycle_terms: CycleTerms = field(default_factory=CycleTerms)  # merchant scoring's cycles
    # Automatic first replies (docs/triage.md): the knowledge base (``ctx.knowledge()``: the
    # shipped file with operators' edits, followed every few seconds); an optional drafter of
    # friendlier openings (an LLM); off switches the replies altogether.
    knowledge: KnowledgeSource = field(default_factory=lambda: KnowledgeSource(default_knowledge))
    drafter: ReplyDrafter | None = None
    auto_reply: bool = True
    sign_in: SignInTerms = field(default_factory=SignInTerms)  # console sessions, lock-out
    # This process's exposure service: its serving plan and its share of the pacing counts.
    exposure: ExposureHub = field(default_factory=ExposureHub)
    # The sales and cases early warning counted last time, so a run reads only what is new.
    counted_history: CountedHistory = field(default_factory=CountedHistory)
