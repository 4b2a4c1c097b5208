"""How ``aftersales simulate`` shows a run: a progress bar while it goes, a summary at the end.

Labels are in Chinese and English side by side, as the rest of the summary (figures, state
names) reads the same in both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from rich import box
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from aftersales.cli.common import err, out
from aftersales.services.simulate import DayReport

__all__ = ["day_progress", "print_summary", "runs_progress"]


@contextmanager
def day_progress(days: int, *, show: bool) -> Iterator[Callable[[DayReport], None]]:
    """A progress bar over the simulated days; yields the callback the driver calls daily."""
    with runs_progress(days, ["模拟 simulating"], show=show) as advance:
        yield lambda report: advance(0, report)


@contextmanager
def runs_progress(
    days: int, labels: Sequence[str], *, show: bool
) -> Iterator[Callable[[int, DayReport], None]]:
    """A progress bar per run (runs side by side); yields ``advance(run's index, its day)``."""
    if not show:
        yield lambda which, report: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        tasks = [bar.add_task(label, total=days, status="") for label in labels]

        def advance(which: int, report: DayReport) -> None:
            status = (
                f"{report.day}  订单 orders {report.orders:,}  售后 cases {report.cases:,}"
                f"  周期 cycles {report.cycles}"
            )
            bar.update(tasks[which], completed=report.index + 1, status=status)

        yield advance


def print_summary(summary: Mapping[str, Any], run_id: str, status: str) -> None:
    platform = summary["platform"]
    sim = summary["simulation"]
    head = Table(title=f"模拟结果 simulation {run_id} ({status})", show_header=False)
    head.add_column("what")
    head.add_column("n", justify="right")
    for label, value in _headline(platform, sim):
        head.add_row(label, value)
    out.print(head)
    out.print(_conduct_table(summary["by_conduct"], summary.get("tiers_by_conduct", {})))


def _headline(platform: Mapping[str, Any], sim: Mapping[str, Any]) -> list[tuple[str, str]]:
    states, recalls, alerts = (_counts(platform[k]) for k in ("cases", "recalls", "alerts"))
    return [
        ("订单 orders", f"{platform['orders']:,} ({platform['units']:,} units)"),
        ("售后单 cases", f"{sum(platform['cases'].values()):,}"),
        ("状态 cases by state", states),
        ("平台介入 escalated", f"{platform['escalated']:,}"),
        ("仲裁 arbitrated", f"{platform['arbitrated']:,} ({platform['appealed']:,} appealed)"),
        ("评价 ratings", f"{platform['rated']:,}"),
        ("安全隐患 safety cases", f"{platform['safety_cases']:,}"),
        ("紧急事件 emergencies", f"{platform['emergencies']:,}"),
        ("预警 alerts", alerts),
        ("召回 recalls", recalls),
        ("考核周期 assessment cycles", f"{sim['assessment_cycles_stored']}"),
        ("周检 weekly checks", f"{sim['weekly_checks_stored']}"),
        ("等级变化 tier changes", f"{sim['tier_changes']:,}"),
        ("优质商家报名 enrolments", _counts(platform.get("enrolments", {}))),
        ("内容阶梯 content ladder", _counts(platform.get("content_stages", {}))),
    ]


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())) or "0"


def _conduct_table(
    by_conduct: Mapping[str, Mapping[str, float]], tiers: Mapping[str, Mapping[str, int]]
) -> Table:
    # No inner borders, a tier a line: it fits an 80-column terminal without breaking words.
    table = Table(title="按商家行为 by merchants' hidden conduct", box=box.SIMPLE_HEAD, padding=0)
    table.add_column("行为\nconduct", no_wrap=True)
    for name in (
        "商家\nshops",
        "订单\norders",
        "售后/千单\ncases/1k",
        "介入率\nescalated",
        "仲裁败诉\nlost",
        "评分\nstars",
    ):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("等级\ntiers", no_wrap=True)
    for conduct, f in by_conduct.items():
        held = "\n".join(f"{t} {n}" for t, n in sorted(tiers.get(conduct, {}).items())) or "-"
        table.add_row(
            conduct.replace("→", "\n→ "),  # a shop that changed its ways: two short lines
            f"{f['merchants']:.0f}",
            f"{f['orders']:,.0f}",
            f"{f['cases_per_1000_orders']:.1f}",
            f"{f['escalation_rate']:.0%}",
            f"{f['arbitrations_lost']:.0%}/{f['arbitrations']:.0f}",
            _stars(f["mean_stars"]),
            held,
        )
    return table


def _stars(mean: float | None) -> str:
    # Not 0.00, which reads as the worst service there is. A word a line: the column stays
    # narrow enough for the table to fit 80 columns (the tiers beside it take lines anyway).
    return "无评价\nno\nratings" if mean is None else f"{mean:.2f}"
