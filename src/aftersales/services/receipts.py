"""Receipts for case decisions: what a consumer or merchant keeps to prove a decision was logged.

A receipt is the entry's exact bytes, its index, a signed checkpoint that covers it and the
inclusion proof to that checkpoint's root; also the same as a C2SP tlog-proof text. With the
log's public key anyone can check it offline (``aftersales ledger verify``, or any tlog tool).
"""

from __future__ import annotations

from dataclasses import dataclass

from aftersales.domain.actors import Actor
from aftersales.ledger import LogProof, inclusion_proof
from aftersales.services import ledger
from aftersales.services.cases import load_visible
from aftersales.services.context import Context
from aftersales.services.ledger_records import case_subject
from aftersales.store.ledger import StoredCheckpoint, StoredEntry
from aftersales.store.uow import UnitOfWork

__all__ = ["Receipt", "case_receipts"]


@dataclass(frozen=True, slots=True)
class Receipt:
    entry: StoredEntry
    checkpoint: StoredCheckpoint
    proof: tuple[bytes, ...]

    def tlog_proof(self) -> str:
        """The receipt as a c2sp.org/tlog-proof text (the entry travels beside it)."""
        return LogProof(self.entry.index, self.proof, self.checkpoint.note).text()


def case_receipts(ctx: Context, actor: Actor, case_id: str) -> list[Receipt]:
    """A receipt for every logged decision on a case the actor may see, oldest first.

    When no published checkpoint covers the newest entry yet, one is signed now: a receipt is
    only worth keeping with a checkpoint to check it against."""
    with ctx.uow(read_only=True) as uow:
        load_visible(uow, actor, case_id)
        entries = uow.ledger.entries_about(case_subject(case_id))
        latest = uow.ledger.latest_checkpoint()
    if not entries:
        return []
    if latest is None or latest.size <= entries[-1].index:
        latest = ledger.checkpoint(ctx)
    with ctx.uow(read_only=True) as uow:
        return [Receipt(e, latest, _proof(uow, e.index, latest.size)) for e in entries]


def _proof(uow: UnitOfWork, index: int, size: int) -> tuple[bytes, ...]:
    return tuple(uow.ledger.prove(lambda source: inclusion_proof(index, size, source)))
