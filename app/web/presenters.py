"""How stored values read on a page: local times, translated names, short summaries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from flask_babel import get_locale, gettext, lazy_gettext

from app.services.people import GROUPS

# The users work in China (no daylight saving): pages show UTC+8 wall-clock time.
DISPLAY_TZ = timezone(timedelta(hours=8), "CST")

STATUSES = {
    "running": lazy_gettext("Running"),
    "completed": lazy_gettext("Completed"),
    "suspended": lazy_gettext("Suspended"),
    "terminated": lazy_gettext("Terminated"),
    "error": lazy_gettext("Error"),
}

HISTORY_TYPES = {
    "instance_started": lazy_gettext("Instance started"),
    "task_created": lazy_gettext("Task created"),
    "task_claimed": lazy_gettext("Task claimed"),
    "task_unclaimed": lazy_gettext("Task released"),
    "task_completed": lazy_gettext("Task completed"),
    "timer_fired": lazy_gettext("Timer fired"),
    "notification_sent": lazy_gettext("Notification sent"),
    "repeat_contact": lazy_gettext("Customer contacted us again"),
    "severity_escalated": lazy_gettext("Severity level raised"),
    "incident": lazy_gettext("Incident"),
    "incident_retried": lazy_gettext("Incident retried"),
    "instance_completed": lazy_gettext("Instance completed"),
    "instance_suspended": lazy_gettext("Instance suspended"),
    "instance_resumed": lazy_gettext("Instance resumed"),
    "instance_terminated": lazy_gettext("Instance terminated"),
    "instance_migrated": lazy_gettext("Instance moved to another version"),
    "confidential_read": lazy_gettext("Read (confidential case)"),
}

SUMMARY_MAX = 200

# "确认登记 Confirm record": the diagrams name things in Chinese, then in English.
_BILINGUAL = re.compile(r"^(?P<zh>[^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s+(?P<en>[A-Za-z].*)$", re.DOTALL)


def current_lang() -> str:
    locale = get_locale()
    return "zh" if locale is None or locale.language == "zh" else "en"


def local_time(value: datetime | str | None) -> str:
    """``2024-05-01 18:30`` in China time; empty for None; unparsable text as given."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d %H:%M")


def bilingual(text: str | None, lang: str | None = None) -> str:
    """The part of a "中文 English" text in the page's language; the whole text if not of that shape."""
    if not text:
        return ""
    match = _BILINGUAL.match(text.strip())
    if match is None:
        return text
    return match.group("zh" if (lang or current_lang()) == "zh" else "en").strip()


def group_name(key: str) -> str:
    names = GROUPS.get(key)
    if names is None:
        return key
    return names[1] if current_lang() == "zh" else names[0]


def status_label(status: str) -> str:
    return str(STATUSES.get(status, status))


def history_label(kind: str) -> str:
    return str(HISTORY_TYPES.get(kind, kind.replace("_", " ")))


def yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


def history_summary(detail: Mapping[str, Any] | None) -> str:
    """One line from an audit entry's detail: the task name, then the entered values."""
    if not detail:
        return ""
    parts = []
    if detail.get("name"):
        parts.append(bilingual(str(detail["name"])))
    for key, value in detail.items():
        if key in ("name", "task_id"):
            continue
        if key == "data" and isinstance(value, Mapping):
            parts.extend(f"{k}={_short(v)}" for k, v in value.items())
        else:
            parts.append(f"{key}={_short(value)}")
    text = "; ".join(parts)
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def _short(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={_short(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return ", ".join(_short(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"
