"""Routes of the quality-merchant programme: a merchant enrols; it, operators and auditors read
its status (another merchant's answers 404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from aftersales.api.deps import CtxDep, IdempotencyDep, role
from aftersales.api.exposure_schemas import EnrolmentCreate, EnrolmentPublic, ProgrammePublic
from aftersales.api.responses import model_response
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.domain.actors import Actor, Role
from aftersales.services import programme as uc

router = APIRouter(tags=["programme"])

MerchantAgent = Annotated[Actor, role(Role.MERCHANT_AGENT)]
StatusReader = Annotated[Actor, role(Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR)]
MerchantId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]


@router.post("/programme/enrolments", status_code=201, response_model=EnrolmentPublic)
def enrol(
    body: EnrolmentCreate, ctx: CtxDep, actor: MerchantAgent, idem: IdempotencyDep
) -> Response:
    """Enrol your merchant in the quality-merchant programme for this cycle (tiers excellent and
    good): a targeted pool of at most 30 of your products, or the whole store. The boost starts
    at the next serving refresh."""
    cmd = uc.Enrol(body.mode.value, tuple(body.product_ids))
    return idem.run(body, lambda: (201, EnrolmentPublic.of(uc.enrol_merchant(ctx, actor, cmd))))


@router.get("/merchants/{merchant_id}/programme", response_model=ProgrammePublic)
def programme(merchant_id: MerchantId, ctx: CtxDep, actor: StatusReader) -> Response:
    """The merchant's programme status this cycle: tier, eligibility, boost or penalty, the
    reason, its enrolment and the latest decisions about it."""
    return model_response(ProgrammePublic.of(uc.programme_status(ctx, actor, merchant_id)))
