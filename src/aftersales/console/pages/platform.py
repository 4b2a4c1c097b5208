"""The platform's pages: the overview with its charts, policy versions with their backtests, and
the evidence log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aftersales.console import charts
from aftersales.console.i18n import Translator
from aftersales.console.pages.operator_tiers import tier_charts
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import Viewer, context_of, roles
from aftersales.domain.actors import Role
from aftersales.domain.cases_types import CaseState
from aftersales.errors import AftersalesError
from aftersales.services import ledger
from aftersales.services.overview import Overview, overview, policy_activations
from aftersales.services.policy_review import BACKTEST_DAYS, backtest_version
from aftersales.services.tier_figures import tier_figures

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

Reader = Annotated[Viewer, roles(Role.OPERATOR, Role.AUDITOR)]


@router.get("/overview")
def overview_page(request: Request, viewer: Reader) -> Response:
    ctx, tr = context_of(request), viewer.tr
    figures = overview(ctx, viewer.actor)
    tiers = tier_figures(ctx, viewer.actor)
    return page(
        request,
        viewer,
        "overview.html",
        o=figures,
        charts=_charts(tr, figures),
        tables=_tables(tr, figures),
        tiers=tiers,
        by_tier=tier_charts(tr, tiers),
        # The arbitration queue is the operator's; an auditor reads the same cases in the list.
        escalated_at=(
            "/console/arbitration"
            if viewer.role is Role.OPERATOR
            else "/console/cases?state=escalated"
        ),
    )


@router.get("/policies")
def policies(request: Request, viewer: Reader) -> Response:
    ctx = context_of(request)
    pack = ctx.policy.pack
    found = policy_activations(ctx, viewer.actor)
    return page(request, viewer, "policies.html", activations=found, pack=pack, days=BACKTEST_DAYS)


@router.get("/policies/{version}/backtest")
def backtest(
    request: Request,
    viewer: Reader,
    version: Annotated[str, Path(pattern=r"^(current|[0-9]{1,9})$")],
    days: Annotated[int, Query()] = 28,
) -> Response:
    """What the version's pack would decide differently on the cases of the last days; a read,
    so a link rather than a form (auditors may follow it too)."""
    ctx = context_of(request)
    activation_id = None if version == "current" else int(version)
    result = backtest_version(ctx, viewer.actor, activation_id, days)
    return page(
        request,
        viewer,
        "operator_backtest.html",
        b=result,
        report=result.tally.to_json(),
        version=version,
        days=days,
        windows=BACKTEST_DAYS,
    )


@router.get("/ledger")
def evidence_log(request: Request, viewer: Reader) -> Response:
    """The latest signed checkpoint and the key to check it with, as the API serves them."""
    ctx = context_of(request)
    try:
        note, key = ledger.latest_checkpoint(ctx).note, ledger.public_key(ctx).vkey()
    except AftersalesError:  # no key configured, or nothing published yet
        note, key = "", ""
    return page(request, viewer, "ledger.html", note=note, key=key)


def _charts(tr: Translator, o: Overview) -> dict[str, str]:
    weeks = [f"{m:%m-%d}" for m in o.weeks]
    states = [(tr.label("state", s), float(o.by_state.get(s.value, 0))) for s in CaseState]
    queues = sorted(o.active_by_queue.items(), key=lambda kv: -kv[1])
    series = charts.Series
    return {
        "by_state": charts.hbars(tr.t("overview.by_state"), states),
        "by_queue": charts.hbars(
            tr.t("overview.by_queue"), [(tr.label("queue", q), float(n)) for q, n in queues]
        ),
        "opened": charts.bars(
            tr.t("overview.opened"), weeks, [series(tr.t("series.opened"), o.opened.values)]
        ),
        "sla": charts.lines(
            tr.t("overview.sla"),
            weeks,
            [series(tr.t("series.first_response"), o.first_response_rate.values)],
            percent=True,
        ),
        "disputes": charts.bars(
            tr.t("overview.disputes"),
            weeks,
            [
                series(tr.t("series.escalations"), o.escalations.values),
                series(tr.t("series.verdicts"), o.verdicts.values),
                series(tr.t("series.appeals"), o.appeals.values),
            ],
        ),
        "safety": charts.bars(
            tr.t("overview.safety"),
            weeks,
            [
                series(tr.t("series.reports"), o.safety_reports.values),
                series(tr.t("series.emergencies"), o.emergencies.values),
            ],
        ),
    }


Table = tuple[list[str], list[list[str]]]


def _tables(tr: Translator, o: Overview) -> dict[str, Table]:
    """The figures behind the weekly charts, as tables (for screen readers and for copying)."""
    weeks = [f"{m:%Y-%m-%d}" for m in o.weeks]

    def table(keys: list[str], columns: list[list[str]]) -> Table:
        head = [tr.t("common.week_of"), *(tr.t(k) for k in keys)]
        return head, [[w, *(c[i] for c in columns)] for i, w in enumerate(weeks)]

    def counts(values: tuple[float | None, ...]) -> list[str]:
        return [f"{v or 0:.0f}" for v in values]

    return {
        "opened": table(["series.opened"], [counts(o.opened.values)]),
        "sla": table(
            ["series.first_response"], [[tr.percent(v) for v in o.first_response_rate.values]]
        ),
        "disputes": table(
            ["series.escalations", "series.verdicts", "series.appeals"],
            [counts(o.escalations.values), counts(o.verdicts.values), counts(o.appeals.values)],
        ),
        "safety": table(
            ["series.reports", "series.emergencies"],
            [counts(o.safety_reports.values), counts(o.emergencies.values)],
        ),
    }
