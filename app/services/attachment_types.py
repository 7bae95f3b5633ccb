"""Which evidence files are accepted, judged from their first bytes only (never the file name
or the Content-Type the client sent).

An allow-list of magic numbers, each anchored at the start of the file, so a polyglot must still
*begin* as the type it claims (a JPEG with FF D8 FF, a PDF with ``%PDF-``); everything else
(HTML, SVG, scripts, executables, archives, MP4 video, unknown bytes) is refused. The stored
``Content-Type`` is the one named here, and downloads are served with ``nosniff``.
"""

from __future__ import annotations

# bytes needed to judge every accepted type
HEAD_BYTES = 16

# M4A (AAC audio in an MP4 box): the ``ftyp`` box's major brand; video brands are refused
_M4A_BRANDS = (b"M4A ", b"M4B ")


def _is_mp3_frame(head: bytes) -> bool:
    """An MPEG audio layer III frame header: 11 sync bits, a valid version, layer III."""
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    return version != 0b01 and layer == 0b01


def sniff(head: bytes) -> str | None:
    """The content type of a file starting with ``head`` (its first ``HEAD_BYTES``), or None
    when the file is not one of the accepted kinds."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"ID3") or _is_mp3_frame(head):
        return "audio/mpeg"
    if head[4:8] == b"ftyp" and head[8:12] in _M4A_BRANDS:
        return "audio/mp4"
    return None


ACCEPTED = ("image/jpeg", "image/png", "image/webp", "application/pdf", "audio/mpeg", "audio/mp4", "audio/wav")


def is_image(content_type: str) -> bool:
    return content_type.startswith("image/")
