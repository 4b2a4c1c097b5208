"""Audit the stored log against itself and its signatures, so a database rewrite is caught.

The audit trusts nothing but the entries' bytes and the log's public key. It rehashes every
entry, rebuilds the tree, and compares every stored leaf hash, node, the state row and every
checkpoint's root and signature with what it rebuilt. Someone who rewrites an entry and also
recomputes its leaf, nodes and state still cannot re-sign the checkpoints without the key; and
a checkpoint handed out earlier (a receipt, a witness) catches even the key holder.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from aftersales.ledger import (
    EMPTY_ROOT,
    Frontier,
    LedgerError,
    Node,
    Verifier,
    canonical_json,
    leaf_hash,
    open_checkpoint,
)
from aftersales.services.context import Context
from aftersales.store.ledger import LedgerRepository, StoredCheckpoint, StoredEntry

__all__ = ["AuditReport", "audit"]

MAX_PROBLEMS = 100


@dataclass
class AuditReport:
    """What the audit covered and every mismatch it found (empty when the log is sound)."""

    size: int = 0
    nodes: int = 0
    checkpoints: int = 0
    root: bytes = EMPTY_ROOT
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)
        else:
            self.more_problems += 1


def audit(ctx: Context, verifier: Verifier | None = None) -> AuditReport:
    """Recompute the log from its entries and check everything stored against it."""
    verifier = verifier or (ctx.ledger.verifier if ctx.ledger else None)
    report = AuditReport()
    if verifier is None:
        report.problem("no public key to check checkpoint signatures with")
    with ctx.uow(read_only=True) as uow:
        repo = uow.ledger
        # Appends may go on meanwhile: audit the log as it was when the state was read.
        stored = repo.frontier()
        checkpoints = [c for c in repo.checkpoints() if c.size <= stored.size]
        rebuilt = _rebuild(repo, stored.size, {c.size for c in checkpoints}, report)
        _check_state(stored, rebuilt.frontier, report)
        for checkpoint in checkpoints:
            _check_checkpoint(checkpoint, rebuilt.roots.get(checkpoint.size), verifier, report)
    report.size, report.root = rebuilt.frontier.size, rebuilt.frontier.root()
    report.checkpoints = len(checkpoints)
    return report


@dataclass
class _Rebuilt:
    frontier: Frontier = field(default_factory=Frontier)
    roots: dict[int, bytes] = field(default_factory=lambda: {0: EMPTY_ROOT})


def _rebuild(repo: LedgerRepository, size: int, wanted: set[int], report: AuditReport) -> _Rebuilt:
    rebuilt = _Rebuilt()
    frontier = rebuilt.frontier
    for batch in repo.scan_entries(below=size):
        nodes: list[Node] = []
        for entry in batch:
            if entry.index != frontier.size:
                report.problem(
                    f"entry {frontier.size} is missing (the next stored is {entry.index})"
                )
                return rebuilt  # every later index, node and root would differ: stop here
            _check_entry(entry, report)
            nodes.extend(frontier.append(leaf_hash(entry.body)))
            if frontier.size in wanted:
                rebuilt.roots[frontier.size] = frontier.root()
        report.nodes += _check_nodes(repo, nodes, report)
    if frontier.size != size:
        report.problem(f"the state says {size} entries, but only {frontier.size} are stored")
    _check_node_count(repo, size, report)
    return rebuilt


def _check_entry(entry: StoredEntry, report: AuditReport) -> None:
    if leaf_hash(entry.body) != entry.leaf_hash:
        report.problem(f"entry {entry.index}: the stored leaf hash is not the hash of its bytes")
    try:
        canonical = canonical_json(json.loads(entry.body))
    except (ValueError, LedgerError):
        canonical = None
    if canonical != entry.body:
        report.problem(f"entry {entry.index}: its bytes are not canonical JSON")


def _check_nodes(repo: LedgerRepository, nodes: list[Node], report: AuditReport) -> int:
    """Compare the nodes one batch of entries completed with those stored; return the count."""
    by_level: dict[int, dict[int, bytes]] = defaultdict(dict)
    for node in nodes:
        by_level[node.level][node.index] = node.hash
    for level, expected in by_level.items():
        stored = repo.nodes_in(level, min(expected), max(expected))
        for index, value in expected.items():
            if stored.get(index) != value:
                state = "missing" if index not in stored else "wrong"
                report.problem(f"node ({level}, {index}) is {state}")
    return len(nodes)


def _check_node_count(repo: LedgerRepository, size: int, report: AuditReport) -> None:
    expected = sum(size >> level for level in range(size.bit_length()))
    stored = repo.node_count(size)
    if stored != expected:
        report.problem(f"the log of {size} entries has {expected} nodes, {stored} are stored")


def _check_state(stored: Frontier, rebuilt: Frontier, report: AuditReport) -> None:
    if stored.size == rebuilt.size and stored.peaks != rebuilt.peaks:
        report.problem("the state row's frontier does not match the entries")


def _check_checkpoint(
    checkpoint: StoredCheckpoint,
    root: bytes | None,
    verifier: Verifier | None,
    report: AuditReport,
) -> None:
    size = checkpoint.size
    if root is None:
        return  # the entries stopped short of it; already reported
    if checkpoint.root != root:
        report.problem(f"checkpoint {size}: its root is not the root of the first {size} entries")
    if verifier is None:
        return
    try:
        opened = open_checkpoint(checkpoint.note, verifier)
    except LedgerError as exc:
        report.problem(f"checkpoint {size}: {exc.detail}")
        return
    if (opened.size, opened.root) != (size, root):
        report.problem(f"checkpoint {size}: the signed note is for another tree")
