"""The limits the platform sets on merchant overrides, checked when a pack loads.

A merchant may be more generous than the platform (a longer return window, freight insurance,
faster answers) but may never shift blame, lower severity, refuse, or hide behind paperwork.
What it may touch is listed under ``merchant_limits`` in ``pack.yaml``; SLA hours it sets can
only shorten the platform's (the engine takes the smaller value).
"""

from __future__ import annotations

from aftersales.policy.manifest import MerchantLimits
from aftersales.policy.rules import Effect
from aftersales.policy.schema import Reader
from aftersales.policy.yaml_source import LocatedMap

__all__ = ["check_merchant_rule"]


def check_merchant_rule(
    r: Reader, node: LocatedMap, effect: Effect, final: bool, limits: MerchantLimits
) -> None:
    """Note, at the rule's lines, everything in a merchant rule beyond the platform's limits."""
    line = r.line(node, "then")
    if final:
        r.error(r.line(node, "final"), "a merchant rule cannot be final")
    for name in _fields(effect) - limits.fields:
        r.error(line, f"merchant rules may not set {name} (merchant_limits.fields)")
    for offer in effect.offers:
        if offer.type not in limits.resolution_types:
            r.error(line, f"merchant rules may not offer {offer.type}")
        if offer.guaranteed:
            r.error(line, "merchant rules may not guarantee a resolution")
        ceiling = offer.amount.ceiling if offer.amount and offer.amount.kind != "full" else 0
        if ceiling is None or ceiling > limits.max_amount:
            r.error(line, f"merchant {offer.type} must be capped at {limits.max_amount} fen")
    bearer = effect.value("cost_bearer")
    if bearer is not None and bearer not in limits.cost_bearers:
        r.error(line, f"merchant rules may not make the {bearer} bear the cost")
    for action in set(effect.auto_actions) - limits.auto_actions:
        r.error(line, f"merchant rules may not trigger {action}")
    if len(effect.required_evidence) > limits.max_required_evidence:
        most = limits.max_required_evidence
        r.error(line, f"merchant rules may ask for at most {most} evidence item(s)")


def _fields(effect: Effect) -> set[str]:
    used = {name for name, _ in effect.scalars}
    if effect.sla:
        used.add("sla")
    if effect.offers:
        used.add("resolutions")
    if effect.forbid:
        used.add("forbid")
    if effect.required_evidence:
        used.add("required_evidence")
    if effect.auto_actions:
        used.add("auto_actions")
    return used
