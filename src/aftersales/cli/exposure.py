"""``aftersales ladder run``, ``aftersales exposure refresh`` and ``aftersales programme status``.

The same use cases as the API and the scheduler of ``serve``; the command line reads as a
platform operator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Annotated

import typer

from aftersales.cli.common import DbOption, errors_on_one_line, open_context, out, settings_for
from aftersales.domain.actors import Actor, Role
from aftersales.exposure import ExposureEvent

ladder_app = typer.Typer(help="The content traffic ladder.", no_args_is_help=True)
exposure_app = typer.Typer(help="The exposure service.", no_args_is_help=True)
programme_app = typer.Typer(help="The quality-merchant programme.", no_args_is_help=True)

Day = Annotated[
    datetime | None,
    typer.Option(formats=["%Y-%m-%d"], help="The day (China Standard Time); default today."),
]


def _say(line: str) -> None:
    out.print(line, markup=False, highlight=False)  # reasons may hold an operator's [words]


def _events(events: Iterable[ExposureEvent]) -> None:
    for e in events:
        _say(f"  {e.subject} {e.kind.value}: {e.reason.en} / {e.reason.zh}")


@ladder_app.command("run")
@errors_on_one_line
def ladder_run(day: Day = None, db: DbOption = None) -> None:
    """Advance every content item's stage for the day, on the last seven days' metrics; once per
    day (a day that has run is not run again). The new quotas are served at once."""
    from aftersales.services.exposure_refresh import refresh
    from aftersales.services.ladder_run import run_ladder

    ctx = open_context(settings_for(db))
    report = run_ladder(ctx, day.date() if day else None)
    if not report.ran:
        last = report.last_day.isoformat() if report.last_day else "?"
        out.print(f"the ladder already ran for {last}; nothing to do for {report.day.isoformat()}")
        return
    refresh(ctx)
    out.print(
        f"ladder {report.day.isoformat()}: {report.judged} item(s) judged, {report.moved} moved"
    )
    _events(report.events)


@exposure_app.command("refresh")
@errors_on_one_line
def exposure_refresh(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every decision with its reason.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Record what changed for each merchant since the last refresh (eligibility, boosts,
    watch, throttles), end the enrolments of merchants that lost their tier, and review every
    target's pacing (met and infeasible targets are recorded). Prints counts; --verbose lists
    each decision."""
    from aftersales.services.exposure_refresh import refresh

    report = refresh(open_context(settings_for(db)))
    states = Counter(t.state.value for t in report.targets)
    pacing = ", ".join(f"{state} {n}" for state, n in sorted(states.items())) or "none"
    out.print(
        f"{len(report.events)} decision(s) recorded, {len(report.ended)} enrolment(s) ended;"
        f" targets: {pacing}"
    )
    if verbose:
        _events(report.events)
    else:
        _summary(report.events)


def _summary(events: Sequence[ExposureEvent]) -> None:
    """Counts instead of a line per decision: after a new cycle nearly every merchant has one
    or more, and the reasons are also in the events API and the evidence log."""
    from aftersales.exposure import EventKind
    from aftersales.scoring.tiers import Tier

    if not events:
        return
    tiers = {e.subject: e.data.get("tier") for e in events if e.subject.startswith("merchant:")}
    held = Counter(tiers.values())
    kinds = Counter(e.kind for e in events)
    if tiers:
        now = ", ".join(f"{t.value} {held[t.value]}" for t in Tier if held[t.value])
        _say(f"{len(tiers)} merchant(s) changed; their tiers now: {now}")
    _say("decisions: " + ", ".join(f"{k.value} {kinds[k]}" for k in EventKind if kinds[k]))
    _say("(--verbose lists each decision with its reason)")


@programme_app.command("status")
@errors_on_one_line
def programme_status(
    merchant: Annotated[str, typer.Option("--merchant", help="The merchant's id.")],
    db: DbOption = None,
) -> None:
    """A merchant's programme status this cycle: tier, eligibility, boost or penalty, why."""
    from aftersales.services.programme import programme_status as status

    view = status(open_context(settings_for(db)), Actor(Role.OPERATOR, "cli"), merchant)
    s = view.status
    boost = ", ".join(f"{slot.value} x{w:.2f}" for slot, w in sorted(s.weights.items()))
    _say(f"merchant {s.merchant_id}, cycle {view.cycle.id}")
    _say(f"tier: {s.tier.value}; eligible: {'yes' if s.eligible else 'no'}")
    _say(f"penalty: {s.penalty.value}; exposure share {s.multiplier:.2f}")
    _say(f"boost: {boost or 'none'}")
    if view.enrolment is not None:
        e = view.enrolment.enrolment
        what = "the whole store" if not e.product_ids else f"{len(e.product_ids)} product(s)"
        _say(f"enrolment: {view.enrolment.id} ({e.mode.value}, {what})")
    _say(f"reason: {s.reason.en}")
    _say(f"原因：{s.reason.zh}")  # noqa: RUF001 - Chinese punctuation
