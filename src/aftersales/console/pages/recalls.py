"""Recalls: the campaigns and their progress for the platform and the merchant; for a consumer,
the notices about things they bought and the remedy they choose."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aftersales.api.routes.cases import ID_PATTERN
from aftersales.console import charts
from aftersales.console.forms import fields, problem
from aftersales.console.i18n import Translator
from aftersales.console.labels import LABELS
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute, status_of
from aftersales.console.viewer import Viewer, ViewerDep, checked_form, context_of, roles
from aftersales.domain.actors import Role
from aftersales.errors import AftersalesError, Text, ValidationFailed
from aftersales.recall import ProgressPoint, Remedy
from aftersales.services import recall_campaign as campaign
from aftersales.services import recalls as rc
from aftersales.store.recalls import RecallQuery

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

RecallId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
UnitId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
Consumer = Annotated[Viewer, roles(Role.CONSUMER)]


@router.get("/recalls")
def recalls(request: Request, viewer: ViewerDep) -> Response:
    """The recalls the viewer may see (a consumer: those about their purchases), newest first."""
    views = rc.list_recalls(context_of(request), viewer.actor, RecallQuery(limit=100))
    return page(request, viewer, "recalls.html", views=views)


@router.get("/recalls/{recall_id}")
def recall(request: Request, viewer: ViewerDep, recall_id: RecallId) -> Response:
    return _recall_page(request, viewer, recall_id)


@router.post("/recalls/{recall_id}/units/{unit}")
async def choose_remedy(
    request: Request, viewer: Consumer, recall_id: RecallId, unit: UnitId
) -> Response:
    """The buyer of a recalled item chooses a remedy among those offered."""
    assert viewer.session is not None
    form = await checked_form(request, viewer.session.csrf_token)
    ctx = context_of(request)
    try:
        remedy = _remedy(fields(form, "remedy").get("remedy", ""))
        await run_in_threadpool(
            campaign.act_on_unit, ctx, viewer.actor, recall_id, unit, remedy, ""
        )
    except AftersalesError as exc:
        if status_of(exc) == 404:
            raise
        error, status = problem(viewer.tr, exc), status_of(exc)
        return await run_in_threadpool(
            lambda: _recall_page(request, viewer, recall_id, error, status)
        )
    return RedirectResponse(f"/console/recalls/{recall_id}?done=remedy", status_code=303)


def _recall_page(
    request: Request,
    viewer: Viewer,
    recall_id: str,
    error: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx = context_of(request)
    view = rc.get_recall(ctx, viewer.actor, recall_id)
    curve = ""
    if viewer.role is not Role.CONSUMER and view.recall.launched_at is not None:
        report = campaign.recall_report(ctx, viewer.actor, recall_id)
        curve = _curve(viewer.tr, report.points)
    return page(request, viewer, "recall.html", status=status, v=view, curve=curve, error=error)


def _curve(tr: Translator, points: Sequence[ProgressPoint]) -> str:
    """Shares of the campaign's units that chose a remedy, and that were remedied, by day."""
    days = [f"{p.day:%m-%d}" for p in points]
    units = max((p.notified for p in points), default=0)

    def share(n: int) -> float:
        return n / units if units else 0.0

    responded = charts.Series(tr.t("recall.responded"), [share(p.responded) for p in points])
    remedied = charts.Series(tr.t("recall.remedied"), [share(p.remedied) for p in points])
    return charts.lines(tr.t("recall.curve"), days, [responded, remedied], percent=True)


def _remedy(value: str) -> Remedy:
    try:
        return Remedy(value)
    except ValueError:
        choices = Text(
            f"remedy: choose one of {', '.join(r.value for r in Remedy)}",
            f"remedy: 请选择召回处理方式之一：{'、'.join(_named(r) for r in Remedy)}",
        )
        raise ValidationFailed(choices) from None


def _named(remedy: Remedy) -> str:
    return f"{LABELS['remedy'][remedy.value][1]}（{remedy.value}）"
