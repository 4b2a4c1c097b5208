"""The decision: fire the rules of the case's bucket, then merge their effects by precedence.

Precedence is (layer, priority, position): statutory < platform < category < brand_model <
merchant, so the more specific layer overrides the general one, and within a layer the higher
priority wins. A rule marked ``final`` cannot be overridden by any non-final rule, whatever its
layer (safety and the law use it). For resolutions: every fired rule's offers are pooled,
``forbid`` removes a type unless some rule ``guaranteed`` it, an emergency never offers
``reject``, and the pool is ranked by ``rank``. Merchant SLA hours only ever shorten.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cel

from aftersales.policy.decision import Decision, Explanation, ResolutionOption, Sla
from aftersales.policy.explain import yuan
from aftersales.policy.facts import Facts
from aftersales.policy.index import Bucket, RuleIndex
from aftersales.policy.manifest import Manifest
from aftersales.policy.rules import Offer, Rule
from aftersales.policy.variables import VARIABLES

__all__ = ["decide"]

_SLA_KEYS = ("sla.first_response_hours", "sla.proposal_hours", "sla.resolution_hours")


def decide(index: RuleIndex, manifest: Manifest, facts: Facts) -> Decision:
    """The decision for valid facts: total (always one), deterministic, from the pack alone."""
    fired, errors = _fire(index.bucket(facts), facts)
    return _merge(manifest, facts, fired, errors)


def _fire(bucket: Bucket, facts: Facts) -> tuple[list[Rule], list[str]]:
    try:
        context: cel.Context | None = cel.Context({n: get(facts) for n, get in bucket.getters})
    except Exception:  # values CEL cannot hold (facts built by hand, unchecked): no CEL rule fires
        context = None
    brand, model = facts.brand.casefold(), facts.model.casefold()
    fired: list[Rule] = []
    errors: list[str] = []
    for rule in bucket.rules:
        match = rule.match
        if match.brands is not None and brand not in match.brands:
            continue
        if match.models is not None and model not in match.models:
            continue
        if rule.merchant is not None and rule.merchant != facts.merchant:
            continue
        if rule.program is not None and not _holds(rule, context, errors):
            continue
        fired.append(rule)
    return fired, errors


def _holds(rule: Rule, context: cel.Context | None, errors: list[str]) -> bool:
    assert rule.program is not None
    try:
        if context is None:
            raise ValueError("the facts hold values CEL cannot represent")
        return rule.program.execute(context) is True
    except Exception as exc:  # a condition that cannot run on these facts: not matched
        errors.append(f"{rule.id}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
        return False


class _Pool:
    """The running merge of fired rules' effects, in precedence order."""

    def __init__(self, manifest: Manifest, facts: Facts) -> None:
        d = manifest.defaults
        self.values: dict[str, Any] = {
            "severity": facts.severity or d.severity,
            "cause": d.cause,
            "counts_against_merchant": None,
            "cost_bearer": d.cost_bearer,
            "queue": d.queue,
            "emergency": False,
        }
        self.sla = list(d.sla)
        self.locked: set[str] = set()  # fields set by a final rule
        self.locked_offers: set[str] = set()
        self.offers: dict[str, tuple[Offer, int]] = {}
        self.guaranteed: set[str] = set()
        self.forbid: set[str] = set()
        self.evidence: dict[str, None] = {}
        self.actions: dict[str, None] = {}

    def add(self, rule: Rule) -> None:
        effect, final, locked = rule.effect, rule.final, self.locked
        for name, value in effect.scalars:
            if final or name not in locked:
                self.values[name] = value
                if final:
                    locked.add(name)
        for i, hours in effect.sla:
            key = _SLA_KEYS[i]
            if final or key not in locked:
                self.sla[i] = min(hours, self.sla[i]) if rule.layer == "merchant" else hours
                if final:
                    locked.add(key)
        for offer in effect.offers:
            self._offer(offer, final)
        if effect.forbid:
            self.forbid.update(effect.forbid)
        if effect.required_evidence:
            self.evidence.update(dict.fromkeys(effect.required_evidence))
        if effect.auto_actions:
            self.actions.update(dict.fromkeys(effect.auto_actions))

    def _offer(self, offer: Offer, final: bool) -> None:
        seen = self.offers.get(offer.type)
        if final or offer.type not in self.locked_offers:
            self.offers[offer.type] = (offer, seen[1] if seen else len(self.offers))
            if final:
                self.locked_offers.add(offer.type)
        if offer.guaranteed:
            self.guaranteed.add(offer.type)

    def resolutions(self, manifest: Manifest, paid: int) -> tuple[ResolutionOption, ...]:
        emergency = bool(self.values["emergency"])
        kept = [
            (offer.rank, seq, offer)
            for offer, seq in self.offers.values()
            if (offer.type not in self.forbid or offer.type in self.guaranteed)
            and not (emergency and offer.type == "reject")
        ]
        if not kept:  # the defaults never hold reject (checked at load)
            kept = [(o.rank, i, o) for i, o in enumerate(manifest.defaults.offers)]
        return tuple(
            ResolutionOption(o.type, o.amount.of(paid) if o.amount else None)
            for _, _, o in sorted(kept, key=lambda t: (t[0], t[1]))
        )


def _merge(manifest: Manifest, facts: Facts, fired: Sequence[Rule], errors: list[str]) -> Decision:
    pool = _Pool(manifest, facts)
    for rule in fired:
        pool.add(rule)
    values = pool.values
    counts = values["counts_against_merchant"]
    return Decision(
        policy_version=manifest.version,
        severity=values["severity"],
        cause=values["cause"],
        counts_against_merchant=manifest.attribution[values["cause"]] if counts is None else counts,
        resolutions=pool.resolutions(manifest, facts.amount),
        required_evidence=tuple(pool.evidence),
        cost_bearer=values["cost_bearer"],
        sla=Sla(*pool.sla),
        queue=values["queue"],
        auto_actions=tuple(pool.actions),
        emergency=bool(values["emergency"]),
        rules=tuple(rule.id for rule in fired),
        explanation=_explain(manifest, facts, fired),
        rule_errors=tuple(errors),
    )


def _explain(manifest: Manifest, facts: Facts, fired: Sequence[Rule]) -> Explanation:
    seen: dict[str, Any] = {}

    def lookup(name: str) -> Any:
        if name not in seen:
            seen[name] = yuan(facts.amount) if name == "amount_yuan" else VARIABLES[name].get(facts)
        return seen[name]

    zh = [f"策略包 {manifest.name} {manifest.version}"]
    en = [f"Policy pack {manifest.name} {manifest.version}"]
    if not fired:
        zh.append("未命中任何规则，按策略包默认处理。")  # noqa: RUF001 (Chinese punctuation)
        en.append("No rule applied; the pack's defaults decide.")
    for rule in fired:
        zh.append(rule.explain_zh.render(lookup))
        en.append(rule.explain_en.render(lookup))
    return Explanation("\n".join(zh), "\n".join(en))
