"""All settings, read from the environment in one place.

Every variable has a typed default suited to development; production refuses to
start without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _default_database_url() -> str:
    return f"sqlite:///{ROOT / 'instance' / 'complaints.db'}"


def _development_secret() -> str:
    """Outside production, a random key kept in instance/ so sessions survive restarts."""
    path = ROOT / "instance" / "secret_key"
    if not path.is_file():
        path.parent.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass
class Settings:
    """Typed settings; ``from_env`` is the only place that reads ``os.environ``."""

    database_url: str = field(default_factory=_default_database_url)
    secret_key: str = ""
    env: str = "development"
    simulated_clock: bool = False
    demo_data: bool = False
    scheduler_enabled: bool = True
    processes_dir: Path = ROOT / "processes"
    forms_dir: Path = ROOT / "forms"
    max_bpmn_bytes: int = 2 * 1024 * 1024
    token_max_age_seconds: int = 12 * 3600
    default_language: str = "zh"
    business_timezone: str = "Asia/Shanghai"
    scheduler_poll_seconds: float = 0.25
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "complaints@localhost"
    max_json_depth: int = 32
    idempotency_key_seconds: int = 24 * 3600
    max_clock_advance_days: int = 3660
    testing: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ.get("APP_ENV", "development")
        secret = os.environ.get("SECRET_KEY", "")
        if env == "production" and len(secret) < 16:
            raise RuntimeError("SECRET_KEY must be set (16+ characters) when APP_ENV=production")
        return cls(
            database_url=os.environ.get("DATABASE_URL") or _default_database_url(),
            secret_key=secret or _development_secret(),
            env=env,
            simulated_clock=_flag("SIMULATED_CLOCK"),
            demo_data=_flag("DEMO_DATA"),
            scheduler_enabled=_flag("SCHEDULER", True),
            max_bpmn_bytes=int(os.environ.get("MAX_BPMN_BYTES", 2 * 1024 * 1024)),
            default_language=os.environ.get("DEFAULT_LANGUAGE", "zh"),
            business_timezone=os.environ.get("BUSINESS_TIMEZONE", "Asia/Shanghai"),
            scheduler_poll_seconds=float(os.environ.get("SCHEDULER_POLL_SECONDS", "0.25")),
            smtp_host=os.environ.get("SMTP_HOST", ""),
            smtp_port=int(os.environ.get("SMTP_PORT", "25")),
            smtp_sender=os.environ.get("SMTP_SENDER", "complaints@localhost"),
            max_json_depth=int(os.environ.get("MAX_JSON_DEPTH", "32")),
            idempotency_key_seconds=int(os.environ.get("IDEMPOTENCY_KEY_SECONDS", str(24 * 3600))),
            max_clock_advance_days=int(os.environ.get("MAX_CLOCK_ADVANCE_DAYS", "3660")),
        )
