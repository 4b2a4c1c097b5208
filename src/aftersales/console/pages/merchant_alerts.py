"""Early-warning alerts and recalls on the merchant's own products, in one list each, with the
recall an alert was linked to.

Read through ``services.alerts`` and ``services.recalls`` as the API reads them: an agent sees
the alerts on its own products (never a whole category's, which pool every merchant's cases)
and the recalls of its own products.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aftersales.console.pages.merchant_common import Merchant
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import context_of
from aftersales.services import alerts as uc
from aftersales.services import recalls as rc
from aftersales.store.alerts import AlertQuery
from aftersales.store.recalls import RecallQuery
from aftersales.warning.review import AlertStatus

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

LISTED = 100
STATUSES = {s.value: f"merchant.alert.{s.value}" for s in AlertStatus}


@router.get("/merchant/alerts")
def alerts(request: Request, viewer: Merchant) -> Response:
    """The newest alerts on the merchant's products, then the recalls of its products."""
    ctx, tr = context_of(request), viewer.tr
    found = uc.list_alerts(ctx, viewer.actor, AlertQuery(limit=LISTED))
    rows = [(a, tr.pick({"en": a.explanation_en, "zh": a.explanation_zh})) for a in found]
    recalls = rc.list_recalls(ctx, viewer.actor, RecallQuery(limit=LISTED))
    return page(
        request, viewer, "merchant_alerts.html", rows=rows, recalls=recalls, statuses=STATUSES
    )
