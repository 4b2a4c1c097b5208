"""Routes of merchant scoring: scorecards, and appeals against a case's attribution.

A merchant reads its own scorecard (another merchant's answers 404, as if it did not exist);
operators and auditors read every scorecard and the period's list. Merchants appeal their own
cases; operators accept or reject.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from aftersales.api.deps import CtxDep, IdempotencyDep, role
from aftersales.api.exposure_schemas import ProgrammePublic
from aftersales.api.responses import model_response
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.api.scoring_schemas import (
    AppealCreate,
    AppealDecision,
    AppealPublic,
    AppealsPublic,
    ScorecardPublic,
    ScorecardsPublic,
    ScorecardSummary,
)
from aftersales.api.scoring_schemas import CyclePublic as _Cycle
from aftersales.domain.actors import Actor, Role
from aftersales.scoring import Tier
from aftersales.services import programme
from aftersales.services import scorecards as cards
from aftersales.services import scoring_appeals as appeals
from aftersales.store.scoring import CardQuery

router = APIRouter(tags=["scoring"])

CardReader = Annotated[Actor, role(Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR)]
Platform = Annotated[Actor, role(Role.OPERATOR, Role.AUDITOR)]
Operator = Annotated[Actor, role(Role.OPERATOR)]
Merchant = Annotated[Actor, role(Role.MERCHANT_AGENT)]
MerchantId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
AppealId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
PeriodQuery = Annotated[
    str | None,
    Query(pattern=r"^[2-9][0-9]{3}-(0[1-9]|1[0-2])$", description="YYYY-MM; default: the latest"),
]


@router.get("/merchants/{merchant_id}/scorecard", response_model=ScorecardPublic)
def get_scorecard(
    merchant_id: MerchantId, ctx: CtxDep, actor: CardReader, period: PeriodQuery = None
) -> Response:
    """The merchant's scorecard: score, tier, each figure with its interval, the explanation;
    without a period, also its programme status now (tier in force, boost or penalty, reason)."""
    cycle, card = cards.get_scorecard(ctx, actor, merchant_id, period)
    scorecard = ScorecardPublic.of(cycle, card)
    if period is None:
        status = programme.programme_status(ctx, actor, merchant_id)
        scorecard = scorecard.model_copy(update={"programme": ProgrammePublic.of(status)})
    return model_response(scorecard)


@router.get("/scorecards", response_model=ScorecardsPublic)
def list_scorecards(
    ctx: CtxDep,
    actor: Platform,
    period: PeriodQuery = None,
    tier: Tier | None = None,
    category: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z_]+(/[a-z_]+)*$")] = None,
    after: Annotated[str | None, Query(max_length=64, pattern=ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    """A period's scorecards by merchant id; ``category`` takes in its subcategories."""
    query = CardQuery(None if tier is None else str(tier), category, after, limit)
    cycle, found = cards.list_scorecards(ctx, actor, period, query)
    last = found[-1].merchant_id if len(found) == limit else None
    items = [ScorecardSummary.of(c) for c in found]
    return model_response(ScorecardsPublic(cycle=_Cycle.of(cycle), items=items, next_after=last))


@router.post("/appeals", status_code=201, response_model=AppealPublic)
def file_appeal(body: AppealCreate, ctx: CtxDep, actor: Merchant, idem: IdempotencyDep) -> Response:
    """Appeal that one of your cases counts against you (once per case)."""
    return idem.run(
        body,
        lambda: (201, AppealPublic.of(appeals.file_appeal(ctx, actor, body.case_id, body.reason))),
    )


@router.get("/appeals", response_model=AppealsPublic)
def list_appeals(
    ctx: CtxDep,
    actor: CardReader,
    state: Literal["pending", "accepted", "rejected"] | None = None,
) -> Response:
    """Your appeals (a merchant), or every appeal (operators, auditors), newest first."""
    found = appeals.list_appeals(ctx, actor, state)
    return model_response(AppealsPublic(items=[AppealPublic.of(a) for a in found]))


@router.post("/appeals/{appeal_id}/accept", response_model=AppealPublic)
def accept_appeal(
    appeal_id: AppealId, body: AppealDecision, ctx: CtxDep, actor: Operator
) -> Response:
    """Accept: the case leaves the merchant's scoring from the next cycle or revision on."""
    decided = appeals.decide_appeal(ctx, actor, appeal_id, accept=True, reason=body.reason)
    return model_response(AppealPublic.of(decided))


@router.post("/appeals/{appeal_id}/reject", response_model=AppealPublic)
def reject_appeal(
    appeal_id: AppealId, body: AppealDecision, ctx: CtxDep, actor: Operator
) -> Response:
    """Reject: the case keeps counting against the merchant."""
    decided = appeals.decide_appeal(ctx, actor, appeal_id, accept=False, reason=body.reason)
    return model_response(AppealPublic.of(decided))
