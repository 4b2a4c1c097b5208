"""The variables a rule condition may use, their CEL types, and how each is read from facts.

They are flat on purpose. Handing CEL a nested map costs 80-150 µs per decision, a flat scalar
well under one; a list costs a few µs. So facts become top-level scalars, the care label's
meaning arrives precomputed as booleans (``care_violated``), and a decision only builds the
variables that the rules it is about to evaluate actually name (see ``index``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aftersales.policy.cel_types import BOOL, DYN, INT, STRING, CelType, list_of, map_of
from aftersales.policy.facts import KNOWN_ATTRIBUTES, Facts
from aftersales.policy.vocabulary import SAFETY_ISSUE_TYPES, SEVERITIES

__all__ = ["VARIABLES", "Variable", "probe_values"]


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    type: CelType
    get: Callable[[Facts], Any]
    doc: str


def _care_followed(f: Facts) -> bool:
    label, applied = f.attributes.get("care_label"), f.attributes.get("care_applied")
    return bool(label and applied) and not f.care_violations


def _attributes_map(f: Facts) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in f.attributes.items()}


_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}

_CORE: tuple[Variable, ...] = (
    Variable("case_type", STRING, lambda f: f.case_type, "return_refund, refund_only, …"),
    Variable("category", STRING, lambda f: f.category, "category path, e.g. apparel/knitwear"),
    Variable("category_root", STRING, lambda f: f.category.partition("/")[0], "first path segment"),
    Variable("brand", STRING, lambda f: f.brand, "brand name, '' when unknown"),
    Variable("model", STRING, lambda f: f.model, "model name, '' when unknown"),
    Variable("merchant", STRING, lambda f: f.merchant, "merchant id, '' when unknown"),
    Variable("channel", STRING, lambda f: f.channel, "online or offline"),
    Variable("region", STRING, lambda f: f.region, "province code such as CN-BJ, or ''"),
    Variable("issue_type", STRING, lambda f: f.issue_type, "issue type from triage"),
    Variable("severity", STRING, lambda f: f.severity or "", "given severity, '' when none"),
    Variable(
        "severity_rank",
        INT,
        lambda f: _SEVERITY_RANK.get(f.severity or "", -1),
        "0 minor … 3 critical, -1 when not given",
    ),
    Variable(
        "safety_hazard",
        BOOL,
        lambda f: f.issue_type in SAFETY_ISSUE_TYPES or f.case_type == "safety_report",
        "a hazard issue type, or a safety report",
    ),
    Variable(
        "delivered", BOOL, lambda f: f.days_since_delivery is not None, "goods were delivered"
    ),
    Variable(
        "days_since_delivery",
        INT,
        lambda f: -1 if f.days_since_delivery is None else f.days_since_delivery,
        "whole days since delivery, -1 before delivery (test `delivered` first)",
    ),
    Variable("amount", INT, lambda f: f.amount, "paid for the line, in fen"),
    Variable("description", STRING, lambda f: f.description, "the consumer's words"),
    Variable(
        "consumer_cases_90d", INT, lambda f: f.consumer.cases_90d, "consumer's cases, 90 days"
    ),
    Variable(
        "consumer_refund_only_90d",
        INT,
        lambda f: f.consumer.refund_only_90d,
        "consumer's refund-only requests, 90 days",
    ),
    Variable(
        "care_label_present",
        BOOL,
        lambda f: bool(f.attribute("care_label")),
        "the item carries a care label",
    ),
    Variable(
        "care_reported",
        BOOL,
        lambda f: bool(f.attribute("care_applied")),
        "the consumer said how the item was cared for",
    ),
    Variable(
        "care_violated",
        BOOL,
        lambda f: bool(f.care_violations),
        "the reported care breaks the label",
    ),
    Variable("care_followed", BOOL, _care_followed, "label present, care reported, not broken"),
    Variable(
        "care_violations",
        list_of(STRING),
        lambda f: list(f.care_violations),
        "each broken symbol, '<applied> against <label>'",
    ),
    Variable("attributes", map_of(STRING, DYN), _attributes_map, "every attribute as a map"),
)


def _attribute_variable(name: str, kind: type) -> Variable:
    cel_type = {str: STRING, bool: BOOL, tuple: list_of(STRING)}[kind]
    default = KNOWN_ATTRIBUTES[name][1]

    def get(f: Facts) -> Any:
        value = f.attributes.get(name, default)
        return list(value) if isinstance(value, tuple) else value

    return Variable(name, cel_type, get, f"attribute {name} (default {default!r})")


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        *_CORE,
        *(_attribute_variable(n, kind) for n, (kind, _) in KNOWN_ATTRIBUTES.items()),
    )
}


def probe_values() -> dict[str, Any]:
    """Every variable read from a plain delivered case; conditions are tried on it at load."""
    facts = Facts("return_refund", "general", "online", 10000, "other", 3)
    return {name: v.get(facts) for name, v in VARIABLES.items()}
