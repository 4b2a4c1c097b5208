"""The facts a decision is made from, and their validation from JSON.

Money is whole fen (1/100 yuan) here as everywhere inside the platform: ``amount`` is what the
consumer paid for the line, an integer, never a float. ``days_since_delivery`` is ``None`` while
the goods have not been delivered; every statutory window is measured from delivery.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from aftersales.errors import Text, ValidationFailed
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
            not_object = Text("case facts must be a JSON object", "售后单信息须为 JSON 对象")
            raise ValidationFailed(not_object, errors=["(root): object"])
        problems = [_unknown_field(name) for name in sorted(set(data) - _FIELDS)]
        problems += [_missing(name) for name in _REQUIRED if name not in data]
        check = _Checker(data, problems)
        facts = cls(
            case_type=check.choice("case_type", CASE_TYPES, "return_refund"),
            category=check.text("category", "", pattern=CATEGORY_PATH, empty=False),
            channel=check.choice("channel", CHANNELS, "online"),
            amount=check.count(
                "amount", 0, Text("an integer amount in fen", "以分为单位的整数金额")
            ),
            issue_type=check.choice("issue_type", ISSUE_TYPES, "other"),
            days_since_delivery=check.days(),
            brand=check.text("brand", ""),
            model=check.text("model", ""),
            merchant=check.text("merchant", ""),
            region=check.text("region", "", pattern=_REGION),
            severity=check.severity(),
            description=check.text("description", ""),
            attributes=_attributes(data.get("attributes", {}), problems),
            consumer=_consumer(data.get("consumer", {}), problems),
        )
        if problems:
            errors = [p.en for p in problems]
            text = Text(
                f"invalid case facts: {'; '.join(errors)}",
                f"售后单信息有误：{'；'.join(p.zh for p in problems)}",
            )
            raise ValidationFailed(text, errors=errors)
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


# ---- the problems, each in English (the ``errors`` clients read) and Chinese ----------------

_OBJECT = Text("an object", "对象")
_COUNT = Text("a count (0 or more)", "非负整数")
_KIND_NAMES: dict[type, str] = {str: "字符串", bool: "布尔值"}


def _unknown_field(name: str) -> Text:
    return Text(f"{name}: unknown field", f"{name}：未知字段")


def _missing(name: str) -> Text:
    return Text(f"{name}: missing", f"{name}：缺少此字段")


def _expected(name: str, wanted: Text, value: Any) -> Text:
    shown = _shown(value)
    return Text(
        f"{name}: expected {wanted.en}, got {shown}", f"{name}：应为{wanted.zh}，实际为 {shown}"
    )


class _Checker:
    """Reads top-level fields, noting each problem instead of stopping at the first."""

    def __init__(self, data: Mapping[str, Any], problems: list[Text]) -> None:
        self.data, self.problems = data, problems

    def _get(self, name: str, default: Any, ok: Callable[[Any], bool], wanted: Text) -> Any:
        if name not in self.data:
            return default
        value = self.data[name]
        if ok(value):
            return value
        self.problems.append(_expected(name, wanted, value))
        return default

    def text(
        self, name: str, default: str, pattern: re.Pattern[str] | None = None, *, empty: bool = True
    ) -> str:
        wanted = (
            Text(f"a string matching {pattern.pattern}", f"符合 {pattern.pattern} 的字符串")
            if pattern
            else Text("a string", "字符串")
        )

        def ok(v: Any) -> bool:
            if not isinstance(v, str):
                return False
            return pattern is None or (empty and v == "") or bool(pattern.match(v))

        return str(self._get(name, default, ok, wanted))

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        wanted = Text(f"one of {', '.join(allowed)}", f"可选值之一（{'、'.join(allowed)}）")
        return str(self._get(name, default, lambda v: v in allowed, wanted))

    def count(self, name: str, default: int, wanted: Text) -> int:
        counted = Text(f"{wanted.en} (0 or more)", f"{wanted.zh}（0 或以上）")
        return int(self._get(name, default, _is_count, counted))

    def days(self) -> int | None:
        wanted = Text(
            "whole days since delivery (0 or more), or null before delivery",
            "自送达起的整天数（0 或以上），未送达时为 null",
        )
        ok: Callable[[Any], bool] = lambda v: v is None or _is_count(v)  # noqa: E731
        value = self._get("days_since_delivery", None, ok, wanted)
        return None if value is None else int(value)

    def severity(self) -> str | None:
        wanted = Text(
            f"null or one of {', '.join(SEVERITIES)}",
            f"可选值之一（{'、'.join(SEVERITIES)}）或 null",
        )
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


def _attributes(raw: Any, problems: list[Text]) -> dict[str, AttributeValue]:
    if not isinstance(raw, Mapping):
        problems.append(_expected("attributes", _OBJECT, raw))
        return {}
    result: dict[str, AttributeValue] = {}
    for name, value in raw.items():
        checked = _attribute(str(name), value, problems)
        if checked is not None:
            result[str(name)] = checked
    return result


def _attribute(name: str, value: Any, problems: list[Text]) -> AttributeValue | None:
    where = f"attributes.{name}"
    kind = KNOWN_ATTRIBUTES.get(name, (None, None))[0]
    if kind is tuple or (kind is None and isinstance(value, list)):
        return _symbols(where, value, problems, care=kind is tuple)
    if kind is None and (isinstance(value, str | bool) or _is_number(value)):
        return cast(AttributeValue, value)
    if kind is not None and isinstance(value, kind):
        return cast(AttributeValue, value)
    wanted = (
        Text("a string, number, boolean or list of strings", "字符串、数字、布尔值或字符串列表")
        if kind is None
        else Text(kind.__name__, _KIND_NAMES.get(kind, kind.__name__))
    )
    problems.append(_expected(where, wanted, value))
    return None


def _symbols(where: str, value: Any, problems: list[Text], *, care: bool) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(_expected(where, Text("a list of strings", "字符串列表"), value))
        return None
    unknown = sorted(set(value) - SYMBOLS) if care else []
    if unknown:
        problems.append(
            Text(
                f"{where}: unknown care symbols {', '.join(unknown)} (GB/T 8685 codes)",
                f"{where}：未知的洗护符号 {'、'.join(unknown)}（须为 GB/T 8685 代码）",
            )
        )
        return None
    return tuple(value)


def _consumer(raw: Any, problems: list[Text]) -> ConsumerHistory:
    if not isinstance(raw, Mapping):
        problems.append(_expected("consumer", _OBJECT, raw))
        return ConsumerHistory()
    known = {"cases_90d", "refund_only_90d"}
    problems += [_unknown_field(f"consumer.{name}") for name in sorted(set(raw) - known)]
    counts = {}
    for name in sorted(known):
        value = raw.get(name, 0)
        if _is_count(value):
            counts[name] = value
        else:
            problems.append(_expected(f"consumer.{name}", _COUNT, value))
    return ConsumerHistory(**counts)


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"
