"""Recurring faults of the merchant's products: for the products with the most cases in the
last 90 days, what their buyers complain about, how often, whether it is growing, and example
cases to read.

Each product's report is ``services.faults.product_faults``'s, as ``GET
/products/{id}/faults`` gives it; the products are the merchant's own only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aftersales.console import charts
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import Merchant, merchant_of
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import context_of
from aftersales.services.faults import DEFAULT_PERIOD, ProductFaults, merchant_faults

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

CHARTED = 4  # issues in a product's chart: their names fit under the bars on a phone
TRENDS = {"rising": "merchant.faults.rising", "falling": "merchant.faults.falling"}


@router.get("/merchant/faults")
def faults(request: Request, viewer: Merchant) -> Response:
    found = merchant_faults(context_of(request), viewer.actor, merchant_of(viewer))
    tr = viewer.tr
    return page(
        request,
        viewer,
        "merchant_faults.html",
        found=found,
        overview=_overview(tr, found),
        charts=[_halves(tr, f) for f in found],
        days=DEFAULT_PERIOD.days,
        trends=TRENDS,
    )


def _overview(tr: Translator, found: list[ProductFaults]) -> str:
    if not found:
        return ""
    bars = [(f.product.name, float(f.report.cases)) for f in found]
    return charts.hbars(tr.t("merchant.faults.by_product"), bars)


def _halves(tr: Translator, f: ProductFaults) -> str:
    """The most frequent issues' cases in the earlier and the later half of the period: the
    trend, to see at a glance."""
    issues = f.report.issue_types[:CHARTED]
    if not issues:
        return ""
    names = [tr.label("issue", i.issue_type) for i in issues]
    earlier = charts.Series(tr.t("merchant.faults.earlier"), [float(i.earlier) for i in issues])
    recent = charts.Series(tr.t("merchant.faults.recent"), [float(i.recent) for i in issues])
    title = tr.t("merchant.faults.halves", product=f.product.name)
    return charts.bars(title, names, [earlier, recent])
