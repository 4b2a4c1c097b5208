"""``aftersales cycle``: run a month's assessment cycle or a weekly check, show it, export it.

The command line acts as a platform operator (``--operator`` names who, for the record); it
calls the same use cases as the scheduler inside ``serve``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from aftersales.cli.common import DbOption, err, errors_on_one_line, open_context, out, settings_for
from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import CST
from aftersales.errors import ValidationFailed
from aftersales.scoring.texts import TIER_NAMES
from aftersales.scoring.tiers import Tier

# The store loads SQLAlchemy and Ibis: not for `aftersales --help` (decision 0042).
if TYPE_CHECKING:
    from aftersales.services.context import Context
    from aftersales.store.scoring import StoredCard, StoredCycle

app = typer.Typer(
    help="Merchant scoring: assessment cycles and weekly checks.", no_args_is_help=True
)


class ExportFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


PeriodOption = Annotated[str, typer.Option("--period", help="A month, YYYY-MM (2026-11).")]
OperatorOption = Annotated[str, typer.Option("--operator", help="Who is acting, for the record.")]
ReasonOption = Annotated[
    str | None, typer.Option("--reason", help="Why the period is computed again (revision 2+).")
]


def _context(db: str | None) -> Context:
    return open_context(settings_for(db))


def _tiers(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{tier} {n}" for tier, n in counts.items()) or "none"


@app.command("run")
@errors_on_one_line
def run_command(
    period: PeriodOption,
    reason: ReasonOption = None,
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Compute and store the cycle of a closed month (again, as a new revision, with --reason)."""
    from aftersales.services.cycles import run_cycle

    done = run_cycle(_context(db), Actor(Role.OPERATOR, operator), period, reason)
    c = done.cycle
    out.print(
        f"cycle {c.period} revision {c.revision}: {c.merchants} merchants,"
        f" tiers {_tiers(done.tiers)}; {done.changes} tier change(s);"
        f" parameters {c.parameters_digest[:12]}; window {_window(c)}",
        highlight=False,
    )


def _window(cycle: StoredCycle) -> str:
    """The days the cycle looked at, as the marketplace's calendar counts them (China Standard
    Time, ``scoring.calendar``): in UTC a month would start on the last day of the one before.
    The window ends at the first moment after its last day."""
    first = cycle.window_start.astimezone(CST).date()
    last = (cycle.window_end - timedelta(microseconds=1)).astimezone(CST).date()
    return f"{first}..{last} CST"


@app.command("weekly")
@errors_on_one_line
def weekly_command(
    week: Annotated[str, typer.Option("--week", help="An ISO week, YYYY-Www (2026-W48).")],
    reason: ReasonOption = None,
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Run the weekly check of an ended week: it can only lower tiers."""
    from aftersales.services.cycles import run_weekly

    done = run_weekly(_context(db), Actor(Role.OPERATOR, operator), week, reason)
    out.print(
        f"weekly check {done.cycle.period} revision {done.cycle.revision}:"
        f" {done.changes} merchant(s) flagged; tiers after {_tiers(done.tiers)}"
    )


LangOption = Annotated[str, typer.Option("--lang", help="en or zh")]


@app.command("show")
@errors_on_one_line
def show_command(
    period: PeriodOption,
    merchant: Annotated[str | None, typer.Option("--merchant", help="One merchant's card.")] = None,
    tier: Annotated[
        str | None, typer.Option("--tier", help="List one tier's merchants (restricted, watch…).")
    ] = None,
    lang: LangOption = "en",
    json_out: Annotated[bool, typer.Option("--json", help="The scorecard as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """A period's cycle (its revisions and tiers), one tier's merchants, or one scorecard."""
    from aftersales.services import scorecards

    zh = _chinese(lang)
    ctx = _context(db)
    auditor = Actor(Role.AUDITOR)
    if merchant is not None:
        cycle, card = scorecards.get_scorecard(ctx, auditor, merchant, period)
        if json_out:
            print(json.dumps(card.card, ensure_ascii=False, indent=2))
            return
        score = "-" if card.score is None else f"{card.score:.1f}"
        name = _tier_name(card.tier, zh)
        n = cycle.revision
        head = f"第 {n} 版 · {name} · 得分" if zh else f"r{n} · {name} · score"
        out.print(f"{merchant} · {cycle.period} {head} {score}", highlight=False)
        out.print(card.card["explanation"]["zh" if zh else "en"], highlight=False)
        return
    wanted = None if tier is None else _tier(tier)
    found = scorecards.summary(ctx, period)
    for c in found.revisions:
        out.print(_revision_line(c, zh), highlight=False)
    counts = scorecards.tier_counts(ctx, auditor, period)
    shown = ", ".join(f"{_tier_name(t, zh)} {counts[t]}" for t in Tier if t in counts)
    latest = found.revisions[-1].revision
    out.print(f"{'等级' if zh else 'tiers'} (r{latest}): {shown or '-'}", highlight=False)
    if wanted is None:
        hint = "列出某一等级的商家" if zh else "list a tier's merchants"
        out.print(f"{hint}: --tier restricted", highlight=False)
        return
    cards = scorecards.every_card_in_tier(ctx, auditor, period, wanted)
    if not cards:
        name = _tier_name(wanted, zh)
        out.print(f"没有商家处于{name}等级" if zh else f"no merchant is in tier {name}")
        return
    out.print(_tier_table(cards, zh))


def _revision_line(c: StoredCycle, zh: bool) -> str:
    """One revision of a period: who computed it when, the days it looked at, and why."""
    at = f"{c.computed_at.astimezone(CST):%Y-%m-%d %H:%M} CST"
    why = f" — {c.reason}" if c.reason else ""
    if zh:
        head = f"{c.period} 第 {c.revision} 版：{c.merchants} 家商家"  # noqa: RUF001
        return f"{head}，{c.computed_by} 于 {at} 计算，考核窗口 {_window(c)}{why}"  # noqa: RUF001
    return (
        f"{c.period} revision {c.revision}: {c.merchants} merchants, computed {at}"
        f" by {c.computed_by}, window {_window(c)}{why}"
    )


def _chinese(lang: str) -> bool:
    if lang not in ("en", "zh"):
        raise ValidationFailed(f"--lang must be en or zh, not {lang!r}")
    return lang == "zh"


def _tier(value: str) -> Tier:
    try:
        return Tier(value)
    except ValueError:
        known = ", ".join(t.value for t in Tier)
        raise ValidationFailed(f"unknown tier {value!r} (known: {known})") from None


def _tier_name(value: str, zh: bool) -> str:
    text = TIER_NAMES[Tier(value)]
    return text.zh if zh else text.en


def _tier_table(cards: Iterable[StoredCard], zh: bool) -> Table:
    heads = ("商家", "类目", "得分", "同行百分位", "变化", "订单") if zh else (
        "merchant", "category", "score", "percentile", "change", "orders"
    )  # fmt: skip
    table = Table(*heads, box=None)
    for card in cards:
        table.add_row(
            card.merchant_id,
            card.category,
            "-" if card.score is None else f"{card.score:.1f}",
            "-" if card.percentile is None else f"{card.percentile:.0f}",
            str(card.card["change"]),
            f"{card.card['orders']:,.0f}",
        )
    return table


@app.command("export")
@errors_on_one_line
def export_command(
    period: PeriodOption,
    out_file: Annotated[Path, typer.Option("--out", help="The file to write.")],
    format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.CSV,
    db: DbOption = None,
) -> None:
    """Every scorecard of the period's latest revision, one row per merchant."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from aftersales.services.scorecards import export_table

    if out_file.is_dir() or not out_file.parent.is_dir():
        raise ValidationFailed(f"--out {out_file}: give a file in a folder that exists")
    cycle, table = export_table(_context(db), period)
    if format is ExportFormat.PARQUET:
        pq.write_table(table, out_file)
    else:
        pacsv.write_csv(table, out_file)
    err.print(
        f"{table.num_rows} scorecards of {cycle.period} revision {cycle.revision} → {out_file}"
    )
