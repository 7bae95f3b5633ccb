"""All settings, read from the environment in one place.

Every variable has a typed default suited to development; production refuses to
start without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T", int, float)

ROOT = Path(__file__).resolve().parent.parent

# Scripts and styles only from our own static files (our code and the npm-built bpmn-js copied
# there by `make run`): no inline script, no eval, no third-party host; fetch() only to ourselves.
DEFAULT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _positive(kind: type[T], name: str, default: str) -> T:
    """A positive number from the environment; a bad one stops start-up with its name."""
    raw = os.environ.get(name, default)
    try:
        value = kind(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a number, not {raw!r}") from None
    if not value > 0:
        raise RuntimeError(f"{name} must be greater than 0")
    return value


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
    # diagram code (docs/security.md): a run in a script worker is stopped after this long ...
    script_timeout_seconds: float = 5.0
    # ... or when it needs more memory than this on top of the worker's own
    script_memory_mb: int = 256
    script_workers: int = 4
    # timers: a cycle repeats at most this often, and no more often than every N seconds
    timer_max_cycles: int = 1000
    timer_min_cycle_seconds: float = 0.1
    content_security_policy: str = DEFAULT_CSP
    password_min_length: int = 10
    login_limit_per_address: str = "20 per minute;200 per hour"
    login_limit_per_account: str = "5 per minute;20 per hour"
    login_limit_storage_uri: str = "memory://"
    login_lockout_threshold: int = 10
    login_lockout_seconds: int = 300
    login_lockout_max_seconds: int = 3600
    trusted_proxies: int = 0
    # the query planner's statistics: refreshed by the scheduler this often (0: never)
    statistics_hours: float = 6.0
    # evidence files: stored here (named by a random key), each at most this large (else 413)
    attachments_dir: Path = ROOT / "instance" / "attachments"
    attachment_max_bytes: int = 20 * 1024 * 1024

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
            statistics_hours=float(os.environ.get("STATISTICS_HOURS", "6")),
            smtp_host=os.environ.get("SMTP_HOST", ""),
            smtp_port=int(os.environ.get("SMTP_PORT", "25")),
            smtp_sender=os.environ.get("SMTP_SENDER", "complaints@localhost"),
            script_timeout_seconds=_positive(float, "SCRIPT_TIMEOUT_SECONDS", "5"),
            script_memory_mb=_positive(int, "SCRIPT_MEMORY_MB", "256"),
            script_workers=_positive(int, "SCRIPT_WORKERS", "4"),
            timer_max_cycles=_positive(int, "TIMER_MAX_CYCLES", "1000"),
            timer_min_cycle_seconds=_positive(float, "TIMER_MIN_CYCLE_SECONDS", "0.1"),
            content_security_policy=os.environ.get("CONTENT_SECURITY_POLICY") or DEFAULT_CSP,
            password_min_length=int(os.environ.get("PASSWORD_MIN_LENGTH", "10")),
            login_limit_per_address=os.environ.get("LOGIN_LIMIT_PER_ADDRESS") or "20 per minute;200 per hour",
            login_limit_per_account=os.environ.get("LOGIN_LIMIT_PER_ACCOUNT") or "5 per minute;20 per hour",
            login_limit_storage_uri=os.environ.get("LOGIN_LIMIT_STORAGE_URI") or "memory://",
            login_lockout_threshold=int(os.environ.get("LOGIN_LOCKOUT_THRESHOLD", "10")),
            login_lockout_seconds=int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "300")),
            login_lockout_max_seconds=int(os.environ.get("LOGIN_LOCKOUT_MAX_SECONDS", "3600")),
            trusted_proxies=int(os.environ.get("TRUSTED_PROXIES", "0")),
            max_json_depth=int(os.environ.get("MAX_JSON_DEPTH", "32")),
            idempotency_key_seconds=int(os.environ.get("IDEMPOTENCY_KEY_SECONDS", str(24 * 3600))),
            max_clock_advance_days=int(os.environ.get("MAX_CLOCK_ADVANCE_DAYS", "3660")),
            attachments_dir=Path(os.environ.get("ATTACHMENTS_DIR") or ROOT / "instance" / "attachments"),
            attachment_max_bytes=_positive(int, "ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)),
        )
