"""The facts a decision is made from, and their validation from JSON.

Money is whole fen (1/100 yuan) here as everywhere inside the platform: ``amount`` is what the
consumer paid for the line, an integer, never a float. ``days_since_delivery`` is ``None`` while
the goods have not been delivered; every statutory window is measured from delivery.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from aftersales.errors import ValidationFailed
from aftersales.policy.care_label import SYMBOLS, violations
from aftersales.policy.vocabulary import CASE_TYPES, CHANNELS, ISSUE_TYPES, SEVERITIES

__all__ = ["KNOWN_ATTRIBUTES", "AttributeValue", "ConsumerHistory", "Facts"]

AttributeValue = str | int | float | bool | tuple[str, ...]

CATEGORY_PATH = re.compile(r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$")
_REGION = re.compile(r"^CN-[A-Z]{2}$")
_MAX_COUNT = 10**12

# Attributes the engine knows, with their type and the value assumed when a case does not say.
# The defaults are the consumer-friendly reading: goods are presumed intact and not excluded.
KNOWN_ATTRIBUTES: dict[str, tuple[type, AttributeValue]] = {
    "fabric": (str, ""),
    "care_label": (tuple, ()),
    "care_applied": (tuple, ()),
    "custom_made": (bool, False),
    "perishable": (bool, False),
    "digital_download": (bool, False),
    "audio_video_software": (bool, False),
    "periodical": (bool, False),
    "excluded_at_purchase": (bool, False),
    "opened": (bool, False),
    "intact": (bool, True),
    "bulky": (bool, False),
    "listing_mismatch": (bool, False),
    "packaging_damaged": (bool, False),
    "misuse": (bool, False),
}

_FIELDS = frozenset(
    {
        "case_type",
        "category",
        "brand",
        "model",
        "merchant",
        "attributes",
        "channel",
        "region",
        "days_since_delivery",
        "amount",
        "issue_type",
        "severity",
        "description",
        "consumer",
    }
)
_REQUIRED = ("case_type", "category", "channel", "days_since_delivery", "amount", "issue_type")


@dataclass(frozen=True, slots=True)
class ConsumerHistory:
    """The consumer's after-sales record over the last 90 days."""

    cases_90d: int = 0
    refund_only_90d: int = 0


@dataclass(frozen=True, slots=True)
class Facts:
    """One case as the policy engine sees it."""

    case_type: str
    category: str
    channel: str
    amount: int  # fen
    issue_type: str
    days_since_delivery: int | None
    brand: str = ""
    model: str = ""
    merchant: str = ""
    region: str = ""
    severity: str | None = None
    description: str = ""
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict, hash=False)
    consumer: ConsumerHistory = ConsumerHistory()
    # Computed once on first use: several variables and explanations read it.
    _care_violations: tuple[str, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def care_violations(self) -> tuple[str, ...]:
        """Each reported care that breaks the care label (see ``care_label.violations``)."""
        found = self._care_violations
        if found is None:
            label, applied = self.attributes.get("care_label"), self.attributes.get("care_applied")
            found = violations(label, applied) if label and applied else ()  # type: ignore[arg-type]
            object.__setattr__(self, "_care_violations", found)
        return found

    def attribute(self, name: str) -> AttributeValue:
        """A known attribute's value, or its documented default when the case does not say."""
        value = self.attributes.get(name)
        return KNOWN_ATTRIBUTES[name][1] if value is None else value

    @classmethod
    def from_json(cls, data: object) -> Facts:
        """Validate decoded JSON; every missing or wrong field is listed in one error."""
        if not isinstance(data, Mapping):
            raise ValidationFailed("case facts must be a JSON object", errors=["(root): object"])
        errors: list[str] = [f"{name}: unknown field" for name in sorted(set(data) - _FIELDS)]
        errors += [f"{name}: missing" for name in _REQUIRED if name not in data]
        check = _Checker(data, errors)
        facts = cls(
            case_type=check.choice("case_type", CASE_TYPES, "return_refund"),
            category=check.text("category", "", pattern=CATEGORY_PATH, empty=False),
            channel=check.choice("channel", CHANNELS, "online"),
            amount=check.count("amount", 0, "an integer amount in fen"),
            issue_type=check.choice("issue_type", ISSUE_TYPES, "other"),
            days_since_delivery=check.days(),
            brand=check.text("brand", ""),
            model=check.text("model", ""),
            merchant=check.text("merchant", ""),
            region=check.text("region", "", pattern=_REGION),
            severity=check.severity(),
            description=check.text("description", ""),
            attributes=_attributes(data.get("attributes", {}), errors),
            consumer=_consumer(data.get("consumer", {}), errors),
        )
        if errors:
            raise ValidationFailed(f"invalid case facts: {'; '.join(errors)}", errors=errors)
        return facts

    def to_json(self) -> dict[str, Any]:
        """The facts as JSON, in the shape ``from_json`` reads."""
        return {
            "case_type": self.case_type,
            "category": self.category,
            "brand": self.brand,
            "model": self.model,
            "merchant": self.merchant,
            "attributes": {
                k: list(v) if isinstance(v, tuple) else v for k, v in self.attributes.items()
            },
            "channel": self.channel,
            "region": self.region,
            "days_since_delivery": self.days_since_delivery,
            "amount": self.amount,
            "issue_type": self.issue_type,
            "severity": self.severity,
            "description": self.description,
            "consumer": {
                "cases_90d": self.consumer.cases_90d,
                "refund_only_90d": self.consumer.refund_only_90d,
            },
        }


class _Checker:
    """Reads top-level fields, noting each problem instead of stopping at the first."""

    def __init__(self, data: Mapping[str, Any], errors: list[str]) -> None:
        self.data, self.errors = data, errors

    def _get(self, name: str, default: Any, ok: Callable[[Any], bool], wanted: str) -> Any:
        if name not in self.data:
            return default
        value = self.data[name]
        if ok(value):
            return value
        self.errors.append(f"{name}: expected {wanted}, got {_shown(value)}")
        return default

    def text(
        self, name: str, default: str, pattern: re.Pattern[str] | None = None, *, empty: bool = True
    ) -> str:
        wanted = f"a string matching {pattern.pattern}" if pattern else "a string"

        def ok(v: Any) -> bool:
            if not isinstance(v, str):
                return False
            return pattern is None or (empty and v == "") or bool(pattern.match(v))

        return str(self._get(name, default, ok, wanted))

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        wanted = f"one of {', '.join(allowed)}"
        return str(self._get(name, default, lambda v: v in allowed, wanted))

    def count(self, name: str, default: int, wanted: str) -> int:
        return int(self._get(name, default, _is_count, f"{wanted} (0 or more)"))

    def days(self) -> int | None:
        wanted = "whole days since delivery (0 or more), or null before delivery"
        ok: Callable[[Any], bool] = lambda v: v is None or _is_count(v)  # noqa: E731
        value = self._get("days_since_delivery", None, ok, wanted)
        return None if value is None else int(value)

    def severity(self) -> str | None:
        wanted = f"null or one of {', '.join(SEVERITIES)}"
        value = self._get("severity", None, lambda v: v is None or v in SEVERITIES, wanted)
        return None if value is None else str(value)


def _is_count(value: Any) -> bool:
    # bool is an int in Python; true is not a count of anything. The ceiling keeps every value
    # inside CEL's 64-bit integers (and any amount below ten billion yuan).
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_COUNT


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) <= _MAX_COUNT and value == value  # NaN is not equal to itself


def _attributes(raw: Any, errors: list[str]) -> dict[str, AttributeValue]:
    if not isinstance(raw, Mapping):
        errors.append(f"attributes: expected an object, got {_shown(raw)}")
        return {}
    result: dict[str, AttributeValue] = {}
    for name, value in raw.items():
        checked = _attribute(str(name), value, errors)
        if checked is not None:
            result[str(name)] = checked
    return result


def _attribute(name: str, value: Any, errors: list[str]) -> AttributeValue | None:
    where = f"attributes.{name}"
    kind = KNOWN_ATTRIBUTES.get(name, (None, None))[0]
    if kind is tuple or (kind is None and isinstance(value, list)):
        return _symbols(where, value, errors, care=kind is tuple)
    if kind is None and (isinstance(value, str | bool) or _is_number(value)):
        return cast(AttributeValue, value)
    if kind is not None and isinstance(value, kind):
        return cast(AttributeValue, value)
    wanted = "a string, number, boolean or list of strings" if kind is None else kind.__name__
    errors.append(f"{where}: expected {wanted}, got {_shown(value)}")
    return None


def _symbols(where: str, value: Any, errors: list[str], *, care: bool) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"{where}: expected a list of strings, got {_shown(value)}")
        return None
    unknown = sorted(set(value) - SYMBOLS) if care else []
    if unknown:
        errors.append(f"{where}: unknown care symbols {', '.join(unknown)} (GB/T 8685 codes)")
        return None
    return tuple(value)


def _consumer(raw: Any, errors: list[str]) -> ConsumerHistory:
    if not isinstance(raw, Mapping):
        errors.append(f"consumer: expected an object, got {_shown(raw)}")
        return ConsumerHistory()
    known = {"cases_90d", "refund_only_90d"}
    errors += [f"consumer.{name}: unknown field" for name in sorted(set(raw) - known)]
    counts = {}
    for name in sorted(known):
        value = raw.get(name, 0)
        if _is_count(value):
            counts[name] = value
        else:
            errors.append(f"consumer.{name}: expected a count (0 or more), got {_shown(value)}")
    return ConsumerHistory(**counts)


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"
