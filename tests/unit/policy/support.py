"""Small packs written on the fly, and case facts with sensible defaults, for the policy tests."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from aftersales.policy import Facts

MANIFEST = """\
name: mini
version: "1.0"
defaults:
  severity: moderate
  cause: unknown
  cost_bearer: merchant
  queue: general
  sla: {first_response_hours: 24, proposal_hours: 48, resolution_hours: 168}
  resolutions: [return_refund]
attribution:
  product_defect: true
  usage_or_care: false
  expectation_gap: true
  logistics_damage: false
  wrong_item: true
  fraud_suspected: false
  unknown: false
merchant_limits:
  fields: [resolutions, sla, cost_bearer, required_evidence, auto_actions]
  resolution_types: [return_refund, exchange, quick_compensation]
  cost_bearers: [merchant]
  auto_actions: [send_care_guide]
  max_amount: 5000
  max_required_evidence: 1
"""


def write_pack(root: Path, files: dict[str, str], manifest: str = MANIFEST) -> Path:
    """A pack directory holding pack.yaml and the given files (paths relative to the pack)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text(manifest, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def rule_file(layer: str, rules: str, head: str = "") -> str:
    """A rule file of one layer; ``rules`` is the YAML list, indented by two spaces."""
    return f"layer: {layer}\n{head}rules:\n{textwrap.indent(textwrap.dedent(rules), '  ')}"


CASE: dict[str, Any] = {
    "case_type": "return_refund",
    "category": "apparel/knitwear",
    "channel": "online",
    "days_since_delivery": 3,
    "amount": 19900,
    "issue_type": "quality_defect",
}


def facts(**changes: Any) -> Facts:
    """Valid facts: a knitwear return three days after delivery, with the given changes."""
    return Facts.from_json({**CASE, **changes})
