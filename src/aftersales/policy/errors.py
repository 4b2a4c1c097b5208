"""The error a pack that cannot be loaded raises, listing every problem with file and line."""

from __future__ import annotations

from collections.abc import Sequence

from aftersales.errors import AftersalesError, ErrorCode
from aftersales.policy.yaml_source import SourceError

__all__ = ["PackInvalid"]


class PackInvalid(AftersalesError):
    code = ErrorCode.POLICY_PACK_INVALID
    title = "Invalid policy pack"

    def __init__(self, source: str, problems: Sequence[SourceError | str]) -> None:
        lines = [str(p) for p in problems]
        more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
        first = lines[0] if lines else "no detail"
        super().__init__(f"policy pack {source} is invalid: {first}{more}", errors=lines)
        self.problems: tuple[str, ...] = tuple(lines)
