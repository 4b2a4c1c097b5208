"""Care-label symbols (GB/T 8685 / ISO 3758): which care breaks which symbol."""

from __future__ import annotations

import pytest

from aftersales.policy.care_label import SYMBOLS, violations


@pytest.mark.parametrize(
    ("label", "applied"),
    [
        ("wash_30", "wash_40"),
        ("wash_40_mild", "wash_40"),
        ("hand_wash", "wash_30"),
        ("do_not_wash", "hand_wash"),
        ("bleach_oxygen_only", "bleach_any"),
        ("do_not_bleach", "bleach_oxygen_only"),
        ("tumble_dry_low", "tumble_dry_normal"),
        ("do_not_tumble_dry", "tumble_dry_low"),
        ("dry_flat", "line_dry"),
        ("line_dry_shade", "line_dry"),
        ("iron_110", "iron_150"),
        ("do_not_iron", "iron_110"),
        ("dry_clean_f", "dry_clean_p"),
        ("do_not_dry_clean", "dry_clean_f"),
        ("wet_clean_w_mild", "wet_clean_w"),
    ],
)
def test_harsher_care_than_the_label_allows_is_a_violation(label: str, applied: str) -> None:
    assert violations([label], [applied]) == (f"{applied} against {label}",)


@pytest.mark.parametrize(
    ("label", "applied"),
    [
        ("wash_40", "wash_30"),
        ("wash_40", "wash_40_very_mild"),
        ("hand_wash", "hand_wash"),
        ("tumble_dry_normal", "tumble_dry_low"),
        ("dry_flat", "dry_flat_shade"),
        ("iron_200", "iron_110"),
        ("dry_clean_p", "dry_clean_f"),
        ("wash_30", "iron_200"),  # the label sets no ironing limit
    ],
)
def test_care_within_the_label_is_no_violation(label: str, applied: str) -> None:
    assert violations([label], [applied]) == ()


def test_every_symbol_code_is_known() -> None:
    assert {"wash_95", "hand_wash", "do_not_wash", "dry_flat_shade", "wet_clean_w"} <= SYMBOLS
    assert len(SYMBOLS) == 47
