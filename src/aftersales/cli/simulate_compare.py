"""``aftersales simulate --compare A.yaml B.yaml``: two configurations on the same seed.

A configuration file names the variant and what it changes — settings of the platform (any
``AFTERSALES_…`` setting without its prefix: the policy pack, the eligible tiers, the throttle,
the programme's pool limit and boost weights, the scoring weights, the SLA clocks …) and of
the run (``weekly_checks``); examples/whatif/ has some::

    name: no throttling
    settings:
      exposure_throttling: false
    simulation:
      weekly_checks: true

Each variant runs in a fresh database of its own; the same seed gives both the same marketplace,
so what differs between the two runs is what the change did.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from aftersales.config import Settings
from aftersales.errors import ValidationFailed
from aftersales.yaml_problem import yaml_problem

__all__ = ["Variant", "load_variant"]

_KEYS = {"name", "settings", "simulation"}
_RUN_KEYS = {"weekly_checks"}


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    settings: dict[str, Any]
    weekly_checks: bool = True

    def apply(self, base: Settings) -> Settings:
        """The base settings with this variant's changes, checked as the environment's are."""
        try:
            return Settings(**(base.model_dump() | self.settings))
        except ValidationError as exc:
            problems = [_problem(e["loc"], e["msg"]) for e in exc.errors()]
            raise ValidationFailed(
                f"variant {self.name!r}: " + "; ".join(problems), errors=problems
            ) from None


def _problem(loc: tuple[int | str, ...], message: str) -> str:
    # A check across settings (the exposure rules) has no location and says "Value error, ...".
    where = ".".join(map(str, loc))
    return f"{where}: {message}" if where else message.removeprefix("Value error, ")


def load_variant(path: Path) -> Variant:
    """The variant a configuration file describes; a missing or malformed file is refused."""
    if not path.is_file():
        raise ValidationFailed(f"no configuration file at {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"cannot read {path} as a UTF-8 text file: {exc}") from None
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"{path} is not YAML: {yaml_problem(exc)}") from None
    problems = _problems(data)
    if problems:
        found = [f"{path}: {p}" for p in problems]
        raise ValidationFailed("; ".join(found), errors=found)
    run = data.get("simulation") or {}
    name = str(data.get("name") or path.stem)
    return Variant(name, dict(data.get("settings") or {}), bool(run.get("weekly_checks", True)))


def _problems(data: object) -> list[str]:
    if not isinstance(data, dict):
        return ["a configuration is a mapping of name, settings and simulation"]
    problems = [f"unknown key {k!r}" for k in sorted(set(data) - _KEYS)]
    settings, run = data.get("settings") or {}, data.get("simulation") or {}
    if not isinstance(settings, dict) or not isinstance(run, dict):
        return [*problems, "settings and simulation are mappings"]
    problems += [
        f"unknown setting {k!r}" for k in sorted(set(settings) - set(Settings.model_fields))
    ]
    if set(run) - _RUN_KEYS:
        problems.append(f"simulation takes only {', '.join(sorted(_RUN_KEYS))}")
    elif not isinstance(run.get("weekly_checks", True), bool):
        problems.append("simulation.weekly_checks is true or false")
    return problems


def for_variant(params: Any, variant: Variant) -> Any:
    """The run's parameters with the variant's own."""
    return replace(params, weekly_checks=variant.weekly_checks)
