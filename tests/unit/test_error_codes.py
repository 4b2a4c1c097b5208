"""Every error code the platform can raise has an HTTP status of its own."""

from __future__ import annotations

from aftersales.api.problems import STATUS
from aftersales.errors import ErrorCode


def test_every_error_code_maps_to_a_client_error_status() -> None:
    missing = [code for code in ErrorCode if code not in STATUS]
    assert missing == []
    assert all(400 <= status < 500 for status in STATUS.values())
