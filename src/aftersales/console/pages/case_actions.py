"""The actions on a case page: each form becomes the API's input model and one use case call.

Success answers with a redirect to the case page (so a reload sends nothing twice); a refusal
shows the case page again with the reason, under the status the API would give it. A case the
viewer may not see is the 404 page, as for reading it.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from aftersales.api.schemas import (
    AppealCreate,
    ArbitrationCreate,
    CompleteCreate,
    MessageCreate,
    ProposalCreate,
    RatingCreate,
    ReasonCreate,
)
from aftersales.console.forms import fields, files, parse, problem
from aftersales.console.pages.cases import CaseId, case_page
from aftersales.console.routing import ConsoleRoute, status_of
from aftersales.console.viewer import ViewerDep, checked_form, context_of
from aftersales.domain.actors import Actor
from aftersales.errors import AftersalesError, ValidationFailed
from aftersales.services import cases as uc
from aftersales.services import evidence as ev
from aftersales.services.case_actions import CaseAction
from aftersales.services.context import Context

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

Act = Callable[[Context, Actor, str, FormData], object]
A = CaseAction


def _message(ctx: Context, actor: Actor, case_id: str, form: FormData) -> object:
    body = parse(MessageCreate, fields(form, "body"))
    return uc.post_message(ctx, actor, case_id, body.body)


def _propose(ctx: Context, actor: Actor, case_id: str, form: FormData) -> object:
    values = fields(form, "resolution", "amount")
    body = parse(ProposalCreate, values | {"amount": values.get("amount") or "0"})
    return uc.propose(ctx, actor, case_id, body.resolution, uc.to_fen(body.amount))


def _reason(use: Callable[[Context, Actor, str, str], object]) -> Act:
    def act(ctx: Context, actor: Actor, case_id: str, form: FormData) -> object:
        return use(ctx, actor, case_id, parse(ReasonCreate, fields(form, "reason")).reason)

    return act


def _complete(ctx: Context, actor: Actor, case_id: str, form: FormData) -> object:
    note = parse(CompleteCreate, fields(form, "note")).note
    return uc.complete_service(ctx, actor, case_id, note)


def _rate(ctx: Context, actor: Actor, case_id: str, form: FormData) -> object:
    values = fields(form, "score", "comment")
    body = parse(RatingCreate, values | {"comment": values.get("comment") or None})
    return uc.rate(ctx, actor, case_id, body.score, body.comment)


def _appeal(ctx: Context, actor: Actor, case_id: str, form: FormData) -> object:
    return uc.appeal(ctx, actor, case_id, parse(AppealCreate, fields(form, "reason")).reason)


def _arbitrate(ctx: Context, actor: Actor, case_id: str, form: FormData) -> object:
    values = fields(form, "verdict", "liable_party", "resolution", "amount", "note")
    body = parse(ArbitrationCreate, values | {"amount": values.get("amount") or "0"})
    cmd = uc.ArbitrationCommand(
        body.verdict, body.liable_party, body.resolution, uc.to_fen(body.amount), body.note
    )
    return uc.arbitrate(ctx, actor, case_id, cmd)


_ACTS: dict[CaseAction, Act] = {
    A.MESSAGE: _message,
    A.PROPOSE: _propose,
    A.ACCEPT: lambda ctx, actor, case_id, _: uc.accept(ctx, actor, case_id),
    A.REJECT: _reason(uc.reject),
    A.ESCALATE: _reason(uc.escalate),
    A.CANCEL: _reason(uc.cancel),
    A.COMPLETE: _complete,
    A.RATE: _rate,
    A.APPEAL: _appeal,
    A.ARBITRATE: _arbitrate,
}


@router.post("/cases/{case_id}/{action}")
async def act(request: Request, viewer: ViewerDep, case_id: CaseId, action: CaseAction) -> Response:
    assert viewer.session is not None  # ViewerDep admits only signed-in viewers
    ctx, actor = context_of(request), viewer.actor
    form = await checked_form(
        request, viewer.session.csrf_token, max_files=1 if action is A.EVIDENCE else 0
    )
    try:
        if action is A.EVIDENCE:
            name, data = await _one_file(ctx, form)
            await run_in_threadpool(ev.add_evidence, ctx, actor, case_id, name, data)
        else:
            await run_in_threadpool(_ACTS[action], ctx, actor, case_id, form)
    except AftersalesError as exc:
        if status_of(exc) == 404:
            raise
        error, status = problem(viewer.tr, exc), status_of(exc)
        return await run_in_threadpool(
            lambda: case_page(request, viewer, case_id, status=status, error=error)
        )
    return RedirectResponse(f"/console/cases/{case_id}?done={action.value}", status_code=303)


async def _one_file(ctx: Context, form: FormData) -> tuple[str, bytes]:
    chosen = files(form, "file")
    if not chosen:
        raise ValidationFailed("file: choose a file to upload")
    data = await chosen[0].read(ctx.evidence_max_bytes + 1)
    if len(data) > ctx.evidence_max_bytes:
        raise ev.too_large(ctx.evidence_max_bytes)
    return chosen[0].filename or "evidence", data
