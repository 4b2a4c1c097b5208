"""The static checks on conditions: CEL types, and which rules may fire together."""

from __future__ import annotations

import pytest

from aftersales.policy.cel_check import CelTypeError, check
from aftersales.policy.cel_parse import ParseError, parse
from aftersales.policy.cel_types import BOOL, DYN, INT, STRING, list_of
from aftersales.policy.overlap import Scope, constraints, may_overlap
from aftersales.policy.variables import VARIABLES

TYPES = {name: v.type for name, v in VARIABLES.items()}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("amount <= 5000 && days_since_delivery > 7", BOOL),
        ("issue_type in ['size_fit', 'colour_difference']", BOOL),
        ("care_label.exists(s, s.startsWith('wash'))", BOOL),
        ("care_violations.map(v, size(v))", list_of(INT)),
        ("has(attributes.colour) && attributes.colour == 'red'", BOOL),
        ("attributes.pieces", DYN),
        ("delivered ? days_since_delivery : -1", INT),
        ("amount > 1.5", BOOL),  # comparison across numeric types is allowed
        ("string(amount) + ' fen'", STRING),
        ("description.matches('(?i)pilling') || description.contains('起球')", BOOL),
    ],
)
def test_well_typed_conditions_have_a_type(source: str, expected: object) -> None:
    assert check(parse(source), TYPES) == expected


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("amount == '5000'", "no operator int == string", 7),
        ("amount + 1.5 > 0", "no operator int + double", 7),
        ("fabric in 'wool, silk'", "no operator string in string", 7),
        ("colour == 'red'", "unknown variable 'colour'", 0),
        ("fabric.size() > amount.size()", "no function size(int)", 23),
        ("delivered ? 1 : 'no'", "the branches of ?: differ", 10),
        ("care_label.all(s, s)", "the predicate of all() must be a bool", 11),
        ("fabric.lowerAscii() == 'wool'", "no function lowerAscii(string)", 7),
    ],
)
def test_type_errors_say_what_and_where(source: str, message: str, offset: int) -> None:
    with pytest.raises(CelTypeError) as caught:
        check(parse(source), TYPES)
    assert str(caught.value).startswith(message)
    assert caught.value.pos == offset


def test_the_parser_reports_where_it_stopped() -> None:
    with pytest.raises(ParseError) as caught:
        parse("amount > 1 )")
    assert caught.value.pos == 11


def scope(condition: str | None, categories: frozenset[str] | None = None) -> Scope:
    return Scope(categories, constraints(parse(condition) if condition else None))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("amount <= 5000", "amount > 5000"),
        ("listing_mismatch", "!listing_mismatch"),
        ("issue_type == 'size_fit'", "issue_type in ['wrong_item', 'other']"),
        ("days_since_delivery > 7 && days_since_delivery <= 15", "days_since_delivery > 15"),
        ("channel == 'online'", "channel != 'online'"),
        ("!(issue_type in ['other'])", "issue_type == 'other'"),
        ("issue_type == 'other' || issue_type == 'injury'", "issue_type == 'size_fit'"),
    ],
)
def test_conditions_that_exclude_each_other_do_not_overlap(a: str, b: str) -> None:
    assert not may_overlap(scope(a), scope(b))
    assert not may_overlap(scope(b), scope(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("amount <= 5000", "amount >= 5000"),
        ("listing_mismatch", "amount > 1"),
        ("care_followed", "care_violated"),  # exclusive in fact, but not visibly so
        ("amount < 10 || channel == 'online'", "amount == 50"),
        ("amount < 10 || amount > 100", "amount == 50"),  # an || of ranges reads as their hull
        (None, "issue_type == 'other'"),
    ],
)
def test_conditions_that_may_both_hold_overlap(a: str | None, b: str) -> None:
    assert may_overlap(scope(a), scope(b))


def test_category_prefixes_overlap_along_the_tree() -> None:
    apparel, knitwear = frozenset({"apparel"}), frozenset({"apparel/knitwear"})
    assert may_overlap(scope(None, apparel), scope(None, knitwear))
    assert not may_overlap(scope(None, knitwear), scope(None, frozenset({"apparel/shoes"})))
    assert not may_overlap(scope(None, frozenset({"app"})), scope(None, apparel))
