"""What may be uploaded: file types recognised by their content, and size."""

from __future__ import annotations

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

#: (signature at offset 0, content type, extension). The browser's declared
#: type and the file name are not trusted.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def sniff(content: bytes) -> tuple[str, str] | None:
    """Return (content type, extension) of ``content``, or None when not accepted."""
    for signature, content_type, extension in SIGNATURES:
        if content.startswith(signature):
            return content_type, extension
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


def upload_problem(content: bytes) -> str | None:
    """Return why ``content`` cannot be stored (``empty``, ``too_large``,
    ``unsupported_type``), or None."""
    if not content:
        return "empty"
    if len(content) > MAX_UPLOAD_BYTES:
        return "too_large"
    if sniff(content) is None:
        return "unsupported_type"
    return None
