"""Use cases for evidence files: checked by size and content, stored once by SHA-256."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import hashlib
import unicodedata

from aftersales.domain.actors import Actor
from aftersales.domain.evidence import ALLOWED_TYPES, sniff_type
from aftersales.errors import AftersalesError, ErrorCode, NotFound, Text
from aftersales.services.cases import load_visible
from aftersales.services.context import Context
from aftersales.store.evidence import EvidenceRecord

__all__ = ["add_evidence", "check_file", "list_evidence", "read_evidence", "too_large"]


def too_large(limit: int) -> AftersalesError:
    """The refusal of a file over the size limit, with the limit in readable units."""
    mib = limit >= 1024 * 1024
    shown = f"{limit / (1024 * 1024):g} MiB" if mib else f"{limit:,} bytes"
    shown_zh = f"{limit / (1024 * 1024):g} MB" if mib else f"{limit:,} 字节"
    text = Text(
        f"the file is larger than the limit of {shown}", f"文件超过了 {shown_zh} 的大小上限"
    )
    return AftersalesError(text.en, code=ErrorCode.EVIDENCE_TOO_LARGE, text=text)


def check_file(ctx: Context, data: bytes) -> str:
    """The file's media type, if it is within the size limit and of an accepted type."""
    if len(data) > ctx.evidence_max_bytes:
        raise too_large(ctx.evidence_max_bytes)
    content_type = sniff_type(data)
    if content_type is None:
        allowed = ", ".join(ALLOWED_TYPES)
        text = Text(f"evidence must be one of: {allowed}", f"凭证文件须为以下格式之一：{allowed}")
        raise AftersalesError(text.en, code=ErrorCode.EVIDENCE_TYPE_NOT_ALLOWED, text=text)
    return content_type


def add_evidence(
    ctx: Context, actor: Actor, case_id: str, filename: str, data: bytes
) -> EvidenceRecord:
    """Attach a file to a case; its type is judged by its content, not by its name."""
    content_type = check_file(ctx, data)
    now = ctx.clock.now()
    digest = hashlib.sha256(data).hexdigest()
    record = EvidenceRecord(
        ctx.ids("ev"), case_id, digest, content_type, len(data), _clean(filename), actor, now
    )
    with ctx.uow() as uow:
        case = load_visible(uow, actor, case_id, for_update=True)
        case.tick(now)
        case.add_evidence(actor, record.id, digest, now)  # the rules are checked before any I/O
        ctx.blobs.put(data)  # content-addressed: a blob left by a failed commit is harmless
        uow.evidence.add(record)
        uow.cases.save(case)
        uow.commit()
    return record


def list_evidence(ctx: Context, actor: Actor, case_id: str) -> list[EvidenceRecord]:
    with ctx.uow(read_only=True) as uow:
        load_visible(uow, actor, case_id)
        return uow.evidence.for_case(case_id)


def read_evidence(
    ctx: Context, actor: Actor, case_id: str, evidence_id: str
) -> tuple[EvidenceRecord, bytes]:
    with ctx.uow(read_only=True) as uow:
        load_visible(uow, actor, case_id)
        record = next((r for r in uow.evidence.for_case(case_id) if r.id == evidence_id), None)
    if record is None:
        raise NotFound(Text(f"evidence {evidence_id} not found", f"找不到凭证 {evidence_id}"))
    return record, ctx.blobs.get(record.sha256)


def _clean(filename: str) -> str:
    """The name as sent, without control characters (PostgreSQL cannot store a NUL), cut to 255."""
    kept = "".join(ch for ch in filename if unicodedata.category(ch) != "Cc")
    return kept[:255] or "evidence"
