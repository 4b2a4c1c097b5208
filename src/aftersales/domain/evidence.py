"""What evidence files are accepted: recognised by their content, never by their name."""

from __future__ import annotations

import filetype  # type: ignore[import-untyped]

__all__ = ["ALLOWED_TYPES", "HEADER_BYTES", "sniff_type"]

ALLOWED_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "application/pdf",
    "video/mp4",
)

# filetype reads at most this many leading bytes.
HEADER_BYTES = 8192


def sniff_type(head: bytes) -> str | None:
    """The media type the leading bytes prove, or None when they prove no allowed type."""
    kind = filetype.guess(head[:HEADER_BYTES])
    mime: str | None = kind.mime if kind else None
    return mime if mime in ALLOWED_TYPES else None
