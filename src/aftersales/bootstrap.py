"""The composition root: builds the platform's context from settings, database, clock, files."""

from __future__ import annotations

from aftersales.config import Settings
from aftersales.domain.cases_types import CaseType
from aftersales.domain.catalog import Channel
from aftersales.domain.clock import Clock, SystemClock
from aftersales.domain.sla import SlaTerms
from aftersales.services.context import Context
from aftersales.services.token_cache import TokenCache
from aftersales.store.blobs import BlobStore
from aftersales.store.db import make_engine
from aftersales.store.migrate import upgrade
from aftersales.store.uow import UnitOfWork

__all__ = ["bootstrap"]


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
    )
