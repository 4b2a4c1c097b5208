"""``aftersales faults top``: a product's recurring faults, from its triaged cases."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aftersales.cli.common import DbOption, errors_on_one_line, open_context, out, settings_for
from aftersales.domain.actors import Actor, Role

if TYPE_CHECKING:  # annotations only: triage loads the policy engine and NumPy
    from aftersales.triage.faults import FaultReport

faults_app = typer.Typer(help="Recurring faults of a product.", no_args_is_help=True)


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


@faults_app.command("top")
@errors_on_one_line
def top_command(
    product: Annotated[str, typer.Option("--product", help="The product's id.")],
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="First day (China time); default 90 days ago."),
    ] = None,
    top: Annotated[int, typer.Option(min=1, max=50, help="How many phrases.")] = 10,
    format: Annotated[Format, typer.Option("--format")] = Format.TEXT,
    db: DbOption = None,
) -> None:
    """The product's most frequent issue types and complaint phrases, with trend and examples."""
    from aftersales.services.faults import product_faults

    ctx = open_context(settings_for(db))
    try:
        day = since.date() if since else None
        report = product_faults(ctx, Actor(Role.OPERATOR, "cli"), product, since=day, top=top)
    finally:
        ctx.close()
    if format is Format.JSON:
        print(json.dumps(_doc(product, report), ensure_ascii=False, indent=2))
    else:
        out.print(_text(product, report), highlight=False, markup=False)


def _doc(product: str, r: FaultReport) -> dict[str, Any]:
    return {
        "product_id": product,
        "since": r.since.isoformat(),
        "until": r.until.isoformat(),
        "cases": r.cases,
        "issue_types": [
            {
                "issue_type": i.issue_type,
                "count": i.count,
                "share": i.share,
                "recent": i.recent,
                "earlier": i.earlier,
                "trend": i.trend,
                "example_case_ids": list(i.examples),
            }
            for i in r.issue_types
        ],
        "phrases": [
            {
                "phrase": p.text,
                "count": p.count,
                "recent": p.recent,
                "earlier": p.earlier,
                "trend": p.trend,
                "example_case_ids": list(p.examples),
            }
            for p in r.phrases
        ],
    }


def _text(product: str, r: FaultReport) -> str:
    period = f"from {r.since:%Y-%m-%d} to {r.until:%Y-%m-%d}"
    lines = [f"product {product}: {r.cases} triaged case(s) {period}", "issue types:"]
    for i in r.issue_types:
        examples = ", ".join(i.examples)
        lines.append(
            f"  {i.count:>5}  {i.share:>6.1%}  {i.trend:<7}  {i.issue_type}  e.g. {examples}"
        )
    lines.append("recurring phrases:" if r.phrases else "recurring phrases: none yet")
    for p in r.phrases:
        lines.append(f"  {p.count:>5}  {p.trend:<7}  {p.text}  e.g. {', '.join(p.examples)}")
    return "\n".join(lines)
