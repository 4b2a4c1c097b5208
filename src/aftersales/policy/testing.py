"""Policy tests, like OPA's: YAML files in the pack with case facts and the decision expected.

A test file holds ``tests:``, each with a ``name``, the ``facts`` (as ``Facts.from_json`` reads
them) and ``expect``: the decision fields to compare. Only the fields named are checked, so a
test states what it is about and survives unrelated changes. ``run_tests`` reports every
mismatch, not just the first.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aftersales.errors import ValidationFailed
from aftersales.policy.decision import Decision
from aftersales.policy.facts import Facts
from aftersales.policy.rules import SLA_FIELDS
from aftersales.policy.schema import IDENTIFIER, Reader
from aftersales.policy.vocabulary import (
    CAUSES,
    COST_BEARERS,
    RESOLUTION_TYPES,
    SEVERITIES,
    PackVocabulary,
)
from aftersales.policy.yaml_source import LocatedMap

if TYPE_CHECKING:
    from aftersales.policy.pack import Pack

__all__ = ["Expectation", "PolicyTest", "TestReport", "read_test_file", "run_tests"]

_SCALARS: dict[str, tuple[str, ...] | None] = {
    "severity": SEVERITIES,
    "cause": CAUSES,
    "cost_bearer": COST_BEARERS,
    "queue": None,  # checked against the pack's vocabulary
    "counts_against_merchant": None,
    "emergency": None,
}
_LISTS = {
    "resolutions_include": ("resolution_types", "include"),
    "resolutions_exclude": ("resolution_types", "exclude"),
    "required_evidence": ("required_evidence", "equal"),
    "required_evidence_include": ("required_evidence", "include"),
    "auto_actions": ("auto_actions", "equal"),
    "auto_actions_include": ("auto_actions", "include"),
    "auto_actions_exclude": ("auto_actions", "exclude"),
    "rules_include": ("rules", "include"),
    "rules_exclude": ("rules", "exclude"),
}
EXPECT_KEYS = (*_SCALARS, "sla", "resolutions", "first_resolution", *_LISTS)


@dataclass(frozen=True, slots=True)
class Expectation:
    field: str  # a Decision attribute
    op: str  # equal | include | exclude | first | sla | ranked
    value: Any

    def mismatch(self, decision: Decision) -> str | None:
        actual = _actual(decision, self.field, self.op)
        if _OPS[self.op](actual, self.value):
            return None
        got = actual[0] if self.op == "first" and actual else actual
        return f"{_label(self)} expected {_shown(self.value)}, got {_shown(got)}"


def _actual(decision: Decision, field: str, op: str) -> Any:
    if op == "ranked":
        return [r.to_json() for r in decision.resolutions]
    if op == "sla":
        return decision.sla.to_json()
    return getattr(decision, field)


def _ranked(actual: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> bool:
    # An expected item without an amount checks the type only.
    if len(actual) != len(wanted):
        return False
    return all(
        a["type"] == w["type"] and w.get("amount", a.get("amount")) == a.get("amount")
        for a, w in zip(actual, wanted, strict=True)
    )


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "equal": lambda a, w: list(a) == list(w) if isinstance(w, list) else a == w,
    "include": lambda a, w: set(w) <= set(a),
    "exclude": lambda a, w: not set(w) & set(a),
    "first": lambda a, w: bool(a) and a[0] == w,
    "sla": lambda a, w: all(a[k] == v for k, v in w.items()),
    "ranked": _ranked,
}


def _label(e: Expectation) -> str:
    return {"include": f"{e.field} to include", "exclude": f"{e.field} to exclude"}.get(
        e.op, "first resolution" if e.op == "first" else e.field
    )


def _shown(value: Any) -> str:
    if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(value) + "]"
    return repr(value)


@dataclass(frozen=True, slots=True)
class PolicyTest:
    name: str
    where: str  # file:line
    facts: Facts
    expectations: tuple[Expectation, ...]
    covers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TestReport:
    total: int
    failed: int  # tests with at least one mismatch
    failures: tuple[str, ...]  # one line per mismatch: "file:line name: field expected …"

    @property
    def ok(self) -> bool:
        return not self.failures


def run_tests(pack: Pack) -> TestReport:
    """Decide every test's facts with the pack and compare; every mismatch is reported."""
    failures, failed = [], 0
    for test in pack.tests:
        decision = pack.decide(test.facts)
        problems = [p for e in test.expectations if (p := e.mismatch(decision)) is not None]
        failures += [f"{test.where} {test.name}: {p}" for p in problems]
        failed += bool(problems)
    return TestReport(len(pack.tests), failed, tuple(failures))


def read_test_file(
    r: Reader, doc: Any, vocab: PackVocabulary, rule_ids: Collection[str]
) -> list[PolicyTest]:
    top = r.mapping(doc, 1, "a test file", required=("tests",), optional=("description",))
    if top is None or "tests" not in top:
        return []
    tests = []
    for item, line in r.items(top, "tests"):
        test = _test(r, item, line, vocab, rule_ids)
        if test is not None:
            tests.append(test)
    return tests


def _test(
    r: Reader, item: Any, line: int, vocab: PackVocabulary, rule_ids: Collection[str]
) -> PolicyTest | None:
    required = ("name", "facts", "expect")
    node = r.mapping(item, line, "a policy test", required=required, optional=("covers",))
    if node is None or any(k not in node for k in required):
        return None
    name = r.string(node, "name", "test")
    try:
        facts = Facts.from_json(node["facts"])
    except ValidationFailed as exc:
        r.error(r.line(node, "facts"), f"test {name!r}: {exc.detail}")
        return None
    expect = r.mapping(node["expect"], r.line(node, "expect"), "expect", optional=EXPECT_KEYS)
    if expect is None:
        return None
    covers = r.names(node, "covers", pattern=IDENTIFIER) if "covers" in node else ()
    checks = [_expectation(r, expect, key, vocab, rule_ids) for key in expect if key in EXPECT_KEYS]
    found = tuple(c for c in checks if c is not None)
    return PolicyTest(name, f"{r.file}:{node.line}", facts, found, covers)


def _expectation(
    r: Reader, expect: LocatedMap, key: str, vocab: PackVocabulary, rule_ids: Collection[str]
) -> Expectation | None:
    if key in _SCALARS:
        return _scalar(r, expect, key, vocab)
    if key == "sla":
        return _sla(r, expect)
    if key == "resolutions":
        return _resolutions(r, expect)
    if key == "first_resolution":
        kind = r.choice(expect, key, RESOLUTION_TYPES, "reject")
        return Expectation("resolution_types", "first", kind)
    field, op = _LISTS[key]
    allowed = {
        "resolution_types": RESOLUTION_TYPES,
        "required_evidence": vocab.evidence,
        "auto_actions": vocab.auto_actions,
        "rules": rule_ids,
    }[field]
    values = list(r.names(expect, key, allowed)) if expect[key] != [] or op != "equal" else []
    return Expectation(field, op, values)


def _scalar(r: Reader, expect: LocatedMap, key: str, vocab: PackVocabulary) -> Expectation:
    allowed = _SCALARS[key] if key != "queue" else tuple(vocab.queues)
    if allowed is None:
        return Expectation(key, "equal", r.boolean(expect, key, False))
    return Expectation(key, "equal", r.choice(expect, key, allowed, allowed[0]))


def _sla(r: Reader, expect: LocatedMap) -> Expectation | None:
    node = r.mapping(expect["sla"], r.line(expect, "sla"), "expect.sla", optional=SLA_FIELDS)
    if node is None:
        return None
    wanted = {key: r.hours(node, key) for key in SLA_FIELDS if key in node}
    return Expectation(
        "sla", "sla", {k: int(v) if v and v.is_integer() else v for k, v in wanted.items()}
    )


def _resolutions(r: Reader, expect: LocatedMap) -> Expectation:
    wanted: list[dict[str, Any]] = []
    for item, line in r.items(expect, "resolutions"):
        spec = item if isinstance(item, dict) else {"type": item}
        if spec.get("type") not in RESOLUTION_TYPES or set(spec) - {"type", "amount"}:
            r.error(line, f"expected resolution {item!r}: a type, or a mapping of type and amount")
            continue
        wanted.append(dict(spec))
    return Expectation("resolutions", "ranked", wanted)
