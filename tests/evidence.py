"""Evidence files for tests: a real (tiny) PNG and the bytes of kinds the product must refuse."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from typing import Any


def png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid PNG of one colour (browsers draw it, so thumbnails can be checked)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 32
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 32
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 64
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 32

ACCEPTED = {
    "photo.jpg": (JPEG, "image/jpeg"),
    "photo.png": (png(), "image/png"),
    "photo.webp": (WEBP, "image/webp"),
    "letter.pdf": (PDF, "application/pdf"),
    "call.mp3": (MP3_ID3, "audio/mpeg"),
    "call2.mp3": (MP3_FRAME, "audio/mpeg"),
    "call.m4a": (M4A, "audio/mp4"),
    "call.wav": (WAV, "audio/wav"),
}

REFUSED = {
    "html_as_jpg": ("photo.jpg", b"<!doctype html><html><script>alert(1)</script></html>"),
    "svg": ("image.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'),
    "svg_bare": ("image.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'),
    "zip": ("photos.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40),
    "exe": ("setup.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 40),
    "script": ("run.mp3", b"#!/bin/sh\nrm -rf /\n"),
    "mp4_video": ("clip.m4a", b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2mp41" + b"\x00" * 32),
    "gzip": ("a.pdf", b"\x1f\x8b\x08\x00" + b"\x00" * 40),
    "empty": ("empty.jpg", b""),
    "text": ("notes.txt", "客户说牛奶有异味".encode()),
}


# in a test's task data: "a photo of this case, uploaded when the task is completed"
UPLOADED_PHOTO = "<uploaded photo>"


def upload_photo(api: Any, instance_id: int, filename: str = "evidence.png") -> str:
    """Upload a PNG to the case as ``api``'s user; the attachment id as a form field cites it."""
    body = api.post(
        f"/process-instances/{instance_id}/attachments",
        data={"file": (io.BytesIO(png()), filename)},
        content_type="multipart/form-data",
        expect=201,
    )
    return str(body["id"])


def cite_uploads(data: dict[str, Any], upload: Callable[[], str]) -> dict[str, Any]:
    """``data`` with each ``UPLOADED_PHOTO`` placeholder replaced by the id ``upload()`` returns."""
    out = dict(data)
    for key, value in data.items():
        if isinstance(value, list) and UPLOADED_PHOTO in value:
            out[key] = [upload() if v == UPLOADED_PHOTO else v for v in value]
    return out
