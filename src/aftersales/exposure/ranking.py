"""The re-ranker: one request's candidates in, the top k out, each with why it moved.

In order, vectorised with numpy over the candidates:

1. **Holds**: products under a stop-sale hold are dropped; they are never shown.
2. **Throttles**: a restricted merchant's products may fill only ``throttle`` (half) of the
   places they earn on merit: each request, the pacer's token bucket for the merchant and slot
   says how many of its products may stay; the rest are dropped and the list fills up behind.
   The scores left are the *base* scores every later step reads.
3. **Boosts decide who is shown**: a candidate that counts towards a programme or ladder target
   gets ``adjusted = base x (1 + lift)``, with ``lift = level x max_lift`` (programme and ladder
   lifts add up to ``max_lift``) and each target's level (0 to 1) set by the pacer. Candidates
   that enter the top k by adjusted score, and were not in the unboosted top k, are *intruders*.
4. **Relevance budget**: intruders are admitted best first, each replacing the weakest member
   the boost pushes out, as long as the DCG of the list (the base scores as gains) stays at least
   ``relevance_floor`` of the unboosted list's. An intruder that would break it is held back.
5. **The ranker decides the order**: the chosen k are listed by base score, so an intruder sits
   below every product shown on its merits. That is the cheapest place for it in relevance,
   and an impression anywhere in the top k counts the same towards a promise.
6. **Merit and reach**, for pacing: each target is credited with its candidates in the unboosted
   top k (merit: what a weighted promise multiplies) and with those that were shown or could
   have been added at the largest lift within the budget left over (reach: the supply that
   decides whether a promise can be met).

Ties keep the request's order, so the same request always gets the same answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from operator import mul

import numpy as np
import numpy.typing as npt

from aftersales.exposure.candidates import Candidates, RankRequest, check_request
from aftersales.exposure.pacing import Pacer
from aftersales.exposure.parameters import ExposureConfig
from aftersales.exposure.plan import ServingPlan
from aftersales.exposure.slots import Slot

__all__ = ["RankResult", "RankedItem", "Reason", "rerank"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


class Reason(StrEnum):
    """Why an item's place differs from what its score alone gives (no reason: on merit)."""

    PROGRAMME_BOOST = "programme_boost"  # shown because of the quality-merchant programme
    LADDER_BOOST = "ladder_boost"  # shown because of its content's ladder quota
    THROTTLED = "throttled"  # the merchant is restricted: shown within its exposure cap
    BOOST_WITHHELD = "boost_withheld"  # the merchant is on watch: no boost of any kind


@dataclass(frozen=True, slots=True)
class RankedItem:
    position: int  # from 1
    item_id: str
    merchant_id: str
    content_id: str | None
    score: float  # as the marketplace's ranker gave it
    adjusted: float  # after the boost, if the boost brought it in; else the score
    multiplier: float  # adjusted / score
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class RankResult:
    slot: Slot
    items: tuple[RankedItem, ...]
    held_out: int  # candidates dropped for a stop-sale hold
    throttled_out: int  # candidates dropped because their merchant is over its exposure cap
    boosted: int  # items shown because of a boost
    held_back: int  # boosted candidates the relevance budget kept out
    relevance: float  # DCG of the returned list over the unboosted list's (1 when unboosted)


def _discounts(k: int) -> Floats:
    d: Floats = 1.0 / np.log2(np.arange(2, k + 2, dtype=np.float64))
    return d


def _top(values: Floats, k: int) -> Ints:
    """Indices of the k largest values, best first; ties go to the earlier index."""
    n = len(values)
    if k >= n:
        order: Ints = np.argsort(-values, kind="stable")
        return order
    kth = np.partition(values, n - k)[n - k]
    above = np.flatnonzero(values > kth)
    ties = np.flatnonzero(values == kth)[: k - len(above)]
    chosen = np.concatenate((above, ties))
    best: Ints = chosen[np.argsort(-values[chosen], kind="stable")]
    return best


@dataclass(slots=True)
class _Lifts:
    """Per candidate: the lift now, the largest lift it could get, and its targets."""

    now: Floats
    most: Floats
    programme: Ints | None
    ladder: Ints | None
    programme_on: Bools | None
    ladder_on: Bools | None


def _lifts(
    n: int, prog: Ints | None, lad: Ints | None, levels: Floats, config: ExposureConfig
) -> _Lifts:
    # A trailing 0 makes index -1 (no target) read a level of 0, with no masking.
    padded = np.append(levels, 0.0)
    now, most = np.zeros(n), np.zeros(n)
    prog_on = _add_lift(now, most, prog, padded, config.programme_max_lift)
    lad_on = _add_lift(now, most, lad, padded, config.ladder_max_lift)
    np.minimum(now, config.max_lift, out=now)
    np.minimum(most, config.max_lift, out=most)
    return _Lifts(now, most, prog, lad, prog_on, lad_on)


def _add_lift(
    now: Floats, most: Floats, targets: Ints | None, padded: Floats, top: float
) -> Bools | None:
    """Add one kind of target's lift (level x its max) to ``now`` and its max to ``most``."""
    if targets is None:
        return None
    lift = padded[targets] * top
    now += lift
    most += (targets >= 0) * top
    on: Bools = lift > 0
    return on


def _held(plan: ServingPlan, scores: Floats, ic: Ints | None) -> tuple[Floats, int]:
    """Scores with held products at -1 (below any real score), and how many were held."""
    lookup = plan.lookup
    if not lookup.any_held or ic is None:
        return scores, 0
    mask = lookup.held[ic]
    held = int(mask.sum())
    return (np.where(mask, -1.0, scores), held) if held else (scores, 0)


def _throttle(
    pacer: Pacer, base: Floats, caps: Ints, ref: Ints, now: float
) -> tuple[Floats, Ints, int]:
    """The list once throttled merchants keep only the places their allowance covers.

    Returns the scores (dropped products at -1), the new unboosted top k, and how many were
    dropped. Only products in the top k matter, so the work is on k items, in plain Python;
    the list fills up from behind, and a throttled product that moves up into it is checked too.
    Merit is the throttled products' places in the list before any was dropped.
    """
    first = [t for t in caps[ref].tolist() if t >= 0]
    if not first:
        return base, ref, 0
    merit = Counter(first)
    keys = np.array(list(merit), dtype=np.int64)
    counts = np.array(list(merit.values()), dtype=np.int64)
    allowed = dict(zip(merit, pacer.allowance(keys, counts).tolist(), strict=True))
    pacer.note_merit(np.array(first, dtype=np.int64), now)
    out, dropped, k = base, 0, len(ref)
    while True:
        used: Counter[int] = Counter()
        drop = []
        for i, t in zip(ref.tolist(), caps[ref].tolist(), strict=True):  # best first
            if t < 0:
                continue
            if t not in allowed:  # moved up into the list: no merit here, only what is saved
                allowed[t] = int(pacer.allowance(np.array([t]), np.array([0]))[0])
            used[t] += 1
            if used[t] > allowed[t]:
                drop.append(i)
        if not drop:
            return out, ref, dropped
        out = out.copy() if out is base else out
        out[drop] = -1.0
        dropped += len(drop)
        k = min(k, int((out >= 0).sum()))
        ref = _top(out, k) if k else ref[:0]


@dataclass(frozen=True, slots=True)
class _Choice:
    order: Ints  # the chosen k, in the order shown
    admitted: Ints  # the intruders shown
    held_back: int
    relevance: float


def _admit(base: Floats, lift: Floats, ref: Ints, budget: float, ref_dcg: float) -> _Choice:
    """The unboosted top k with the intruders the relevance budget admits, best first."""
    k = len(ref)
    disc = _discounts(k)
    adjusted = base * (1.0 + lift)
    # Replacing even the weakest member costs at least (its score - the intruder's) x the last
    # discount: a lift cannot help a candidate further below than the budget allows.
    hopeless = base < base[ref[-1]] - budget / disc[-1]
    boosted = _top(np.where(hopeless, base, adjusted), k).tolist()
    members = ref.tolist()
    on_merit = set(members)
    intruders = [i for i in boosted if i not in on_merit]
    if not intruders:
        return _Choice(ref, ref[:0], _held_back(lift, adjusted, ref, ref), 1.0)
    still = set(boosted)
    weights = adjusted[ref].tolist()
    # The members the boost pushes out, weakest first; each admitted intruder takes one's place.
    gone = sorted((p for p, i in enumerate(members) if i not in still), key=weights.__getitem__)
    taken, dcg = _greedy(base, ref, intruders, gone, disc.tolist(), ref_dcg - budget)
    dropped = set(gone[: len(taken)])
    kept_on_merit = np.array([i for p, i in enumerate(members) if p not in dropped], np.int64)
    order = np.concatenate((kept_on_merit, np.array(taken, dtype=np.int64)))
    relevance = dcg / ref_dcg if ref_dcg > 0 else 1.0
    held_back = _held_back(lift, adjusted, order, kept_on_merit)
    return _Choice(order, order[len(kept_on_merit) :], held_back, relevance)


def _greedy(
    base: Floats, ref: Ints, intruders: list[int], gone: list[int], disc: list[float], least: float
) -> tuple[list[int], float]:
    """Admit intruders in turn while the list's DCG stays at least ``least``.

    Returns the admitted, best score first, and the DCG of the list with them. Plain floats:
    k is small, and numpy's per-call cost would dominate.
    """
    values = base[ref].tolist()
    kept = [values]  # kept[a]: the scores shown on merit once a pushed-out members are gone
    tail: list[float] = []  # the admitted intruders' scores, best first
    taken: list[tuple[float, int]] = []
    dcg = float(np.dot(values, disc))
    for x, score in zip(intruders, base[intruders].tolist(), strict=True):
        a = len(taken) + 1
        if len(kept) == a:
            dropped = set(gone[:a])
            kept.append([v for p, v in enumerate(values) if p not in dropped])
        # Intruders score below every member shown on merit, so they sit at the bottom.
        trial_tail = sorted((*tail, score), reverse=True)
        trial = sum(map(mul, (*kept[a], *trial_tail), disc))
        if trial >= least:
            taken.append((score, x))
            tail, dcg = trial_tail, trial
    return [x for _, x in sorted(taken, key=lambda t: -t[0])], dcg


def _held_back(lift: Floats, adjusted: Floats, order: Ints, on_merit: Ints) -> int:
    """Boosted candidates not shown although their lifted score beat a product shown on merit."""
    if not len(on_merit):
        return 0
    shown = np.zeros(len(lift), dtype=np.bool_)
    shown[order] = True
    beat = adjusted > adjusted[on_merit].min()
    return int(((lift > 0) & ~shown & beat).sum())


def _note_reach(
    pacer: Pacer, base: Floats, lifts: _Lifts, ref: Ints, choice: _Choice, room: float, now: float
) -> None:
    """Credit each target with its merit and its reach in this request.

    Merit: its candidates in the unboosted top k. Reach: its candidates that were shown, or that
    could have been added at the largest lift on top of what was shown, within the relevance
    budget left over. Each added candidate would replace the weakest member shown on merit, so
    ``room`` is how far below that member's score it may be (the leftover budget over the last
    place's discount).
    """
    shown = np.zeros(len(base), dtype=np.bool_)
    shown[choice.order] = True
    kept = ref[shown[ref]]
    weakest = float(base[kept[-1]]) if len(kept) else 0.0
    extra = (base >= max(weakest - room, 0.0)) & (base * (1.0 + lifts.most) >= weakest)
    reachable = shown | extra
    for targets in (lifts.programme, lifts.ladder):
        if targets is None:
            continue
        merit = targets[ref]
        if (merit >= 0).any():
            pacer.note_merit(merit[merit >= 0], now)
        hit = targets[reachable & (targets >= 0)]
        if len(hit):
            pacer.note_reach(hit, now)


def rerank(
    plan: ServingPlan, pacer: Pacer, request: RankRequest, *, now: float, config: ExposureConfig
) -> RankResult:
    """The top k of ``request`` under ``plan``, paced by ``pacer`` at ``now`` (POSIX seconds)."""
    slot, scores = check_request(request, config)
    c, lookup = request.candidates, plan.lookup
    mc, ic = lookup.merchant_codes(c.merchant_ids), lookup.item_codes(c.item_ids)
    base, held = _held(plan, scores, ic)
    k = min(request.k, len(scores) - held)
    if k <= 0:
        return RankResult(slot, (), held, 0, 0, 0, 1.0)
    ref = _top(base, k)
    caps, throttled = lookup.throttle_targets(slot, mc), 0
    if caps is not None:
        base, ref, throttled = _throttle(pacer, base, caps, ref, now)
        k = len(ref)
        if k <= 0:
            return RankResult(slot, (), held, throttled, 0, 0, 1.0)
    prog = lookup.programme_targets(slot, mc, ic)
    lad = lookup.ladder_targets(slot, mc, c.content_ids)
    if prog is None and lad is None:
        choice = _Choice(ref, ref[:0], 0, 1.0)
        return _result(plan, slot, c, scores, choice, None, held, throttled)
    lifts = _lifts(len(scores), prog, lad, pacer.levels(now), config)
    disc = _discounts(k)
    ref_dcg = float(base[ref] @ disc)
    budget = (1.0 - config.relevance_floor) * ref_dcg
    if lifts.now.any():
        choice = _admit(base, lifts.now, ref, budget, ref_dcg)
    else:
        choice = _Choice(ref, ref[:0], 0, 1.0)
    leftover = max(budget - ref_dcg * (1.0 - choice.relevance), 0.0)
    _note_reach(pacer, base, lifts, ref, choice, leftover / float(disc[-1]), now)
    return _result(plan, slot, c, scores, choice, lifts, held, throttled)


def _result(
    plan: ServingPlan,
    slot: Slot,
    c: Candidates,
    scores: Floats,
    choice: _Choice,
    lifts: _Lifts | None,
    held: int,
    throttled: int,
) -> RankResult:
    order = choice.order
    multiplier = np.ones(len(scores))
    if lifts is not None and len(choice.admitted):
        # Only the items the boost brought in were moved by it; the rest stand on merit.
        multiplier[choice.admitted] += lifts.now[choice.admitted]
    adjusted = scores * multiplier
    why = _Why(plan, order, lifts, choice.admitted)
    contents = c.content_ids
    items = tuple(
        RankedItem(
            position + 1,
            c.item_ids[i],
            c.merchant_ids[i],
            contents[i] if contents is not None else None,
            score,
            value,
            mult,
            why.of(position, i, c.merchant_ids[i]),
        )
        for position, (i, score, value, mult) in enumerate(
            zip(
                order.tolist(),
                scores[order].tolist(),
                adjusted[order].tolist(),
                multiplier[order].tolist(),
                strict=True,
            )
        )
    )
    boosted, back = len(choice.admitted), choice.held_back
    return RankResult(slot, items, held, throttled, boosted, back, choice.relevance)


class _Why:
    """The reasons of the returned items, read from the arrays once for the shown ones only."""

    def __init__(
        self, plan: ServingPlan, order: Ints, lifts: _Lifts | None, admitted: Ints
    ) -> None:
        self.watched, self.throttled = plan.watched, plan.throttled
        self.admitted = set(admitted.tolist())
        self.programme_on = _picked(lifts.programme_on if lifts else None, order)
        self.ladder_on = _picked(lifts.ladder_on if lifts else None, order)

    def of(self, position: int, index: int, merchant: str) -> tuple[Reason, ...]:
        if merchant in self.throttled:
            return (Reason.THROTTLED,)
        if merchant in self.watched:
            return (Reason.BOOST_WITHHELD,)
        out: list[Reason] = []
        if index in self.admitted:
            if self.programme_on is not None and self.programme_on[position]:
                out.append(Reason.PROGRAMME_BOOST)
            if self.ladder_on is not None and self.ladder_on[position]:
                out.append(Reason.LADDER_BOOST)
        return tuple(out)


def _picked(values: Bools | None, order: Ints) -> list[bool] | None:
    return None if values is None else values[order].tolist()
