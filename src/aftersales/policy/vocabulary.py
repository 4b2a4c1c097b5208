"""The closed vocabularies a decision speaks in, and the built-in open ones a pack may extend.

Closed: case types, channels, issue types, severities, causes, cost bearers, resolution types
and layers. Everything outside them is a typo the loader refuses. Open: queues, auto actions and
evidence kinds, which the integration acts on; a pack may add values of its own under
``vocabulary:`` in ``pack.yaml`` (the integration then treats the new ones as notes).
"""

from __future__ import annotations

from dataclasses import dataclass

from aftersales.domain.cases_types import CaseType, ResolutionType
from aftersales.domain.catalog import Channel
from aftersales.domain.categories import CATEGORIES

__all__ = [
    "AUTO_ACTIONS",
    "CASE_TYPES",
    "CAUSES",
    "CHANNELS",
    "COST_BEARERS",
    "EVIDENCE",
    "ISSUE_TYPES",
    "LAYERS",
    "QUEUES",
    "RESOLUTION_TYPES",
    "SAFETY_ISSUE_TYPES",
    "SEVERITIES",
    "PackVocabulary",
]

CASE_TYPES: tuple[str, ...] = tuple(t.value for t in CaseType)
CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)
RESOLUTION_TYPES: tuple[str, ...] = tuple(r.value for r in ResolutionType)

# The issue types triage files a complaint under (issue 4); "other" when it cannot tell.
ISSUE_TYPES: tuple[str, ...] = (
    "quality_defect",
    "malfunction",
    "software_issue",
    "damaged_in_transit",
    "wrong_item",
    "missing_parts",
    "size_fit",
    "colour_difference",
    "not_as_described",
    "care_damage",
    "late_delivery",
    "service_conduct",
    "food_spoilage",
    "foreign_object",
    "electrical_hazard",
    "fire_overheat",
    "injury",
    "allergic_reaction",
    "other",
)

SAFETY_ISSUE_TYPES: frozenset[str] = frozenset(
    {
        "food_spoilage",
        "foreign_object",
        "electrical_hazard",
        "fire_overheat",
        "injury",
        "allergic_reaction",
    }
)

# Least to most severe: the index is the ``severity_rank`` rules compare with.
SEVERITIES: tuple[str, ...] = ("minor", "moderate", "major", "critical")

CAUSES: tuple[str, ...] = (
    "product_defect",
    "usage_or_care",
    "expectation_gap",
    "logistics_damage",
    "wrong_item",
    "fraud_suspected",
    "unknown",
)

# Who pays for the remedy and the freight it needs.
COST_BEARERS: tuple[str, ...] = ("merchant", "consumer", "logistics", "brand", "platform")

# Applied in this order; a later layer overrides an earlier one (see engine).
LAYERS: tuple[str, ...] = ("statutory", "platform", "category", "brand_model", "merchant")

# The queues dispatch knows (the same five triage routes to).
QUEUES: tuple[str, ...] = (
    "technical_support",
    "apparel",
    "on_site_service",
    "food_safety",
    "general",
)

# What the integration does on its own when a decision carries the action.
AUTO_ACTIONS: tuple[str, ...] = (
    "auto_approve_refund",  # grant the refund at once, no merchant step
    "auto_approve_compensation",  # pay the quick compensation at once
    "stop_sale_batch",  # take the product batch off sale
    "recall_review",  # open a recall review for the batch
    "notify_safety_team",  # page the platform's safety on-call
    "escalate_to_platform",  # a platform agent owns the case from the start
    "preserve_evidence",  # ask the consumer to keep the item or sample
    "schedule_on_site_visit",  # book an inspection and measurement visit
    "book_in_store_service",  # book an in-store service appointment
    "send_care_guide",  # send care and repair advice for the fabric
    "send_troubleshooting_guide",  # send remote-diagnosis and firmware steps
    "claim_against_carrier",  # file a claim with the logistics company
    "open_merchant_appeal",  # the merchant may appeal a refund-only grant
    "consumer_risk_review",  # a risk analyst looks at the consumer's history
)

EVIDENCE: tuple[str, ...] = (
    "photos_of_item",
    "photos_of_defect",
    "video_of_fault",
    "care_label_photo",
    "care_description",
    "packaging_photos",
    "waybill_photo",
    "batch_number_photo",
    "serial_number",
    "purchase_receipt",
    "diagnostic_log",
    "medical_record",
    "retained_sample",
    "room_measurements",
    "size_measurements",
)


@dataclass(frozen=True, slots=True)
class PackVocabulary:
    """The open vocabularies of one pack: the built-in values plus those its manifest adds."""

    queues: frozenset[str] = frozenset(QUEUES)
    auto_actions: frozenset[str] = frozenset(AUTO_ACTIONS)
    evidence: frozenset[str] = frozenset(EVIDENCE)
    categories: frozenset[str] = frozenset(CATEGORIES)
