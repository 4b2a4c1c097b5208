"""The re-ranker: refusals, holds, slot and pool scoping, penalties, and the relevance floor."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any, overload

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.errors import Conflict, ErrorCode, ValidationFailed
from aftersales.exposure import (
    Candidate,
    Candidates,
    Exposure,
    ExposureConfig,
    Impression,
    RankRequest,
    RankRequestTooLarge,
    Reason,
    Slot,
    Stage,
    held_products,
)
from aftersales.recall import Hold
from aftersales.scoring import Tier

from .builders import T0, exposure, item, pool, request, store

NOON = T0 + timedelta(hours=12)
# No relevance budget to speak of: these tests look at who may be boosted, not how much.
LOOSE = ExposureConfig(relevance_floor=0.0)


def earn_merit(ex: Exposure, key: str, n: int = 20) -> None:
    """Credit a programme target with merit impressions, as ranking on its merits would."""
    i = ex.pacer.index(key)
    assert i is not None
    ex.pacer.note_merit(np.full(n, i, dtype=np.int64), NOON.timestamp())


def reasons(result: Any) -> dict[str, tuple[Reason, ...]]:
    return {it.item_id: it.reasons for it in result.items}


# ---- bad input --------------------------------------------------------------------------------


def test_100000_candidates_are_refused_as_too_large() -> None:
    ex = exposure()
    ids = [f"x{i}" for i in range(100_000)]
    big = RankRequest("search", "u1", Candidates(ids, ["m_std"] * len(ids), [0.5] * len(ids)), 10)
    with pytest.raises(RankRequestTooLarge, match="at most 10,000 candidates, got 100,000") as e:
        ex.rank(big, now=NOON)
    assert e.value.code is ErrorCode.RANK_REQUEST_TOO_LARGE


def test_the_candidate_limit_is_configurable() -> None:
    ex = exposure(ExposureConfig(max_candidates=3))
    with pytest.raises(RankRequestTooLarge, match="at most 3"):
        ex.rank(request({f"p_std_{i}": 0.5 for i in range(4)}), now=NOON)


def _bad(**change: Any) -> RankRequest:
    base: dict[str, Any] = {
        "slot": "search",
        "user_id": "u1",
        "k": 2,
        "items": ["p_std_0", "p_std_1"],
        "merchants": ["m_std", "m_std"],
        "scores": [0.5, 0.4],
    }
    base.update(change)
    c = Candidates(base["items"], base["merchants"], base["scores"])
    return RankRequest(base["slot"], base["user_id"], c, base["k"])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (_bad(items=["p_std_0", "p_std_0"]), "duplicate item ids among the candidates: p_std_0"),
        (_bad(scores=[math.nan, 0.4]), "score nan; scores must be finite numbers >= 0"),
        (_bad(scores=[math.inf, 0.4]), "score inf"),
        (_bad(scores=[0.5, -0.1]), "candidate 1 .* score -0.1"),
        (_bad(scores=["high", 0.4]), "must be a number"),
        (_bad(slot="homepage"), "unknown slot 'homepage' .known: search, feed, mini_detail"),
        (_bad(k=0), "k must be a whole number from 1 to 200, got 0"),
        (_bad(k=201), "got 201"),
        (_bad(k=True), "got True"),
        (_bad(user_id=""), "needs a user_id"),
        (_bad(merchants=["m_std"]), "one entry per candidate"),
    ],
)
def test_bad_requests_are_refused_with_a_clear_reason_and_change_nothing(
    bad: RankRequest, message: str
) -> None:
    ex = exposure(LOOSE, enrolments=[store("m_exc")])
    before = ex.pacer.snapshot()
    with pytest.raises(ValidationFailed, match=message):
        ex.rank(bad, now=NOON)
    assert ex.pacer.snapshot() == before


class _Huge(Sequence[Candidate]):
    """A list that claims 100,000 rows and fails if anyone reads one."""

    def __len__(self) -> int:
        return 100_000

    @overload
    def __getitem__(self, i: int) -> Candidate: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Candidate]: ...
    def __getitem__(self, i: int | slice) -> Candidate | Sequence[Candidate]:
        raise AssertionError("read a row of an oversized request")

    def __iter__(self) -> Iterator[Candidate]:
        raise AssertionError("read a row of an oversized request")


def test_rows_are_refused_for_size_before_any_is_read() -> None:
    with pytest.raises(RankRequestTooLarge):
        Candidates.from_rows(_Huge(), limit=10_000)


def test_rows_become_columns_from_dicts_or_candidates() -> None:
    rows = [{"item_id": "p_std_0", "merchant_id": "m_std", "score": 0.5, "content_id": "c1"}]
    typed = [Candidate("p_std_0", "m_std", 0.5, "c1")]
    assert Candidates.from_rows(rows) == Candidates.from_rows(typed)
    with pytest.raises(ValidationFailed, match="every candidate needs 'score'"):
        Candidates.from_rows([{"item_id": "p", "merchant_id": "m"}])


def test_ranking_before_the_first_refresh_is_refused() -> None:
    with pytest.raises(Conflict, match="no serving plan"):
        Exposure().rank(request({"p_std_0": 0.5}), now=NOON)


# ---- order and holds --------------------------------------------------------------------------


def test_without_boosts_the_ranker_order_stands_and_ties_keep_the_request_order() -> None:
    ex = exposure()
    result = ex.rank(request({"p_std_2": 0.5, "p_std_0": 0.9, "p_std_1": 0.5}, k=3), now=NOON)
    assert [it.item_id for it in result.items] == ["p_std_0", "p_std_2", "p_std_1"]
    assert [it.position for it in result.items] == [1, 2, 3]
    assert all(it.reasons == () and it.multiplier == 1.0 for it in result.items)


def test_a_product_on_a_stop_sale_hold_is_never_shown() -> None:
    held = held_products([Hold("p_exc_0", batch_id="b7", regions=("CN-SH",))])
    ex = exposure(LOOSE, enrolments=[store("m_exc")], held=held)
    earn_merit(ex, "programme:m_exc:search")
    result = ex.rank(request({"p_exc_0": 0.99, "p_exc_1": 0.2, "p_std_0": 0.1}, k=3), now=NOON)
    assert [it.item_id for it in result.items] == ["p_exc_1", "p_std_0"]
    assert result.held_out == 1
    only_held = ex.rank(request({"p_exc_0": 0.99}), now=NOON)
    assert only_held.items == () and only_held.held_out == 1


# ---- who may be boosted -----------------------------------------------------------------------


def _crowd(*boosted: str) -> dict[str, float]:
    """Ten standard products at 0.9 to 0.81, then the named products at 0.8."""
    scores = {f"p_std_{i}": 0.9 - i / 100 for i in range(10)}
    return scores | {p: 0.8 for p in boosted}


def test_a_pooled_product_is_boosted_into_the_top_k_and_says_why() -> None:
    ex = exposure(LOOSE, enrolments=[pool("m_good", 3)])
    earn_merit(ex, "programme:m_good:search")
    result = ex.rank(request(_crowd("p_good_1"), k=10), now=NOON)
    why = reasons(result)
    assert why["p_good_1"] == (Reason.PROGRAMME_BOOST,)
    assert result.items[-1].item_id == "p_good_1"  # in the list, below everything on merit
    assert result.boosted == 1 and result.items[-1].multiplier > 1


def test_an_enrolled_product_shown_on_its_merits_is_not_adjusted() -> None:
    ex = exposure(LOOSE, enrolments=[pool("m_good", 3)])
    earn_merit(ex, "programme:m_good:search")
    result = ex.rank(request({"p_good_0": 0.95, "p_std_0": 0.9}, k=2), now=NOON)
    top = result.items[0]
    assert top.item_id == "p_good_0" and top.reasons == () and top.multiplier == 1.0
    assert top.adjusted == top.score and result.boosted == 0


def test_a_product_outside_the_pool_or_claimed_by_another_merchant_is_not_boosted() -> None:
    ex = exposure(LOOSE, enrolments=[pool("m_good", 3)])
    earn_merit(ex, "programme:m_good:search")
    result = ex.rank(request(_crowd("p_good_5"), k=10), now=NOON)
    assert "p_good_5" not in reasons(result)
    ids = [*_crowd(), "p_good_1"]
    merchants = ["m_std"] * 11  # a candidate that names the pooled product under another shop
    claimed = Candidates(ids, merchants, [*_crowd().values(), 0.8])
    result = ex.rank(RankRequest("search", "u1", claimed, 10), now=NOON)
    assert "p_good_1" not in reasons(result)


def test_a_store_wide_enrolment_boosts_any_product_of_the_store() -> None:
    ex = exposure(LOOSE, enrolments=[store("m_exc")])
    earn_merit(ex, "programme:m_exc:feed")
    result = ex.rank(request(_crowd("p_exc_7"), Slot.FEED, k=10), now=NOON)
    assert reasons(result)["p_exc_7"] == (Reason.PROGRAMME_BOOST,)


def test_the_programme_boosts_only_on_the_slots_its_weights_name() -> None:
    config = ExposureConfig(relevance_floor=0.0, weights={Tier.GOOD: {Slot.MINI_DETAIL: 1.25}})
    ex = exposure(config, enrolments=[store("m_good")])
    assert ex.pacer.index("programme:m_good:search") is None
    earn_merit(ex, "programme:m_good:mini_detail")
    for slot in (Slot.SEARCH, Slot.FEED):
        assert "p_good_1" not in reasons(ex.rank(request(_crowd("p_good_1"), slot), now=NOON))
    detail = ex.rank(request(_crowd("p_good_1"), Slot.MINI_DETAIL), now=NOON)
    assert reasons(detail)["p_good_1"] == (Reason.PROGRAMME_BOOST,)


def test_the_ladder_boosts_content_only_on_its_slots_and_for_its_own_merchant() -> None:
    video = item("c1", "m_std", Stage.BOOST, product="p_std_9")
    ex = exposure(LOOSE, content=[video])
    scores = {f"p_exc_{i}": 0.9 - i / 100 for i in range(10)} | {"p_std_9": 0.8}
    on_feed = ex.rank(request(scores, Slot.FEED, content={"p_std_9": "c1"}), now=NOON)
    assert reasons(on_feed)["p_std_9"] == (Reason.LADDER_BOOST,)
    detail = ex.rank(request(scores, Slot.MINI_DETAIL, content={"p_std_9": "c1"}), now=NOON)
    assert "p_std_9" not in reasons(detail)
    stolen = ex.rank(
        request(scores | {"p_exc_9": 0.8}, Slot.FEED, content={"p_exc_9": "c1"}), now=NOON
    )
    assert reasons(stolen).get("p_exc_9", ()) == ()


# ---- penalties --------------------------------------------------------------------------------


def test_a_watch_merchant_gets_no_boost_of_any_kind() -> None:
    video = item("c1", "m_watch", Stage.AMPLIFICATION_POOL, product="p_watch_1")
    ex = exposure(LOOSE, content=[video])
    assert not [t for t in ex.plan.targets if t.merchant_id == "m_watch"]  # quota withheld
    result = ex.rank(request(_crowd("p_watch_1"), Slot.FEED, content={"p_watch_1": "c1"}), now=NOON)
    assert "p_watch_1" not in reasons(result)
    shown = ex.rank(request({"p_watch_1": 0.95, "p_std_0": 0.9}), now=NOON)
    assert reasons(shown)["p_watch_1"] == (Reason.BOOST_WITHHELD,)
    assert shown.items[0].multiplier == 1.0


def test_a_restricted_merchant_gets_half_the_places_its_products_earn() -> None:
    ex = exposure()
    shown = []
    for _ in range(20):  # its product is the best candidate every time
        result = ex.rank(request({"p_restr_0": 0.9, "p_std_0": 0.8}, k=1), now=NOON)
        top = result.items[0]
        ex.record(Slot.SEARCH, [Impression(top.item_id, top.merchant_id)], now=NOON)
        shown.append(top.item_id)
        if top.item_id == "p_restr_0":
            assert top.reasons == (Reason.THROTTLED,) and top.multiplier == 1.0
        else:
            assert result.throttled_out == 1
    assert shown.count("p_restr_0") == 10  # throttle 0.5: every other time
    status = next(s for s in ex.pacing(NOON) if s.target.key == "throttle:m_restr:search")
    assert (status.merit, status.delivered, status.goal) == (20, 10, 10.0)


# ---- the relevance floor ----------------------------------------------------------------------


def _dcg(values: list[float]) -> float:
    return sum(v / math.log2(i + 2) for i, v in enumerate(values))


def test_the_relevance_floor_holds_back_a_boost_that_would_cost_too_much() -> None:
    strict = ExposureConfig(relevance_floor=0.999)
    ex = exposure(strict, enrolments=[store("m_exc")])
    earn_merit(ex, "programme:m_exc:search")
    far = ex.rank(request(_crowd() | {"p_exc_1": 0.6}), now=NOON)
    assert "p_exc_1" not in reasons(far) and far.held_back == 1 and far.relevance == 1.0
    near = ex.rank(request(_crowd() | {"p_exc_1": 0.8099}), now=NOON)
    assert reasons(near)["p_exc_1"] == (Reason.PROGRAMME_BOOST,)
    assert near.relevance >= 0.999


@settings(max_examples=60, deadline=None)
@given(
    scores=st.lists(st.floats(0, 1), min_size=1, max_size=60),
    enrolled=st.lists(st.booleans(), min_size=60, max_size=60),
    k=st.integers(1, 12),
    floor=st.sampled_from([0.0, 0.9, 0.99, 0.997, 1.0]),
)
def test_every_list_keeps_the_relevance_floor_and_the_rankers_order(
    scores: list[float], enrolled: list[bool], k: int, floor: float
) -> None:
    ex = exposure(ExposureConfig(relevance_floor=floor), enrolments=[pool("m_exc", 10)])
    earn_merit(ex, "programme:m_exc:search", 50)
    ids = [f"p_exc_{i}" if enrolled[i] and i < 10 else f"q{i}" for i in range(len(scores))]
    merchants = ["m_exc" if i.startswith("p_exc") else "m_std" for i in ids]
    result = ex.rank(RankRequest("search", "u", Candidates(ids, merchants, scores), k), now=NOON)
    shown = [it.score for it in result.items]
    best = sorted(scores, reverse=True)[: len(shown)]
    assert len(shown) == min(k, len(scores)) and len({it.item_id for it in result.items}) == len(
        shown
    )
    assert shown == sorted(shown, reverse=True)  # the ranker decides the order
    assert _dcg(shown) >= floor * _dcg(best) - 1e-9
    assert result.relevance == pytest.approx(_dcg(shown) / _dcg(best) if _dcg(best) else 1.0)
