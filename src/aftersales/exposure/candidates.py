"""What a ranking request carries, and the checks that refuse a bad one before any work.

Candidates travel as columns (``Candidates``): the re-ranker scores them with numpy, and a list
of 1,000 small objects would cost more to take apart than the ranking itself. ``from_rows``
builds the columns from rows (dicts or ``Candidate``), refusing an oversized list before reading
it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from aftersales.errors import AftersalesError, ErrorCode, ValidationFailed
from aftersales.exposure.parameters import ExposureConfig
from aftersales.exposure.slots import Slot, parse_slot

__all__ = ["Candidate", "Candidates", "RankRequest", "RankRequestTooLarge", "check_request"]

Floats = npt.NDArray[np.float64]


class RankRequestTooLarge(AftersalesError):
    code = ErrorCode.RANK_REQUEST_TOO_LARGE
    title = "Too many candidates"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One candidate as the marketplace's ranker scored it for this user."""

    item_id: str
    merchant_id: str
    score: float
    content_id: str | None = None


def _too_many(n: int, limit: int) -> RankRequestTooLarge:
    return RankRequestTooLarge(
        f"a rank request takes at most {limit:,} candidates, got {n:,}", limit=limit
    )


@dataclass(frozen=True, slots=True)
class Candidates:
    """The candidates of one request as columns; ``content_ids`` may be left out."""

    item_ids: Sequence[str]
    merchant_ids: Sequence[str]
    scores: Sequence[float] | Floats
    content_ids: Sequence[str | None] | None = None

    def __len__(self) -> int:
        return len(self.item_ids)

    @classmethod
    def from_rows(
        cls, rows: Sequence[Candidate | Mapping[str, Any]], *, limit: int | None = None
    ) -> Candidates:
        """Columns from rows; ``limit`` refuses an oversized list before reading it."""
        if limit is not None and len(rows) > limit:
            raise _too_many(len(rows), limit)
        try:
            if all(isinstance(r, Candidate) for r in rows):
                typed = [r for r in rows if isinstance(r, Candidate)]
                return cls(
                    [r.item_id for r in typed],
                    [r.merchant_id for r in typed],
                    [r.score for r in typed],
                    [r.content_id for r in typed],
                )
            maps = [r if isinstance(r, Mapping) else _as_map(r) for r in rows]
            return cls(
                [m["item_id"] for m in maps],
                [m["merchant_id"] for m in maps],
                [m["score"] for m in maps],
                [m.get("content_id") for m in maps],
            )
        except KeyError as missing:
            raise ValidationFailed(f"every candidate needs {missing.args[0]!r}") from None


def _as_map(row: Candidate) -> Mapping[str, Any]:
    return {
        "item_id": row.item_id,
        "merchant_id": row.merchant_id,
        "score": row.score,
        "content_id": row.content_id,
    }


@dataclass(frozen=True, slots=True)
class RankRequest:
    """``POST /exposure/rank``: re-rank ``candidates`` for ``user_id`` on ``slot``, keep ``k``.

    ``user_id`` is kept for the record; the scores already carry the user's preferences.
    """

    slot: str | Slot
    user_id: str
    candidates: Candidates
    k: int


def _check_scores(candidates: Candidates) -> Floats:
    try:
        scores = np.asarray(candidates.scores, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationFailed("every candidate score must be a number") from None
    if scores.ndim != 1:
        raise ValidationFailed("candidate scores must be a flat list of numbers")
    # Two reductions (NaN fails ``>=``) cost less than a mask; the culprit is found on refusal.
    if len(scores) and scores.min() >= 0.0 and scores.max() < np.inf:
        return scores
    bad = ~np.isfinite(scores) | (scores < 0)
    if bad.any():
        i = int(np.argmax(bad))
        value, item = float(scores[i]), candidates.item_ids[i]
        raise ValidationFailed(
            f"candidate {i} (item {item}) has score {value!r}; scores must be finite numbers"
            " >= 0 (a ranker's negative scores must be shifted or squashed before the request,"
            " since a multiplicative boost would push them down)",
            index=i,
        )
    return scores


def _check_unique(item_ids: Sequence[str]) -> None:
    if len(set(item_ids)) == len(item_ids):
        return
    twice = sorted(i for i, n in Counter(item_ids).items() if n > 1)
    shown = ", ".join(twice[:5]) + (", ..." if len(twice) > 5 else "")
    raise ValidationFailed(
        f"duplicate item ids among the candidates: {shown}", duplicates=twice[:5]
    )


def check_request(request: RankRequest, config: ExposureConfig) -> tuple[Slot, Floats]:
    """The request's slot and scores, or the first reason it is refused."""
    c = request.candidates
    n = len(c)
    if n > config.max_candidates:
        raise _too_many(n, config.max_candidates)
    slot = parse_slot(request.slot)
    if not isinstance(request.user_id, str) or not request.user_id:
        raise ValidationFailed("a rank request needs a user_id")
    k = request.k
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= config.max_k:
        raise ValidationFailed(f"k must be a whole number from 1 to {config.max_k}, got {k!r}")
    lengths = {len(c.merchant_ids), len(c.scores)}
    if c.content_ids is not None:
        lengths.add(len(c.content_ids))
    if lengths != {n}:
        raise ValidationFailed("every candidate column must have one entry per candidate")
    scores = _check_scores(c)
    _check_unique(c.item_ids)
    return slot, scores
