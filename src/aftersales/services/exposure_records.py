"""What the evidence log records of the exposure service: boosts and throttles granted or taken.

Each decision that grants or removes exposure — eligibility, a programme boost, a watch or a
throttle, a stage of the content ladder, an operator's review — is one entry under the subject
it concerns (``merchant:m1``, ``content:ct_…``), appended in the unit of work that stores it.
The entry keeps the figures and the reason as the merchant was told; an operator's identity and
own words only as salted commitments, like every other note in the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aftersales.exposure import EventKind, ExposureEvent
from aftersales.services import ledger
from aftersales.services.context import Context
from aftersales.store.exposure import merchant_of
from aftersales.store.uow import UnitOfWork

__all__ = ["EXPOSURE_DECISION", "LOGGED", "log_exposure_decisions"]

EXPOSURE_DECISION = "exposure.decision"

LOGGED = frozenset(
    {
        EventKind.ELIGIBILITY_GAINED,
        EventKind.ELIGIBILITY_LOST,
        EventKind.BOOST_STARTED,
        EventKind.BOOST_ENDED,
        EventKind.BOOSTS_WITHHELD,
        EventKind.BOOSTS_RESTORED,
        EventKind.THROTTLE_APPLIED,
        EventKind.THROTTLE_LIFTED,
        EventKind.STAGE_CHANGED,
        EventKind.AMPLIFICATION_DECLINED,
    }
)


def log_exposure_decisions(ctx: Context, uow: UnitOfWork, events: Iterable[ExposureEvent]) -> int:
    """Log the events that grant or remove exposure; call it last, just before the commit."""
    drafts = [
        ledger.Draft(EXPOSURE_DECISION, e.subject, _record(ctx, e), e.at)
        for e in events
        if e.kind in LOGGED
    ]
    if drafts:
        ledger.append_many(uow, drafts)
    return len(drafts)


def _record(ctx: Context, event: ExposureEvent) -> dict[str, Any]:
    data = _plain(event.data)
    by = data.pop("by", None)
    record: dict[str, Any] = {"decision": event.kind.value, "merchant_id": merchant_of(event)}
    if by is None:
        return record | {"data": data, "reason": {"en": event.reason.en, "zh": event.reason.zh}}
    # An operator's review: who and in what words, only as commitments.
    return record | {
        "data": data,
        "operator": ledger.conceal(ctx, str(by)),
        "reason": ledger.conceal(ctx, event.reason.en),
    }


def _plain(value: Any) -> Any:
    """The data with every float as its shortest decimal string: the log takes no floats."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
