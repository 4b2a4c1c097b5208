"""``pack.yaml``: name and version, defaults, attribution, vocabulary, merchant limits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aftersales.policy.effects import read_offers, read_sla
from aftersales.policy.facts import CATEGORY_PATH
from aftersales.policy.rules import SLA_FIELDS, Offer
from aftersales.policy.schema import IDENTIFIER, Reader
from aftersales.policy.vocabulary import (
    CAUSES,
    COST_BEARERS,
    RESOLUTION_TYPES,
    SEVERITIES,
    PackVocabulary,
)
from aftersales.policy.yaml_source import LocatedMap

__all__ = ["Defaults", "Manifest", "MerchantLimits", "read_manifest"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
# What a merchant override may ever touch; attribution, severity and emergencies stay the
# platform's to decide, or a merchant could excuse itself.
MERCHANT_FIELDS = frozenset(
    {"resolutions", "sla", "cost_bearer", "required_evidence", "auto_actions"}
)


@dataclass(frozen=True, slots=True)
class Defaults:
    """Each field's value when no rule sets it, so that every case gets a whole decision."""

    severity: str
    cause: str
    cost_bearer: str
    queue: str
    sla: tuple[float, float, float]
    offers: tuple[Offer, ...]


@dataclass(frozen=True, slots=True)
class MerchantLimits:
    """What a merchant's override file may set; by default, nothing."""

    fields: frozenset[str] = frozenset()
    resolution_types: frozenset[str] = frozenset()
    cost_bearers: frozenset[str] = frozenset()
    auto_actions: frozenset[str] = frozenset()
    max_amount: int = 0  # fen, the most any one offered remedy may pay
    max_required_evidence: int = 0  # extra evidence items per rule


@dataclass(frozen=True, slots=True)
class Manifest:
    name: str
    version: str
    defaults: Defaults
    attribution: Mapping[str, bool]
    vocabulary: PackVocabulary = field(default_factory=PackVocabulary)
    merchant_limits: MerchantLimits = field(default_factory=MerchantLimits)
    description: tuple[str, str] = ("", "")


# Stands in for defaults that failed to read: the error is already recorded, so the pack is
# refused; this only lets the loader go on and report every other problem in the same run.
_UNREADABLE_DEFAULTS = Defaults("moderate", "unknown", "merchant", "general", (24, 48, 168), ())


def read_manifest(r: Reader, doc: Any) -> Manifest | None:
    keys = ("name", "version", "defaults", "attribution")
    top = r.mapping(
        doc,
        1,
        "pack.yaml",
        required=keys,
        optional=("description", "vocabulary", "merchant_limits"),
    )
    if top is None or any(k not in top for k in keys):
        return None
    vocabulary = _vocabulary(r, top)
    return Manifest(
        name=r.string(top, "name", "pack", _NAME),
        version=_version(r, top),
        defaults=_defaults(r, top, vocabulary),
        attribution=_attribution(r, top),
        vocabulary=vocabulary,
        merchant_limits=_limits(r, top, vocabulary),
        description=(r.bilingual(top, "description") or ("", ""))
        if "description" in top
        else ("", ""),
    )


def _version(r: Reader, top: LocatedMap) -> str:
    value = top["version"]
    if not isinstance(value, str):
        r.error(r.line(top, "version"), f'version must be a string; quote it: version: "{value}"')
        return "0"
    return r.string(top, "version", "0", _VERSION)


def _defaults(r: Reader, top: LocatedMap, vocab: PackVocabulary) -> Defaults:
    keys = ("severity", "cause", "cost_bearer", "queue", "sla", "resolutions")
    node = r.mapping(top["defaults"], r.line(top, "defaults"), "defaults", required=keys)
    if node is None or any(k not in node for k in keys):
        return _UNREADABLE_DEFAULTS
    sla = dict(read_sla(r, node["sla"], r.line(node, "sla")))
    if len(sla) != len(SLA_FIELDS):
        r.error(r.line(node, "sla"), f"defaults.sla needs all of {', '.join(SLA_FIELDS)}")
    offers = read_offers(r, node, "resolutions")
    if not offers or any(o.type == "reject" for o in offers):
        r.error(
            r.line(node, "resolutions"), "default resolutions must be non-empty, without reject"
        )
    return Defaults(
        severity=r.choice(node, "severity", SEVERITIES, "moderate"),
        cause=r.choice(node, "cause", CAUSES, "unknown"),
        cost_bearer=r.choice(node, "cost_bearer", COST_BEARERS, "merchant"),
        queue=r.choice(node, "queue", tuple(vocab.queues), "general"),
        sla=(sla.get(0, 24.0), sla.get(1, 48.0), sla.get(2, 168.0)),
        offers=offers,
    )


def _attribution(r: Reader, top: LocatedMap) -> dict[str, bool]:
    node = r.mapping(top["attribution"], r.line(top, "attribution"), "attribution", required=CAUSES)
    if node is None:
        return dict.fromkeys(CAUSES, False)
    return {cause: r.boolean(node, cause, False) for cause in CAUSES if cause in node}


def _vocabulary(r: Reader, top: LocatedMap) -> PackVocabulary:
    base = PackVocabulary()
    if "vocabulary" not in top:
        return base
    keys = ("queues", "auto_actions", "evidence", "categories")
    node = r.mapping(top["vocabulary"], r.line(top, "vocabulary"), "vocabulary", optional=keys)
    if node is None:
        return base

    def more(key: str, current: frozenset[str], pattern: re.Pattern[str]) -> frozenset[str]:
        return current | set(r.names(node, key, pattern=pattern)) if key in node else current

    return PackVocabulary(
        queues=more("queues", base.queues, IDENTIFIER),
        auto_actions=more("auto_actions", base.auto_actions, IDENTIFIER),
        evidence=more("evidence", base.evidence, IDENTIFIER),
        categories=more("categories", base.categories, CATEGORY_PATH),
    )


def _limits(r: Reader, top: LocatedMap, vocab: PackVocabulary) -> MerchantLimits:
    if "merchant_limits" not in top:
        return MerchantLimits()
    keys = (
        "fields",
        "resolution_types",
        "cost_bearers",
        "auto_actions",
        "max_amount",
        "max_required_evidence",
    )
    node = r.mapping(
        top["merchant_limits"], r.line(top, "merchant_limits"), "merchant_limits", optional=keys
    )
    if node is None:
        return MerchantLimits()

    def allowed(key: str, values: frozenset[str] | tuple[str, ...]) -> frozenset[str]:
        return frozenset(r.names(node, key, values)) if key in node else frozenset()

    return MerchantLimits(
        fields=allowed("fields", MERCHANT_FIELDS),
        resolution_types=allowed(
            "resolution_types", tuple(t for t in RESOLUTION_TYPES if t != "reject")
        ),
        cost_bearers=allowed("cost_bearers", COST_BEARERS),
        auto_actions=allowed("auto_actions", vocab.auto_actions),
        max_amount=r.integer(node, "max_amount", 0, 0, 10**12),
        max_required_evidence=r.integer(node, "max_required_evidence", 0, 0, 20),
    )
