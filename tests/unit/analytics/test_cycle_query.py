"""The cycle's query on DuckDB against hand-made cases and against the plain pandas version."""

from __future__ import annotations

import gc
import sys
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from aftersales.analytics import CycleInputs, Limits, Window, aggregate, build_windows
from aftersales.analytics.engines import duckdb_engine
from aftersales.analytics.reference import aggregate_pandas
from aftersales.analytics.synthetic import Shape, generate
from aftersales.scoring import ServiceCounts, score_cycle, weigh_buyers
from aftersales.scoring.counts import Ratings

END = datetime(2026, 12, 1, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=90), END)
T0 = WINDOW.start_s + 86400.0
H = 3600.0


def _windows(inputs: CycleInputs) -> list:
    with duckdb_engine(inputs) as engine:
        return build_windows(aggregate(engine, WINDOW, Limits()))


def _lines(rows: list[tuple[str, str, str, str, float]]) -> pa.Table:
    keys = ("line_id", "merchant_id", "consumer_id", "category", "placed_at")
    return pa.table({k: [r[i] for r in rows] for i, k in enumerate(keys)})


def _case(case_id: str, line: str, consumer: str, **over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "case_id": case_id,
        "line_id": line,
        "merchant_id": "m",
        "consumer_id": consumer,
        "category": "digital/phone",
        "placed_at": T0,
        "type": "return_refund",
        "opened_at": T0 + 48 * H,
        "counts_against_merchant": True,
        "first_response_due": T0 + 72 * H,
        "proposal_due": T0 + 120 * H,
        "resolved_at": None,
    }
    return row | over


def _event(case_id: str, seq: int, kind: str, at: float, **over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "case_id": case_id,
        "seq": seq,
        "kind": kind,
        "at": at,
        "actor_role": "merchant_agent",
        "actor_id": "m",
        "first_response": None,
        "reason": None,
        "verdict": None,
        "score": None,
    }
    return row | over


def test_each_case_is_counted_by_what_its_events_say() -> None:
    lines = _lines([(f"l{i}", "m", f"u{i}", "digital/phone", T0) for i in range(10)])
    cases = pa.Table.from_pylist(
        [
            _case("good", "l0", "u0", resolved_at=T0 + 60 * H),
            _case("late", "l1", "u1"),
            _case("blamed_elsewhere", "l2", "u2", counts_against_merchant=False),
            _case("disputed", "l3", "u3", resolved_at=T0 + 300 * H, type="refund_only"),
            _case(  # the consumer came back; the merchant never answered this one
                "again",
                "l0",
                "u0",
                opened_at=T0 + 200 * H,
                first_response_due=T0 + 224 * H,
                proposal_due=T0 + 272 * H,
            ),
        ]
    )
    events = pa.Table.from_pylist(
        [
            _event("good", 2, "message_posted", T0 + 50 * H, first_response=True),
            _event("good", 3, "proposed", T0 + 51 * H, first_response=False),
            _event("good", 4, "rated", T0 + 70 * H, actor_role="consumer", score=5),
            _event("late", 2, "first_response_missed", T0 + 72 * H, actor_role="system"),
            _event("disputed", 2, "escalated", T0 + 60 * H, actor_role="consumer"),
            _event(
                "disputed", 3, "arbitrated", T0 + 90 * H, actor_role="operator", verdict="merchant"
            ),
            _event("disputed", 4, "appealed", T0 + 95 * H, actor_role="consumer"),
            _event(
                "disputed", 5, "arbitrated", T0 + 300 * H, actor_role="operator", verdict="consumer"
            ),
            _event("disputed", 6, "rated", T0 + 400 * H, actor_role="consumer", score=2),
        ],
    )
    (window,) = _windows(CycleInputs(lines, cases, events))

    c = window.counts
    assert (c.orders, c.cases) == (10.0, 3.0)  # three lines with cases; one was not the merchant's
    assert (c.first_response.due, c.first_response.on_time) == (2.0, 1.0)
    # "good" proposed in time; "again" never did; "late" and "disputed" left the merchant's
    # hands (the clock's grant, the platform) before their proposal was due.
    assert (c.proposal.due, c.proposal.on_time) == (2.0, 1.0)
    assert (c.resolution.due, c.resolution.on_time) == (2.0, 2.0)
    assert (c.escalations, c.disputes_lost) == (1.0, 1.0)  # the verdict after the appeal counts
    assert (c.refund_only, c.repeat_contacts) == (1.0, 1.0)
    assert c.ratings.stars == (0.0, 1.0, 0.0, 0.0, 1.0)
    assert c.resolution_hours == (12.0, 252.0)


def test_buyer_weights_match_the_scoring_packages_reference() -> None:
    # One buyer with ten lines (a brusher), rating twice; five ordinary buyers.
    rows = [(f"b{i}", "m", "brusher", "food/packaged", T0) for i in range(10)]
    rows += [(f"o{i}", "m", f"u{i}", "food/packaged", T0) for i in range(5)]
    cases = pa.Table.from_pylist(
        [
            _case("c1", "b0", "brusher", category="food/packaged", resolved_at=T0 + 50 * H),
            _case("c2", "b1", "brusher", category="food/packaged", resolved_at=T0 + 50 * H),
            _case("c3", "o0", "u0", category="food/packaged", resolved_at=T0 + 50 * H),
        ]
    )
    rated = [
        _event(c, 2, "rated", T0 + 60 * H, actor_role="consumer", score=s)
        for c, s in (("c1", 5), ("c2", 5), ("c3", 1))
    ]
    (window,) = _windows(CycleInputs(_lines(rows), cases, pa.Table.from_pylist(rated)))

    def buyer(orders: int, cases: int, stars: tuple[float, ...]) -> ServiceCounts:
        return ServiceCounts(orders=orders, cases=cases, ratings=Ratings(stars))  # type: ignore[arg-type]

    reference = weigh_buyers(
        [buyer(10, 2, (0, 0, 0, 0, 2))]
        + [buyer(1, 1, (1, 0, 0, 0, 0))]
        + [buyer(1, 0, (0,) * 5)] * 4,
        5.0,
        1.0,
    )
    assert window.counts.orders == pytest.approx(reference.orders)
    assert window.counts.cases == pytest.approx(reference.cases)
    assert window.counts.ratings.stars == pytest.approx(reference.ratings.stars)


def test_duckdb_and_the_plain_pandas_version_agree_exactly_on_a_simulated_market() -> None:
    inputs = generate(
        Shape(merchants=200, lines=20_000, cases=2_000, consumers=4_000, appeals=10), WINDOW
    )

    with duckdb_engine(inputs) as engine:
        on_duckdb = build_windows(aggregate(engine, WINDOW, Limits()))
    on_pandas = build_windows(aggregate_pandas(inputs, WINDOW, Limits()))

    assert on_duckdb == on_pandas
    # Appeals of cases outside the window, or not counted against the merchant, change nothing.
    assert 0 < sum(len(w.excluded) for w in on_duckdb) <= 10


def test_an_excluded_case_leaves_exactly_the_card_of_a_market_without_it() -> None:
    inputs = generate(
        Shape(merchants=120, lines=12_000, cases=1_500, consumers=3_000, appeals=6), WINDOW
    )
    appealed = set(inputs.appeals.column("case_id").to_pylist())
    keep = [c not in appealed for c in inputs.cases.column("case_id").to_pylist()]
    without = CycleInputs(
        lines=inputs.lines,
        cases=inputs.cases.filter(pa.array(keep)),
        events=inputs.events,
        safety=inputs.safety,
        recalls=inputs.recalls,
        merchants=inputs.merchants,
    )

    appealed_cards = score_cycle(_windows(inputs)).cards
    clean_cards = score_cycle(_windows(without)).cards

    touched = [c for c in appealed_cards if c.excluded]
    assert touched
    for card, clean in zip(appealed_cards, clean_cards, strict=True):
        assert card.merchant_id == clean.merchant_id
        assert (
            card.score == pytest.approx(clean.score, abs=1e-9)
            if clean.score
            else card.score is None
        )
        assert card.tier == clean.tier


def test_an_error_inside_the_engine_still_drops_its_kept_tables(monkeypatch) -> None:
    """A kept table left to the garbage collector would be dropped on a closed connection, and
    the user would see that traceback on the terminal."""
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    inputs = generate(Shape(merchants=5, lines=200, cases=20, consumers=50, appeals=0), WINDOW)
    with pytest.raises(RuntimeError), duckdb_engine(inputs) as engine:
        kept = engine.keep(engine.table("lines").limit(3))
        assert engine.run(kept).num_rows == 3
        raise RuntimeError("the scorer failed")
    del kept, engine
    gc.collect()
    assert unraisable == []
