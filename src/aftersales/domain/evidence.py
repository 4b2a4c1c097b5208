"""What evidence files are accepted: recognised by their first bytes, never by their name."""

from __future__ import annotations

__all__ = ["ALLOWED_TYPES", "sniff_type"]

ALLOWED_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "application/pdf",
    "video/mp4",
)


def sniff_type(head: bytes) -> str | None:
    """The media type the leading bytes prove, or None when they match no allowed type."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    return None
