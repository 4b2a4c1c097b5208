"""Where the shipped default pack lives: ``policies/`` at the root of the source tree.

The project runs from a clone with ``uv run``, which installs the package in editable mode, so
the repository root is three levels above this package. The pack stays at the root, where
operators look for it and where the design puts it; a deployment that installs a wheel passes
its pack directory explicitly.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

from aftersales.errors import NotFound, Text

__all__ = ["default_pack_dir"]


def default_pack_dir() -> Path:
    """The default pack's directory; ``NotFound`` when the package runs outside a clone."""
    path = Path(__file__).resolve().parents[3] / "policies"
    if not (path / "pack.yaml").is_file():
        raise NotFound(
            Text(
                f"the default policy pack is not at {path}; pass the pack directory",
                f"默认政策包不在 {path}，请指定政策包目录",
            )
        )
    return path
