"""Every refusal a user can cause gives its reason in Chinese as well (decision 0043).

The test reads the source: an error of the platform's tree built from English text alone (a
string, an f-string, a join of strings) fails it, outside the command line's own modules and
the programming errors listed below. A reason given as a ``Text(en, zh)``, or passed on from a
variable, passes."""

from __future__ import annotations

import ast
from pathlib import Path

import aftersales

PACKAGE = Path(aftersales.__file__).parent
ERRORS = {
    "AftersalesError",
    "AuthenticationFailed",
    "Conflict",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "ValidationFailed",
}
# Left in English (decision 0043, "Not done"): the command line's own modules, and the evidence
# log's verifier, whose refusals are diagnostics of signed notes, proofs and receipts in the
# transparency-log formats' own terms; their codes (`ledger_proof_invalid` …) say what failed.
ENGLISH = ("cli/", "ledger/")
# Programming errors: states no user can bring about (the platform's own jobs build these
# values, after the services have refused what a user sent); they name the bug for whoever reads
# a log. (module, start of the English)
PROGRAMMING_ERRORS = {
    ("exposure/content.py", "a content item needs an id and a merchant"),
    ("exposure/events.py", "an exposure event needs an aware (UTC) time"),
    ("exposure/ladder.py", "content {item.id} was published after"),
    ("exposure/plan.py", "a serving refresh needs aware (UTC) times"),
    ("exposure/plan.py", "cycle {inputs.cycle_id} ends before it starts"),
    ("exposure/plan.py", "content with a ladder quota needs"),
    ("exposure/plan.py", "the enrolment of {e.merchant_id} is for cycle"),
    ("exposure/plan.py", "merchant {e.merchant_id} has two enrolments"),
    ("exposure/targets.py", "target {self.key}: "),
    ("exposure/targets.py", "throttle {self.key}: "),
    ("recall/recall.py", "recall {self.id} is {self.state}; reports cannot join it"),
    ("recall/recall.py", "recall {self.id} has no campaign to launch"),
    ("scoring/buyers.py", "the per-buyer "),
    ("scoring/counts.py", ""),  # the cycle job's own counts, checked as they are built
    ("scoring/cycle.py", "nothing to score"),
    ("scoring/cycle.py", "merchants listed twice"),
    # The evidence log's integrity alarms: the stored log disagrees with itself.
    ("store/ledger.py", "the log's size moved from"),
    ("store/ledger.py", "the log has no stored node"),
    # Raised and caught in one place, then logged: no one is refused by it.
    ("services/policy_source.py", "its files changed after it was activated"),
}


def _english_only(call: ast.Call) -> str | None:
    """The English of an error built from text alone, else None."""
    if not call.args or any(k.arg == "text" for k in call.keywords):
        return None
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    if isinstance(first, ast.JoinedStr | ast.BinOp):
        return ast.unparse(first)
    method = getattr(first.func, "attr", None) if isinstance(first, ast.Call) else None
    if method in {"join", "format"}:  # "; ".join(problems), "…".format(…)
        return ast.unparse(first)
    return None


def _modules() -> dict[str, ast.Module]:
    return {
        path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _error_classes(modules: dict[str, ast.Module]) -> set[str]:
    """The error classes and every class of the tree derived from one (``KnowledgeError`` …)."""
    bases = {
        node.name: {getattr(b, "id", None) or getattr(b, "attr", None) for b in node.bases}
        for tree in modules.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    found = set(ERRORS)
    while grown := {name for name, of in bases.items() if of & found} - found:
        found |= grown
    return found


def _english_only_errors() -> list[tuple[str, int, str]]:
    found = []
    modules = _modules()
    errors = _error_classes(modules)
    for module, tree in modules.items():
        if module.startswith(ENGLISH) or module == "errors.py":
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            english = _english_only(node) if name in errors else None
            if english is not None and not any(
                module == m and english.lstrip("f'\"").startswith(start)
                for m, start in PROGRAMMING_ERRORS
            ):
                found.append((module, node.lineno, english))
    return found


def test_every_refusal_gives_its_reason_in_chinese_too() -> None:
    found = _english_only_errors()
    shown = "\n".join(f"{module}:{line}: {english}" for module, line, english in found)
    assert not found, f"English-only refusals (give a Text(en, zh)):\n{shown}"


def test_the_check_finds_an_english_only_refusal(tmp_path: Path) -> None:
    source = 'raise NotFound(f"case {case_id} not found")\nraise NotFound(Text("a", "乙"))\n'
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)]
    flagged = [c for c in calls if getattr(c.func, "id", None) in ERRORS and _english_only(c)]
    assert len(flagged) == 1


def test_the_refusals_name_roles_and_recalls_as_the_console_does() -> None:
    # The domain and the recall package cannot import the console's labels; they keep their own
    # copies of the same words, held equal here.
    from aftersales.console.labels import LABELS
    from aftersales.domain.actors import Role, role_zh
    from aftersales.recall.names import REMEDY_NAMES, STATE_NAMES

    for role in Role:
        assert role_zh(role) == f"{LABELS['role'][role.value][1]}（{role.value}）"  # noqa: RUF001
    assert {s.value: zh for s, zh in STATE_NAMES.items()} == {
        value: names[1] for value, names in LABELS["recall_state"].items()
    }
    assert {str(r): zh for r, zh in REMEDY_NAMES.items()} == {
        value: names[1] for value, names in LABELS["remedy"].items()
    }
