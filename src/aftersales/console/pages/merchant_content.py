"""The merchant's content on the traffic ladder: each item's stage, and on its page the stage
history with the reason of every move and the metrics the next daily run will judge.

Read through ``services.content`` as ``GET /contents`` reads it: an agent sees its own
merchant's items only, and another's item, by its address, is the 404 page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aftersales.api.routes.cases import ID_PATTERN
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import Merchant, event_name, named, said
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import context_of
from aftersales.exposure import ContentKind, Stage
from aftersales.exposure.texts import STAGE_NAMES
from aftersales.services import content as uc
from aftersales.store.content import ContentQuery, ContentRecord

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

ContentId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
PAGE = 50
KINDS = {kind.value: f"merchant.kind.{kind.value}" for kind in ContentKind}


@router.get("/merchant/content")
def contents(
    request: Request,
    viewer: Merchant,
    after: Annotated[str | None, Query(max_length=120)] = None,
) -> Response:
    """The merchant's items, newest first, a page at a time."""
    query = ContentQuery(limit=PAGE, before=_before(after))
    found = uc.list_contents(context_of(request), viewer.actor, query)
    older = _key(found[-1]) if len(found) == PAGE else None
    quotas = context_of(request).exposure.config.ladder.quotas
    rows = [(r, _stage(viewer.tr, r.item.stage), quotas.get(r.item.stage, 0)) for r in found]
    return page(request, viewer, "merchant_contents.html", rows=rows, older=older, kinds=KINDS)


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
