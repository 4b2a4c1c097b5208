"""The values triage speaks in: issue types, severities, causes, hazard families and queues.

They are plain strings in tuples rather than enums because they travel as JSON (the model
artefact, the corpus, the CLI). Issue types, severities, causes and queues are the policy
engine's own vocabulary, imported from it, since the engine matches on the same strings.
"""

from __future__ import annotations

from aftersales.policy.vocabulary import CAUSES, ISSUE_TYPES, QUEUES, SAFETY_ISSUE_TYPES, SEVERITIES

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

LANGUAGES: tuple[str, ...] = ("zh", "en", "mixed", "unknown")
