"""The default queue: safety first, then the issue type, then the category."""

from __future__ import annotations

import pytest

from aftersales.triage.queues import suggest_queue


@pytest.mark.parametrize(
    ("issue_type", "category", "families", "queue"),
    [
        ("food_spoilage", "food/fresh", (), "food_safety"),
        ("allergic_reaction", "personal_care", (), "food_safety"),
        ("fire_overheat", "digital/phone", (), "technical_support"),
        ("electrical_hazard", "home/furniture", (), "on_site_service"),
        ("injury", "home/furniture", (), "on_site_service"),
        ("injury", "apparel/shoes", (), "apparel"),
        ("malfunction", "appliance/heater", ("fire",), "technical_support"),
        ("quality_defect", "food/packaged", ("foreign_object",), "food_safety"),
        ("software_issue", None, (), "technical_support"),
        ("malfunction", "home/furniture", (), "on_site_service"),
        ("size_fit", None, (), "apparel"),
        ("size_fit", "home/furniture", (), "on_site_service"),
        ("colour_difference", "home/textile", (), "apparel"),
        ("quality_defect", "digital/computer", (), "technical_support"),
        ("late_delivery", "apparel", (), "general"),
        ("service_conduct", "digital/phone", (), "general"),
        ("other", None, (), "general"),
    ],
)
def test_queue_follows_safety_issue_type_and_category(
    issue_type: str, category: str | None, families: tuple[str, ...], queue: str
) -> None:
    assert suggest_queue(issue_type, category, families) == queue
