"""The composition root: builds the platform's context from settings, database, clock, files."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path

from aftersales.config import Settings
from aftersales.domain.clock import Clock, SystemClock
from aftersales.policy import Pack, default_pack_dir, load_pack
from aftersales.services.context import Context
from aftersales.services.policy_source import PolicySource
from aftersales.services.token_cache import TokenCache
from aftersales.store.blobs import BlobStore
from aftersales.store.db import make_engine
from aftersales.store.ledger_keys import LedgerKeys, generate_keys, load_keys
from aftersales.store.migrate import upgrade
from aftersales.store.uow import UnitOfWork
from aftersales.triage import Triager, default_triager, load_model

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

    def uow(*, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(engine, read_only=read_only)

    return Context(
        uow=uow,
        clock=clock or SystemClock(),
        blobs=BlobStore(settings.blob_dir),
        windows=settings.windows(),
        sla=settings.sla_terms(),
        policy=PolicySource(_pack(settings.policy_dir), settings.policy_refresh_seconds),
        triager=_triager_loader(settings.triage_model),
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


@functools.lru_cache(maxsize=8)
def _load_pack_once(directory: Path) -> Pack:
    return load_pack(directory)  # a pack is immutable: every context in the process may share it


def _pack(directory: Path | None) -> Pack:
    """The configured pack, or the one shipped in policies/; an invalid one stops the start."""
    return _load_pack_once((directory or default_pack_dir()).resolve())


def _triager_loader(model: Path | None) -> Callable[[], Triager]:
    """Loads the triage model on first use, once per process."""
    if model is None:
        return default_triager
    return functools.cache(lambda: Triager(load_model(model)))
