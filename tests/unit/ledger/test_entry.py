"""Entry bytes: one canonical JSON text per record; personal data only as salted commitments."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from aftersales.ledger import FormatError, canonical_json, conceal, entry_body
from aftersales.ledger.entry import MAX_ENTRY_BYTES

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SALT = bytes(range(32))


def test_canonical_json_sorts_keys_drops_whitespace_and_keeps_unicode() -> None:
    record = {"b": [1, True, None], "a": {"z": "屏幕", "y": -3}}

    assert canonical_json(record) == '{"a":{"y":-3,"z":"屏幕"},"b":[1,true,null]}'.encode()


def test_the_same_record_in_any_key_order_gives_the_same_bytes() -> None:
    assert canonical_json({"x": 1, "y": 2}) == canonical_json({"y": 2, "x": 1})


@pytest.mark.parametrize(
    "record",
    [{"amount": 1.5}, {"nan": float("nan")}, {1: "int key"}, {"when": AT}, {"s": {1, 2}}],
)
def test_values_without_one_canonical_spelling_are_refused(record: object) -> None:
    with pytest.raises(FormatError):
        canonical_json(record)


def test_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(FormatError, match="UTF-8"):
        canonical_json({"text": "\ud800"})


def test_an_entry_wraps_the_record_with_version_kind_subject_and_utc_time() -> None:
    local = AT.astimezone(timezone(timedelta(hours=8)))

    body = entry_body("case.arbitration", "case:cs_1", local, {"verdict": "consumer"})

    assert json.loads(body) == {
        "v": 1,
        "kind": "case.arbitration",
        "subject": "case:cs_1",
        "at": "2026-11-02T09:00:00Z",
        "record": {"verdict": "consumer"},
    }
    assert canonical_json(json.loads(body)) == body


def test_an_entry_too_large_for_a_tile_bundle_is_refused() -> None:
    with pytest.raises(FormatError, match="at most"):
        entry_body("k", "s", AT, {"blob": "x" * MAX_ENTRY_BYTES})


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        entry_body("k", "s", datetime(2026, 1, 1), {})  # noqa: DTZ001


def test_a_commitment_hides_the_value_and_depends_on_the_salt() -> None:
    first = conceal(SALT, "c1")

    assert first == conceal(SALT, "c1")  # the platform can find a person's entries again
    assert first != conceal(SALT, "c2")
    assert first != conceal(bytes(32), "c1")  # without the salt a guess cannot be tested
    assert len(bytes.fromhex(first)) == 32  # an HMAC-SHA256, in hex


def test_a_short_salt_is_refused() -> None:
    with pytest.raises(ValueError, match="salt"):
        conceal(b"short", "c1")
