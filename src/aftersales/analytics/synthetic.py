"""A seeded marketplace made straight into the cycle's input tables, for benchmarks and tests.

Generated with NumPy in bulk (ten million order lines take seconds), not through the API: it
exercises the cycle's query at marketplace scale, not the case lifecycle. Each merchant has a
latent quality that drives its case rate, its speed and its customers' ratings, so the scores
it produces mean something. A few buyers brush (many orders from one account), some cases are
escalated, arbitrated, appealed or part of a recall.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aftersales.analytics.inputs import CycleInputs, Window

__all__ = ["CATEGORIES", "Shape", "generate"]

CATEGORIES = (
    "digital/phone",
    "digital/computer",
    "digital/accessory",
    "appliance/kitchen",
    "apparel/knitwear",
    "apparel/shoes",
    "home/furniture",
    "home/textile",
    "food/packaged",
    "personal_care",
)
_HOUR = 3600.0
_DAY = 86400.0
Ints = np.ndarray


@dataclass(frozen=True, slots=True)
class Shape:
    """How big a marketplace to make."""

    merchants: int
    lines: int
    cases: int
    consumers: int
    appeals: int = 0
    seed: int = 7


def _ids(prefix: str, numbers: Ints) -> pa.Array:
    digits = pc.cast(pa.array(numbers, pa.int64()), pa.string())
    return pc.binary_join_element_wise(prefix, digits, "")


def _pick(rng: np.random.Generator, values: tuple[str, ...], p: list[float], n: int) -> pa.Array:
    return pa.array(np.asarray(values, dtype=object)[rng.choice(len(values), n, p=p)], pa.string())


@dataclass
class _Market:
    rng: np.random.Generator
    shape: Shape
    window: Window
    quality: np.ndarray  # per merchant, N(0, 1)
    category: Ints  # per merchant, an index into CATEGORIES
    merchant: Ints = field(default_factory=lambda: np.zeros(0, np.int64))  # per line


def _lines(m: _Market) -> tuple[pa.Table, Ints, np.ndarray]:
    rng, n = m.rng, m.shape.lines
    # Lognormal volumes: a few large merchants, a long tail of small ones.
    volume = rng.lognormal(0.0, 1.0, m.shape.merchants)
    merchant = rng.choice(m.shape.merchants, n, p=volume / volume.sum())
    consumer = rng.integers(0, m.shape.consumers, n)
    brushers = rng.random(n) < 0.002  # one account per merchant placing many orders
    consumer = np.where(brushers, m.shape.consumers + merchant, consumer)
    span = m.window.end_s - m.window.start_s
    placed = m.window.start_s - 30 * _DAY + rng.random(n) * (span + 30 * _DAY)
    # Most merchants sell in one category; one in six also in a second one.
    second = (m.category + 1 + rng.integers(0, len(CATEGORIES) - 1, m.shape.merchants)) % len(
        CATEGORIES
    )
    mixed = rng.random(m.shape.merchants) < 1 / 6
    category = np.where(
        mixed[merchant] & (rng.random(n) < 0.3), second[merchant], m.category[merchant]
    )
    table = pa.table(
        {
            "line_id": _ids("l", np.arange(n)),
            "merchant_id": _ids("m", merchant),
            "consumer_id": _ids("u", consumer),
            "category": pa.array(np.asarray(CATEGORIES, dtype=object)[category], pa.string()),
            "placed_at": pa.array(placed),
        }
    )
    return table, merchant, placed


def _choose_cases(m: _Market, merchant: Ints) -> Ints:
    """Which lines get a case: likelier at worse merchants; a few lines get a second one."""
    weight = np.exp(-0.6 * m.quality[merchant])
    first = m.rng.choice(merchant.size, m.shape.cases, replace=False, p=weight / weight.sum())
    repeat = first[: max(1, m.shape.cases // 50)]
    return np.concatenate([first, repeat])


def _cases(
    m: _Market, line: Ints, lines: pa.Table, placed: np.ndarray
) -> tuple[pa.Table, dict[str, np.ndarray]]:
    rng, n = m.rng, line.size
    merchant = m.merchant[line]
    q = m.quality[merchant]
    taken = pa.array(line)
    opened = placed[line] + rng.uniform(1, 20, n) * _DAY
    opened[m.shape.cases :] += 25 * _DAY  # the second case on a line comes later
    first_due, proposal_due = opened + 24 * _HOUR, opened + 72 * _HOUR
    speed = np.exp(2.0 - 0.5 * q)  # hours to respond for a typical case
    respond = rng.exponential(speed)
    missed = respond > 24
    propose = respond + rng.exponential(speed * 2)
    resolve = rng.lognormal(np.log(48) - 0.3 * q, 0.8)
    resolved = np.where(rng.random(n) < 0.9, opened + resolve * _HOUR, np.nan)
    attributable = rng.choice([1, 0, -1], n, p=[0.8, 0.15, 0.05])
    counts = pa.array(
        np.where(attributable == 1, True, False), mask=attributable == -1, type=pa.bool_()
    )
    table = pa.table(
        {
            "case_id": _ids("c", np.arange(n)),
            "line_id": _ids("l", line),
            "merchant_id": lines.column("merchant_id").take(taken),
            "consumer_id": lines.column("consumer_id").take(taken),
            "category": lines.column("category").take(taken),
            "placed_at": pa.array(placed[line]),
            "type": _pick(
                rng,
                ("refund_only", "return_refund", "exchange", "repair"),
                [0.25, 0.5, 0.15, 0.1],
                n,
            ),
            "opened_at": pa.array(opened),
            "counts_against_merchant": counts,
            "first_response_due": pa.array(first_due),
            "proposal_due": pa.array(proposal_due),
            "resolved_at": pa.array(resolved, from_pandas=True),
        }
    )
    facts = {"opened": opened, "respond": respond, "missed": missed, "propose": propose, "q": q}
    return table, facts


def _event_block(
    case: Ints, kind: str, at: np.ndarray, seq: int, role: str, **extra: pa.Array
) -> pa.Table:
    n = case.size
    none_text = pa.nulls(n, pa.string())
    columns = {
        "case_id": _ids("c", case),
        "seq": pa.array(np.full(n, seq, dtype=np.int64)),
        "kind": pa.array([kind] * n, pa.string()) if n else pa.array([], pa.string()),
        "at": pa.array(at),
        "actor_role": pa.array([role] * n, pa.string()) if n else pa.array([], pa.string()),
        "actor_id": extra.get("actor_id", none_text),
        "first_response": extra.get("first_response", pa.nulls(n, pa.bool_())),
        "reason": extra.get("reason", none_text),
        "verdict": extra.get("verdict", none_text),
        "score": extra.get("score", pa.nulls(n, pa.int64())),
    }
    return pa.table(columns)


def _events(m: _Market, facts: dict[str, np.ndarray]) -> pa.Table:
    rng = m.rng
    opened, respond, missed = facts["opened"], facts["respond"], facts["missed"]
    n = opened.size
    every = np.arange(n)
    answered = every[~missed]
    late = every[missed]
    blocks = [
        _event_block(every, "opened", opened, 1, "consumer"),
        _event_block(
            answered,
            "message_posted",
            opened[answered] + respond[answered] * _HOUR,
            2,
            "merchant_agent",
            first_response=pa.array(np.ones(answered.size, bool)),
        ),
        _event_block(late, "first_response_missed", opened[late] + 24 * _HOUR, 2, "system"),
    ]
    proposers = answered[rng.random(answered.size) < 0.85]
    blocks.append(
        _event_block(
            proposers,
            "proposed",
            opened[proposers] + facts["propose"][proposers] * _HOUR,
            3,
            "merchant_agent",
            first_response=pa.array(np.zeros(proposers.size, bool)),
        )
    )
    rejected = proposers[rng.random(proposers.size) < 0.06]
    blocks.append(
        _event_block(rejected, "proposal_rejected", opened[rejected] + 90 * _HOUR, 4, "consumer")
    )
    blocks.extend(_disputes(m, every, opened))
    rated = every[rng.random(n) < 0.6]
    q = facts["q"][rated]
    happy = rng.random(rated.size) < 1 / (1 + np.exp(-(1.4 + 0.8 * q)))
    stars = np.where(happy, rng.integers(4, 6, rated.size), rng.integers(1, 4, rated.size))
    blocks.append(
        _event_block(
            rated,
            "rated",
            opened[rated] + 10 * _DAY,
            9,
            "consumer",
            score=pa.array(stars.astype(np.int64)),
        )
    )
    return pa.concat_tables(blocks)


def _disputes(m: _Market, every: Ints, opened: np.ndarray) -> list[pa.Table]:
    rng = m.rng
    escalated = every[rng.random(every.size) < 0.08]
    overdue = escalated[: escalated.size // 3]
    by_party = escalated[escalated.size // 3 :]
    routed = every[rng.random(every.size) < 0.005]  # hazards the policy sent to the platform
    verdicts = _pick(rng, ("consumer", "merchant", "split"), [0.5, 0.35, 0.15], escalated.size)
    return [
        _event_block(
            overdue,
            "escalated",
            opened[overdue] + 168 * _HOUR,
            5,
            "system",
            reason=pa.array(["resolution_overdue"] * overdue.size, pa.string()),
            actor_id=pa.array(["sla"] * overdue.size, pa.string()),
        ),
        _event_block(
            by_party,
            "escalated",
            opened[by_party] + 100 * _HOUR,
            5,
            "consumer",
            reason=pa.array(["we cannot agree"] * by_party.size, pa.string()),
        ),
        _event_block(
            routed,
            "escalated",
            opened[routed],
            2,
            "system",
            reason=pa.array(["safety"] * routed.size, pa.string()),
            actor_id=pa.array(["policy"] * routed.size, pa.string()),
        ),
        _event_block(
            escalated,
            "arbitrated",
            opened[escalated] + 200 * _HOUR,
            6,
            "operator",
            verdict=verdicts,
        ),
    ]


def generate(shape: Shape, window: Window) -> CycleInputs:
    """The input tables of a marketplace of ``shape`` around ``window``."""
    rng = np.random.default_rng(shape.seed)
    market = _Market(
        rng,
        shape,
        window,
        rng.normal(0.0, 1.0, shape.merchants),
        rng.integers(0, len(CATEGORIES), shape.merchants),
    )
    lines, merchant, placed = _lines(market)
    chosen = _choose_cases(market, merchant)
    market.merchant = merchant
    cases, facts = _cases(market, chosen, lines, placed)
    events = _events(market, facts)
    total = chosen.size
    appealed = rng.choice(total, min(shape.appeals, total), replace=False)
    confirmed = rng.choice(shape.merchants, max(1, shape.merchants // 2000), replace=False)
    return CycleInputs(
        lines=lines,
        cases=cases,
        events=events,
        safety=pa.table({"case_id": _ids("c", rng.choice(total, max(1, total // 1000)))}),
        recalls=pa.table(
            {
                "merchant_id": _ids("m", confirmed),
                "confirmed_at": pa.array(window.end_s - rng.uniform(1, 60, confirmed.size) * _DAY),
            }
        ),
        appeals=pa.table(
            {
                "case_id": _ids("c", appealed),
                "reason": pa.array(
                    ["courier damage, not the merchant's"] * appealed.size, pa.string()
                ),
            }
        ),
        merchants=pa.table(
            {
                "merchant_id": _ids("m", np.arange(shape.merchants)),
                "category": pa.array(
                    np.asarray(CATEGORIES, dtype=object)[market.category], pa.string()
                ),
            }
        ),
    )
