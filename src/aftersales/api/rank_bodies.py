"""The two hot bodies of the exposure API, decoded with msgspec: a rank request (up to 10,000
candidates) and an impressions report; and the rank answer, encoded with msgspec.

They are on the marketplace's serving path, and decoding 1,000 candidates into pydantic objects
cost more than re-ranking them (about 0.5 ms against 0.2 ms with msgspec, which validates the
types and lengths while it parses). Every other body of the API is pydantic. Inside a candidate
unknown keys are ignored, so a ranker may send its rows as they are; at the top level they are
refused. A body that does not fit is a 422 ``validation_failed`` naming the place
(``$.candidates[3].score``), one that is not JSON (``NaN`` is not, nor a cut-off body) a 400,
whichever the parser meets first.

The answer has the shape of ``exposure_schemas.RankPublic`` (which documents it); building that
pydantic model for every request cost about 40 µs, encoding plain values with msgspec 5 µs.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter
from typing import Annotated, Any, TypeVar

import msgspec
import numpy as np

from aftersales.api import validation_texts as texts
from aftersales.errors import AftersalesError, ErrorCode, Text, ValidationFailed
from aftersales.exposure import (
    Candidates,
    Impression,
    RankRequest,
    RankRequestTooLarge,
    RankResult,
)
from aftersales.exposure.texts import REASONS

__all__ = [
    "CandidateCreate",
    "ImpressionsCreate",
    "RankCreate",
    "ShownCreate",
    "encode_rank",
    "impressions_body_schema",
    "parse_impressions",
    "parse_rank",
    "rank_body_schema",
]

# Ids of the marketplace's own catalogue, checked for length only: a pattern per candidate
# would cost more than the ranking, and nothing of a rank request is stored.
CatalogId = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
T = TypeVar("T")


class CandidateCreate(msgspec.Struct, gc=False):
    """One candidate as the marketplace's ranker scored it for the user.

    Not tracked by the garbage collector (it holds strings and a float, no cycles): 1,000 of
    them per request would otherwise start a collection on nearly every request."""

    item_id: CatalogId
    merchant_id: CatalogId
    score: float  # finite and >= 0, checked with the request
    content_id: CatalogId | None = None


class RankCreate(msgspec.Struct, forbid_unknown_fields=True):
    """``POST /exposure/rank``: the marketplace's candidates for one user, and how many to keep."""

    slot: str
    user_id: CatalogId
    candidates: list[CandidateCreate]
    k: int


class ShownCreate(msgspec.Struct, gc=False):
    item_id: CatalogId
    merchant_id: CatalogId
    content_id: CatalogId | None = None


class ImpressionsCreate(msgspec.Struct, forbid_unknown_fields=True):
    """``POST /exposure/impressions``: what the marketplace showed on a slot."""

    slot: str
    items: list[ShownCreate]


_RANK = msgspec.json.Decoder(RankCreate)
_IMPRESSIONS = msgspec.json.Decoder(ImpressionsCreate)
# Any JSON at all, numbers kept as their text: none is out of range, only the syntax can fail.
_ANY_JSON = msgspec.json.Decoder(float_hook=str)
_ITEM, _MERCHANT, _SCORE, _CONTENT = map(
    attrgetter, ("item_id", "merchant_id", "score", "content_id")
)


def _decoded(decoder: msgspec.json.Decoder[T], raw: bytes) -> T:
    try:
        return decoder.decode(raw)
    except msgspec.ValidationError as exc:
        misfit = str(exc)
    except (msgspec.DecodeError, RecursionError) as exc:  # or nested deeper than it parses
        raise _malformed(exc) from None
    # msgspec checks the types as it parses, so a wrong value ahead of a cut or a stray byte is
    # a ValidationError before the parser reaches them. Only on this refusal's path is the body
    # parsed once more, without types, to tell a body that does not fit (422) from one that is
    # not JSON at all (400, as FastAPI answers for every pydantic body).
    try:
        _ANY_JSON.decode(raw)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise _malformed(exc) from None
    text = texts.misfit(misfit)
    raise ValidationFailed(text.en, text=text)


def _malformed(exc: Exception) -> AftersalesError:
    text = texts.not_json(str(exc))
    return AftersalesError(text.en, code=ErrorCode.MALFORMED_REQUEST, text=text)


def parse_rank(raw: bytes, max_candidates: int) -> RankRequest:
    """A rank request from its JSON, as columns; too many candidates are refused (413)."""
    body = _decoded(_RANK, raw)
    rows = body.candidates
    if len(rows) > max_candidates:
        raise RankRequestTooLarge(
            Text(
                f"a rank request takes at most {max_candidates:,} candidates, got {len(rows):,}",
                f"一次排序请求最多 {max_candidates:,} 个候选，收到 {len(rows):,} 个",  # noqa: RUF001
            ),
            limit=max_candidates,
        )
    # map() with attrgetter runs in C: a Python loop over 1,000 rows costs more than ranking.
    contents = list(map(_CONTENT, rows))
    candidates = Candidates(
        list(map(_ITEM, rows)),
        list(map(_MERCHANT, rows)),
        np.fromiter(map(_SCORE, rows), np.float64, count=len(rows)),
        None if contents.count(None) == len(contents) else contents,
    )
    return RankRequest(body.slot, body.user_id, candidates, body.k)


def parse_impressions(raw: bytes) -> tuple[str, list[Impression]]:
    body = _decoded(_IMPRESSIONS, raw)
    return body.slot, [Impression(i.item_id, i.merchant_id, i.content_id) for i in body.items]


_ENCODER = msgspec.json.Encoder()
_REASON_TEXTS = {reason: {"en": text.en, "zh": text.zh} for reason, text in REASONS.items()}


def encode_rank(result: RankResult) -> bytes:
    """The answer to a rank request as JSON, field for field ``RankPublic``."""
    items = [
        {
            "position": i.position,
            "item_id": i.item_id,
            "merchant_id": i.merchant_id,
            "content_id": i.content_id,
            "score": i.score,
            "adjusted": i.adjusted,
            "multiplier": i.multiplier,
            "reasons": [r.value for r in i.reasons],
        }
        for i in result.items
    ]
    used = sorted({r.value for i in result.items for r in i.reasons})
    answer = {
        "slot": result.slot.value,
        "items": items,
        "held_out": result.held_out,
        "throttled_out": result.throttled_out,
        "boosted": result.boosted,
        "held_back": result.held_back,
        "relevance": result.relevance,
        "reason_texts": {r: _REASON_TEXTS[r] for r in used},
    }
    return _ENCODER.encode(answer)


def _inline(schema: Any, defs: Mapping[str, Any]) -> Any:
    """The schema with its local ``$defs`` references written out, for ``openapi_extra``."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def _body(kind: type[msgspec.Struct]) -> dict[str, Any]:
    schema = msgspec.json.schema(kind)
    inlined = _inline(schema, schema.get("$defs", {}))
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": inlined}}}}


def rank_body_schema() -> dict[str, Any]:
    return _body(RankCreate)


def impressions_body_schema() -> dict[str, Any]:
    return _body(ImpressionsCreate)
