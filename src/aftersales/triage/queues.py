"""The default queue a triaged complaint is suggested for.

Dispatch (policy plus agent skills and capacity) makes the final choice; this is the starting
point it refines. Safety comes first: a hint of a hazard decides the queue even when the model
filed the complaint under something else, because the team that handles hazards must see it.
Spoilage, foreign objects and allergic reactions go to the food-safety desk (it handles health
hazards from anything eaten or put on the skin); fire and electrical hazards to technical
support, or to on-site service for furniture and home goods someone must go and look at.
"""

from __future__ import annotations

from collections.abc import Sequence

from aftersales.triage.labels import FAMILY_ISSUE, SAFETY_ISSUE_TYPES

__all__ = ["suggest_queue"]

_HEALTH = frozenset({"food_spoilage", "foreign_object", "allergic_reaction"})
_LOGISTICS = frozenset(
    {"late_delivery", "wrong_item", "missing_parts", "damaged_in_transit", "service_conduct"}
)
_FABRIC = frozenset({"size_fit", "colour_difference", "care_damage"})

# Where a complaint about the product itself goes, by category root.
_BY_ROOT = {
    "digital": "technical_support",
    "appliance": "technical_support",
    "apparel": "apparel",
    "home": "on_site_service",
    "food": "general",
    "personal_care": "general",
}


def suggest_queue(issue_type: str, category: str | None, hazard_families: Sequence[str]) -> str:
    """One of ``labels.QUEUES`` for this issue type, category and the hazards found."""
    root = category.split("/", 1)[0] if category else None
    textile = category is not None and category.startswith("home/textile")
    hazard = issue_type if issue_type in SAFETY_ISSUE_TYPES else None
    if hazard is None and hazard_families:
        hazard = FAMILY_ISSUE[hazard_families[0]]
    if hazard is not None:
        return _safety_queue(hazard, root)
    if issue_type in _LOGISTICS or issue_type == "other":
        return "general"
    if issue_type == "software_issue":
        return "technical_support"
    if issue_type in _FABRIC:
        return "apparel" if root in (None, "apparel") or textile else _BY_ROOT.get(root, "general")
    if issue_type == "malfunction":
        return _BY_ROOT.get(root or "digital", "general") if root != "food" else "general"
    return "apparel" if textile else _BY_ROOT.get(root or "", "general")


def _safety_queue(hazard: str, root: str | None) -> str:
    if hazard in _HEALTH:
        return "food_safety"
    if hazard == "injury":
        return "food_safety" if root == "food" else _BY_ROOT.get(root or "", "general")
    return "on_site_service" if root == "home" else "technical_support"
