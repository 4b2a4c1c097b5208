"""Routes of the evidence log: checkpoints, entries and proofs for auditors; receipts for parties.

Checkpoints are served as the signed note itself (``text/plain``), byte for byte what was
signed, so any C2SP tool can read the answer as it is.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse

from aftersales.api.deps import ActorDep, CtxDep, role
from aftersales.api.ledger_schemas import (
    CheckpointPublic,
    CheckpointsPublic,
    ConsistencyProofPublic,
    EntryPublic,
    InclusionProofPublic,
    ReceiptPublic,
)
from aftersales.api.routes.cases import CaseId
from aftersales.domain.actors import Actor, Role
from aftersales.services import ledger
from aftersales.services.receipts import case_receipts

router = APIRouter(prefix="/ledger", tags=["evidence log"])
receipts_router = APIRouter(prefix="/cases", tags=["cases"])

Auditor = Annotated[Actor, role(Role.AUDITOR, Role.OPERATOR)]
Reader = Annotated[Actor, role(Role.CONSUMER, Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR)]
# Sizes and indices are signed 64-bit, as in Go's tlog and in a BIGINT column.
MAX = 2**63 - 1
Index = Annotated[int, Query(ge=0, le=MAX, description="0-based entry index")]
Size = Annotated[int, Query(ge=0, le=MAX, description="tree size (a checkpoint's size)")]
NOTE = "text/plain; charset=utf-8"


@router.get("/key", response_class=PlainTextResponse)
def public_key(ctx: CtxDep, actor: ActorDep) -> PlainTextResponse:
    """The log's public verifier key (C2SP vkey), to check checkpoints and receipts with."""
    return PlainTextResponse(ledger.public_key(ctx).vkey() + "\n", media_type=NOTE)


@router.get("/checkpoint", response_class=PlainTextResponse)
def latest_checkpoint(ctx: CtxDep, actor: Auditor) -> PlainTextResponse:
    """The latest signed checkpoint, as a C2SP signed note."""
    return PlainTextResponse(ledger.latest_checkpoint(ctx).note, media_type=NOTE)


@router.get("/checkpoints", response_model=CheckpointsPublic)
def list_checkpoints(
    ctx: CtxDep,
    actor: Auditor,
    after: Annotated[int, Query(ge=-1, le=MAX)] = -1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> CheckpointsPublic:
    """Every published checkpoint by size, to check consistency from one to the next."""
    found = ledger.checkpoints(ctx, after, limit)
    next_after = found[-1].size if len(found) == limit else None
    return CheckpointsPublic(items=[CheckpointPublic.of(c) for c in found], next_after=next_after)


@router.get("/checkpoints/{size}", response_class=PlainTextResponse)
def checkpoint_at(
    size: Annotated[int, Path(ge=0, le=MAX)], ctx: CtxDep, actor: Auditor
) -> PlainTextResponse:
    """The checkpoint published for this tree size, as a signed note."""
    return PlainTextResponse(ledger.checkpoint_at(ctx, size).note, media_type=NOTE)


@router.get("/entries/{index}", response_model=EntryPublic)
def entry(index: Annotated[int, Path(ge=0, le=MAX)], ctx: CtxDep, actor: Auditor) -> EntryPublic:
    return EntryPublic.of(ledger.entry(ctx, index))


@router.get("/proof/inclusion", response_model=InclusionProofPublic)
def inclusion_proof(index: Index, size: Size, ctx: CtxDep, actor: Auditor) -> InclusionProofPublic:
    """Proof that entry ``index`` is in the tree of the first ``size`` entries."""
    return InclusionProofPublic.of(index, size, ledger.inclusion(ctx, index, size))


@router.get("/proof/consistency", response_model=ConsistencyProofPublic)
def consistency_proof(old: Size, new: Size, ctx: CtxDep, actor: Auditor) -> ConsistencyProofPublic:
    """Proof that the tree of ``old`` entries is a prefix of the tree of ``new`` entries."""
    return ConsistencyProofPublic.of(old, new, ledger.consistency(ctx, old, new))


@receipts_router.get("/{case_id}/receipts", response_model=list[ReceiptPublic])
def receipts(case_id: CaseId, ctx: CtxDep, actor: Reader) -> list[ReceiptPublic]:
    """A receipt for each logged decision on the case (verdicts, service records)."""
    return [ReceiptPublic.of(r) for r in case_receipts(ctx, actor, case_id)]
