"""The composition root: builds the platform's context from settings, database, clock, files."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError

from aftersales.config import Settings
from aftersales.domain.clock import Clock, SystemClock
from aftersales.errors import Text, ValidationFailed
from aftersales.ledger import SignatureError, open_note
from aftersales.policy import Pack, default_pack_dir, load_pack
from aftersales.services.context import Context
from aftersales.services.exposure_hub import ExposureHub
from aftersales.services.knowledge_source import KnowledgeSource
from aftersales.services.llm_drafter import OpenAICompatibleDrafter
from aftersales.services.policy_source import PolicySource
from aftersales.services.token_cache import TokenCache
from aftersales.store.blobs import BlobStore
from aftersales.store.db import make_engine, sqlite_file
from aftersales.store.ledger_keys import LedgerKeys, generate_keys, load_keys
from aftersales.store.migrate import check_current, upgrade
from aftersales.store.uow import UnitOfWork
from aftersales.triage import Triager, default_triager, load_model
from aftersales.triage.knowledge_base import KnowledgeBase, default_knowledge, load_knowledge
from aftersales.triage.replies import ReplyDrafter

__all__ = ["Schema", "bootstrap", "ledger_keys"]

Schema = Literal["upgrade", "check", "as_is"]

log = logging.getLogger("aftersales")


def bootstrap(
    settings: Settings | None = None, *, clock: Clock | None = None, schema: Schema = "upgrade"
) -> Context:
    """Everything the use cases need, on the database the settings name.

    ``schema`` says what to do with the database's schema first: ``upgrade`` makes the
    database if it is missing and brings it up to date (``serve``, ``db upgrade``, the
    simulator); ``check`` opens only a database that exists at this version's schema (every
    other command: decision 0040); ``as_is`` trusts the caller to have done either."""
    settings = settings or Settings()
    if schema == "check":
        _check_exists(settings.db_url)
    engine = make_engine(settings.db_url)
    _check_opens(engine)
    try:
        if schema == "upgrade":
            upgrade(engine)
        elif schema == "check":
            check_current(engine)
    except ValidationFailed:
        engine.dispose()
        raise

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
        ledger=ledger_keys(settings, create=settings.env != "production", engine=engine),
        recall_terms=settings.recall_terms(),
        cycle_terms=settings.cycle_terms(),
        sign_in=settings.sign_in_terms(),
        knowledge=KnowledgeSource(
            _knowledge_loader(settings.knowledge_base), uow, settings.knowledge_refresh_seconds
        ),
        drafter=_drafter(settings),
        auto_reply=settings.auto_reply,
        exposure=ExposureHub(settings.exposure_config()),
    )


def _check_exists(url: str) -> None:
    """A SQLite file that is not there is a mistyped path, not a wish for a new database."""
    file = sqlite_file(url)
    if file is not None and not file.is_file():
        raise ValidationFailed(
            Text(
                f"no database at {file}: check the path, or make one with `aftersales db upgrade`",
                f"{file} 处没有数据库：请检查路径，或用 `aftersales db upgrade` 创建一个",
            )
        )


def _check_opens(engine: Engine) -> None:
    """A database that cannot be opened (a wrong URL, a server that does not answer, a file
    that is not a database) is refused here, in one line, rather than at the first query with
    a traceback."""
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        said = str(exc.orig).strip().splitlines()
        reason = said[0] if said else "no answer"
        raise ValidationFailed(
            Text(
                f"cannot open the database {where}: {reason}",
                f"无法打开数据库 {where}：{reason}",
            )
        ) from exc


def ledger_keys(
    settings: Settings, *, create: bool, engine: Engine | None = None
) -> LedgerKeys | None:
    """The evidence log's key and salt from their files; with ``create``, made when absent.

    A database whose log was signed by another key is refused: a second key would sign on
    where the first stopped, and the log would fail its audit from then on (and personal data
    would be pseudonymised under another salt). That happens when a database is served with
    another data directory than the one it was built with, such as the demo's ``var/demo``."""
    key_file, salt_file = settings.ledger_key_path, settings.ledger_salt_path
    keys = load_keys(key_file, salt_file, settings.ledger_origin)
    if keys is not None or create:
        own = engine is None
        engine = make_engine(settings.db_url) if engine is None else engine
        try:
            if own:
                _check_opens(engine)
            _check_log_signer(engine, keys, key_file)
        finally:
            if own:
                engine.dispose()
    if keys is None and create:
        keys = generate_keys(key_file, salt_file, settings.ledger_origin)
        log.warning(
            "generated the evidence-log key %s; public key %s", key_file, keys.verifier.vkey()
        )
    return keys


def _check_log_signer(engine: Engine, keys: LedgerKeys | None, key_file: Path) -> None:
    """Refuse ``keys`` (None: a key about to be made) if another key signed the database's
    latest checkpoint. A database without the log's tables has no checkpoint yet."""
    if not inspect(engine).has_table("ledger_checkpoints"):
        return
    with UnitOfWork(engine, read_only=True) as uow:
        latest = uow.ledger.latest_checkpoint()
    if latest is None:
        return
    try:
        open_note(latest.note, [keys.verifier] if keys is not None else [])
    except SignatureError as exc:
        raise ValidationFailed(_other_signer(key_file, signed=keys is not None, why=exc)) from None


def _other_signer(key_file: Path, *, signed: bool, why: SignatureError) -> Text:
    found = (
        f"the key at {key_file} did not sign" if signed else f"there is no key at {key_file} for"
    )
    found_zh = (
        f"{key_file} 处的密钥并未签署本数据库的存证日志"
        if signed
        else f"{key_file} 处没有本数据库存证日志的签名密钥"
    )
    return Text(
        f"{found} this database's evidence log ({why}). Open it with the data directory it "
        "was built with (AFTERSALES_DATA_DIR: var/demo for the demo, var/simulation for "
        "aftersales simulate) or point "
        "AFTERSALES_LEDGER_KEY_FILE and AFTERSALES_LEDGER_SALT_FILE at its key and salt: "
        "a second key would break the log's audit",
        f"{found_zh}（{why}）。请用构建该数据库时的数据目录打开它（AFTERSALES_DATA_DIR："
        "演示为 var/demo，aftersales simulate 为 var/simulation），或将 "
        "AFTERSALES_LEDGER_KEY_FILE 和 AFTERSALES_LEDGER_SALT_FILE 指向它的密钥和盐值文件："
        "换用另一个密钥会使存证日志无法通过审计",
    )


@functools.lru_cache(maxsize=8)
def _load_pack_once(directory: Path) -> Pack:
    return load_pack(directory)  # a pack is immutable: every context in the process may share it


def _pack(directory: Path | None) -> Pack:
    """The configured pack, or the one shipped in policies/; an invalid one stops the start."""
    return _load_pack_once((directory or default_pack_dir()).resolve())


def _knowledge_loader(path: Path | None) -> Callable[[], KnowledgeBase]:
    """The knowledge base of first replies, read on first use, once per process."""
    if path is None:
        return default_knowledge
    return functools.cache(lambda: load_knowledge(path))


def _drafter(settings: Settings) -> ReplyDrafter | None:
    """The LLM drafter of reply openings, when an endpoint is configured (off by default)."""
    if not settings.llm_url:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return OpenAICompatibleDrafter(
        settings.llm_url, key, settings.llm_model, settings.llm_timeout_seconds
    )


def _triager_loader(model: Path | None) -> Callable[[], Triager]:
    """Loads the triage model on first use, once per process."""
    if model is None:
        return default_triager
    return functools.cache(lambda: Triager(load_model(model)))
