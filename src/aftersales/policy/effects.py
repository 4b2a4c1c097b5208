"""Reading a rule's ``then:`` (and the manifest's defaults) into an ``Effect`` and ``Offer``s."""

from __future__ import annotations

from typing import Any

from aftersales.policy.rules import FULL, SCALARS, SLA_FIELDS, Amount, Effect, Offer
from aftersales.policy.schema import Reader
from aftersales.policy.vocabulary import (
    CAUSES,
    COST_BEARERS,
    RESOLUTION_TYPES,
    SEVERITIES,
    PackVocabulary,
)
from aftersales.policy.yaml_source import LocatedMap

__all__ = ["MONEY_TYPES", "THEN_KEYS", "read_effect", "read_offers", "read_sla"]

THEN_KEYS: tuple[str, ...] = (
    *SCALARS,
    "sla",
    "resolutions",
    "forbid",
    "required_evidence",
    "auto_actions",
)
MONEY_TYPES = frozenset({"return_refund", "refund_only", "quick_compensation"})
_MAX_FEN = 10**12


def read_effect(r: Reader, node: Any, line: int, vocab: PackVocabulary) -> Effect:
    then = r.mapping(node, line, "then", optional=THEN_KEYS)
    if then is None:
        return Effect()
    return Effect(
        scalars=_scalars(r, then, vocab),
        sla=read_sla(r, then["sla"], r.line(then, "sla")) if "sla" in then else (),
        offers=read_offers(r, then, "resolutions") if "resolutions" in then else (),
        forbid=frozenset(r.names(then, "forbid", RESOLUTION_TYPES) if "forbid" in then else ()),
        required_evidence=_names(r, then, "required_evidence", vocab.evidence),
        auto_actions=_names(r, then, "auto_actions", vocab.auto_actions),
    )


def _names(r: Reader, node: LocatedMap, key: str, allowed: frozenset[str]) -> tuple[str, ...]:
    return r.names(node, key, allowed) if key in node else ()


def _scalars(r: Reader, then: LocatedMap, vocab: PackVocabulary) -> tuple[tuple[str, object], ...]:
    choices = {
        "severity": SEVERITIES,
        "cause": CAUSES,
        "cost_bearer": COST_BEARERS,
        "queue": tuple(vocab.queues),
    }
    found: list[tuple[str, object]] = []
    for key in SCALARS:
        if key not in then:
            continue
        if key in choices:
            found.append((key, r.choice(then, key, choices[key], choices[key][0])))
        else:
            found.append((key, r.boolean(then, key, False)))
    return tuple(found)


def read_sla(r: Reader, value: Any, line: int) -> tuple[tuple[int, float], ...]:
    sla = r.mapping(value, line, "sla", optional=SLA_FIELDS)
    if sla is None:
        return ()
    found = []
    for index, key in enumerate(SLA_FIELDS):
        if key in sla and (hours := r.hours(sla, key)) is not None:
            found.append((index, hours))
    return tuple(found)


def read_offers(r: Reader, node: LocatedMap, key: str) -> tuple[Offer, ...]:
    """A list of resolutions: each a type name, or a mapping with type, rank, amount, guaranteed."""
    offers: list[Offer] = []
    for item, line in r.items(node, key):
        offer = _offer(r, item, line)
        if offer is None:
            continue
        if any(o.type == offer.type for o in offers):
            r.error(line, f"resolution {offer.type!r} is listed twice")
            continue
        offers.append(offer)
    return tuple(offers)


def _offer(r: Reader, item: Any, line: int) -> Offer | None:
    if isinstance(item, str):
        item = LocatedMap(type=item)
        item.line, item.key_lines, item.value_lines, item.value_block = line, {}, {}, {}
    spec = r.mapping(
        item, line, "resolution", required=("type",), optional=("rank", "amount", "guaranteed")
    )
    if spec is None or "type" not in spec:
        return None
    kind = r.choice(spec, "type", RESOLUTION_TYPES, "reject")
    amount = _amount(r, spec, kind)
    if kind == "quick_compensation" and amount is None:
        r.error(spec.line, "quick_compensation needs an amount (fixed, or percent with a max)")
    return Offer(
        type=kind,
        rank=r.integer(spec, "rank", 50, 0, 1000),
        amount=amount,
        guaranteed=r.boolean(spec, "guaranteed", False),
    )


def _amount(r: Reader, spec: LocatedMap, kind: str) -> Amount | None:
    if "amount" not in spec:
        return FULL if kind in ("return_refund", "refund_only") else None
    line = r.line(spec, "amount")
    if kind not in MONEY_TYPES:
        r.error(line, f"{kind} pays no money, so it takes no amount")
        return None
    value = spec["amount"]
    if value == "full":
        return FULL
    keys = ("percent", "fixed", "min", "max")
    node = r.mapping(value, line, "amount ('full' or a mapping)", optional=keys)
    if node is None:
        return None
    if ("percent" in node) == ("fixed" in node):
        r.error(line, "amount takes exactly one of percent and fixed")
        return None
    if "fixed" in node:
        return Amount("fixed", fixed=r.integer(node, "fixed", 0, 1, _MAX_FEN))
    lowest = r.integer(node, "min", 0, 0, _MAX_FEN)
    highest = r.integer(node, "max", _MAX_FEN, 1, _MAX_FEN) if "max" in node else None
    if highest is not None and lowest > highest:
        r.error(line, "amount min is above its max")
    return Amount(
        "percent", percent=r.integer(node, "percent", 100, 1, 100), minimum=lowest, maximum=highest
    )
