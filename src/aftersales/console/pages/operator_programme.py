"""The traffic incentives for the platform: the content waiting for a review for the
amplification pool, with the metrics that earned its nomination, approved or declined by an
operator (``services.content.review``, as the API); and every merchant's programme standing this
cycle: tier, eligibility, enrolment, boost or penalty and why. Auditors read it without a form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from aftersales.api.content_schemas import DeclineCreate, NoteCreate
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.console.forms import fields, parse
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import named, said, submit
from aftersales.console.pages.operator_common import Operator, Reader, form_of
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import Viewer, context_of
from aftersales.domain.actors import Role
from aftersales.exposure import ContentKind, Penalty, Slot, Stage
from aftersales.exposure.texts import SLOT_NAMES, STAGE_NAMES
from aftersales.scoring.texts import TIER_NAMES, Text
from aftersales.scoring.tiers import Tier
from aftersales.services import content
from aftersales.services.programme_board import MerchantStanding, programme_board, review_queue

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

ContentId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
LISTED = 200  # merchants in the table; the rest are counted


@router.get("/programme")
def programme(request: Request, viewer: Reader) -> Response:
    return _programme_page(request, viewer)


@router.post("/programme/content/{content_id}/approve")
async def approve(request: Request, viewer: Operator, content_id: ContentId) -> Response:
    values = fields(await form_of(request, viewer), "note")
    ctx = context_of(request)

    def approve_it() -> object:
        note = parse(NoteCreate, {"note": values.get("note", "")}).note
        return content.review(ctx, viewer.actor, content_id, approved=True, text=note)

    return await _act(request, viewer, "content_approved", approve_it)


@router.post("/programme/content/{content_id}/decline")
async def decline(request: Request, viewer: Operator, content_id: ContentId) -> Response:
    values = fields(await form_of(request, viewer), "reason")
    ctx = context_of(request)

    def decline_it() -> object:
        reason = parse(DeclineCreate, values).reason
        return content.review(ctx, viewer.actor, content_id, approved=False, text=reason)

    return await _act(request, viewer, "content_declined", decline_it)


def _programme_page(
    request: Request, viewer: Viewer, error: dict[str, str] | None = None, status: int = 200
) -> Response:
    ctx, tr = context_of(request), viewer.tr
    board = programme_board(ctx, viewer.actor)
    listed = [m for m in board.merchants if _in_programme(m)][:LISTED]
    return page(
        request,
        viewer,
        "operator_programme.html",
        status=status,
        error=error,
        queue=review_queue(ctx, viewer.actor),
        window=content.judged_window(ctx),
        board=board,
        listed=listed,
        boosted=sum(1 for m in board.merchants if m.status.weights),
        throttled=sum(1 for m in board.merchants if m.status.penalty is Penalty.THROTTLED),
        names=_Names(tr),
        may_review=viewer.role is Role.OPERATOR,
    )


def _in_programme(row: MerchantStanding) -> bool:
    """Enrolled, eligible, or penalised: the merchants the programme concerns this cycle."""
    status = row.status
    return row.enrolment is not None or status.eligible or status.penalty is not Penalty.NONE


class _Names:
    """The names a template needs of the exposure and scoring packages' values."""

    def __init__(self, tr: Translator) -> None:
        self._tr = tr

    def tier(self, value: str) -> str:
        return named(self._tr, TIER_NAMES, Tier, value)

    def stage(self, value: str) -> str:
        return named(self._tr, STAGE_NAMES, Stage, value)

    def slot(self, value: str) -> str:
        return named(self._tr, SLOT_NAMES, Slot, value)

    def kind(self, value: ContentKind) -> str:
        return self._tr.t(f"merchant.kind.{value.value}")

    def said(self, text: Text | None) -> str:
        return said(self._tr, text)


async def _act(request: Request, viewer: Viewer, done: str, use: Callable[[], object]) -> Response:
    def shown(error: dict[str, str], status: int) -> Response:
        return _programme_page(request, viewer, error, status)

    return await submit(request, viewer, use, f"/console/programme?done={done}", shown)
