"""``aftersales policy validate | test | decide``, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from aftersales.cli.main import app
from tests.unit.policy.support import CASE, rule_file, write_pack

runner = CliRunner()

RULE = """\
- id: apparel.exchange
  match: {categories: [apparel], issue_types: [size_fit]}
  then: {resolutions: [exchange]}
  explain: {zh: 换货。, en: Exchange.}
"""


def policy(*args: str) -> Result:
    return runner.invoke(app, ["policy", *args])


def test_validate_checks_the_shipped_pack_by_default() -> None:
    result = policy("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("pack default ")
    assert " is valid: " in result.stdout


def test_validate_lists_every_problem_with_file_and_line(tmp_path: Path) -> None:
    bad = RULE.replace("size_fit", "size").replace("  then:", "  when: 'amount > \"1\"'\n  then:")
    root = write_pack(tmp_path, {"a.yaml": rule_file("category", bad)})
    result = policy("validate", str(root))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{root}/a.yaml:4: issue_types: 'size' is not one of")
    assert lines[1].startswith(f"{root}/a.yaml:5: CEL type error: no operator int > string")
    assert lines[2].startswith("error [policy_pack_invalid] policy pack ")
    assert "(and 1 more)" in lines[2]


def test_test_passes_on_the_shipped_pack() -> None:
    result = policy("test")
    assert result.exit_code == 0, result.output
    assert "policy tests passed (default " in result.stdout


def test_test_reports_every_mismatch_and_fails(tmp_path: Path) -> None:
    tests = {
        "tests": [
            {
                "name": "size goes to exchange",
                "facts": {**CASE, "issue_type": "size_fit"},
                "expect": {"first_resolution": "reject", "queue": "apparel", "emergency": False},
            }
        ]
    }
    root = write_pack(
        tmp_path, {"a.yaml": rule_file("category", RULE), "t.yaml": json.dumps(tests)}
    )
    result = policy("test", str(root))
    assert result.exit_code == 1
    test = f"{root}/t.yaml:1 size goes to exchange"
    assert result.stderr.splitlines() == [
        f"{test}: first resolution expected 'reject', got 'exchange'",
        f"{test}: queue expected 'apparel', got 'general'",
        "1 of 1 policy tests failed",
    ]


def test_decide_prints_the_decision_json(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({**CASE, "issue_type": "food_spoilage", "category": "food/fresh"}))
    result = policy("decide", "--case", str(case))
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert decision["emergency"] is True
    assert decision["resolutions"][0] == {"type": "refund_only", "amount": CASE["amount"]}
    assert set(decision["explanation"]) == {"zh", "en"}


def test_decide_with_another_pack(tmp_path: Path) -> None:
    root = write_pack(tmp_path / "pack", {"a.yaml": rule_file("category", RULE)})
    case = tmp_path / "case.json"
    case.write_text(json.dumps({**CASE, "issue_type": "size_fit"}))
    result = policy("decide", "--case", str(case), "--pack", str(root))
    assert json.loads(result.stdout)["rules"] == ["apparel.exchange"]


def test_decide_lists_every_bad_field_on_one_line(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"case_type": "return", "amount": "12.50"}))
    result = policy("decide", "--case", str(case))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error [validation_failed] invalid case facts: ")
    for field in ("case_type: expected", "amount: expected", "category: missing"):
        assert field in result.stderr


def test_decide_refuses_a_file_that_is_not_json(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text("{not json")
    result = policy("decide", "--case", str(case))
    assert result.exit_code == 1
    assert "not readable JSON" in result.stderr
