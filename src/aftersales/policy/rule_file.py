"""Reading one rule file: its layer, and each rule's match, condition, effect and explanation."""

from __future__ import annotations

import re
from typing import Any

from aftersales.policy.conditions import Condition, compile_condition
from aftersales.policy.effects import read_effect
from aftersales.policy.explain import EXTRA_PLACEHOLDERS, Template
from aftersales.policy.limits import check_merchant_rule
from aftersales.policy.manifest import Manifest
from aftersales.policy.overlap import Constraint, Scope, constraints
from aftersales.policy.rules import Match, Rule
from aftersales.policy.schema import Reader
from aftersales.policy.variables import VARIABLES
from aftersales.policy.vocabulary import CASE_TYPES, CHANNELS, ISSUE_TYPES, LAYERS
from aftersales.policy.yaml_source import LocatedMap

__all__ = ["read_rule_file"]

_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_MERCHANT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
_PLACEHOLDERS = frozenset({*VARIABLES, *EXTRA_PLACEHOLDERS})
_MATCH_KEYS = ("case_types", "categories", "issue_types", "channels", "brands", "models")


def read_rule_file(r: Reader, doc: Any, manifest: Manifest, first_order: int) -> list[Rule]:
    top = r.mapping(
        doc, 1, "a rule file", required=("layer", "rules"), optional=("merchant", "description")
    )
    if top is None or "layer" not in top or "rules" not in top:
        return []
    layer = r.choice(top, "layer", LAYERS, "platform")
    merchant = _merchant(r, top, layer)
    rules = []
    for order, (item, line) in enumerate(r.items(top, "rules"), start=first_order):
        rule = _rule(r, item, line, manifest, layer, merchant, order)
        if rule is not None:
            rules.append(rule)
    return rules


def _merchant(r: Reader, top: LocatedMap, layer: str) -> str | None:
    if layer != "merchant":
        if "merchant" in top:
            r.error(r.line(top, "merchant"), "merchant belongs only in a merchant-layer file")
        return None
    if "merchant" not in top:
        r.error(top.line, "a merchant-layer file names its merchant: merchant: <id>")
        return None
    return r.string(top, "merchant", "", _MERCHANT_ID) or None


def _rule(
    r: Reader,
    item: Any,
    line: int,
    manifest: Manifest,
    layer: str,
    merchant: str | None,
    order: int,
) -> Rule | None:
    required = ("id", "then", "explain")
    node = r.mapping(item, line, "a rule", required, ("priority", "final", "match", "when"))
    if node is None or any(k not in node for k in required):
        return None
    before = len(r.errors)
    match = _match(r, node, manifest) if "match" in node else Match()
    condition = None
    if "when" in node:
        block = node.value_block.get("when", False)
        condition = compile_condition(r, node["when"], r.line(node, "when"), block)
    effect = read_effect(r, node["then"], r.line(node, "then"), manifest.vocabulary)
    final = r.boolean(node, "final", False)
    if layer == "merchant":
        check_merchant_rule(r, node, effect, final, manifest.merchant_limits)
    rule_id = r.string(node, "id", "", _RULE_ID)
    explain = _explain(r, node, rule_id)
    if len(r.errors) > before or explain is None:
        return None
    return Rule(
        id=rule_id,
        layer=layer,
        layer_rank=LAYERS.index(layer),
        priority=r.integer(node, "priority", 0, -1000, 1000),
        order=order,
        final=final,
        match=match,
        merchant=merchant,
        when=node.get("when"),
        program=condition.program if condition else None,
        variables=condition.variables if condition else frozenset(),
        effect=effect,
        explain_zh=explain[0],
        explain_en=explain[1],
        where=f"{r.file}:{node.line}",
        scope=_scope(match, merchant, condition),
    )


def _match(r: Reader, node: LocatedMap, manifest: Manifest) -> Match:
    spec = r.mapping(node["match"], r.line(node, "match"), "match", optional=_MATCH_KEYS)
    if spec is None:
        return Match()
    allowed: dict[str, Any] = {
        "case_types": CASE_TYPES,
        "categories": manifest.vocabulary.categories,
        "issue_types": ISSUE_TYPES,
        "channels": CHANNELS,
        "brands": None,
        "models": None,
    }
    found: dict[str, frozenset[str]] = {}
    for key in _MATCH_KEYS:
        if key in spec:
            values = r.names(spec, key, allowed[key])
            found[key] = frozenset(v.casefold() if allowed[key] is None else v for v in values)
    return Match(**found)


def _explain(r: Reader, node: LocatedMap, rule_id: str) -> tuple[Template, Template] | None:
    texts = r.bilingual(node, "explain")
    if texts is None:
        return None
    # Each line of an explanation names its rule; the name is part of the template, so that a
    # decision joins finished lines.
    zh, en = (f"[{rule_id}] {text.strip()}" for text in texts)
    try:
        return Template.parse(zh, _PLACEHOLDERS), Template.parse(en, _PLACEHOLDERS)
    except ValueError as exc:
        r.error(r.line(node, "explain"), str(exc))
        return None


def _scope(match: Match, merchant: str | None, condition: Condition | None) -> Scope:
    found = constraints(condition.tree if condition else None)
    structured = {
        "case_type": match.case_types,
        "issue_type": match.issue_types,
        "channel": match.channels,
        "merchant": frozenset({merchant}) if merchant else None,
        # Casefolded, so kept apart from the raw values a condition compares with.
        "match:brand": match.brands,
        "match:model": match.models,
    }
    for name, values in structured.items():
        if values is not None:
            limit = Constraint(allowed=values)
            found[name] = found[name] & limit if name in found else limit
    return Scope(match.categories, found)
