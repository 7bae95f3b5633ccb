"""One readable line per history entry: timers, notifications and contacts get their own wording."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext

from app.web.complaint_view import CRITERIA
from app.web.presenters import SUMMARY_MAX, bilingual, history_summary, local_time


def _cut(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def summary(kind: str, detail: Mapping[str, Any] | None, channels: Mapping[str, str]) -> str:
    """The entry's detail in the page's language; other kinds fall back to ``key=value`` pairs."""
    detail = detail or {}
    if kind == "timer_fired" and detail.get("name"):
        return _cut(
            gettext("%(name)s (due %(due)s)", name=bilingual(str(detail["name"])), due=local_time(detail.get("due_at")))
        )
    if kind == "notification_sent":
        recipients = ", ".join(str(r) for r in detail.get("recipients") or []) or "—"
        return _cut(f"{detail.get('title') or ''} → {recipients}")
    if kind == "repeat_contact":
        channel = str(detail.get("channel") or "")
        values = {"n": detail.get("contact_count", "?"), "channel": channels.get(channel, channel)}
        if detail.get("note"):
            return _cut(gettext("Contact no. %(n)s, %(channel)s: %(note)s", note=detail["note"], **values))
        return _cut(gettext("Contact no. %(n)s, %(channel)s", **values))
    if kind == "severity_escalated":
        reasons = ", ".join(
            str(CRITERIA.get(str(r.get("criterion")), r.get("criterion")))
            for r in detail.get("reasons") or []
            if isinstance(r, Mapping)
        )
        text = f"{detail.get('from') or '?'} → {detail.get('to') or '?'}"
        return _cut(f"{text} ({reasons})" if reasons else text)
    return history_summary(detail)
