"""The shipped pack, loaded once for the policy tests."""

from __future__ import annotations

import pytest

from aftersales.policy import Pack, load_default_pack


@pytest.fixture(scope="session")
def default_pack() -> Pack:
    return load_default_pack()
