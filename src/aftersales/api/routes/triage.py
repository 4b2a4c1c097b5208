"""Routes of triage on demand and of recurring faults.

``POST /triage`` classifies a text without opening a case (operators, the integration).
``GET /faults`` lists a product's recurring faults: operators and auditors for any product, a
merchant for its own (any other product does not exist for it).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from aftersales.api.deps import CtxDep, role
from aftersales.api.dispatch_schemas import TriageCreate, TriagePublic
from aftersales.api.fault_schemas import FaultsPublic
from aftersales.api.responses import model_response
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.api.schemas import FIRST_DAY, LAST_DAY
from aftersales.domain.actors import Actor, Role
from aftersales.services.faults import product_faults
from aftersales.services.triage import classify_text

router = APIRouter(tags=["triage"])

Classifier = Annotated[Actor, role(Role.OPERATOR, Role.INTEGRATION)]
FaultReader = Annotated[Actor, role(Role.OPERATOR, Role.AUDITOR, Role.MERCHANT_AGENT)]


@router.post("/triage", response_model=TriagePublic)
def triage(body: TriageCreate, ctx: CtxDep, actor: Classifier) -> Response:
    """Issue type, severity, cause, safety, confidence, language and queue of one complaint."""
    result = classify_text(ctx, actor, body.text, body.category)
    return model_response(TriagePublic.of(result.to_dict()))


@router.get("/faults", response_model=FaultsPublic)
def faults(
    ctx: CtxDep,
    actor: FaultReader,
    product_id: Annotated[str, Query(min_length=1, max_length=64, pattern=ID_PATTERN)],
    since: Annotated[
        date | None,
        Query(ge=FIRST_DAY, le=LAST_DAY, description="First day (China time); default 90 days ago"),
    ] = None,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    """The product's most frequent issue types and complaint phrases, with trend and examples."""
    report = product_faults(ctx, actor, product_id, since=since, top=top)
    return model_response(FaultsPublic.of(product_id, report))
