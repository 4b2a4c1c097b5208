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
from functools import cache
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


@cache
def _discounts(k: int) -> Floats:
    """DCG's position discounts for a list of k, computed once per k (read-only)."""
    d: Floats = 1.0 / np.log2(np.arange(2, k + 2, dtype=np.float64))
    d.flags.writeable = False
    return d


def _top(values: Floats, k: int) -> Ints:
    """Indices of the k largest values, best first; ties go to the earlier index."""
    n = len(values)
    if k >= n:
        order: Ints = np.argsort(-values, kind="stable")
        return order
    kth = np.partition(values, n - k)[n - k]
    chosen = np.flatnonzero(values >= kth)
    if len(chosen) > k:  # ties at the k-th value: the earlier ones make up the k
        above = np.flatnonzero(values > kth)
        ties = np.flatnonzero(values == kth)[: k - len(above)]
        chosen = np.concatenate((above, ties))
    # A stable sort keeps equal values in index order, however ``chosen`` was put together.
    best: Ints = chosen[np.argsort(-values[chosen], kind="stable")]
    return best


_NO_LEVEL = np.zeros(1)


@dataclass(slots=True)
class _Lifts:
    """Per candidate: the lift now, the largest lift it could get, and its targets; and the
    programme's and the ladder's share of the lift now."""

    now: Floats
    most: Floats
    programme: Ints | None
    ladder: Ints | None
    programme_lift: Floats | None
    ladder_lift: Floats | None


def _lifts(prog: Ints | None, lad: Ints | None, levels: Floats, config: ExposureConfig) -> _Lifts:
    """The lifts of one request's candidates (at least one kind of target is given)."""
    # A trailing 0 makes index -1 (no target) read a level of 0, with no masking.
    padded = np.concatenate((levels, _NO_LEVEL))
    kinds = [
        (targets, padded[targets] * top, (targets >= 0) * top)
        for targets, top in ((prog, config.programme_max_lift), (lad, config.ladder_max_lift))
        if targets is not None
    ]
    now, most = kinds[0][1], kinds[0][2]
    if len(kinds) > 1:
        now, most = now + kinds[1][1], most + kinds[1][2]
    now, most = np.minimum(now, config.max_lift), np.minimum(most, config.max_lift)
    prog_lift = kinds[0][1] if prog is not None else None
    lad_lift = kinds[-1][1] if lad is not None else None
    return _Lifts(now, most, prog, lad, prog_lift, lad_lift)


def _held(plan: ServingPlan, scores: Floats, ic: Ints | None) -> tuple[Floats, int]:
    """Scores with held products at -1 (below any real score), and how many were held."""
    lookup = plan.lookup
    if not lookup.any_held or ic is None:
        return scores, 0
    mask = lookup.held[ic]
    held = int(np.count_nonzero(mask))
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
    taken, dcg = _greedy(base, ref, intruders, gone, disc, ref_dcg - budget)
    dropped = set(gone[: len(taken)])
    kept_on_merit = np.array([i for p, i in enumerate(members) if p not in dropped], np.int64)
    order = np.concatenate((kept_on_merit, np.array(taken, dtype=np.int64)))
    relevance = dcg / ref_dcg if ref_dcg > 0 else 1.0
    held_back = _held_back(lift, adjusted, order, kept_on_merit)
    return _Choice(order, order[len(kept_on_merit) :], held_back, relevance)


def _greedy(
    base: Floats, ref: Ints, intruders: list[int], gone: list[int], disc: Floats, least: float
) -> tuple[list[int], float]:
    """Admit intruders in turn while the list's DCG stays at least ``least``.

    Returns the admitted, best score first, and the DCG of the list with them. Plain floats:
    k is small, and numpy's per-call cost would dominate.
    """
    scores = base[ref]
    values = scores.tolist()
    kept = [values]  # kept[a]: the scores shown on merit once a pushed-out members are gone
    tail: list[float] = []  # the admitted intruders' scores, best first
    taken: list[tuple[float, int]] = []
    dcg = float(np.dot(scores, disc))
    weights = disc.tolist()
    for x, score in zip(intruders, base[intruders].tolist(), strict=True):
        a = len(taken) + 1
        if len(kept) == a:
            dropped = set(gone[:a])
            kept.append([v for p, v in enumerate(values) if p not in dropped])
        # Intruders score below every member shown on merit, so they sit at the bottom.
        trial_tail = sorted((*tail, score), reverse=True)
        trial = sum(map(mul, (*kept[a], *trial_tail), weights))
        if trial >= least:
            taken.append((score, x))
            tail, dcg = trial_tail, trial
    return [x for _, x in sorted(taken, key=lambda t: -t[0])], dcg


def _held_back(lift: Floats, adjusted: Floats, order: Ints, on_merit: Ints) -> int:
    """Boosted candidates not shown although their lifted score beat a product shown on merit."""
    if not len(on_merit):
        return 0
    beaten = (lift > 0) & (adjusted > adjusted[on_merit].min())
    return int(np.count_nonzero(beaten)) - int(np.count_nonzero(beaten[order]))


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
    kept = len(choice.order) - len(choice.admitted)  # the order starts with those kept on merit
    weakest = float(base[choice.order[kept - 1]]) if kept else 0.0
    extra = (base >= max(weakest - room, 0.0)) & (base * (1.0 + lifts.most) >= weakest)
    reachable = np.flatnonzero(shown | extra)
    kinds = [t for t in (lifts.programme, lifts.ladder) if t is not None]
    # Both kinds counted in one call each: the counts are sums, so the order does not matter.
    for targets, note in ((ref, pacer.note_merit), (reachable, pacer.note_reach)):
        hit = _joined([t[targets] for t in kinds])
        hit = hit[hit >= 0]
        if len(hit):
            note(hit, now)


def _joined(parts: list[Ints]) -> Ints:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


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
    lifts = _lifts(prog, lad, pacer.levels(now), config)
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
    # Plain floats over the k shown: numpy's per-call cost would outweigh the work.
    order = choice.order.tolist()
    why = _Why(plan, choice.order, lifts, choice.admitted)
    lift = [0.0] * len(order) if lifts is None else lifts.now[choice.order].tolist()
    contents = c.content_ids
    items = []
    shown = zip(order, scores[choice.order].tolist(), lift, strict=True)
    for position, (i, score, up) in enumerate(shown):
        # Only the items the boost brought in were moved by it; the rest stand on merit.
        mult = 1.0 + up if i in why.admitted else 1.0
        merchant = c.merchant_ids[i]
        reasons = why.of(position, i, merchant)
        content = contents[i] if contents is not None else None
        items.append(
            RankedItem(
                position + 1, c.item_ids[i], merchant, content, score, score * mult, mult, reasons
            )
        )
    boosted, back = len(choice.admitted), choice.held_back
    return RankResult(slot, tuple(items), held, throttled, boosted, back, choice.relevance)


class _Why:
    """The reasons of the returned items, read from the arrays once for the shown ones only."""

    def __init__(
        self, plan: ServingPlan, order: Ints, lifts: _Lifts | None, admitted: Ints
    ) -> None:
        self.watched, self.throttled = plan.watched, plan.throttled
        self.admitted = set(admitted.tolist())
        self.programme_on = _picked(lifts.programme_lift if lifts else None, order)
        self.ladder_on = _picked(lifts.ladder_lift if lifts else None, order)

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


def _picked(lift: Floats | None, order: Ints) -> list[bool] | None:
    """Whether each shown item's lift of one kind is positive."""
    return None if lift is None else (lift[order] > 0).tolist()
