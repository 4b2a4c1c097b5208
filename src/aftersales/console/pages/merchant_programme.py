"""The quality-merchant programme for the merchant: where it stands this cycle (eligible,
enrolled, or why not; its boost or penalty) and the enrolment form, a targeted pool of the
merchant's own products or the whole store.

The form is read into the API's own ``EnrolmentCreate`` and enrolled by the same use case as
``POST /programme/enrolments``; every refusal (31 products, a product that is not the
merchant's, a tier that is not eligible) is the use case's, shown in the reader's language.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from aftersales.api.exposure_schemas import EnrolmentCreate
from aftersales.console.forms import parse
from aftersales.console.pages.merchant_common import (
    Merchant,
    chosen_products,
    event_name,
    merchant_of,
    said,
    span,
    submit,
)
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import Viewer, checked_form, context_of
from aftersales.exposure import Mode, Slot
from aftersales.exposure.texts import SLOT_NAMES
from aftersales.scoring.texts import TIER_NAMES
from aftersales.services import catalog
from aftersales.services import programme as uc
from aftersales.services.programme import ProgrammeView

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

PATH = "/console/merchant/programme"
PRODUCTS_LISTED = 500  # ticked from a list; a larger catalogue types the rest of its ids


@router.get("/merchant/programme")
def programme_page(request: Request, viewer: Merchant) -> Response:
    return _page(request, viewer)


@router.post("/merchant/programme")
async def enrol(request: Request, viewer: Merchant) -> Response:
    """Enrol the merchant for this cycle; a second enrolment replaces the first."""
    assert viewer.session is not None
    form = await checked_form(request, viewer.session.csrf_token)
    chosen = _chosen(form)
    ctx = context_of(request)

    def use() -> object:
        body = parse(EnrolmentCreate, chosen)
        cmd = uc.Enrol(body.mode.value, tuple(body.product_ids))
        return uc.enrol_merchant(ctx, viewer.actor, cmd)

    def shown(error: dict[str, str], status: int) -> Response:
        return _page(request, viewer, error=error, status=status, chosen=chosen)

    return await submit(request, viewer, use, f"{PATH}?done=enrolled", shown)


def _chosen(form: FormData) -> dict[str, Any]:
    """The mode and, for a pool, the products ticked and typed, each once and in order. The
    product choices belong to the pool: a store-wide choice sends none of them."""
    mode = form.get("mode")
    if mode != Mode.POOL.value:
        return {"mode": mode if isinstance(mode, str) else ""}
    return {"mode": mode, "product_ids": chosen_products(form)}


def _page(
    request: Request,
    viewer: Viewer,
    *,
    error: dict[str, str] | None = None,
    status: int = 200,
    chosen: dict[str, Any] | None = None,
) -> Response:
    ctx, tr = context_of(request), viewer.tr
    merchant = merchant_of(viewer)
    view = uc.programme_status(ctx, viewer.actor, merchant)
    products = catalog.merchant_products(ctx, viewer.actor, merchant, PRODUCTS_LISTED)
    return page(
        request,
        viewer,
        "merchant_programme.html",
        status=status,
        error=error,
        v=view,
        s=_status(viewer, view),
        notices=[(n, event_name(tr, n.kind), said(tr, n.reason)) for n in view.notices],
        products=products,
        listed=PRODUCTS_LISTED,
        limit=ctx.exposure.config.pool_limit,
        chosen=chosen or _enrolled(view),
    )


def _status(viewer: Viewer, view: ProgrammeView) -> dict[str, Any]:
    tr, s = viewer.tr, view.status
    boost = [
        (said(tr, SLOT_NAMES.get(slot)), s.weights[slot]) for slot in Slot if slot in s.weights
    ]
    return {
        "tier": said(tr, TIER_NAMES.get(s.tier)),
        "reason": said(tr, s.reason),
        "boost": boost,
        "penalty": tr.t(f"merchant.penalty.{s.penalty.value}"),
        "share": tr.percent(s.multiplier),
        "span": span(tr, view.cycle.start, view.cycle.end),
    }


def _enrolled(view: ProgrammeView) -> dict[str, Any]:
    """The form starts from the enrolment in force, or from a pool with nothing ticked."""
    if view.enrolment is None:
        return {"mode": Mode.POOL.value, "product_ids": []}
    e = view.enrolment.enrolment
    return {"mode": e.mode.value, "product_ids": sorted(e.product_ids)}
