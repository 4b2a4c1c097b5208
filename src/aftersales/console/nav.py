"""The menu of each role: the console's pages, in the order people use them.

A new page is one router in ``pages/`` (added in ``routes.py``) and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from aftersales.domain.actors import Role

__all__ = ["NAV", "NavItem", "home_of"]


@dataclass(frozen=True, slots=True)
class NavItem:
    path: str
    text: str  # a key of texts.TEXTS


NAV: dict[Role, tuple[NavItem, ...]] = {
    Role.CONSUMER: (
        NavItem("/console/orders", "nav.orders"),
        NavItem("/console/cases", "nav.my_cases"),
        NavItem("/console/recalls", "nav.my_recalls"),
    ),
    Role.MERCHANT_AGENT: (
        NavItem("/console/queue", "nav.queue"),
        NavItem("/console/cases", "nav.cases"),
        NavItem("/console/merchant/scorecard", "nav.my_scorecard"),
        NavItem("/console/merchant/programme", "nav.my_programme"),
        NavItem("/console/merchant/content", "nav.my_content"),
        NavItem("/console/merchant/faults", "nav.my_faults"),
        NavItem("/console/merchant/alerts", "nav.my_alerts"),
        NavItem("/console/recalls", "nav.recalls"),
    ),
    Role.OPERATOR: (
        NavItem("/console/overview", "nav.overview"),
        NavItem("/console/arbitration", "nav.arbitration"),
        NavItem("/console/cases", "nav.cases"),
        NavItem("/console/alerts", "nav.alerts"),
        NavItem("/console/recalls", "nav.recalls"),
        NavItem("/console/scorecards", "nav.scorecards"),
        NavItem("/console/programme", "nav.programme"),
        NavItem("/console/dispatch", "nav.dispatch"),
        NavItem("/console/knowledge", "nav.knowledge"),
        NavItem("/console/policies", "nav.policies"),
        NavItem("/console/ledger", "nav.ledger"),
    ),
    Role.AUDITOR: (
        NavItem("/console/cases", "nav.cases"),
        NavItem("/console/recalls", "nav.recalls"),
        NavItem("/console/alerts", "nav.alerts"),
        NavItem("/console/overview", "nav.overview"),
        NavItem("/console/scorecards", "nav.scorecards"),
        NavItem("/console/programme", "nav.programme"),
        NavItem("/console/dispatch", "nav.dispatch"),
        NavItem("/console/knowledge", "nav.knowledge"),
        NavItem("/console/policies", "nav.policies"),
        NavItem("/console/ledger", "nav.ledger"),
    ),
}


def home_of(role: Role) -> str:
    """The first page of the role's menu."""
    items = NAV.get(role)
    return items[0].path if items else "/console/signin"
