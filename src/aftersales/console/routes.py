"""The console's router, mounted by ``create_app`` under ``/console``.

Each kind of work has its router in ``pages/``; a new page is a route there and, for the menu,
one line in ``nav.py``. The last route answers every other address with the 404 page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from aftersales.console.nav import home_of
from aftersales.console.pages import (
    case_actions,
    cases,
    consumer,
    merchant_alerts,
    merchant_content,
    merchant_faults,
    merchant_programme,
    merchant_scorecard,
    operator_alerts,
    operator_dispatch,
    operator_knowledge,
    operator_knowledge_entry,
    operator_programme,
    operator_scorecards,
    platform,
    recalls,
    session,
    work,
)
from aftersales.console.routing import ConsoleRoute, error_page
from aftersales.console.viewer import viewer_of

__all__ = ["router"]

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
for part in (session, consumer, cases, case_actions, work, platform, recalls):
    router.include_router(part.router)
for part in (
    merchant_scorecard,
    merchant_programme,
    merchant_content,
    merchant_alerts,
    merchant_faults,
):
    router.include_router(part.router)
for part in (operator_alerts, operator_programme, operator_dispatch, operator_scorecards):
    router.include_router(part.router)
for part in (operator_knowledge, operator_knowledge_entry):
    router.include_router(part.router)


@router.get("")
def enter(request: Request) -> Response:
    """The way in: the signed-in user's first page, or the sign-in form."""
    viewer = viewer_of(request)
    target = home_of(viewer.role) if viewer.role else "/console/signin"
    return RedirectResponse(target, status_code=303)


@router.api_route("/{rest:path}", methods=["GET", "POST"])
def not_found(request: Request, rest: str) -> Response:
    return error_page(request, 404, "error.not_found", "error.not_found.detail")
