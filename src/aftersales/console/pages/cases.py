"""Case lists and the case page: what every role reads about a case, through the use cases.

Who may see which case is the use cases' answer (``services.cases.load_visible``): another
merchant's case, asked for by its address, is the same 404 page as a case that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aftersales.api.routes.cases import ID_PATTERN
from aftersales.console.case_view import CaseView, clocks, entries
from aftersales.console.filters import chosen, labelled
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import Viewer, ViewerDep, context_of
from aftersales.domain.actors import Role
from aftersales.domain.case import Case
from aftersales.domain.cases_types import CaseState, ResolutionType
from aftersales.services import evidence as ev
from aftersales.services.case_actions import allowed_actions
from aftersales.services.cases import case_events, get_case, list_cases
from aftersales.store.cases import CaseQuery

__all__ = ["CaseId", "case_page", "router"]

router = APIRouter(route_class=ConsoleRoute)

CaseId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
EvidenceId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
PAGE = 50
_STATES = [s.value for s in CaseState]
# Remedies a merchant or the platform may offer from the console (all but the emergency plan's).
OFFERED = [r for r in ResolutionType if r is not ResolutionType.EMERGENCY_RECALL]


@router.get("/cases")
def cases(
    request: Request,
    viewer: ViewerDep,
    state: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[str | None, Query(max_length=80)] = None,
) -> Response:
    """The cases the viewer may see, newest first: their own, or all for the platform; a state
    that is none of a case's is left out and said above the filter."""
    tr = viewer.tr
    chosen_state, problem = chosen(tr, "common.state", state, labelled("state", _STATES))
    states = (chosen_state,) if chosen_state else ()
    query = CaseQuery(states=states, limit=PAGE, after=_cursor(after))
    found = list_cases(context_of(request), viewer.actor, query)
    older = _older(found[-1]) if len(found) == PAGE else None
    title = "cases.title" if viewer.role is Role.CONSUMER else "cases.all_title"
    return page(
        request,
        viewer,
        "cases.html",
        title=title,
        cases=found,
        states=list(CaseState),
        state=chosen_state or "",
        problems=[problem] if problem else [],
        older=older,
    )


@router.get("/cases/{case_id}")
def case(request: Request, viewer: ViewerDep, case_id: CaseId) -> Response:
    return case_page(request, viewer, case_id)


@router.get("/cases/{case_id}/evidence/{evidence_id}")
def evidence_file(
    request: Request, viewer: ViewerDep, case_id: CaseId, evidence_id: EvidenceId
) -> Response:
    """The file itself, served so that a browser never runs anything in it."""
    record, data = ev.read_evidence(context_of(request), viewer.actor, case_id, evidence_id)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "private, no-store",
    }
    return Response(data, media_type=record.content_type, headers=headers)


def case_page(
    request: Request,
    viewer: Viewer,
    case_id: str,
    *,
    status: int = 200,
    error: dict[str, str] | None = None,
    kept: Mapping[str, Mapping[str, str]] | None = None,
) -> Response:
    """The case page; after a refused action, the same page with the reason and its status,
    and in ``kept`` the refused form's fields as sent (action -> field -> value)."""
    ctx, actor = context_of(request), viewer.actor
    found = get_case(ctx, actor, case_id)
    now = ctx.clock.now()
    view = CaseView(
        case=found,
        timeline=entries(viewer.tr, case_events(ctx, actor, case_id)),
        evidence=ev.list_evidence(ctx, actor, case_id),
        actions=allowed_actions(found, actor, now),
        clocks=clocks(viewer.tr, found, now),
    )
    return page(
        request,
        viewer,
        "case.html",
        status=status,
        view=view,
        c=found,
        remedies=OFFERED,
        error=error,
        kept=kept or {},
        is_merchant=viewer.role is Role.MERCHANT_AGENT,
    )


def _cursor(after: str | None) -> tuple[datetime, str] | None:
    """``opened_at|id`` of the last case shown; anything else shows the newest page."""
    if not after or "|" not in after:
        return None
    moment, case_id = after.split("|", 1)
    try:
        opened = datetime.fromisoformat(moment)
    except ValueError:
        return None
    valid = opened.tzinfo is not None and re.fullmatch(ID_PATTERN, case_id)
    return (opened, case_id) if valid else None


def _older(last: Case) -> str:
    assert last.opened_at is not None  # a stored case has been opened
    return f"{last.opened_at.isoformat()}|{last.id}"
