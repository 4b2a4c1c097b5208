"""The merchant's content on the traffic ladder: each item's stage, and on its page the stage
history with the reason of every move and the metrics the next daily run will judge; and the
form to publish an item, read into the API's own ``ContentCreate`` and published by the same
use case as ``POST /contents`` (every refusal is the use case's, in the reader's language).

Read through ``services.content`` as ``GET /contents`` reads it: an agent sees its own
merchant's items only, and another's item, by its address, is the 404 page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aftersales.api.content_schemas import ContentCreate
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.console.forms import fields, parse
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import (
    Merchant,
    chosen_products,
    event_name,
    merchant_of,
    named,
    said,
    submit,
)
from aftersales.console.pages.merchant_programme import PRODUCTS_LISTED
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import checked_form, context_of
from aftersales.exposure import ContentKind, Stage
from aftersales.exposure.texts import STAGE_NAMES
from aftersales.services import catalog
from aftersales.services import content as uc
from aftersales.store.content import ContentQuery, ContentRecord

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

ContentId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
PATH = "/console/merchant/content"
PAGE = 50
KINDS = {kind.value: f"merchant.kind.{kind.value}" for kind in ContentKind}


@router.get("/merchant/content")
def contents(
    request: Request,
    viewer: Merchant,
    after: Annotated[str | None, Query(max_length=120)] = None,
) -> Response:
    """The merchant's items, newest first, a page at a time, and the form to publish one."""
    return _contents(request, viewer, after)


@router.post("/merchant/content")
async def publish(request: Request, viewer: Merchant) -> Response:
    """Publish an item linked to the merchant's own products; it starts at cold start."""
    assert viewer.session is not None
    form = await checked_form(request, viewer.session.csrf_token)
    chosen = {**fields(form, "kind", "title"), "product_ids": chosen_products(form)}
    ctx = context_of(request)

    def use() -> ContentRecord:
        body = parse(ContentCreate, chosen)
        return uc.publish(
            ctx, viewer.actor, uc.Publish(body.kind, body.title, tuple(body.product_ids))
        )

    def shown(error: dict[str, str], status: int) -> Response:
        return _contents(request, viewer, None, error=error, status=status, chosen=chosen)

    return await submit(
        request, viewer, use, lambda made: f"{PATH}/{made.id}?done=published", shown
    )


def _contents(
    request: Request,
    viewer: Merchant,
    after: str | None,
    *,
    error: dict[str, str] | None = None,
    status: int = 200,
    chosen: dict[str, Any] | None = None,
) -> Response:
    ctx = context_of(request)
    query = ContentQuery(limit=PAGE, before=_before(after))
    found = uc.list_contents(ctx, viewer.actor, query)
    older = _key(found[-1]) if len(found) == PAGE else None
    quotas = ctx.exposure.config.ladder.quotas
    rows = [(r, _stage(viewer.tr, r.item.stage), quotas.get(r.item.stage, 0)) for r in found]
    products = catalog.merchant_products(ctx, viewer.actor, merchant_of(viewer), PRODUCTS_LISTED)
    return page(
        request,
        viewer,
        "merchant_contents.html",
        status=status,
        error=error,
        rows=rows,
        older=older,
        kinds=KINDS,
        products=products,
        listed=PRODUCTS_LISTED,
        chosen=chosen or {"kind": ContentKind.POST.value, "product_ids": []},
    )


@router.get("/merchant/content/{content_id}")
def content(request: Request, viewer: Merchant, content_id: ContentId) -> Response:
    ctx, tr = context_of(request), viewer.tr
    view = uc.get_content(ctx, viewer.actor, content_id)
    history = [(e, event_name(tr, e.kind), said(tr, e.reason)) for e in view.history]
    ladder = [(s, _stage(tr, s), s is view.record.item.stage) for s in Stage]
    return page(
        request,
        viewer,
        "merchant_content.html",
        v=view,
        item=view.record.item,
        stage=_stage(tr, view.record.item.stage),
        quota=ctx.exposure.config.ladder.quotas.get(view.record.item.stage, 0),
        history=history,
        ladder=ladder,
        kinds=KINDS,
    )


def _stage(tr: Translator, stage: Stage) -> str:
    return named(tr, STAGE_NAMES, Stage, stage.value)


def _key(last: ContentRecord) -> str:
    return f"{last.published_at.isoformat()}|{last.id}"


def _before(after: str | None) -> tuple[datetime, str] | None:
    """``published_at|id`` of the last item shown; anything else shows the newest page."""
    moment, _, content_id = (after or "").partition("|")
    try:
        published = datetime.fromisoformat(moment)
    except ValueError:
        return None
    return (published, content_id) if published.tzinfo and content_id else None
