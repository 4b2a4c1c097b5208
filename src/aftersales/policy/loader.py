"""Loading a pack directory: ``pack.yaml``, then every rule file and test file beneath it.

Files are read in sorted path order, which fixes each rule's position (the last tie-break of
precedence). A file holding ``rules:`` is a rule file, one holding ``tests:`` a test file. Every
problem in every file is collected and reported together as ``PackInvalid``; nothing partial
is ever returned.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from aftersales.policy.contradictions import contradictions
from aftersales.policy.errors import PackInvalid
from aftersales.policy.manifest import Manifest, read_manifest
from aftersales.policy.pack import Pack
from aftersales.policy.rule_file import read_rule_file
from aftersales.policy.rules import Rule
from aftersales.policy.schema import Reader
from aftersales.policy.testing import PolicyTest, read_test_file
from aftersales.policy.yaml_source import LocatedMap, SourceError, read_yaml

__all__ = ["load_default_pack", "load_pack"]

MANIFEST = "pack.yaml"


def load_pack(directory: str | Path) -> Pack:
    """Load and validate the pack in ``directory``; ``PackInvalid`` lists every problem."""
    root = Path(directory)
    if not (root / MANIFEST).is_file():
        raise PackInvalid(str(root), [f"{root}: no {MANIFEST} here; is this a policy pack?"])
    problems: list[SourceError] = []
    manifest = _manifest(root, problems)
    documents = [(shown, read) for shown, read in _documents(root, problems)]
    if manifest is None:
        raise PackInvalid(str(root), problems)
    rules = _rules(documents, manifest, problems)
    problems += contradictions(rules)
    ids = {r.id for r in rules}
    tests = _tests(documents, manifest, ids, problems)
    if problems:
        raise PackInvalid(str(root), problems)
    return Pack(manifest, rules, tests, str(root))


def load_default_pack() -> Pack:
    """The pack shipped in ``policies/``."""
    from aftersales.policy.paths import default_pack_dir

    return load_pack(default_pack_dir())


def _manifest(root: Path, problems: list[SourceError]) -> Manifest | None:
    shown = str(root / MANIFEST)
    try:
        doc = read_yaml(root / MANIFEST, shown)
    except SourceError as exc:
        problems.append(exc)
        return None
    reader = Reader(shown)
    manifest = read_manifest(reader, doc)
    problems += reader.errors
    return manifest


def _documents(root: Path, problems: list[SourceError]) -> Iterator[tuple[str, object]]:
    paths = (p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    for path in sorted(paths, key=lambda p: p.relative_to(root).as_posix()):
        relative = path.relative_to(root)
        if relative.as_posix() == MANIFEST or any(part.startswith(".") for part in relative.parts):
            continue
        shown = str(root / relative)
        try:
            yield shown, read_yaml(path, shown)
        except SourceError as exc:
            problems.append(exc)


def _kind(doc: object) -> str:
    if isinstance(doc, LocatedMap) and "tests" in doc and "rules" not in doc:
        return "tests"
    return "rules"  # anything else is read as a rule file, and its schema errors say why


def _rules(
    documents: list[tuple[str, object]], manifest: Manifest, problems: list[SourceError]
) -> list[Rule]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for shown, doc in documents:
        if _kind(doc) != "rules":
            continue
        reader = Reader(shown)
        for rule in read_rule_file(reader, doc, manifest, len(rules)):
            if rule.id in seen:
                _, _, line = rule.where.rpartition(":")
                reader.error(int(line), f"rule id {rule.id} is already used at {seen[rule.id]}")
                continue
            seen[rule.id] = rule.where
            rules.append(rule)
        problems += reader.errors
    return rules


def _tests(
    documents: list[tuple[str, object]],
    manifest: Manifest,
    rule_ids: set[str],
    problems: list[SourceError],
) -> list[PolicyTest]:
    tests: list[PolicyTest] = []
    for shown, doc in documents:
        if _kind(doc) == "tests":
            reader = Reader(shown)
            tests += read_test_file(reader, doc, manifest.vocabulary, rule_ids)
            problems += reader.errors
    return tests
