"""Routes of early-warning alerts: read them; operators acknowledge, link or dismiss them.

Visibility (decision 0014): operators and auditors read every alert, a merchant's agent those on
its own products; consumers and the integration are refused (403), and an alert one may not see
answers 404.
"""

from __future__ import annotations

import base64
import math
import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from aftersales.api.alert_schemas import AlertPublic, AlertsPublic, DismissalCreate, RecallLink
from aftersales.api.deps import CtxDep, bad_cursor, role
from aftersales.api.responses import model_response
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.api.schemas import FIRST_DAY, LAST_DAY
from aftersales.domain.actors import Actor, Role
from aftersales.services import alerts as uc
from aftersales.store.alerts import AlertQuery, AlertRecord
from aftersales.warning import AlertStatus

router = APIRouter(prefix="/alerts", tags=["early warning"])

Operator = Annotated[Actor, role(Role.OPERATOR)]
Reader = Annotated[Actor, role(Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR)]
AlertId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]


@router.get("", response_model=AlertsPublic)
def list_alerts(
    ctx: CtxDep,
    actor: Reader,
    status: Annotated[list[AlertStatus] | None, Query()] = None,
    region: Annotated[str | None, Query(pattern=r"^CN-[A-Z]{2}$")] = None,
    since: Annotated[
        date | None,
        Query(ge=FIRST_DAY, le=LAST_DAY, description="periods starting on or after"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Alerts you may see, newest week first and strongest first within it."""
    statuses = tuple(s.value for s in status or ())
    query = AlertQuery(statuses, region, since, limit, _decode_cursor(cursor))
    found = uc.list_alerts(ctx, actor, query)
    next_cursor = _encode_cursor(found[-1]) if len(found) == limit else None
    items = [AlertPublic.of(r) for r in found]
    return model_response(AlertsPublic(items=items, next_cursor=next_cursor))


@router.get("/{alert_id}", response_model=AlertPublic)
def get_alert(alert_id: AlertId, ctx: CtxDep, actor: Reader) -> Response:
    """One alert, with every change of its status."""
    return model_response(AlertPublic.of(uc.get_alert(ctx, actor, alert_id)))


@router.post("/{alert_id}/acknowledge", response_model=AlertPublic)
def acknowledge(alert_id: AlertId, ctx: CtxDep, actor: Operator) -> Response:
    """Someone is looking into it (an open alert only)."""
    return model_response(AlertPublic.of(uc.acknowledge(ctx, actor, alert_id)))


@router.post("/{alert_id}/link-recall", response_model=AlertPublic)
def link_recall(alert_id: AlertId, body: RecallLink, ctx: CtxDep, actor: Operator) -> Response:
    """The alert is handled by this recall review (of its product, or of its category's)."""
    return model_response(AlertPublic.of(uc.link_recall(ctx, actor, alert_id, body.recall_id)))


@router.post("/{alert_id}/dismiss", response_model=AlertPublic)
def dismiss(alert_id: AlertId, body: DismissalCreate, ctx: CtxDep, actor: Operator) -> Response:
    """Nothing to act on; the reason is kept."""
    return model_response(AlertPublic.of(uc.dismiss(ctx, actor, alert_id, body.reason)))


def _encode_cursor(last: AlertRecord) -> str:
    key = f"{last.period_start.isoformat()}|{last.score!r}|{last.id}"
    return base64.urlsafe_b64encode(key.encode()).decode()


def _decode_cursor(cursor: str | None) -> tuple[date, float, str] | None:
    if not cursor:
        return None
    try:
        period, score, alert_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 2)
        after = (date.fromisoformat(period), float(score), alert_id)
    except ValueError as exc:
        raise bad_cursor() from exc
    if not math.isfinite(after[1]) or not re.fullmatch(ID_PATTERN, alert_id):
        raise bad_cursor()
    return after
