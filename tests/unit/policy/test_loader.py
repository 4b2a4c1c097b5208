"""A pack that cannot be trusted is refused, naming file and line for every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftersales.policy import PackInvalid, load_pack
from tests.unit.policy.support import MANIFEST, facts, rule_file, write_pack

GOOD_RULE = """\
- id: apparel.exchange
  match: {categories: [apparel], issue_types: [size_fit]}
  then:
    resolutions: [exchange]
  explain: {zh: 换货。, en: Exchange.}
"""


def problems(root: Path) -> list[str]:
    with pytest.raises(PackInvalid) as caught:
        load_pack(root)
    return list(caught.value.problems)


def test_a_good_pack_loads_with_its_version(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path, {"category/a.yaml": rule_file("category", GOOD_RULE)}))
    assert (pack.name, pack.version, [r.id for r in pack.rules]) == (
        "mini",
        "1.0",
        ["apparel.exchange"],
    )


def test_a_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    text = rule_file("category", GOOD_RULE) + "  - id: [unclosed\n"
    root = write_pack(tmp_path, {"category/a.yaml": text})
    [problem] = problems(root)
    assert problem.startswith(f"{root}/category/a.yaml:9: YAML syntax error")


def test_an_unknown_field_names_file_and_line(tmp_path: Path) -> None:
    text = rule_file("category", GOOD_RULE.replace("  match:", "  priorty: 5\n  match:"))
    root = write_pack(tmp_path, {"category/a.yaml": text})
    [problem] = problems(root)
    assert problem.startswith(f"{root}/category/a.yaml:4: unknown field 'priorty' in a rule")


def test_a_cel_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    text = rule_file("category", GOOD_RULE.replace("  then:", "  when: 'amount >'\n  then:"))
    root = write_pack(tmp_path, {"category/a.yaml": text})
    [problem] = problems(root)
    assert problem.startswith(f"{root}/category/a.yaml:5: CEL syntax error")


@pytest.mark.parametrize(
    "condition",
    [
        "amount > '100'",  # int against string
        "fabric == 1",
        "false && amount + 'x' > 1",  # hidden behind a short circuit: never runs
        "amount",  # not a bool
        "colour == 'red'",  # no such variable
        "size(amount) > 0",
        "care_label.exists(s, s + 1 > 0)",
    ],
)
def test_a_cel_type_error_names_file_and_line(tmp_path: Path, condition: str) -> None:
    text = rule_file("category", GOOD_RULE.replace("  then:", f'  when: "{condition}"\n  then:'))
    root = write_pack(tmp_path, {"category/a.yaml": text})
    [problem] = problems(root)
    assert problem.startswith(f"{root}/category/a.yaml:5: CEL type error")


def test_a_type_error_in_a_block_condition_names_its_own_line(tmp_path: Path) -> None:
    condition = "  when: |\n    amount > 100\n    && fabric > 3\n  then:"
    text = rule_file("category", GOOD_RULE.replace("  then:", condition))
    root = write_pack(tmp_path, {"category/a.yaml": text})
    [problem] = problems(root)
    assert problem.startswith(f"{root}/category/a.yaml:7: CEL type error: no operator string > int")


CONTRADICTION = """\
- id: platform.a
  priority: 10
  match: {issue_types: [size_fit, wrong_item]}
  then: {cause: expectation_gap}
  explain: {zh: 甲, en: A}
- id: platform.b
  priority: 10
  match: {issue_types: [wrong_item]}
  when: "amount > 100"
  then: {cause: wrong_item}
  explain: {zh: 乙, en: B}
"""


def test_rules_that_contradict_at_the_same_priority_are_refused(tmp_path: Path) -> None:
    root = write_pack(tmp_path, {"platform/p.yaml": rule_file("platform", CONTRADICTION)})
    [problem] = problems(root)
    assert problem.startswith(f"{root}/platform/p.yaml:8: rule platform.b contradicts platform.a")
    assert f"({root}/platform/p.yaml:3)" in problem
    assert "cause (expectation_gap vs wrong_item)" in problem


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            (
                "priority: 10\n  match: {issue_types: [wrong",
                "priority: 11\n  match: {issue_types: [wrong",
            ),
            "priorities differ",
        ),
        (("[size_fit, wrong_item]", "[size_fit]"), "issue types are disjoint"),
        (
            (
                "then: {cause: expectation_gap}",
                "when: 'amount <= 100'\n  then: {cause: expectation_gap}",
            ),
            "amounts are disjoint",
        ),
        (("then: {cause: expectation_gap}", "then: {cause: wrong_item}"), "they agree"),
    ],
)
def test_rules_that_cannot_both_fire_or_agree_do_not_contradict(
    tmp_path: Path, change: tuple[str, str], why: str
) -> None:
    text = CONTRADICTION.replace(*change, 1)
    pack = load_pack(write_pack(tmp_path, {"platform/p.yaml": rule_file("platform", text)}))
    assert len(pack.rules) == 2, why


def test_adding_and_forbidding_one_resolution_at_one_priority_contradict(tmp_path: Path) -> None:
    text = """\
    - id: platform.offer
      then: {resolutions: [refund_only]}
      explain: {zh: 甲, en: A}
    - id: platform.deny
      when: "consumer_refund_only_90d > 2 || amount > 100"
      then: {forbid: [refund_only]}
      explain: {zh: 乙, en: B}
    """
    root = write_pack(tmp_path, {"platform/p.yaml": rule_file("platform", text)})
    [problem] = problems(root)
    assert "resolution refund_only (offered and forbidden)" in problem


def test_every_problem_of_every_file_is_reported_together(tmp_path: Path) -> None:
    root = write_pack(
        tmp_path,
        {
            "a.yaml": rule_file("category", GOOD_RULE + GOOD_RULE.replace("size_fit", "size")),
            "b.yaml": rule_file("regional", GOOD_RULE.replace("apparel.exchange", "b.x")),
            "c.yaml": rule_file("category", GOOD_RULE),  # the same id again
        },
    )
    found = problems(root)
    assert len(found) == 3
    assert found[0].startswith(f"{root}/a.yaml:9: issue_types: 'size' is not one of")
    assert found[1].startswith(f"{root}/b.yaml:1: layer 'regional' is not one of")
    assert found[2].startswith(f"{root}/c.yaml:3: rule id apparel.exchange is already used at")


def test_categories_must_be_known_or_declared(tmp_path: Path) -> None:
    text = rule_file("category", GOOD_RULE.replace("[apparel]", "[aparel]"))
    [problem] = problems(write_pack(tmp_path, {"a.yaml": text}))
    assert "categories: 'aparel' is not one of" in problem
    declared = MANIFEST + "vocabulary:\n  categories: [aparel]\n"
    assert load_pack(write_pack(tmp_path / "b", {"a.yaml": text}, manifest=declared))


def test_a_manifest_with_problems_names_them(tmp_path: Path) -> None:
    manifest = MANIFEST.replace('version: "1.0"', "version: 1.0").replace("  cause: unknown\n", "")
    found = problems(write_pack(tmp_path, {}, manifest=manifest))
    assert any(":2: version must be a string" in p for p in found)
    assert any(":4: defaults is missing 'cause'" in p for p in found)


def test_a_directory_without_a_manifest_is_not_a_pack(tmp_path: Path) -> None:
    assert "no pack.yaml here" in problems(tmp_path)[0]


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    text = rule_file("category", GOOD_RULE.replace("  then:", "  id: again\n  then:"))
    [problem] = problems(write_pack(tmp_path, {"a.yaml": text}))
    assert ":5: YAML syntax error: duplicate key 'id' (first on line 3)" in problem


def test_explanations_may_only_name_variables(tmp_path: Path) -> None:
    text = rule_file("category", GOOD_RULE.replace("en: Exchange.", "en: 'Exchange {colour}.'"))
    [problem] = problems(write_pack(tmp_path, {"a.yaml": text}))
    assert "unknown placeholder {colour}" in problem


def test_policy_tests_are_checked_as_they_load(tmp_path: Path) -> None:
    tests = """\
    tests:
      - name: wrong facts
        facts: {case_type: return_refund}
        expect: {cause: unknown}
      - name: unknown rule
        facts: {case_type: return_refund, category: apparel, channel: online,
                days_since_delivery: 1, amount: 100, issue_type: other}
        expect: {rules_include: [no.such.rule], colour: red}
    """
    found = problems(write_pack(tmp_path, {"tests/t.yaml": tests}))
    assert len(found) == 3
    assert ":3: test 'wrong facts': invalid case facts: category: missing" in found[0]
    assert any(":8: rules_include: 'no.such.rule' is not one of" in p for p in found)
    assert any(":8: unknown field 'colour' in expect" in p for p in found)


def test_a_loaded_pack_decides_with_its_rules(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path, {"category/a.yaml": rule_file("category", GOOD_RULE)}))
    decision = pack.decide(facts(issue_type="size_fit"))
    assert decision.rules == ("apparel.exchange",)
    assert decision.resolution_types == ("exchange",)
    assert decision.policy_version == "1.0"
