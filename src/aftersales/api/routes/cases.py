"""Routes of the case lifecycle. Each parses input, calls one use case, and presents the case."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aftersales.api.deps import (
    IDEMPOTENCY_KEY_DOC,
    CtxDep,
    IdempotencyDep,
    admit,
    bad_cursor,
    request_idempotency,
    request_token,
    role,
)
from aftersales.api.plain_route import BEARER, PlainRoute, body_doc, parse_body
from aftersales.api.responses import model_response
from aftersales.api.schemas import (
    ActorPublic,
    AppealCreate,
    ArbitrationCreate,
    CaseCreate,
    CasePublic,
    CasesPublic,
    CompleteCreate,
    EventPublic,
    EvidencePublic,
    MessageCreate,
    ProposalCreate,
    RatingCreate,
    ReasonCreate,
)
from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case
from aftersales.domain.cases_types import CaseState, CaseType
from aftersales.services import cases as uc
from aftersales.services import evidence as ev
from aftersales.services.context import Context
from aftersales.store.cases import CaseQuery
from aftersales.store.evidence import EvidenceRecord

router = APIRouter(prefix="/cases", tags=["cases"])

Consumer = Annotated[Actor, role(Role.CONSUMER)]
Merchant = Annotated[Actor, role(Role.MERCHANT_AGENT)]
Operator = Annotated[Actor, role(Role.OPERATOR)]
Party = Annotated[Actor, role(Role.CONSUMER, Role.MERCHANT_AGENT)]
Participant = Annotated[Actor, role(Role.CONSUMER, Role.MERCHANT_AGENT, Role.OPERATOR)]
Reader = Annotated[Actor, role(Role.CONSUMER, Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR)]
# Ids are ASCII: anything else (a NUL, which PostgreSQL refuses outright) cannot name a record.
ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"
CaseId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
EvidenceId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]


async def open_case(request: Request) -> Response:
    """Open a case on one of your order lines."""
    ctx: Context = request.app.state.ctx
    token, raw = await request_token(request), await request.body()

    # One trip to the thread pool for everything that may touch the database: the token when
    # it was not seen moments ago, the idempotency record, the opening itself.
    def opened() -> Response:
        actor = admit(ctx, token, Role.CONSUMER)
        idem = request_idempotency(request, ctx, actor)
        body = parse_body(raw, CaseCreate)
        reported = body.condition.reported() if body.condition else {}
        cmd = uc.OpenCase(body.order_line_id, body.type, body.description, reported)
        return idem.run(body, lambda: (201, CasePublic.of(uc.open_case(ctx, actor, cmd))))

    return await run_in_threadpool(opened)


# The busiest write of the API, served as a plain route (api/plain_route.py), documented as if
# it took the body, a bearer token and an Idempotency-Key header as dependencies.
router.add_api_route(
    "",
    open_case,
    methods=["POST"],
    status_code=201,
    response_model=CasePublic,
    openapi_extra=body_doc(CaseCreate) | IDEMPOTENCY_KEY_DOC | BEARER,
    route_class_override=PlainRoute,
)


@router.get("", response_model=CasesPublic)
def list_cases(
    ctx: CtxDep,
    actor: Reader,
    state: Annotated[list[CaseState] | None, Query()] = None,
    type: Annotated[list[CaseType] | None, Query()] = None,
    order_line_id: Annotated[str | None, Query(max_length=64, pattern=ID_PATTERN)] = None,
    queue: Annotated[list[str] | None, Query(max_length=20)] = None,
    sort: Annotated[str, Query(pattern="^(newest|deadline)$")] = "newest",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> CasesPublic:
    """Cases you may see: your own as consumer or merchant; all for operators and auditors.

    ``sort=deadline`` gives the work queue: active cases (of the states given, by default every
    active one) by their next SLA deadline. A case without a running clock is not in it: an
    escalated case waits for the platform's verdict (list those with ``state=escalated``), and a
    resolved one only for its automatic closing. ``queue`` narrows it to the queues the policy
    routed cases to (e.g. ``product_safety``)."""
    query = CaseQuery(
        states=tuple(state or ()),
        types=tuple(type or ()),
        order_line_id=order_line_id,
        queues=tuple(queue or ()),
        sort=sort,
        limit=limit,
        after=_decode_cursor(cursor),
    )
    found = uc.list_cases(ctx, actor, query)
    items = [CasePublic.of(c) for c in found]
    next_cursor = _encode_cursor(found[-1], sort) if len(found) == limit else None
    return CasesPublic(items=items, next_cursor=next_cursor)


@router.get("/{case_id}", response_model=CasePublic)
def get_case(case_id: CaseId, ctx: CtxDep, actor: Reader) -> Response:
    return _present(uc.get_case(ctx, actor, case_id))


@router.get("/{case_id}/events", response_model=list[EventPublic])
def case_events(case_id: CaseId, ctx: CtxDep, actor: Reader) -> list[EventPublic]:
    """The append-only history of the case: who did what, when."""
    return [EventPublic.of(e, actor) for e in uc.case_events(ctx, actor, case_id)]


@router.post("/{case_id}/messages", status_code=201, response_model=CasePublic)
def post_message(
    case_id: CaseId, body: MessageCreate, ctx: CtxDep, actor: Participant, idem: IdempotencyDep
) -> Response:
    return idem.run(
        (case_id, body),
        lambda: (201, CasePublic.of(uc.post_message(ctx, actor, case_id, body.body))),
    )


@router.post("/{case_id}/evidence", status_code=201, response_model=EvidencePublic)
async def add_evidence(
    case_id: CaseId,
    request: Request,
    ctx: CtxDep,
    actor: Participant,
    idem: IdempotencyDep,
    file: Annotated[UploadFile, File(description="a photo, video or PDF")],
) -> Response:
    """Upload an evidence file (multipart field ``file``), stored by its SHA-256."""
    limit = ctx.evidence_max_bytes
    declared = int(request.headers.get("content-length") or 0)
    if declared > limit + 64 * 1024:  # refuse early, before reading a huge body
        raise ev.too_large(limit)
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ev.too_large(limit)
    name = file.filename or "evidence"

    def produce() -> tuple[int, EvidencePublic]:
        return 201, _evidence(ev.add_evidence(ctx, actor, case_id, name, data))

    return await run_in_threadpool(idem.run, (case_id, name, _sha(data)), produce)


@router.get("/{case_id}/evidence", response_model=list[EvidencePublic])
def list_evidence(case_id: CaseId, ctx: CtxDep, actor: Reader) -> list[EvidencePublic]:
    return [_evidence(r) for r in ev.list_evidence(ctx, actor, case_id)]


@router.get("/{case_id}/evidence/{evidence_id}", response_class=Response)
def read_evidence(case_id: CaseId, evidence_id: EvidenceId, ctx: CtxDep, actor: Reader) -> Response:
    record, data = ev.read_evidence(ctx, actor, case_id, evidence_id)
    headers = {"X-Content-Type-Options": "nosniff", "ETag": f'"{record.sha256}"'}
    return Response(data, media_type=record.content_type, headers=headers)


@router.post("/{case_id}/proposals", response_model=CasePublic)
def propose(case_id: CaseId, body: ProposalCreate, ctx: CtxDep, actor: Merchant) -> Response:
    """Propose a remedy; the consumer then accepts, rejects or lets it stand."""
    amount = uc.to_fen(body.amount)
    return _present(uc.propose(ctx, actor, case_id, body.resolution, amount))


@router.post("/{case_id}/accept", response_model=CasePublic)
def accept(case_id: CaseId, ctx: CtxDep, actor: Consumer) -> Response:
    return _present(uc.accept(ctx, actor, case_id))


@router.post("/{case_id}/reject", response_model=CasePublic)
def reject(case_id: CaseId, body: ReasonCreate, ctx: CtxDep, actor: Consumer) -> Response:
    return _present(uc.reject(ctx, actor, case_id, body.reason))


@router.post("/{case_id}/complete", response_model=CasePublic)
def complete(case_id: CaseId, body: CompleteCreate, ctx: CtxDep, actor: Merchant) -> Response:
    """Report the agreed service done (refund paid, repair finished, visit made)."""
    return _present(uc.complete_service(ctx, actor, case_id, body.note))


@router.post("/{case_id}/cancel", response_model=CasePublic)
def cancel(case_id: CaseId, body: ReasonCreate, ctx: CtxDep, actor: Consumer) -> Response:
    return _present(uc.cancel(ctx, actor, case_id, body.reason))


@router.post("/{case_id}/escalate", response_model=CasePublic)
def escalate(case_id: CaseId, body: ReasonCreate, ctx: CtxDep, actor: Party) -> Response:
    """Ask the platform to step in (平台介入)."""
    return _present(uc.escalate(ctx, actor, case_id, body.reason))


@router.post("/{case_id}/arbitration", response_model=CasePublic)
def arbitrate(case_id: CaseId, body: ArbitrationCreate, ctx: CtxDep, actor: Operator) -> Response:
    """The platform's verdict on an escalated case; open to one appeal within the window."""
    cmd = uc.ArbitrationCommand(
        body.verdict, body.liable_party, body.resolution, uc.to_fen(body.amount), body.note
    )
    return _present(uc.arbitrate(ctx, actor, case_id, cmd))


@router.post("/{case_id}/appeal", response_model=CasePublic)
def appeal(case_id: CaseId, body: AppealCreate, ctx: CtxDep, actor: Party) -> Response:
    return _present(uc.appeal(ctx, actor, case_id, body.reason))


@router.post("/{case_id}/rating", response_model=CasePublic)
def rate(case_id: CaseId, body: RatingCreate, ctx: CtxDep, actor: Consumer) -> Response:
    """Rate the service from 1 to 5 once the case is resolved."""
    return _present(uc.rate(ctx, actor, case_id, body.score, body.comment))


def _present(case: Case) -> Response:
    """The case as ``CasePublic`` JSON (see ``model_response``: no second validation)."""
    return model_response(CasePublic.of(case))


def _evidence(r: EvidenceRecord) -> EvidencePublic:
    return EvidencePublic(
        id=r.id,
        case_id=r.case_id,
        sha256=r.sha256,
        content_type=r.content_type,
        size=r.size,
        filename=r.filename,
        uploaded_by=ActorPublic(role=r.uploaded_by.role, id=r.uploaded_by.subject),
        created_at=r.created_at,
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _encode_cursor(case: Case, sort: str) -> str:
    key = case.next_deadline() if sort == "deadline" else case.opened_at
    assert key is not None
    return base64.urlsafe_b64encode(f"{key.isoformat()}|{case.id}".encode()).decode()


def _decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        moment, case_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        after = datetime.fromisoformat(moment)
    except ValueError as exc:
        raise bad_cursor() from exc
    # Ours always carry a zone and a real case id; a naive time or a NUL would fail in the store.
    if after.tzinfo is None or not re.fullmatch(ID_PATTERN, case_id):
        raise bad_cursor()
    return after, case_id
