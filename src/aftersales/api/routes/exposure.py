"""Routes of the exposure service: re-rank, report impressions, read the decisions.

``POST /exposure/rank`` is on the marketplace's serving path: it reads only this process's plan
(no database), parses its body in one pass, runs on the event loop without a thread hop, and
is a ``PlainRoute`` (no dependency injection; it checks the token and role itself). So is
``POST /exposure/impressions``, its companion; ``add_serving_routes`` puts both ahead of every
router. This module's ``router`` carries the other exposure routes and the programme and content
routes (one include in app.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aftersales.api.deps import CtxDep, bad_cursor, request_actor, role
from aftersales.api.exposure_schemas import (
    ExposureEventPublic,
    ExposureEventsPublic,
    ImpressionsPublic,
    RankPublic,
)
from aftersales.api.plain_route import BEARER, PlainRoute
from aftersales.api.rank_bodies import (
    encode_rank,
    impressions_body_schema,
    parse_impressions,
    parse_rank,
    rank_body_schema,
)
from aftersales.api.responses import model_response
from aftersales.api.routes.contents import router as contents_router
from aftersales.api.routes.programme import router as programme_router
from aftersales.api.schemas import Id
from aftersales.domain.actors import Actor, Role
from aftersales.errors import Text
from aftersales.exposure import EventKind, RankRequestTooLarge
from aftersales.services import exposure_serving as serving
from aftersales.services.context import Context
from aftersales.services.exposure_events import list_events
from aftersales.store.exposure import EventQuery

router = APIRouter(tags=["exposure"])

EventReader = Annotated[Actor, role(Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR)]
_BYTES_PER_CANDIDATE = 512  # three ids of up to 128 characters and a score, with room to spare
_JSON = "application/json"


async def _body(request: Request, ctx: Context) -> bytes:
    """The raw body, refused before it is read when it is larger than any allowed request."""
    limit = ctx.exposure.config.max_candidates * _BYTES_PER_CANDIDATE
    said = Text(f"the body is larger than {limit:,} bytes", f"请求体超过 {limit:,} 字节")
    too_large = RankRequestTooLarge(said, limit=limit)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    raw = await request.body()
    if len(raw) > limit:
        raise too_large
    return raw


async def _ready(ctx: Context) -> None:
    if not ctx.exposure.ready:  # the first request of a new process builds its plan, once
        await run_in_threadpool(serving.refresh_serving, ctx)


async def rank(request: Request) -> Response:
    """Re-rank the marketplace's candidates for one user and keep the top k: stop-sale holds
    dropped, restricted merchants capped, programme and ladder boosts paced within the
    relevance budget; each item with the reasons it moved."""
    actor = await request_actor(request, Role.INTEGRATION)
    ctx: Context = request.app.state.ctx
    parsed = parse_rank(await _body(request, ctx), ctx.exposure.config.max_candidates)
    await _ready(ctx)
    return Response(encode_rank(serving.rank(ctx, actor, parsed)), media_type=_JSON)


async def impressions(request: Request) -> Response:
    """Report what was shown on a slot; it counts towards promises and caps."""
    actor = await request_actor(request, Role.INTEGRATION)
    ctx: Context = request.app.state.ctx
    slot, shown = parse_impressions(await _body(request, ctx))
    await _ready(ctx)
    counted = serving.record_impressions(ctx, actor, slot, shown)
    return model_response(ImpressionsPublic(slot=slot, received=len(shown), counted=counted))


def add_serving_routes(app: FastAPI, prefix: str) -> None:
    """Add rank and impressions to ``app`` as its first routes, outside any router.

    The app tries its routes in order, and a route inside an included router costs a second
    match through that router (about 15 µs a request). They are documented as if they took the
    body and a bearer dependency, under this module's tag."""
    for path, endpoint, answer, body in (
        ("/exposure/rank", rank, RankPublic, rank_body_schema()),
        ("/exposure/impressions", impressions, ImpressionsPublic, impressions_body_schema()),
    ):
        app.router.add_api_route(
            prefix + path,
            endpoint,
            methods=["POST"],
            response_model=answer,
            openapi_extra=body | BEARER,
            route_class_override=PlainRoute,
            tags=["exposure"],
        )


@router.get("/exposure/events", response_model=ExposureEventsPublic)
def events(
    ctx: CtxDep,
    actor: EventReader,
    kind: Annotated[list[EventKind] | None, Query()] = None,
    subject: Annotated[str | None, Query(min_length=1, max_length=160)] = None,
    merchant_id: Annotated[Id | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """Every decision of the exposure service with its reason, newest first: operators and
    auditors read all, a merchant its own."""
    before = _cursor(cursor)
    kinds = tuple(k.value for k in kind or ())
    query = EventQuery(kinds, subject, merchant_id, before, limit)
    found = list_events(ctx, actor, query)
    next_cursor = str(found[-1].id) if len(found) == limit else None
    items = [ExposureEventPublic.of(e) for e in found]
    return model_response(ExposureEventsPublic(items=items, next_cursor=next_cursor))


def _cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit():
        raise bad_cursor()
    return int(cursor)


router.include_router(programme_router)
router.include_router(contents_router)
