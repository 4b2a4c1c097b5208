"""The rank route's hand-written halves: the msgspec answer keeps to the documented ``RankPublic``,
the body becomes the columns the re-ranker reads, and the plain routes stay documented."""

from __future__ import annotations

import json
from typing import cast

import numpy as np

from aftersales.api.app import create_app
from aftersales.api.exposure_schemas import RankPublic
from aftersales.api.rank_bodies import encode_rank, parse_rank
from aftersales.exposure import RankedItem, RankResult, Reason, Slot
from aftersales.services.context import Context


def _result() -> RankResult:
    items = (
        RankedItem(1, "p1", "m1", None, 0.9, 0.9, 1.0, ()),
        RankedItem(2, "p2", "m2", "ct1", 0.5, 0.75, 1.5, (Reason.LADDER_BOOST,)),
        RankedItem(3, "p3", "m3", None, 0.4, 0.44, 1.1, (Reason.PROGRAMME_BOOST,)),
        RankedItem(4, "p4", "m4", None, 0.3, 0.3, 1.0, (Reason.THROTTLED,)),
    )
    return RankResult(Slot.FEED, items, 2, 1, 2, 3, 0.998)


def test_the_encoded_answer_is_the_documented_one_field_for_field() -> None:
    result = _result()

    raw = encode_rank(result)
    answer = json.loads(raw)
    documented = RankPublic.model_validate_json(raw)

    assert documented.model_dump(mode="json") == answer  # no field missing, none extra
    assert list(answer) == list(RankPublic.model_fields)
    assert answer["items"][1] == {
        "position": 2,
        "item_id": "p2",
        "merchant_id": "m2",
        "content_id": "ct1",
        "score": 0.5,
        "adjusted": 0.75,
        "multiplier": 1.5,
        "reasons": ["ladder_boost"],
    }
    assert (answer["slot"], answer["held_out"], answer["throttled_out"]) == ("feed", 2, 1)
    assert (answer["boosted"], answer["held_back"], answer["relevance"]) == (2, 3, 0.998)


def test_the_answer_explains_only_the_reasons_it_uses_in_both_languages() -> None:
    texts = json.loads(encode_rank(_result()))["reason_texts"]

    assert sorted(texts) == ["ladder_boost", "programme_boost", "throttled"]
    assert all(t["en"] and t["zh"] and t["en"] != t["zh"] for t in texts.values())


def test_a_body_becomes_columns_with_scores_as_an_array() -> None:
    raw = json.dumps(
        {
            "slot": "search",
            "user_id": "u1",
            "k": 2,
            "candidates": [
                {"item_id": "a", "merchant_id": "m1", "score": 1, "extra": "ignored"},
                {"item_id": "b", "merchant_id": "m2", "score": 0.25, "content_id": "ct9"},
            ],
        }
    ).encode()
    without_content = raw.replace(b', "content_id": "ct9"', b"")

    request = parse_rank(raw, 10)
    plain = parse_rank(without_content, 10)

    c = request.candidates
    assert (request.slot, request.user_id, request.k) == ("search", "u1", 2)
    assert list(c.item_ids) == ["a", "b"] and list(c.merchant_ids) == ["m1", "m2"]
    assert isinstance(c.scores, np.ndarray) and c.scores.tolist() == [1.0, 0.25]
    assert list(c.content_ids or ()) == [None, "ct9"]
    assert plain.candidates.content_ids is None  # no content at all: no column


def test_the_plain_routes_keep_their_openapi_entries() -> None:
    paths = create_app(cast(Context, None)).openapi()["paths"]

    for path, body, answer in (
        ("/api/v1/exposure/rank", "RankCreate", "RankPublic"),
        ("/api/v1/exposure/impressions", "ImpressionsCreate", "ImpressionsPublic"),
    ):
        post = paths[path]["post"]
        schema = post["requestBody"]["content"]["application/json"]["schema"]
        assert post["security"] == [{"HTTPBearer": []}]
        assert post["tags"] == ["exposure"] and post["requestBody"]["required"] is True
        assert schema["title"] == body and "additionalProperties" in schema
        assert post["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{answer}"
        }
