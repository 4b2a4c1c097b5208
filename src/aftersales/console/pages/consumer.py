"""The consumer's own pages: their orders, and the form that opens a case with evidence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aftersales.api.routes.cases import ID_PATTERN
from aftersales.api.schemas import CaseCreate
from aftersales.console.forms import fields, files, parse, problem
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute, status_of
from aftersales.console.viewer import Viewer, checked_form, context_of, roles
from aftersales.domain.actors import Role
from aftersales.domain.cases_types import CaseType
from aftersales.errors import AftersalesError, NotFound, Text
from aftersales.services import evidence as ev
from aftersales.services.case_opening import MAX_FILES, open_with_evidence
from aftersales.services.cases import OpenCase
from aftersales.services.orders import LineRow, my_order_lines

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

Consumer = Annotated[Viewer, roles(Role.CONSUMER)]
LineId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]


@router.get("/orders")
def orders(request: Request, viewer: Consumer) -> Response:
    """The consumer's orders, each line with its case in progress or a way to open one."""
    lines = my_order_lines(context_of(request), viewer.actor)
    return page(request, viewer, "orders.html", orders=_by_order(lines))


@router.get("/orders/{line_id}/case")
def open_form(request: Request, viewer: Consumer, line_id: LineId) -> Response:
    return _form(request, viewer, line_id)


@router.post("/orders/{line_id}/case")
async def open_case(request: Request, viewer: Consumer, line_id: LineId) -> Response:
    """Open a case on the line with the consumer's words and files (checked before anything is
    written: a refused file refuses the request)."""
    assert viewer.session is not None
    ctx = context_of(request)
    form = await checked_form(request, viewer.session.csrf_token, max_files=MAX_FILES + 1)
    values = fields(form, "type", "description")
    try:
        body = parse(CaseCreate, values | {"order_line_id": line_id})
        sent = [
            (f.filename or "evidence", await f.read(ctx.evidence_max_bytes + 1))
            for f in files(form, "evidence")
        ]
        if any(len(data) > ctx.evidence_max_bytes for _, data in sent):
            raise ev.too_large(ctx.evidence_max_bytes)
        cmd = OpenCase(line_id, body.type, body.description)
        case = await run_in_threadpool(open_with_evidence, ctx, viewer.actor, cmd, sent)
    except AftersalesError as exc:
        if status_of(exc) == 404:
            raise
        error, status = problem(viewer.tr, exc), status_of(exc)
        return await run_in_threadpool(
            lambda: _form(request, viewer, line_id, values, error, status)
        )
    return RedirectResponse(f"/console/cases/{case.id}?done=opened", status_code=303)


def _form(
    request: Request,
    viewer: Viewer,
    line_id: str,
    values: dict[str, str] | None = None,
    error: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    mine = my_order_lines(context_of(request), viewer.actor)
    line = next((x for x in mine if x.line_id == line_id), None)
    if line is None:
        raise NotFound(
            Text(
                f"order line {line_id} not found among your orders",
                f"在您的订单中找不到商品 {line_id}",
            )
        )
    return page(
        request,
        viewer,
        "open_case.html",
        status=status,
        line=line,
        types=list(CaseType),
        values=values or {},
        error=error,
        max_files=MAX_FILES,
    )


def _by_order(lines: list[LineRow]) -> list[tuple[LineRow, list[LineRow]]]:
    """The lines grouped under their order, in the order they came (newest order first)."""
    grouped: dict[str, list[LineRow]] = {}
    for line in lines:
        grouped.setdefault(line.order_id, []).append(line)
    return [(rows[0], rows) for rows in grouped.values()]
