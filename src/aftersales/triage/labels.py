"""The values triage speaks in: issue types, severities, causes, hazard families and queues.

They are plain strings in tuples rather than enums because they travel as JSON (the model
artefact, the corpus, the CLI) and the policy engine matches on the same strings.
"""

from __future__ import annotations

__all__ = [
    "CAUSES",
    "FAMILY_ISSUE",
    "HAZARD_FAMILIES",
    "ISSUE_FAMILY",
    "ISSUE_TYPES",
    "LANGUAGES",
    "QUEUES",
    "SAFETY_ISSUE_TYPES",
    "SEVERITIES",
]

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

# Ordered from least to most severe, so that ``max`` by index raises a floor.
SEVERITIES: tuple[str, ...] = ("minor", "moderate", "major", "critical")

# The same values the policy engine reads from a case.
CAUSES: tuple[str, ...] = (
    "product_defect",
    "usage_or_care",
    "expectation_gap",
    "logistics_damage",
    "wrong_item",
    "fraud_suspected",
    "unknown",
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

HAZARD_FAMILIES: tuple[str, ...] = (
    "injury",
    "fire",
    "electric",
    "spoilage",
    "foreign_object",
    "allergy",
    "choking",
)

# The issue type a hazard family speaks for; choking has no type of its own (it is an injury
# risk), so a choking hint files as an injury.
FAMILY_ISSUE: dict[str, str] = {
    "injury": "injury",
    "fire": "fire_overheat",
    "electric": "electrical_hazard",
    "spoilage": "food_spoilage",
    "foreign_object": "foreign_object",
    "allergy": "allergic_reaction",
    "choking": "injury",
}

# The family each safety issue type belongs to (injury stands for choking too).
ISSUE_FAMILY: dict[str, str] = {
    issue: family for family, issue in FAMILY_ISSUE.items() if family != "choking"
}

QUEUES: tuple[str, ...] = (
    "technical_support",
    "apparel",
    "on_site_service",
    "food_safety",
    "general",
)

LANGUAGES: tuple[str, ...] = ("zh", "en", "mixed", "unknown")
