"""The bytes of evidence files on disk: written to a temporary file, checked, then renamed.

A file is named by a random key (never the client's name) under ``ATTACHMENTS_DIR/<2 chars>/``.
It is complete on disk before any row refers to it: a transaction that fails after the rename
leaves a stray file that nothing references (harmless), never a row without its file. Files are
never deleted: they are archived with the case.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.errors import Invalid, PayloadTooLarge
from app.services.attachment_types import HEAD_BYTES, sniff

CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str
    content_type: str


def path_of(folder: Path, key: str) -> Path:
    """Where the file of ``key`` lives (keys are hex, so no path can be smuggled in)."""
    if not key or not all(c in "0123456789abcdef" for c in key):
        raise ValueError("not a storage key")
    return folder / key[:2] / key


def store(folder: Path, stream: IO[bytes], *, max_bytes: int, field: str = "file") -> StoredFile:
    """Copy ``stream`` to the store in chunks, at most ``max_bytes`` (else ``PayloadTooLarge``);
    a type outside the allow-list is ``Invalid`` naming ``field``. Nothing is kept on refusal."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(
                        f"the file is larger than {max_bytes} bytes",
                        code="attachment_too_large",
                        details=[{"field": field, "message": f"at most {max_bytes} bytes"}],
                    )
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        content_type = sniff(head)
        if size == 0 or content_type is None:
            raise Invalid(
                "only JPEG, PNG, WebP, PDF, MP3, M4A and WAV files are accepted (judged by their content)",
                code="attachment_type_refused",
                details=[{"field": field, "message": "not a JPEG, PNG, WebP, PDF, MP3, M4A or WAV file"}],
            )
        key = secrets.token_hex(16)
        final = path_of(folder, key)
        final.parent.mkdir(exist_ok=True)
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StoredFile(key=key, size=size, sha256=digest.hexdigest(), content_type=content_type)
