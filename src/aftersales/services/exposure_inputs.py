"""What a serving refresh reads from the database: tiers, enrolments, content, holds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from aftersales.exposure import ServingInputs, held_products
from aftersales.services import exposure_tiers
from aftersales.services.exposure_tiers import Cycle, cycle_at, day_start, parse_tiers
from aftersales.store.programme import StoredEnrolment
from aftersales.store.uow import UnitOfWork

__all__ = ["Loaded", "load_inputs"]


@dataclass(frozen=True, slots=True)
class Loaded:
    """The inputs of a refresh, with the stored enrolments behind them and the holds' state."""

    cycle: Cycle
    inputs: ServingInputs
    enrolments: dict[str, StoredEnrolment]  # by merchant, in force this cycle
    holds: tuple[int, int]  # ExposureRepository.holds_fingerprint when read

    def without(self, merchants: set[str]) -> Loaded:
        """The same inputs minus the enrolments of ``merchants`` (ended by this refresh)."""
        kept = {m: e for m, e in self.enrolments.items() if m not in merchants}
        inputs = replace(self.inputs, enrolments=[e.enrolment for e in kept.values()])
        return replace(self, inputs=inputs, enrolments=kept)


def load_inputs(uow: UnitOfWork, now: datetime) -> Loaded:
    """Everything a refresh at ``now`` needs, read in the caller's unit of work."""
    cycle = cycle_at(now)
    # Through the module, so that the one function that knows where tiers live stays the seam.
    tiers = parse_tiers(exposure_tiers.tiers_in_force(uow, at=now))
    enrolments = {e.merchant_id: e for e in uow.programme.in_force_for_cycle(cycle.id)}
    holds = uow.exposure.holds_fingerprint()
    inputs = ServingInputs(
        cycle_id=cycle.id,
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        tiers=tiers,
        enrolments=[e.enrolment for e in enrolments.values()],
        content=uow.content.with_quota_stage(),
        day_start=day_start(now),
        held=held_products(uow.exposure.holds_in_force()),
    )
    return Loaded(cycle, inputs, enrolments, holds)
