"""Imports point inward: the domain knows nothing of the web, the database or the entry points."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "aftersales"

# The pure layers (the domain and the capability packages) import no framework and no outer layer.
PURE_FORBIDDEN = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "pydantic",
    "alembic",
    "typer",
    "aftersales.store",
    "aftersales.services",
    "aftersales.api",
    "aftersales.cli",
    "aftersales.bootstrap",
    "aftersales.config",
)

# For each layer, the imports it must never make.
FORBIDDEN = {
    "analytics": PURE_FORBIDDEN,  # Ibis expressions: no database driver, no outer layer
    "domain": PURE_FORBIDDEN,
    "exposure": PURE_FORBIDDEN,
    "ledger": PURE_FORBIDDEN,
    "triage": PURE_FORBIDDEN,
    "warning": PURE_FORBIDDEN,
    "policy": PURE_FORBIDDEN,
    "recall": PURE_FORBIDDEN,
    "scoring": PURE_FORBIDDEN,
    "simulation": PURE_FORBIDDEN,
    "store": ("fastapi", "starlette", "aftersales.services", "aftersales.api", "aftersales.cli"),
    "services": ("fastapi", "starlette", "typer", "aftersales.api", "aftersales.cli"),
    # The console is an entry point beside the API: it reads through the use cases, never the
    # database itself, and the use cases know nothing of it.
    "console": ("sqlalchemy", "typer", "aftersales.cli", "aftersales.store.tables"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_import_outer_layers(layer: str) -> None:
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in _imports(path)
        if name.startswith(FORBIDDEN[layer])
    ]
    assert offences == []


def test_errors_module_is_a_leaf() -> None:
    assert not any(name.startswith("aftersales.") for name in _imports(PACKAGE / "errors.py"))
