"""transparency-dev/merkle's golden inclusion and consistency probes (read from ../shared)."""

from __future__ import annotations

import base64
import json
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest

from aftersales.ledger import ProofError, verify_consistency, verify_inclusion

REPO = Path(__file__).resolve().parents[3]
TESTDATA = REPO.parent / "shared" / "data" / "transparency-dev-merkle-testdata" / "testdata"

# Probes where we are stricter than the reference verifier, on purpose.
STRICTER = {
    # Uses 12-byte placeholder roots and expects success; we insist on 32-byte hashes.
    "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json": "must be 32 bytes",
}


def _probes(kind: str) -> list[Any]:
    files = sorted((TESTDATA / kind).rglob("*.json")) if TESTDATA.is_dir() else []
    if not files:
        reason = f"no {kind} probes under {TESTDATA}"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="absent")]
    return [pytest.param(path, id=str(path.relative_to(TESTDATA / kind))) for path in files]


def _load(path: Path) -> dict[str, Any]:
    probe: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    probe["proof"] = [base64.b64decode(h) for h in probe["proof"] or []]
    return probe


def _expect(path: Path, want_err: bool) -> AbstractContextManager[Any]:
    strict = STRICTER.get(str(path.relative_to(TESTDATA)))
    if strict:
        return pytest.raises(ProofError, match=strict)
    return pytest.raises(ProofError) if want_err else nullcontext()


@pytest.mark.parametrize("path", _probes("inclusion"))
def test_inclusion_probe(path: Path) -> None:
    probe = _load(path)
    leaf, root = base64.b64decode(probe["leafHash"]), base64.b64decode(probe["root"])
    with _expect(path, probe["wantErr"]):
        verify_inclusion(leaf, probe["leafIdx"], probe["treeSize"], probe["proof"], root)


@pytest.mark.parametrize("path", _probes("consistency"))
def test_consistency_probe(path: Path) -> None:
    probe = _load(path)
    old, new = base64.b64decode(probe["root1"]), base64.b64decode(probe["root2"])
    with _expect(path, probe["wantErr"]):
        verify_consistency(probe["size1"], probe["size2"], old, new, probe["proof"])
