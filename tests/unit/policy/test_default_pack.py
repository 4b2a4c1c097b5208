"""The shipped pack: its own policy tests pass and cover every point of the policy issue."""

from __future__ import annotations

import re

from aftersales.policy import Pack, default_pack_dir, run_tests

# Every bullet of issue 3, point 4, by the tag its policy tests carry.
BULLETS = {
    "digital",
    "apparel",
    "home",
    "safety",
    "minor_flaw",
    "statutory_7day",
    "refund_only",
    "channel",
    "attribution",
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_the_default_pack_passes_its_own_policy_tests(default_pack: Pack) -> None:
    report = run_tests(default_pack)
    assert report.failures == ()
    assert report.total >= 50


def test_every_bullet_has_policy_tests_in_chinese_and_in_english(default_pack: Pack) -> None:
    languages: dict[str, set[str]] = {bullet: set() for bullet in BULLETS}
    for test in default_pack.tests:
        language = "zh" if CHINESE.search(test.facts.description) else "en"
        for tag in test.covers:
            languages.setdefault(tag, set()).add(language)
    assert {bullet: langs for bullet, langs in languages.items() if langs != {"zh", "en"}} == {}


def test_every_rule_of_the_default_pack_fires_in_some_policy_test(default_pack: Pack) -> None:
    fired = {rule for test in default_pack.tests for rule in default_pack.decide(test.facts).rules}
    assert {r.id for r in default_pack.rules} - fired == set()


def test_the_default_pack_is_found_from_the_package() -> None:
    assert (default_pack_dir() / "pack.yaml").is_file()


def test_the_default_pack_has_every_layer(default_pack: Pack) -> None:
    layers = {rule.layer for rule in default_pack.rules}
    assert layers == {"statutory", "platform", "category", "brand_model", "merchant"}
