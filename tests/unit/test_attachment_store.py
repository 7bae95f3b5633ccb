"""Evidence files without the app: the content allow-list, display names, the disk store, settings."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from app.config import ROOT, Settings
from app.errors import Invalid, PayloadTooLarge
from app.services.attachment_store import path_of, store
from app.services.attachment_types import sniff
from app.services.attachments import display_name
from tests.evidence import ACCEPTED, REFUSED


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_kinds_are_recognised_by_their_first_bytes(name):
    body, expected = ACCEPTED[name]
    assert sniff(body[:16]) == expected


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_everything_else_is_refused(kind):
    assert sniff(REFUSED[kind][1][:16]) is None


def test_a_jpeg_must_start_with_its_marker():
    assert sniff(b" " + ACCEPTED["photo.jpg"][0][:15]) is None
    assert sniff(b"\xff\xd8\xfe\x00") is None  # FF D8 but not FF D8 FF
    assert sniff(b"\xff\xf7\x00\x00") is None  # a sync word of a reserved MPEG version is no MP3


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("照片.jpg", "照片.jpg"),
        ("C:\\Users\\wang\\Desktop\\发票.pdf", "发票.pdf"),
        ("../../etc/passwd", "passwd"),
        ("a\u202eb\u0000c.png", "abc.png"),
        ("   ", "attachment"),
        ("..", "attachment"),
        (None, "attachment"),
        ("x" * 300 + ".jpeg", "x" * 195 + ".jpeg"),  # 200 characters, the extension kept
    ],
)
def test_display_names_keep_no_folder_and_no_control_character(raw, shown):
    assert display_name(raw) == shown
    assert len(display_name(raw)) <= 200


def test_store_writes_under_a_random_key_and_hashes_what_it_wrote(tmp_path: Path):
    body = ACCEPTED["photo.png"][0] * 3000  # several chunks
    stored = store(tmp_path, io.BytesIO(body), max_bytes=len(body))
    assert (stored.size, stored.sha256, stored.content_type) == (
        len(body),
        hashlib.sha256(body).hexdigest(),
        "image/png",
    )
    assert path_of(tmp_path, stored.key).read_bytes() == body
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [stored.key]
    assert store(tmp_path, io.BytesIO(body), max_bytes=len(body)).key != stored.key  # never the same name


def test_store_keeps_nothing_it_refuses(tmp_path: Path):
    with pytest.raises(PayloadTooLarge):
        store(tmp_path, io.BytesIO(ACCEPTED["photo.png"][0] + b"\x00" * 100), max_bytes=50)
    with pytest.raises(Invalid) as refused:
        store(tmp_path, io.BytesIO(REFUSED["html_as_jpg"][1]), max_bytes=10_000, field="evidence")
    assert refused.value.details == [
        {"field": "evidence", "message": "not a JPEG, PNG, WebP, PDF, MP3, M4A or WAV file"}
    ]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_storage_key_cannot_name_a_path(tmp_path: Path):
    for key in ("../x", "", "ab/cd", "ABCDEF"):
        with pytest.raises(ValueError):
            path_of(tmp_path, key)


def test_settings_default_inside_instance_and_read_from_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("ATTACHMENTS_DIR", raising=False)
    monkeypatch.delenv("ATTACHMENT_MAX_BYTES", raising=False)
    defaults = Settings.from_env()
    assert defaults.attachments_dir == ROOT / "instance" / "attachments"
    assert defaults.attachment_max_bytes == 20 * 1024 * 1024
    monkeypatch.setenv("ATTACHMENTS_DIR", str(tmp_path / "evidence"))
    monkeypatch.setenv("ATTACHMENT_MAX_BYTES", "1048576")
    configured = Settings.from_env()
    assert (configured.attachments_dir, configured.attachment_max_bytes) == (tmp_path / "evidence", 1048576)
    monkeypatch.setenv("ATTACHMENT_MAX_BYTES", "0")
    with pytest.raises(RuntimeError, match="ATTACHMENT_MAX_BYTES"):
        Settings.from_env()
