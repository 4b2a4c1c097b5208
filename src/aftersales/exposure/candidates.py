"""What a ranking request carries, and the checks that refuse a bad one before any work.

Candidates travel as columns (``Candidates``): the re-ranker scores them with numpy, and a list
of 1,000 small objects would cost more to take apart than the ranking itself. ``from_rows``
builds the columns from rows (dicts or ``Candidate``), refusing an oversized list before reading
it.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from aftersales.errors import AftersalesError, ErrorCode, Text, ValidationFailed
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
    text = Text(
        f"a rank request takes at most {limit:,} candidates, got {n:,}",
        f"每次排序请求最多 {limit:,} 个候选商品，本次为 {n:,} 个",
    )
    return RankRequestTooLarge(text, limit=limit)


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
            key = missing.args[0]
            raise ValidationFailed(
                Text(f"every candidate needs {key!r}", f"每个候选商品都须有 {key!r}")
            ) from None


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
        raise ValidationFailed(
            Text("every candidate score must be a number", "每个候选商品的分数都须为数字")
        ) from None
    if scores.ndim != 1:
        raise ValidationFailed(
            Text(
                "candidate scores must be a flat list of numbers",
                "候选商品的分数须为一维数字列表",
            )
        )
    # Two reductions (NaN fails ``>=``) cost less than a mask; the culprit is found on refusal.
    if len(scores) and scores.min() >= 0.0 and scores.max() < np.inf:
        return scores
    bad = ~np.isfinite(scores) | (scores < 0)
    if bad.any():
        i = int(np.argmax(bad))
        value, item = float(scores[i]), candidates.item_ids[i]
        text = Text(
            f"candidate {i} (item {item}) has score {value!r}; scores must be finite numbers"
            " >= 0 (a ranker's negative scores must be shifted or squashed before the request,"
            " since a multiplicative boost would push them down)",
            f"候选商品 {i}（商品 {item}）的分数为 {value!r}；分数须为大于或等于 0 的有限数"
            "（排序模型给出的负分须在请求前平移或压缩，因为乘法加权只会把负分压得更低）",
        )
        raise ValidationFailed(text, index=i)
    return scores


def _check_unique(item_ids: Sequence[str]) -> None:
    if len(set(item_ids)) == len(item_ids):
        return
    twice = sorted(i for i, n in Counter(item_ids).items() if n > 1)
    more = len(twice) > 5
    shown = ", ".join(twice[:5]) + (", ..." if more else "")
    listed = "、".join(twice[:5]) + ("等" if more else "")
    text = Text(
        f"duplicate item ids among the candidates: {shown}", f"候选商品中有重复的商品 id：{listed}"
    )
    raise ValidationFailed(text, duplicates=twice[:5])


def check_request(request: RankRequest, config: ExposureConfig) -> tuple[Slot, Floats]:
    """The request's slot and scores, or the first reason it is refused."""
    c = request.candidates
    n = len(c)
    if n > config.max_candidates:
        raise _too_many(n, config.max_candidates)
    slot = parse_slot(request.slot)
    if not isinstance(request.user_id, str) or not request.user_id:
        raise ValidationFailed(Text("a rank request needs a user_id", "排序请求须提供 user_id"))
    k = request.k
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= config.max_k:
        raise ValidationFailed(
            Text(
                f"k must be a whole number from 1 to {config.max_k}, got {k!r}",
                f"k 须为 1 到 {config.max_k} 之间的整数，实际为 {k!r}",
            )
        )
    lengths = {len(c.merchant_ids), len(c.scores)}
    if c.content_ids is not None:
        lengths.add(len(c.content_ids))
    if lengths != {n}:
        raise ValidationFailed(
            Text(
                "every candidate column must have one entry per candidate",
                "候选商品每一列的条目数都须等于候选商品数",
            )
        )
    scores = _check_scores(c)
    _check_unique(c.item_ids)
    return slot, scores
