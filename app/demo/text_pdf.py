"""A plain one-page PDF written without a renderer: the demo's stand-in for
documents made outside the firm (an expert's report), quick to produce."""

from __future__ import annotations

import textwrap


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF of a title and plain lines (Helvetica, wrapped at
    95 characters): the demo's stand-in for a document written elsewhere."""
    wrapped = [part for line in lines for part in (textwrap.wrap(line, 95) or [""])]
    stream = (b"BT /F2 15 Tf 56 786 Td " + _pdf_text(title) + b" Tj /F1 10 Tf 14 TL 0 -30 Td "
              + b" T* ".join(_pdf_text(line) + b" Tj" for line in wrapped) + b" ET")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R "
               b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
