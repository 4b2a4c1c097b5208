"""The policy engine's pure core: packs of YAML rules with CEL conditions, and the decision.

Load a pack with ``load_pack(dir)`` (or ``load_default_pack()``), turn case JSON into
``Facts.from_json(...)``, and ask ``pack.decide(facts)`` — or keep the active pack in an
``ActivePolicy`` and ask it. ``run_tests(pack)`` runs the pack's own policy tests. No I/O here
beyond reading the pack directory; nothing of the web or the database.
"""

from aftersales.policy.decision import Decision, Explanation, ResolutionOption, Sla
from aftersales.policy.errors import PackInvalid
from aftersales.policy.facts import ConsumerHistory, Facts
from aftersales.policy.holder import ActivePolicy
from aftersales.policy.loader import load_default_pack, load_pack
from aftersales.policy.pack import Pack
from aftersales.policy.paths import default_pack_dir
from aftersales.policy.testing import TestReport, run_tests

__all__ = [
    "ActivePolicy",
    "ConsumerHistory",
    "Decision",
    "Explanation",
    "Facts",
    "Pack",
    "PackInvalid",
    "ResolutionOption",
    "Sla",
    "TestReport",
    "default_pack_dir",
    "load_default_pack",
    "load_pack",
    "run_tests",
]
