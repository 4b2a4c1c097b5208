"""``aftersales warn run`` and the alert commands: list, show, acknowledge, link-recall, dismiss.

The command line acts as a platform operator (``--operator`` names who, for the history); it
calls the same use cases as the API and the schedule inside ``serve``. The Chinese summary uses
Chinese punctuation, hence the exemption from ruff's ambiguous-character rule.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from aftersales.cli.common import DbOption, err, errors_on_one_line, open_context, out, settings_for
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.domain.snapshot import encode
from aftersales.errors import ValidationFailed
from aftersales.warning import AlertStatus

if TYPE_CHECKING:  # annotations only: the database layer is not for `aftersales --help`
    from aftersales.services.context import Context
    from aftersales.services.warning_run import WarningTerms

__all__ = ["register", "terms_from"]

T = TypeVar("T")

# The summary of a run, in both languages; the alerts carry their own sentences.
_SUMMARY = {
    "en": (
        "week {start} to {end} (as of {as_of}): {series} series ({weighed} weighed by units "
        "sold), {judged} judged; {alerts} alert(s), {new} new",
        "no alarm possible: {reasons}",
        "groups:",
    ),
    "zh": (
        "{start} 至 {end} 当周（截至 {as_of}）：共 {series} 个序列（{weighed} 个按销量折算），"
        "已判断 {judged} 个；预警 {alerts} 条，新增 {new} 条",
        "无法判断：{reasons}",
        "汇总：",
    ),
}


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


class Language(StrEnum):
    EN = "en"
    ZH = "zh"


OperatorOption = Annotated[
    str, typer.Option("--operator", help="Who is acting; recorded in the alert's history.")
]
FormatOption = Annotated[Format, typer.Option("--format")]


def register(app: typer.Typer) -> None:
    """Add the commands to the ``warn`` group."""
    app.command("run")(warn_run)
    app.command("alerts")(list_alerts)
    app.command("show")(show)
    app.command("acknowledge")(acknowledge)
    app.command("link-recall")(link_recall)
    app.command("dismiss")(dismiss)


def terms_from(settings: Settings) -> WarningTerms:
    """The run's terms from the settings (shared with the schedule inside ``serve``)."""
    from aftersales.services.warning_run import WarningTerms

    return WarningTerms(exposure_weeks=settings.warning_exposure_weeks)


@errors_on_one_line
def warn_run(
    as_of: Annotated[
        str | None, typer.Option(help="Judge the last week ended by this day (YYYY-MM-DD).")
    ] = None,
    format: FormatOption = Format.TEXT,
    lang: Annotated[Language, typer.Option(help="Language of the text output.")] = Language.EN,
    db: DbOption = None,
) -> None:
    """Judge the last complete week of every series and store the alerts (once per week)."""
    from aftersales.services.warning_run import run_warning

    day = _day(as_of) if as_of else None
    settings = settings_for(db)
    run = _with_context(settings, lambda ctx: run_warning(ctx, day, terms_from(settings)))
    summary = {
        "as_of": run.as_of.isoformat(),
        "week": run.week.isoformat(),
        "series": run.series,
        "judged": run.judged,
        "weighed": run.weighed,
        "alerts": [_alert(r) for r in run.alerts],
        "new": run.new,
        "reasons": {r.value: n for r, n in sorted(run.reasons.items())},
        "not_judged": {series: r.value for series, r in sorted(run.not_judged.items())},
        "groups": [{"en": g.explanation_en, "zh": g.explanation_zh} for g in run.groups],
    }
    if format is Format.JSON:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_run(summary, run.reasons, lang)


def _print_run(summary: dict[str, Any], reasons: dict[Any, int], lang: Language) -> None:
    head, none, groups = _SUMMARY[lang.value]
    end = date.fromordinal(date.fromisoformat(summary["week"]).toordinal() + 6)
    figures = summary | {"alerts": len(summary["alerts"]), "start": summary["week"], "end": end}
    out.print(head.format(**figures), highlight=False)
    if reasons:
        listed = ", ".join(f"{getattr(r, lang.value)} ({r.value}) {n}" for r, n in reasons.items())
        out.print(none.format(reasons=listed), highlight=False)
    for a in summary["alerts"]:
        out.print(f"  {a['id']}  {a['series']}  {a['method']}  {a['status']}", highlight=False)
        out.print(f"    {a['explanation_' + lang.value]}", highlight=False)
    if summary["groups"]:
        out.print(groups, highlight=False)
    for g in summary["groups"]:
        out.print(f"  {g[lang.value]}", highlight=False)


@errors_on_one_line
def list_alerts(
    status: Annotated[
        list[AlertStatus] | None, typer.Option(help="Only alerts with this status.")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Only this region, e.g. CN-BJ.")] = None,
    since: Annotated[str | None, typer.Option(help="Weeks starting on or after this day.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 200,
    format: FormatOption = Format.TEXT,
    db: DbOption = None,
) -> None:
    """Stored alerts, newest week first, strongest first within it."""
    from aftersales.services.alerts import list_alerts as find
    from aftersales.store.alerts import AlertQuery

    statuses = tuple(s.value for s in status or ())
    query = AlertQuery(statuses, region, _day(since) if since else None, limit)
    found = _with_context(settings_for(db), lambda ctx: find(ctx, _operator("cli"), query))
    rows = [_alert(r) for r in found]
    if format is Format.JSON:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        err.print("no alerts")
    for a in rows:
        line = (a["id"], a["period_start"], a["series"], a["method"], a["status"])
        out.print("  ".join(line) + f"  {a['observed']:g}/{a['expected']:.1f}", highlight=False)


@errors_on_one_line
def show(alert_id: str, db: DbOption = None) -> None:
    """One alert as JSON, with every change of its status."""
    from aftersales.services.alerts import get_alert

    found = _with_context(settings_for(db), lambda ctx: get_alert(ctx, _operator("cli"), alert_id))
    print(json.dumps(_alert(found), ensure_ascii=False, indent=2))


@errors_on_one_line
def acknowledge(alert_id: str, operator: OperatorOption = "cli", db: DbOption = None) -> None:
    """Record that someone is looking into the alert."""
    from aftersales.services import alerts as uc

    _with_context(settings_for(db), lambda ctx: uc.acknowledge(ctx, _operator(operator), alert_id))
    out.print(f"alert {alert_id} acknowledged")


@errors_on_one_line
def link_recall(
    alert_id: str,
    recall_id: str,
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Record that a recall review handles the alert."""
    from aftersales.services import alerts as uc

    actor = _operator(operator)
    _with_context(settings_for(db), lambda ctx: uc.link_recall(ctx, actor, alert_id, recall_id))
    out.print(f"alert {alert_id} linked to recall {recall_id}")


@errors_on_one_line
def dismiss(
    alert_id: str,
    reason: Annotated[str, typer.Option(help="Why there is nothing to act on (kept).")],
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Dismiss the alert, with the reason."""
    from aftersales.services import alerts as uc

    actor = _operator(operator)
    _with_context(settings_for(db), lambda ctx: uc.dismiss(ctx, actor, alert_id, reason))
    out.print(f"alert {alert_id} dismissed")


def _alert(record: Any) -> dict[str, Any]:
    """An alert as JSON-ready data (dates as YYYY-MM-DD)."""
    data: dict[str, Any] = json.loads(json.dumps(encode(record), default=str))
    data["history"] = [
        {
            "status": c["status"],
            "at": c["at"],
            "by": f"{c['by']['role']}:{c['by']['subject'] or ''}".rstrip(":"),
            "recall_id": c["recall_id"],
            "reason": c["reason"],
        }
        for c in data["history"]
    ]
    return data


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{text!r} is not a day such as 2026-11-02") from None


def _operator(name: str) -> Actor:
    return Actor(Role.OPERATOR, name)


def _with_context(settings: Settings, work: Callable[[Context], T]) -> T:
    ctx = open_context(settings)
    try:
        return work(ctx)
    finally:
        ctx.close()
