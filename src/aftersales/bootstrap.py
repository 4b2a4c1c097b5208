"""The composition root: builds the platform's context from settings, database, clock, files."""

from __future__ import annotations

import logging

from aftersales.config import Settings
from aftersales.domain.cases_types import CaseType
from aftersales.domain.catalog import Channel
from aftersales.domain.clock import Clock, SystemClock
from aftersales.domain.sla import SlaTerms
from aftersales.services.context import Context
from aftersales.services.token_cache import TokenCache
from aftersales.store.blobs import BlobStore
from aftersales.store.db import make_engine
from aftersales.store.ledger_keys import LedgerKeys, generate_keys, load_keys
from aftersales.store.migrate import upgrade
from aftersales.store.uow import UnitOfWork

__all__ = ["bootstrap", "ledger_keys"]

log = logging.getLogger("aftersales")


def bootstrap(
    settings: Settings | None = None, *, clock: Clock | None = None, migrate: bool = True
) -> Context:
    """Everything the use cases need; ``migrate`` brings the database schema up to date first."""
    settings = settings or Settings()
    engine = make_engine(settings.db_url)
    if migrate:
        upgrade(engine)
    terms = settings.sla_terms()

    def sla(category: str, channel: Channel, case_type: CaseType) -> SlaTerms:
        return terms

    def uow(*, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(engine, read_only=read_only)

    return Context(
        uow=uow,
        clock=clock or SystemClock(),
        blobs=BlobStore(settings.blob_dir),
        windows=settings.windows(),
        sla=sla,
        evidence_max_bytes=settings.evidence_max_bytes,
        idempotency_ttl_hours=settings.idempotency_ttl_hours,
        close=engine.dispose,
        tokens=TokenCache(settings.token_cache_seconds),
        # Outside production a missing key is made on first start; in production only `serve`
        # or `aftersales ledger keygen` make one (docs/decisions/0007-evidence-log.md).
        ledger=ledger_keys(settings, create=settings.env != "production"),
        recall_terms=settings.recall_terms(),
    )


def ledger_keys(settings: Settings, *, create: bool) -> LedgerKeys | None:
    """The evidence log's key and salt from their files; with ``create``, made when absent."""
    key_file, salt_file = settings.ledger_key_path, settings.ledger_salt_path
    keys = load_keys(key_file, salt_file, settings.ledger_origin)
    if keys is None and create:
        keys = generate_keys(key_file, salt_file, settings.ledger_origin)
        log.warning(
            "generated the evidence-log key %s; public key %s", key_file, keys.verifier.vkey()
        )
    return keys
