"""``aftersales policy``: validate a pack, run its policy tests, decide one case from JSON,
activate a pack for every server, and backtest a candidate pack on the stored cases.

``DIR`` defaults to the shipped pack, ``policies/`` at the root of the clone (see
``aftersales.policy.paths``).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from aftersales.cli.common import DbOption, err, errors_on_one_line, open_context, out, settings_for
from aftersales.domain.actors import Actor, Role
from aftersales.errors import ValidationFailed

__all__ = ["policy_app"]

policy_app = typer.Typer(
    help="Policy packs: validate, test, decide, activate, backtest.", no_args_is_help=True
)
OPERATOR = Actor(Role.OPERATOR, "cli")

PackArgument = Annotated[
    Path | None,
    typer.Argument(help="Pack directory (default: the shipped policies/).", show_default=False),
]
PackOption = Annotated[
    Path | None,
    typer.Option(
        "--pack", help="Pack directory (default: the shipped policies/).", show_default=False
    ),
]


def _load(directory: Path | None) -> Any:
    # Imported here: the CLI starts without loading CEL and YAML for the other commands.
    from aftersales.policy import PackInvalid, default_pack_dir, load_pack

    try:
        return load_pack(directory or default_pack_dir())
    except PackInvalid as exc:
        for problem in exc.problems:
            err.print(problem, markup=False, highlight=False)
        raise


@policy_app.command("validate")
@errors_on_one_line
def validate(directory: PackArgument = None) -> None:
    """Load and check a pack: schema, CEL syntax and types, contradictions, merchant limits."""
    pack = _load(directory)
    out.print(
        f"pack {pack.name} {pack.version} is valid: {len(pack.rules)} rules,"
        f" {len(pack.tests)} policy tests ({pack.source})",
        markup=False,
        highlight=False,
    )


@policy_app.command("test")
@errors_on_one_line
def run_policy_tests(directory: PackArgument = None) -> None:
    """Run the pack's policy tests; every mismatch is printed, and any fails the command."""
    from aftersales.policy import run_tests

    pack = _load(directory)
    report = run_tests(pack)
    for failure in report.failures:
        err.print(failure, markup=False, highlight=False)
    if not report.ok:
        err.print(f"{report.failed} of {report.total} policy tests failed", highlight=False)
        raise typer.Exit(1)
    out.print(f"{report.total} policy tests passed ({pack.name} {pack.version})", highlight=False)


@policy_app.command("decide")
@errors_on_one_line
def decide(
    case: Annotated[
        Path,
        typer.Option("--case", help="Case facts as JSON.", exists=True, dir_okay=False),
    ],
    pack: PackOption = None,
) -> None:
    """Print the decision JSON for the case facts in FILE."""
    from aftersales.policy import Facts

    facts = Facts.from_json(_read_json(case))
    decision = _load(pack).decide(facts)
    text = json.dumps(decision.to_json(), ensure_ascii=False, indent=2)
    out.print(text, markup=False, highlight=False)


@policy_app.command("activate")
@errors_on_one_line
def activate(
    directory: Annotated[Path, typer.Argument(help="The pack directory to put in force.")],
    skip_tests: Annotated[
        bool, typer.Option("--skip-tests", help="Activate even if its policy tests fail.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Put a pack in force: validated and tested here, adopted by every server within seconds."""
    from aftersales.services.policy import activate as activate_pack

    _load(directory)  # print every problem, not only the first, before anything is recorded
    pack = activate_pack(
        open_context(settings_for(db)), OPERATOR, directory, run_pack_tests=not skip_tests
    )
    out.print(
        f"pack {pack.name} {pack.version} is in force ({directory.resolve()});"
        " running servers adopt it within AFTERSALES_POLICY_REFRESH_SECONDS",
        markup=False,
        highlight=False,
    )


@policy_app.command("backtest")
@errors_on_one_line
def backtest(
    pack: Annotated[Path, typer.Option("--pack", help="The candidate pack directory.")],
    since: Annotated[
        str | None, typer.Option(help="Only cases opened on or after this date (YYYY-MM-DD).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Re-decide the stored cases with a candidate pack and print what would change (JSON)."""
    from aftersales.services.backtest import backtest as run_backtest

    candidate = _load(pack)
    ctx = open_context(settings_for(db))
    started = time.perf_counter()
    tally = run_backtest(ctx, OPERATOR, candidate, since=_date(since))
    report = tally.to_json() | {
        "pack": f"{candidate.name} {candidate.version}",
        "seconds": round(time.perf_counter() - started, 2),
    }
    out.print(json.dumps(report, ensure_ascii=False, indent=2), markup=False, highlight=False)


def _date(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise ValidationFailed(f"--since: {text!r} is not a date like 2026-11-01") from exc


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(f"{path}: not readable JSON ({exc})") from exc
