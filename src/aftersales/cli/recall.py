"""``aftersales recall``: list, show, confirm, dismiss, record a party's task, and report.

The command line acts as a platform operator (``--operator`` names who, for the events); it
calls the same use cases as the API.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aftersales.cli.common import DbOption, err, errors_on_one_line, out, with_context
from aftersales.domain.actors import Actor, Role
from aftersales.recall import RecallState, Remedy, Scope

if TYPE_CHECKING:  # annotations only: the database layer is not for `aftersales --help`
    from aftersales.recall import RecallReport
    from aftersales.services.context import Context

app = typer.Typer(
    help="Safety recalls: reviews, decisions, campaigns, reports.", no_args_is_help=True
)


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


OperatorOption = Annotated[
    str, typer.Option("--operator", help="Who is acting; recorded with every event.")
]
Day = Annotated[
    datetime | None, typer.Option(formats=["%Y-%m-%d"], help="A day (CST), YYYY-MM-DD.")
]


@app.command("list")
@errors_on_one_line
def list_command(
    state: Annotated[
        list[RecallState] | None, typer.Option(help="Only recalls in this state.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 200,
    format: Annotated[Format, typer.Option("--format")] = Format.TEXT,
    db: DbOption = None,
) -> None:
    """Every recall, newest first, with how far its campaign has come."""
    from aftersales.services.recalls import list_recalls
    from aftersales.store.recalls import RecallQuery

    query = RecallQuery(tuple(s.value for s in state or ()), None, limit)
    views = with_context(db, lambda ctx: list_recalls(ctx, _operator("cli"), query))
    rows = [
        {
            "recall_id": v.recall.id,
            "state": v.recall.state.value,
            "trigger": v.recall.trigger.value,
            "product_id": v.recall.product_id,
            "batches": " ".join(v.recall.batches),
            "opened_at": v.recall.opened_at.isoformat() if v.recall.opened_at else "",
            "units": v.counts.units,
            "remedied": v.counts.remedied,
            "completion_rate": v.counts.completion_rate,
        }
        for v in views
    ]
    _print_rows(rows, format)


@app.command()
@errors_on_one_line
def show(recall_id: str, db: DbOption = None) -> None:
    """One recall as JSON: its report, its tasks and its events."""
    from aftersales.services.recall_campaign import recall_report
    from aftersales.services.recalls import recall_events

    def read(ctx: Context) -> dict[str, Any]:
        actor = _operator("cli")
        report = recall_report(ctx, actor, recall_id)
        events = [
            {
                "seq": e.seq,
                "kind": e.kind,
                "at": e.at.isoformat(),
                "actor": _who(e.actor),
                "data": e.data,
            }
            for e in recall_events(ctx, actor, recall_id)
        ]
        return report.to_dict() | {"events": events}

    print(json.dumps(with_context(db, read), ensure_ascii=False, indent=2))


@app.command()
@errors_on_one_line
def confirm(
    recall_id: str,
    remedy: Annotated[list[Remedy], typer.Option(help="A remedy offered (give at least two).")],
    batch: Annotated[
        list[str] | None, typer.Option(help="A batch in scope (default: those under review).")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option(help="Only units shipped to this region.")
    ] = None,
    produced_from: Day = None,
    produced_to: Day = None,
    delivered_from: Day = None,
    delivered_to: Day = None,
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Confirm a recall: hold its scope, find every affected unit and notify its buyer."""
    from aftersales.domain.catalog import check_region
    from aftersales.services import recalls as uc

    given = (batch, region, produced_from, produced_to, delivered_from, delivered_to)
    scope = None
    if any(given):
        scope = Scope(
            batch_ids=tuple(batch or ()),
            produced_from=produced_from.date() if produced_from else None,
            produced_to=produced_to.date() if produced_to else None,
            delivered_from=delivered_from.date() if delivered_from else None,
            delivered_to=delivered_to.date() if delivered_to else None,
            regions=tuple(sorted({check_region(r) for r in region or ()})),
        )
    decision = uc.Confirm(tuple(remedy), scope)
    view = with_context(db, lambda ctx: uc.decide(ctx, _operator(operator), recall_id, decision))
    r = view.recall
    out.print(f"recall {r.id} confirmed: {r.units} unit(s) of {r.consumers} consumer(s) notified")


@app.command()
@errors_on_one_line
def dismiss(
    recall_id: str,
    reason: Annotated[str, typer.Option(help="Why there is no recall (kept with it).")],
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Dismiss a review: record why, and lift its stop-sale holds."""
    from aftersales.services import recalls as uc

    decision = uc.Dismiss(reason)
    with_context(db, lambda ctx: uc.decide(ctx, _operator(operator), recall_id, decision))
    out.print(f"recall {recall_id} dismissed; its holds are lifted")


@app.command()
@errors_on_one_line
def task(
    recall_id: str,
    task_id: Annotated[str, typer.Argument(help="e.g. regulator.report")],
    note: Annotated[str, typer.Option(help="What the party reported.")] = "",
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Record that a party has done its task."""
    from aftersales.services.recall_campaign import complete_task

    with_context(db, lambda ctx: complete_task(ctx, _operator(operator), recall_id, task_id, note))
    out.print(f"task {task_id} of recall {recall_id} done")


@app.command()
@errors_on_one_line
def report(
    recall_id: str,
    format: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.JSON,
    progress: Annotated[
        bool,
        typer.Option("--progress", help="CSV: the campaign day by day instead of the summary."),
    ] = False,
    step_days: Annotated[int, typer.Option(min=1, max=366, help="Days between progress rows.")] = 1,
    db: DbOption = None,
) -> None:
    """The regulator's report: product, batches, hazard, units affected, notified, remedied,
    remedies offered, dates, and progress over time (JSON: all of it; CSV: one table)."""
    from aftersales.services.recall_campaign import recall_report

    found: RecallReport = with_context(
        db, lambda ctx: recall_report(ctx, _operator("cli"), recall_id, step_days=step_days)
    )
    if format is ReportFormat.JSON:
        print(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
    elif progress:
        _print_rows(found.to_dict()["progress"], Format.CSV)
    else:
        _print_rows([found.summary()], Format.CSV)


def _operator(name: str) -> Actor:
    return Actor(Role.OPERATOR, name)


def _who(actor: Actor) -> str:
    return f"{actor.role.value}:{actor.subject}" if actor.subject else actor.role.value


def _print_rows(rows: Sequence[dict[str, Any]], format: Format) -> None:
    if format is Format.JSON:
        print(json.dumps(list(rows), ensure_ascii=False, indent=2))
        return
    if format is Format.CSV:
        print(_csv(rows), end="")
        return
    if not rows:
        err.print("no recalls")
    for row in rows:
        out.print("  ".join(str(v) for v in row.values()), highlight=False)


def _csv(rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
        writer.writerow(row)
    return buffer.getvalue()
