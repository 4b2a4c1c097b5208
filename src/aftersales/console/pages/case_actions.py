"""The actions on a case page: each form becomes the API's input model and one use case call.

Success answers with a redirect to the case page (so a reload sends nothing twice); a refusal
shows the case page again, under the status the API would give it, with the form that was sent
filled in as the reader left it and the reason in the reader's language: in the console's words
where it names the refusal (a field's problem, an amount over the price paid, a step the case's
state does not allow), known by the refusal's code and never by its wording; else the case's
own reason, which every refusal of a case carries in both languages; else the platform's words.
A case the viewer may not see is the 404 page, as for reading it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
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
from aftersales.console.forms import field_problems, fields, files, problem
from aftersales.console.i18n import Translator
from aftersales.console.pages.cases import CaseId, case_page
from aftersales.console.routing import ConsoleRoute, status_of, words_for
from aftersales.console.viewer import ViewerDep, checked_form, context_of
from aftersales.domain.actors import Actor
from aftersales.errors import AftersalesError, ErrorCode, Text, ValidationFailed
from aftersales.services import cases as uc
from aftersales.services import evidence as ev
from aftersales.services.case_actions import CaseAction
from aftersales.services.context import Context

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

Sent = Mapping[str, str]
Act = Callable[[Context, Actor, str, Sent], object]
A = CaseAction
M = TypeVar("M", bound=BaseModel)

# Each form's fields, with the text that names each one in a refusal.
_FIELDS: dict[CaseAction, dict[str, str]] = {
    A.MESSAGE: {"body": "act.message.body"},
    A.PROPOSE: {"resolution": "act.propose.remedy", "amount": "common.amount_yuan"},
    A.REJECT: {"reason": "common.reason"},
    A.ESCALATE: {"reason": "common.reason"},
    A.CANCEL: {"reason": "common.reason"},
    A.COMPLETE: {"note": "act.complete.note"},
    A.RATE: {"score": "act.rate.score", "comment": "act.rate.comment"},
    A.APPEAL: {"reason": "common.reason"},
    A.ARBITRATE: {
        "verdict": "act.arbitrate.verdict",
        "liable_party": "act.arbitrate.liable",
        "resolution": "act.arbitrate.remedy",
        "amount": "common.amount_yuan",
        "note": "act.arbitrate.note",
    },
}
_CHOICES = frozenset({"resolution", "verdict", "liable_party", "score"})
# What pydantic says of an amount that is not yuan with at most two decimals, or negative.
_NOT_AN_AMOUNT = frozenset(
    {"decimal_parsing", "decimal_type", "decimal_max_places", "finite_number", "greater_than_equal"}
)


def _message(ctx: Context, actor: Actor, case_id: str, sent: Sent) -> object:
    return uc.post_message(ctx, actor, case_id, _parse(MessageCreate, sent).body)


def _propose(ctx: Context, actor: Actor, case_id: str, sent: Sent) -> object:
    body = _parse(ProposalCreate, {**sent, "amount": sent.get("amount") or "0"})
    return uc.propose(ctx, actor, case_id, body.resolution, uc.to_fen(body.amount))


def _reason(use: Callable[[Context, Actor, str, str], object]) -> Act:
    def act(ctx: Context, actor: Actor, case_id: str, sent: Sent) -> object:
        return use(ctx, actor, case_id, _parse(ReasonCreate, sent).reason)

    return act


def _complete(ctx: Context, actor: Actor, case_id: str, sent: Sent) -> object:
    return uc.complete_service(ctx, actor, case_id, _parse(CompleteCreate, sent).note)


def _rate(ctx: Context, actor: Actor, case_id: str, sent: Sent) -> object:
    body = _parse(RatingCreate, {**sent, "comment": sent.get("comment") or None})
    return uc.rate(ctx, actor, case_id, body.score, body.comment)


def _appeal(ctx: Context, actor: Actor, case_id: str, sent: Sent) -> object:
    return uc.appeal(ctx, actor, case_id, _parse(AppealCreate, sent).reason)


def _arbitrate(ctx: Context, actor: Actor, case_id: str, sent: Sent) -> object:
    body = _parse(ArbitrationCreate, {**sent, "amount": sent.get("amount") or "0"})
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
    sent = fields(form, *_FIELDS.get(action, {}))
    try:
        if action is A.EVIDENCE:
            name, data = await _one_file(ctx, form)
            await run_in_threadpool(ev.add_evidence, ctx, actor, case_id, name, data)
        else:
            await run_in_threadpool(_ACTS[action], ctx, actor, case_id, sent)
    except AftersalesError as exc:
        if status_of(exc) == 404:
            raise
        error, status = _refusal(viewer.tr, action, exc), status_of(exc)
        kept = {action.value: sent}  # the refused form as sent; every other one at its defaults
        return await run_in_threadpool(
            lambda: case_page(request, viewer, case_id, status=status, error=error, kept=kept)
        )
    return RedirectResponse(f"/console/cases/{case_id}?done={action.value}", status_code=303)


async def _one_file(ctx: Context, form: FormData) -> tuple[str, bytes]:
    chosen = files(form, "file")
    if not chosen:
        raise ValidationFailed(Text("file: choose a file to upload", "file: 请选择要上传的文件"))
    data = await chosen[0].read(ctx.evidence_max_bytes + 1)
    if len(data) > ctx.evidence_max_bytes:
        raise ev.too_large(ctx.evidence_max_bytes)
    return chosen[0].filename or "evidence", data


def _parse(model: type[M], values: Mapping[str, object]) -> M:
    """The API's model of the form, as ``forms.parse`` reads it, with each field's problem kept
    (``problems``: field, kind, limits) for the console to say in the reader's language."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        errors = exc.errors()
        problems = [(_field(e["loc"]), e["type"], (e.get("ctx") or {})) for e in errors]
        raise ValidationFailed(field_problems(errors), problems=problems) from None


def _field(loc: tuple[int | str, ...]) -> str:
    return str(loc[0]) if loc else ""


# ---- a refusal in the reader's words --------------------------------------------------------


def _refusal(tr: Translator, action: CaseAction, exc: AftersalesError) -> dict[str, str]:
    """The words above the form: the console's own, in the reader's language, when it can name
    the refusal; else the case's reason in the reader's language; else the platform's
    (``forms.problem``), so that nothing the reader needs is lost. The platform's detail is
    English: an English reader still gets it below the console's words."""
    said = _said_of_fields(tr, _FIELDS.get(action, {}), exc) or _said_of_case(tr, exc)
    if said:
        extra = exc.detail if tr.lang == "en" else ""
        return {"title": tr.t(words_for(exc)[0]), "detail": said, "extra": extra}
    return problem(tr, exc)  # the case's reason in the reader's language, when it has both


def _said_of_fields(tr: Translator, labels: Mapping[str, str], exc: AftersalesError) -> str:
    """Each refused field's problem, or nothing if one of them is not one the console names."""
    said: dict[str, str] = {}
    for field, kind, limits in exc.extra.get("problems", ()):
        said.setdefault(field, _field_problem(tr, labels.get(field), field, kind, limits))
    return " ".join(said.values()) if said and all(said.values()) else ""


def _field_problem(
    tr: Translator, label: str | None, field: str, kind: str, limits: Mapping[str, Any]
) -> str:
    if label is None:
        return ""
    name = tr.t(label)
    if field == "amount":
        return tr.t("act.refused.amount", field=name) if kind in _NOT_AN_AMOUNT else ""
    if field in _CHOICES:
        return tr.t("act.refused.choice", field=name)
    if kind == "string_too_long":
        return tr.t("act.refused.too_long", field=name, n=limits.get("max_length", ""))
    if kind in ("missing", "string_too_short"):
        return tr.t("act.refused.required", field=name)
    return ""


Naming = Callable[[Translator, Mapping[str, Any]], str]

# The case's refusals the console says in its own words, known by their code and named with the
# values they carry (domain/case_refusals.py), states and remedies in the reader's language.
# Any other refusal of the case carries its reason in both languages (``text``).
_CASE_WORDS: dict[ErrorCode, Naming] = {
    ErrorCode.AMOUNT_OVER_PAID: lambda tr, v: tr.t(
        "act.refused.over_paid", paid=tr.money(_fen(v["paid"]))
    ),
    ErrorCode.REJECTION_WITH_AMOUNT: lambda tr, _: tr.t(
        "act.refused.reject_amount", remedy=tr.label("resolution", "reject")
    ),
    ErrorCode.AMOUNT_REQUIRED: lambda tr, v: tr.t(
        "act.refused.needs_amount", remedy=tr.label("resolution", v["resolution"])
    ),
    ErrorCode.MERCHANT_VERDICT_WITH_REMEDY: lambda tr, _: tr.t(
        "act.refused.merchant_verdict", remedy=tr.label("resolution", "reject")
    ),
    # Only the case's own state refusal carries the state; another would be said as it is.
    ErrorCode.INVALID_TRANSITION: lambda tr, v: (
        tr.t("act.refused.state", state=tr.label("state", v["state"])) if "state" in v else ""
    ),
}


def _said_of_case(tr: Translator, exc: AftersalesError) -> str:
    naming = _CASE_WORDS.get(exc.code)
    return naming(tr, exc.extra) if naming else ""


def _fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)
