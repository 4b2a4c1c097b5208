"""Early-warning alerts for the platform: a map of China's provinces and the list, filtered alike;
an alert's page with its figures and history, and, for operators, acknowledge, link to a recall
review or dismiss with a reason (``services.alerts``, as the API). Auditors read the same pages
without a form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aftersales.api.alert_schemas import DismissalCreate, RecallLink
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.console import charts
from aftersales.console.filters import chosen, chosen_day, labelled
from aftersales.console.forms import fields, parse
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import submit
from aftersales.console.pages.operator_common import Operator, Reader, form_of
from aftersales.console.province_map import PROVINCES, bounds, region_name, tile_map
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import Viewer, context_of
from aftersales.domain.actors import Actor
from aftersales.errors import AftersalesError
from aftersales.services import alerts as uc
from aftersales.services import recalls as rc
from aftersales.services.context import Context
from aftersales.store.alerts import AlertQuery, AlertRecord
from aftersales.store.recalls import RecallQuery
from aftersales.warning import AlertReview, AlertStatus

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

AlertId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]
# The list's filters take whatever is typed: what does not fit is said above the filter.
Typed = Annotated[str | None, Query(max_length=200)]
_STATUSES = [s.value for s in AlertStatus]
_PROVINCE_NAMES = {p.code: (p.en, p.zh) for p in PROVINCES}
PAGE = 50


@router.get("/alerts")
def alerts(
    request: Request,
    viewer: Reader,
    status: Typed = None,
    region: Typed = None,
    since: Typed = None,
    after: Annotated[str | None, Query(max_length=120)] = None,
) -> Response:
    """The map of the alerts that match the filters, by province, and the list of them; a
    filter value that fits nothing is left out and said above the filter."""
    ctx, tr = context_of(request), viewer.tr
    state, bad_status = chosen(tr, "common.state", status, labelled("alert_status", _STATUSES))
    province, bad_region = chosen(tr, "common.region", region, _PROVINCE_NAMES)
    day, bad_day = chosen_day(tr, "alerts.since", since)
    statuses = (state,) if state else ()
    found = uc.list_alerts(
        ctx, viewer.actor, AlertQuery(statuses, province, day, PAGE, _cursor(after))
    )
    counts = uc.alerts_by_region(ctx, viewer.actor, AlertQuery(statuses, None, day))
    shown = {"status": state or "", "since": day.isoformat() if day else ""}
    link = _linker({**shown, "region": province or ""})
    return page(
        request,
        viewer,
        "operator_alerts.html",
        rows=[(a, _why(tr, a)) for a in found],
        area=tile_map(tr, counts, title=tr.t("alerts.map"), link=_region_link(shown, province)),
        legend=bounds(max(counts.values(), default=0)),
        counts=sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
        region_name=lambda code: region_name(tr, code),
        statuses=list(AlertStatus),
        chosen=shown | {"region": province or ""},
        problems=[p for p in (bad_status, bad_region, bad_day) if p],
        older=link(after=_key(found[-1])) if len(found) == PAGE else None,
    )


@router.get("/alerts/{alert_id}")
def alert(request: Request, viewer: Reader, alert_id: AlertId) -> Response:
    return _alert_page(request, viewer, alert_id)


@router.post("/alerts/{alert_id}/acknowledge")
async def acknowledge(request: Request, viewer: Operator, alert_id: AlertId) -> Response:
    ctx = context_of(request)
    await form_of(request, viewer)
    return await _act(
        request,
        viewer,
        alert_id,
        "acknowledged",
        lambda: uc.acknowledge(ctx, viewer.actor, alert_id),
    )


@router.post("/alerts/{alert_id}/link-recall")
async def link_recall(request: Request, viewer: Operator, alert_id: AlertId) -> Response:
    ctx = context_of(request)
    values = fields(await form_of(request, viewer), "recall_id")

    def link() -> object:
        body = parse(RecallLink, {"recall_id": values.get("recall_id", "").strip()})
        return uc.link_recall(ctx, viewer.actor, alert_id, body.recall_id)

    return await _act(request, viewer, alert_id, "linked", link, values)


@router.post("/alerts/{alert_id}/dismiss")
async def dismiss(request: Request, viewer: Operator, alert_id: AlertId) -> Response:
    ctx = context_of(request)
    values = fields(await form_of(request, viewer), "reason")

    def dismiss_it() -> object:
        body = parse(DismissalCreate, values)
        return uc.dismiss(ctx, viewer.actor, alert_id, body.reason)

    return await _act(request, viewer, alert_id, "dismissed", dismiss_it, values)


# ---- the alert's page ---------------------------------------------------------------------------


def _alert_page(
    request: Request,
    viewer: Viewer,
    alert_id: str,
    error: dict[str, str] | None = None,
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    ctx, tr = context_of(request), viewer.tr
    record = uc.get_alert(ctx, viewer.actor, alert_id)
    actions = _actions(record, viewer.actor, ctx.clock.now())
    recalls = _recall_choices(ctx, viewer.actor, record) if "link" in actions else []
    return page(
        request,
        viewer,
        "operator_alert.html",
        status=status,
        error=error,
        a=record,
        why=_why(tr, record),
        region=region_name(tr, record.region),
        recent=_recent(tr, record),
        actions=actions,
        recalls=recalls,
        typed=typed or {},
    )


def _actions(record: AlertRecord, actor: Actor, now: datetime) -> frozenset[str]:
    """What the actor may do with the alert now: each review is tried on a copy of its status,
    so the rules stay in ``AlertReview``; the form's use case checks again."""
    tries: dict[str, Callable[[AlertReview], None]] = {
        "acknowledge": lambda r: r.acknowledge(actor, now),
        "link": lambda r: r.link_recall("any", actor, now),
        "dismiss": lambda r: r.dismiss("any", actor, now),
    }
    allowed = set()
    for name, attempt in tries.items():
        try:
            attempt(record.review())
        except AftersalesError:
            continue
        allowed.add(name)
    return frozenset(allowed)


def _recall_choices(ctx: Context, actor: Actor, record: AlertRecord) -> list[rc.RecallView]:
    """The recalls the alert may be linked to (as ``alerts.link_recall`` checks): its product's,
    or for a whole category's alert those of the products of that very category (not of its
    subcategories, which the link refuses)."""
    if record.product_id is not None:
        query = RecallQuery(product_id=record.product_id, limit=20)
    else:
        query = RecallQuery(limit=20, category=record.category, subcategories=False)
    return rc.list_recalls(ctx, actor, query)


def _recent(tr: Translator, record: AlertRecord) -> str:
    weeks = [str(week)[5:] for week, _ in record.excerpt]
    values = [None if n is None else float(n) for _, n in record.excerpt]
    cases = charts.Series(tr.t("alert.cases"), values)
    return charts.bars(tr.t("alert.recent"), weeks, [cases])


def _why(tr: Translator, record: AlertRecord) -> str:
    return tr.pick({"en": record.explanation_en, "zh": record.explanation_zh})


# ---- forms --------------------------------------------------------------------------------------


async def _act(
    request: Request,
    viewer: Viewer,
    alert_id: str,
    done: str,
    use: Callable[[], object],
    typed: dict[str, str] | None = None,
) -> Response:
    """Run a review; a refusal shows the page again with the form as the operator left it."""

    def shown(error: dict[str, str], status: int) -> Response:
        return _alert_page(request, viewer, alert_id, error, status, typed)

    target = f"/console/alerts/{alert_id}?done=alert_{done}"
    return await submit(request, viewer, use, target, shown)


# ---- the list's addresses -----------------------------------------------------------------------


def _linker(params: dict[str, str]) -> Callable[..., str]:
    def link(**changes: str) -> str:
        kept = {k: v for k, v in (params | changes).items() if v}
        return "/console/alerts" + (f"?{urlencode(kept)}" if kept else "")

    return link


def _region_link(chosen: dict[str, str], region: str | None) -> Callable[[str], str]:
    """A tile shows its province's alerts; the chosen province's tile shows every province."""
    link = _linker(chosen)
    return lambda code: link(region="" if code == region else code)


def _key(last: AlertRecord) -> str:
    return f"{last.period_start.isoformat()}|{last.score!r}|{last.id}"


def _cursor(after: str | None) -> tuple[date, float, str] | None:
    """The last alert shown (period, score, id); anything else shows the first page."""
    try:
        period, score, alert_id = (after or "").split("|", 2)
        found = (date.fromisoformat(period), float(score), alert_id)
    except ValueError:
        return None
    valid = math.isfinite(found[1]) and re.fullmatch(ID_PATTERN, alert_id)
    return found if valid else None
