"""Routes of the content ladder: merchants publish, the integration reports metrics and
audiences, operators review nominations for the amplification pool.

Visibility: a merchant's agent sees its own merchant's content; operators, auditors and the
integration see all of it; anything else answers 404.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from aftersales.api.content_schemas import (
    AudiencePublic,
    AudiencePut,
    ContentCreate,
    ContentPublic,
    ContentsPublic,
    DeclineCreate,
    MetricsCreate,
    MetricsPublic,
    MetricsTotals,
    NoteCreate,
)
from aftersales.api.deps import CtxDep, IdempotencyDep, bad_cursor, role
from aftersales.api.responses import model_response
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.domain.actors import Actor, Role
from aftersales.exposure import Stage
from aftersales.services import content as uc
from aftersales.services.context import Context
from aftersales.store.content import Audience, ContentQuery, ContentRecord

router = APIRouter(tags=["content ladder"])

MerchantAgent = Annotated[Actor, role(Role.MERCHANT_AGENT)]
Reader = Annotated[Actor, role(Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR, Role.INTEGRATION)]
Integration = Annotated[Actor, role(Role.INTEGRATION)]
Operator = Annotated[Actor, role(Role.OPERATOR)]
ContentId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
MerchantId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]


def _public(ctx: Context, record: ContentRecord) -> ContentPublic:
    return ContentPublic.of(record, ctx.exposure.config.ladder)


@router.post("/contents", status_code=201, response_model=ContentPublic)
def publish(
    body: ContentCreate, ctx: CtxDep, actor: MerchantAgent, idem: IdempotencyDep
) -> Response:
    """Publish a post, short video or live replay linked to your own products; it enters the
    content ladder as organic and is judged daily."""
    cmd = uc.Publish(body.kind, body.title, tuple(body.product_ids))
    return idem.run(body, lambda: (201, _public(ctx, uc.publish(ctx, actor, cmd))))


@router.get("/contents", response_model=ContentsPublic)
def list_contents(
    ctx: CtxDep,
    actor: Reader,
    stage: Annotated[list[Stage] | None, Query()] = None,
    merchant_id: Annotated[str | None, Query(max_length=64, pattern=ID_PATTERN)] = None,
    nominated: Annotated[bool | None, Query(description="waiting for review")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Content you may see, newest first; operators find the review queue with
    ``nominated=true``, the recommender the amplification pool with
    ``stage=amplification_pool``."""
    stages = tuple(s.value for s in stage or ())
    query = ContentQuery(merchant_id, stages, nominated, _decode(cursor), limit)
    found = uc.list_contents(ctx, actor, query)
    next_cursor = _encode(found[-1]) if len(found) == limit else None
    items = [_public(ctx, r) for r in found]
    return model_response(ContentsPublic(items=items, next_cursor=next_cursor))


@router.get("/contents/{content_id}", response_model=ContentPublic)
def get_content(content_id: ContentId, ctx: CtxDep, actor: Reader) -> Response:
    """One item with its stage history and the metrics its next daily run will judge."""
    view = uc.get_content(ctx, actor, content_id)
    return model_response(ContentPublic.detail(view, ctx.exposure.config.ladder))


@router.post("/contents/{content_id}/metrics", response_model=MetricsPublic)
def add_metrics(
    content_id: ContentId,
    body: MetricsCreate,
    ctx: CtxDep,
    actor: Integration,
    idem: IdempotencyDep,
) -> Response:
    """Add the item's impressions, clicks, dwell seconds and new fans for a day; send an
    Idempotency-Key so a retried report is not counted twice."""

    def produce() -> tuple[int, MetricsPublic]:
        day, totals = uc.add_metrics(ctx, actor, content_id, body.day, body.metrics())
        return 200, MetricsPublic(content_id=content_id, day=day, totals=MetricsTotals.of(totals))

    return idem.run({"content_id": content_id, "body": body}, produce)


@router.post("/contents/{content_id}/approve", response_model=ContentPublic)
def approve(
    content_id: ContentId, ctx: CtxDep, actor: Operator, body: NoteCreate | None = None
) -> Response:
    """Admit a nominated item to the amplification pool (an optional note is kept)."""
    note = body.note if body else ""
    record = uc.review(ctx, actor, content_id, approved=True, text=note)
    return model_response(_public(ctx, record))


@router.post("/contents/{content_id}/decline", response_model=ContentPublic)
def decline(content_id: ContentId, body: DeclineCreate, ctx: CtxDep, actor: Operator) -> Response:
    """Decline a nominated item, with the reason the merchant is told; it stays in boost."""
    record = uc.review(ctx, actor, content_id, approved=False, text=body.reason)
    return model_response(_public(ctx, record))


@router.put("/merchants/{merchant_id}/audience", response_model=AudiencePublic)
def put_audience(
    merchant_id: MerchantId, body: AudiencePut, ctx: CtxDep, actor: Integration
) -> Response:
    """Report a shop's fans and its fans active over the last seven days."""
    audience = Audience(merchant_id, body.fans, body.active_fans, ctx.clock.now())
    return model_response(AudiencePublic.of(uc.put_audience(ctx, actor, audience)))


def _encode(last: ContentRecord) -> str:
    key = f"{last.published_at.isoformat()}|{last.id}"
    return base64.urlsafe_b64encode(key.encode()).decode()


def _decode(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        at, content_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        after = (datetime.fromisoformat(at), content_id)
    except ValueError as exc:
        raise bad_cursor() from exc
    if after[0].tzinfo is None or not re.fullmatch(ID_PATTERN, content_id):
        raise bad_cursor()
    return after
