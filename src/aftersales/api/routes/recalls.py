"""Routes of recalls: operators open and decide reviews; buyers choose remedies for their units.

Visibility (docs/recalls.md): operators and auditors read every recall, a merchant those of its
own products, a consumer those with a unit of theirs; to everyone else a recall does not exist.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from aftersales.api.deps import CtxDep, IdempotencyDep, role
from aftersales.api.dispatch_schemas import CategoryPath
from aftersales.api.recall_schemas import (
    DecisionCreate,
    RecallCreate,
    RecallPublic,
    RecallsPublic,
    RemedyCreate,
    UnitPublic,
)
from aftersales.api.responses import model_response
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.domain.actors import Actor, Role
from aftersales.domain.categories import is_known
from aftersales.errors import Text, ValidationFailed
from aftersales.recall import RecallState
from aftersales.services import recall_campaign as campaign
from aftersales.services import recalls as uc
from aftersales.services.context import Context
from aftersales.services.recall_access import RecallView
from aftersales.store.recalls import RecallQuery

router = APIRouter(prefix="/recalls", tags=["recalls"])

Operator = Annotated[Actor, role(Role.OPERATOR)]
Reader = Annotated[Actor, role(Role.CONSUMER, Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR)]
UnitActor = Annotated[Actor, role(Role.CONSUMER, Role.MERCHANT_AGENT, Role.OPERATOR)]
RecallId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
# A unit is named by its order line's id.
UnitId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]


@router.post("", status_code=201, response_model=RecallPublic)
def open_review(body: RecallCreate, ctx: CtxDep, actor: Operator, idem: IdempotencyDep) -> Response:
    """Open a recall review of a product and/or some of its batches (stop-sale by default)."""
    cmd = uc.OpenReview(body.hazard, body.product_id, tuple(body.batch_ids), body.stop_sale)
    return idem.run(body, lambda: (201, _public(ctx, uc.open_review(ctx, actor, cmd), actor)))


@router.get("", response_model=RecallsPublic)
def list_recalls(
    ctx: CtxDep,
    actor: Reader,
    state: Annotated[list[RecallState] | None, Query()] = None,
    product_id: Annotated[str | None, Query(max_length=64, pattern=ID_PATTERN)] = None,
    category: Annotated[CategoryPath | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """The recalls you may see, newest first; a consumer's show their own units and remedies.
    ``category`` takes the recalls of its products and of its subcategories' products."""
    states = tuple(s.value for s in state or ())
    query = RecallQuery(states, product_id, limit, category=_known(category))
    views = uc.list_recalls(ctx, actor, query)
    return model_response(RecallsPublic(items=[_public(ctx, v, actor) for v in views]))


@router.get("/{recall_id}", response_model=RecallPublic)
def get_recall(recall_id: RecallId, ctx: CtxDep, actor: Reader) -> Response:
    return model_response(_public(ctx, uc.get_recall(ctx, actor, recall_id), actor))


@router.post("/{recall_id}/decision", response_model=RecallPublic)
def decide(recall_id: RecallId, body: DecisionCreate, ctx: CtxDep, actor: Operator) -> Response:
    """Confirm (scope, remedies offered; the campaign starts at once) or dismiss (a reason)."""
    decision: uc.Decision = (
        uc.Dismiss(body.reason)
        if body.decision == "dismiss"
        else uc.Confirm(tuple(body.remedies), body.scope.to_scope() if body.scope else None)
    )
    return model_response(_public(ctx, uc.decide(ctx, actor, recall_id, decision), actor))


@router.post("/{recall_id}/remedies/{unit}", response_model=UnitPublic)
def remedy(
    recall_id: RecallId, unit: UnitId, body: RemedyCreate, ctx: CtxDep, actor: UnitActor
) -> Response:
    """The buyer of the unit chooses a remedy; the merchant or an operator records it done."""
    done = campaign.act_on_unit(ctx, actor, recall_id, unit, body.remedy, body.note)
    return model_response(UnitPublic.of(done))


def _known(category: str | None) -> str | None:
    if category is not None and not is_known(category):
        text = Text(
            f"unknown category {category!r}; GET /api/v1/categories lists them",
            f"未知的类目 {category!r}；可通过 GET /api/v1/categories 查看全部类目",
        )
        raise ValidationFailed(text, errors=[f"category: unknown {category!r}"])
    return category


def _public(ctx: Context, view: RecallView, actor: Actor) -> RecallPublic:
    return RecallPublic.of(view, actor, ctx.clock.now())
