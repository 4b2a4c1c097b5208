"""``aftersales policy``: validate a pack, run its policy tests, decide one case from JSON.

``DIR`` defaults to the shipped pack, ``policies/`` at the root of the clone (see
``aftersales.policy.paths``). Activation of a pack in a running server belongs to the
integration with the store and is not here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from aftersales.cli.common import err, errors_on_one_line, out
from aftersales.errors import ValidationFailed

__all__ = ["policy_app"]

policy_app = typer.Typer(help="Policy packs: validate, test, decide.", no_args_is_help=True)

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


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(f"{path}: not readable JSON ({exc})") from exc
