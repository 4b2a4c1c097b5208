"""``aftersales warn`` (early warning) and ``aftersales staff`` (staff planning)."""

from __future__ import annotations

import csv
import math
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from aftersales.cli import warning_ops
from aftersales.cli.common import DbOption, err, errors_on_one_line, open_context, out, settings_for
from aftersales.errors import ValidationFailed

# The detectors and forecasts load scipy (seconds): imported by the commands that run them, so
# that `aftersales --help` does not wait for them.
if TYPE_CHECKING:
    from aftersales.warning import (
        DailyHistory,
        Detector,
        LoadSource,
        QueueModel,
        ScenarioResult,
        StaffPlan,
        Tally,
    )

warn_app = typer.Typer(
    help="Early warning of regional and seasonal problems.", no_args_is_help=True
)
staff_app = typer.Typer(help="Staff planning ahead of load.", no_args_is_help=True)
warning_ops.register(warn_app)  # run, and what operators do with the stored alerts

METHODS = ("farrington", "ears-c1", "ears-c2", "ears-c3", "cusum")


@warn_app.command("eval")
@errors_on_one_line
def warn_eval(
    scenarios: Annotated[
        str, typer.Option(help="Scenarios of the Noufaily design, e.g. 1-42 or 1-6,14.")
    ] = "1-42",
    sizes: Annotated[str, typer.Option(help="Outbreak sizes k (in SDs), e.g. 1-10.")] = "1-10",
    replicates: Annotated[int, typer.Option(min=1, help="Series per scenario and size.")] = 100,
    seed: Annotated[int, typer.Option(help="Seed of the simulation.")] = 0,
    method: Annotated[str, typer.Option(help=f"Detector: {', '.join(METHODS)}.")] = "farrington",
    alpha: Annotated[
        float, typer.Option(help="Farrington: 1 - quantile of the threshold.")
    ] = 0.005,
    rise: Annotated[
        float | None,
        typer.Option(help="Instead of outbreaks, a sustained rise of the mean by this ratio."),
    ] = None,
    rise_weeks: Annotated[
        int, typer.Option(min=1, max=49, help="Weeks the rise lasts, up to the last week.")
    ] = 20,
) -> None:
    """Score a detector on the 42 simulated scenarios: FPR, POD, sensitivity, timeliness."""
    from aftersales.warning import SCENARIOS, evaluate, scenario

    chosen = [scenario(n) for n in _numbers(scenarios, 1, len(SCENARIOS))]
    ks = [float(k) for k in _numbers(sizes, 0, 100)] if rise is None else [rise]
    if rise is not None and rise <= 0:
        raise ValidationFailed("the rise is a ratio of means, e.g. 1.3")
    detector = _detector(method, alpha)
    weeks = None if rise is None else rise_weeks
    results = [
        evaluate(detector, [sc], ks, replicates, seed, weeks)[0]
        for sc in track(chosen, description="simulating and detecting", console=err, transient=True)
    ]
    what = "the Noufaily design" if rise is None else f"a rise x{rise:g} over {rise_weeks} weeks"
    _show(_eval_table(results, f"{method} on {what}", replicates, seed, bands=rise is None))


def _show(table: Table) -> None:
    """Print a table whole: piped, Rich would squeeze it into 80 columns and cut its figures."""
    (out if out.is_terminal else Console(width=160)).print(table)


def _detector(method: str, alpha: float) -> Detector:
    from aftersales.warning import (
        CusumConfig,
        EarsConfig,
        EarsMethod,
        FarringtonConfig,
        cusum_detector,
        ears_detector,
        farrington_detector,
    )

    if method == "farrington":
        return farrington_detector(FarringtonConfig(alpha=alpha))
    if method == "cusum":
        return cusum_detector(CusumConfig())
    if method.startswith("ears-") and method[5:].upper() in EarsMethod.__members__:
        return ears_detector(EarsConfig(method=EarsMethod(method[5:].upper())))
    raise ValidationFailed(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def _numbers(spec: str, low: int, high: int) -> list[int]:
    """Parse "1-6,14" into [1, ..., 6, 14], within [low, high]."""
    numbers: list[int] = []
    try:
        for part in spec.split(","):
            first, _, last = part.strip().partition("-")
            numbers += range(int(first), int(last or first) + 1)
    except ValueError:
        raise ValidationFailed(f"{spec!r} is not a list of numbers such as 1-6,14") from None
    if not numbers or not all(low <= n <= high for n in numbers):
        raise ValidationFailed(f"{spec!r}: numbers must be between {low} and {high}")
    return numbers


def _eval_table(
    results: list[ScenarioResult], title: str, replicates: int, seed: int, *, bands: bool
) -> Table:
    from aftersales.warning import K_BANDS, Tally

    table = Table(title=f"{title} ({replicates} series per size, seed {seed})")
    ranges = K_BANDS if bands else ()
    cols = ["#", "θ", "β", "m", "φ", "FPR", "POD", *(f"POD k{lo}-{hi}" for lo, hi in ranges)]
    for col in [*cols, "sens.", "timeliness"]:
        table.add_column(col, justify="right")
    for r in results:
        sc = r.scenario
        head = [str(sc.number), f"{sc.theta:g}", f"{sc.beta:g}", str(sc.harmonics), f"{sc.phi:g}"]
        table.add_row(*head, *_figures(r.total, [r.band(lo, hi) for lo, hi in ranges]))
    pooled = sum((r.total for r in results), Tally())
    pooled_bands = [sum((r.band(lo, hi) for r in results), Tally()) for lo, hi in ranges]
    table.add_section()
    table.add_row("all", "", "", "", "", *_figures(pooled, pooled_bands), style="bold")
    return table


def _figures(total: Tally, bands: list[Tally]) -> list[str]:
    return [
        _pct(total.fpr, 2),
        _pct(total.pod),
        *(_pct(b.pod) for b in bands),
        _pct(total.sensitivity),
        "—" if total.timeliness is None else f"{total.timeliness:.2f}",
    ]


def _pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


@staff_app.command("plan")
@errors_on_one_line
def staff_plan(
    region: Annotated[str, typer.Option(help="Region to plan for.")],
    days: Annotated[int, typer.Option(min=1, max=366, help="Days ahead.")] = 14,
    target: Annotated[float, typer.Option(help="Share answered within the SLA, e.g. 0.8.")] = 0.8,
    csv_path: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Daily history: columns date,count and optionally region,queue."
        ),
    ] = None,
    cases_per_day: Annotated[
        float | None, typer.Option(help="Instead of a history: a constant load per day.")
    ] = None,
    queue: Annotated[str | None, typer.Option(help="Queue within the region.")] = None,
    start: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD).")] = None,
    aht: Annotated[float, typer.Option(help="Mean handling time, seconds.")] = 360.0,
    within: Annotated[float, typer.Option(help="First-response SLA, seconds.")] = 20.0,
    shrinkage: Annotated[float, typer.Option(help="Share of paid time not on the queue.")] = 0.3,
    patience: Annotated[
        float | None, typer.Option(help="Mean patience, seconds: Erlang A instead of C.")
    ] = None,
    hours: Annotated[str, typer.Option(help="Opening hours, e.g. 9-21.")] = "9-21",
    quantile: Annotated[float, typer.Option(help="Staff for this quantile of the load.")] = 0.8,
    db: DbOption = None,
) -> None:
    """Forecast the load of a region (and queue) and print the agents needed per day.

    The history is the cases opened in the region (and queue), from the database, unless
    --csv or --cases-per-day gives it."""
    from aftersales.warning import DailyForecast, QueueModel, plan_staff, staff_forecast

    model = QueueModel(
        aht_seconds=aht,
        answer_within_seconds=within,
        target=target,
        shrinkage=shrinkage,
        patience_seconds=patience,
        open_hours=_hours(hours),
    )
    _check(model)
    _check_load(cases_per_day, quantile)
    first = _start(start)
    if csv_path is not None and cases_per_day is not None:
        raise ValidationFailed("give --csv or --cases-per-day, not both")
    if cases_per_day is not None:
        today = datetime.now(UTC).date()
        forecast = DailyForecast.flat(first or today, days, cases_per_day, quantile)
        plan = staff_forecast(forecast, model, region=region, queue=queue)
    elif csv_path is not None:
        source = csv_source(csv_path)
        plan = plan_staff(source, region, days, model, queue=queue, start=first, quantile=quantile)
    else:
        plan = _plan_from_database(db, region, days, model, queue, first, quantile)
    _show(_plan_table(plan))


def _start(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ValidationFailed(f"--start {text!r} is not a day such as 2026-11-02") from None


def _plan_from_database(
    db: str | None,
    region: str,
    days: int,
    model: QueueModel,
    queue: str | None,
    start: date | None,
    quantile: float,
) -> StaffPlan:
    """The plan from the cases opened in the region (and queue), read from the database."""
    from aftersales.domain.catalog import check_region
    from aftersales.services.staff_load import database_source
    from aftersales.warning import plan_staff

    check_region(region)
    ctx = open_context(settings_for(db))
    try:
        source = database_source(ctx, start)
        return plan_staff(source, region, days, model, queue=queue, start=start, quantile=quantile)
    finally:
        ctx.close()


def csv_source(path: Path) -> LoadSource:
    """A load source reading daily counts from a CSV file (date,count[,region][,queue])."""

    def load(region: str, queue: str | None) -> DailyHistory:
        try:
            with path.open(newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
        except OSError as exc:
            raise ValidationFailed(f"cannot read {path}: {exc.strerror}") from None
        return _history(rows, region, queue, path)

    return load


def _history(
    rows: list[dict[str, str]], region: str, queue: str | None, path: Path
) -> DailyHistory:
    import numpy as np

    from aftersales.warning import DailyHistory

    counts: dict[date, float] = {}
    for n, row in enumerate(rows, start=2):
        if row.get("region", region) != region or (queue and row.get("queue", queue) != queue):
            continue
        try:
            day, count = date.fromisoformat(row["date"]), float(row["count"])
        except (KeyError, TypeError, ValueError):
            raise ValidationFailed(f"{path}:{n}: need a date (YYYY-MM-DD) and a count") from None
        if not math.isfinite(count) or count < 0:
            raise ValidationFailed(f"{path}:{n}: count must be a number, at least 0")
        counts[day] = counts.get(day, 0.0) + count
    if not counts:
        raise ValidationFailed(f"{path} has no rows for region {region!r}")
    first, last = min(counts), max(counts)
    series = np.full((last - first).days + 1, np.nan)
    for day, count in counts.items():
        series[(day - first).days] = count
    return DailyHistory(first, series)


def _hours(spec: str) -> tuple[int, int]:
    try:
        opens, closes = (int(h) for h in spec.split("-"))
    except ValueError:
        raise ValidationFailed(f"hours {spec!r} must look like 9-21") from None
    if not 0 <= opens < closes <= 24:
        raise ValidationFailed(f"hours {spec!r} must be within 0-24, opening before closing")
    return opens, closes


def _check(model: QueueModel) -> None:
    if not 0 < model.target < 1:
        raise ValidationFailed("target must be between 0 and 1, e.g. 0.8")
    if not 0 <= model.shrinkage < 1:
        raise ValidationFailed("shrinkage must be at least 0 and below 1, e.g. 0.3")
    # Written so that NaN fails each test: every comparison with NaN is false.
    if not (0 < model.aht_seconds < math.inf and 0 <= model.answer_within_seconds < math.inf):
        raise ValidationFailed("handling time must be positive and the SLA not negative")
    if model.patience_seconds is not None and not 0 < model.patience_seconds < math.inf:
        raise ValidationFailed("patience must be positive")


_PLAN_COLUMNS = (
    "day",
    "",
    "expected\ncases",
    "planned\ncases",
    "peak\nagents",
    "scheduled\nat peak",
    "staff-\nhours",
    "SL at\npeak",
)


def _check_load(cases_per_day: float | None, quantile: float) -> None:
    # Neither reaches the queue model as nonsense: a negative load plans negative cases, and a
    # quantile of 1 or more (or NaN) has no finite load to staff for.
    if cases_per_day is not None and not (math.isfinite(cases_per_day) and cases_per_day >= 0):
        raise ValidationFailed(f"--cases-per-day must be at least 0, not {cases_per_day:g}")
    if not 0 < quantile < 1:
        raise ValidationFailed(f"--quantile must be between 0 and 1, e.g. 0.8, not {quantile:g}")


def _plan_table(plan: StaffPlan) -> Table:
    m = plan.model
    erlang = "Erlang C" if m.patience_seconds is None else "Erlang A"
    title = (
        f"{plan.region}{' / ' + plan.queue if plan.queue else ''}: {m.target:.0%} answered within "
        f"{m.answer_within_seconds:g} s, handling {m.aht_seconds:g} s, shrinkage "
        f"{m.shrinkage:.0%}, {erlang}, open {m.open_hours[0]}-{m.open_hours[1]}h; "
        f"load at the {plan.forecast.quantile:.0%} quantile ({', '.join(plan.forecast.terms)})"
    )
    table = Table(title=title)
    # Headers on two lines: the table fits 80 columns, and on a narrower terminal a figure
    # folds rather than loses its digits to an ellipsis.
    for col in _PLAN_COLUMNS:
        table.add_column(col, justify="right", overflow="fold")
    for d in plan.days:
        table.add_row(
            d.day.isoformat(),
            d.day.strftime("%a"),
            f"{d.expected_cases:.1f}",
            f"{d.planned_cases:.0f}",
            str(d.peak_agents),
            str(d.peak_scheduled),
            f"{d.scheduled_hours:.1f}",
            f"{d.peak.service_level:.1%}",
        )
    return table
