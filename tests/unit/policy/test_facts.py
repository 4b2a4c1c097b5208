"""Case facts from JSON: every missing or wrong field is listed in one error."""

from __future__ import annotations

import pytest

from aftersales.errors import ValidationFailed
from aftersales.policy import Facts
from tests.unit.policy.support import CASE, facts


def errors_of(data: object) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        Facts.from_json(data)
    return list(caught.value.extra["errors"])


def test_valid_facts_round_trip_through_json() -> None:
    original = facts(
        brand="Acme",
        model="X1",
        attributes={"fabric": "wool", "care_label": ["hand_wash"], "colour": "red"},
        consumer={"cases_90d": 2, "refund_only_90d": 1},
        severity="minor",
    )
    assert Facts.from_json(original.to_json()) == original


def test_every_missing_required_field_is_listed() -> None:
    errors = errors_of({"category": "apparel"})
    assert errors == [
        "case_type: missing",
        "channel: missing",
        "days_since_delivery: missing",
        "amount: missing",
        "issue_type: missing",
    ]


def test_every_wrong_field_is_listed_with_what_was_expected() -> None:
    errors = errors_of(
        {
            **CASE,
            "amount": "199.00",
            "channel": "phone",
            "days_since_delivery": -1,
            "attributes": {"intact": "yes", "care_label": ["wash_30", "boil"]},
            "consumer": {"cases_90d": True, "visits": 3},
            "colour": "red",
        }
    )
    assert len(errors) == 8
    assert errors[0] == "colour: unknown field"
    assert any(e.startswith("amount: expected an integer amount in fen") for e in errors)
    assert any(e.startswith("channel: expected one of online, offline") for e in errors)
    assert any(e.startswith("days_since_delivery: expected whole days") for e in errors)
    assert any(e.startswith("attributes.intact: expected bool") for e in errors)
    assert any("unknown care symbols boil" in e for e in errors)
    assert "consumer.visits: unknown field" in errors
    assert any(e.startswith("consumer.cases_90d: expected a count") for e in errors)


def test_the_error_message_names_the_fields_too() -> None:
    with pytest.raises(ValidationFailed) as caught:
        Facts.from_json({**CASE, "amount": 1.5, "issue_type": "broken"})
    assert "amount: expected" in caught.value.detail
    assert "issue_type: expected one of" in caught.value.detail


@pytest.mark.parametrize("bad", [None, [], "facts", 3])
def test_facts_must_be_an_object(bad: object) -> None:
    assert errors_of(bad) == ["(root): object"]


def test_days_since_delivery_may_be_null_before_delivery() -> None:
    assert facts(days_since_delivery=None).days_since_delivery is None


def test_amounts_beyond_any_real_price_are_refused() -> None:
    assert any(e.startswith("amount:") for e in errors_of({**CASE, "amount": 10**19}))


def test_unknown_attributes_are_kept_when_they_are_plain_values() -> None:
    kept = facts(attributes={"colour": "red", "pieces": 4, "tags": ["gift"]})
    assert kept.attributes == {"colour": "red", "pieces": 4, "tags": ("gift",)}
    assert any(
        e.startswith("attributes.nested")
        for e in errors_of({**CASE, "attributes": {"nested": {"a": 1}}})
    )


def test_known_attributes_have_consumer_friendly_defaults() -> None:
    plain = facts()
    assert plain.attribute("intact") is True
    assert plain.attribute("custom_made") is False
    assert plain.attribute("care_label") == ()


def test_care_violations_compare_the_label_with_the_care_reported() -> None:
    washed_hot = facts(attributes={"care_label": ["wash_30"], "care_applied": ["wash_60"]})
    assert washed_hot.care_violations == ("wash_60 against wash_30",)
    assert facts(attributes={"care_applied": ["wash_60"]}).care_violations == ()
