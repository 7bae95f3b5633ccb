"""One readable line per history entry: timers, notifications and contacts get their own wording."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext, lazy_gettext

from app.web.code_words import in_words
from app.web.complaint_view import CRITERIA
from app.web.forms_render import localized
from app.web.presenters import SUMMARY_MAX, bilingual, current_lang, group_name, history_summary, local_time
from app.web.variables_view import display_value

# what a ``confidential_read`` entry says was opened (services/confidential)
READ_WHAT = {
    "case": lazy_gettext("opened the case"),
    "task": lazy_gettext("opened a task"),
    "diagram": lazy_gettext("opened the diagram"),
    "attachment": lazy_gettext("downloaded an attachment"),
}


def _cut(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def summary(
    kind: str,
    detail: Mapping[str, Any] | None,
    channels: Mapping[str, str],
    fields: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """The entry's detail as a sentence in the page's language (``fields``: the forms' properties
    by name, to label entered values); other kinds fall back to ``key=value`` pairs."""
    detail = detail or {}
    worded = _sentence(kind, detail, fields or {})
    if worded is not None:
        return _cut(worded)
    if kind == "timer_fired" and detail.get("name"):
        return _cut(
            gettext("%(name)s (due %(due)s)", name=bilingual(str(detail["name"])), due=local_time(detail.get("due_at")))
        )
    if kind == "confidential_read":
        return str(READ_WHAT.get(str(detail.get("read")), detail.get("read") or ""))
    if kind == "notification_sent":
        recipients = ", ".join(str(r) for r in detail.get("recipients") or []) or "—"
        return _cut(f"{bilingual(str(detail.get('title') or ''))} → {recipients}")
    if kind == "repeat_contact":
        channel = str(detail.get("channel") or "")
        values = {"n": detail.get("contact_count", "?"), "channel": channels.get(channel, channel)}
        if detail.get("note"):
            return _cut(gettext("Contact no. %(n)s, %(channel)s: %(note)s", note=detail["note"], **values))
        return _cut(gettext("Contact no. %(n)s, %(channel)s", **values))
    if kind == "severity_escalated":
        reasons = ", ".join(
            str(CRITERIA.get(str(r.get("criterion")), in_words(r.get("criterion"))))
            for r in detail.get("reasons") or []
            if isinstance(r, Mapping)
        )
        text = f"{detail.get('from') or '?'} → {detail.get('to') or '?'}"
        return _cut(f"{text} ({reasons})" if reasons else text)
    return history_summary(detail)


def _groups(keys: Any) -> str:
    return ", ".join(group_name(str(k)) for k in keys or []) or "—"


def _sentence(kind: str, detail: Mapping[str, Any], fields: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The kinds whose detail is ids and codes: said in words (None: not one of them)."""
    if kind == "instance_started":
        return gettext(
            "Version %(v)s, registration number %(key)s", v=detail.get("version"), key=detail.get("business_key")
        )
    if kind == "task_created":
        groups = _groups(detail.get("candidate_groups"))
        if detail.get("assignee"):
            return gettext("For %(groups)s, assigned to %(user)s", groups=groups, user=detail["assignee"])
        return gettext("For %(groups)s", groups=groups)
    if kind in ("task_claimed", "task_unclaimed"):
        return ""
    if kind == "assignee_refused":
        return gettext(
            "%(user)s may not do this task; it went to %(groups)s",
            user=detail.get("assignee") or "?",
            groups=_groups(detail.get("candidate_groups")),
        )
    if kind == "task_completed":
        lang = current_lang()
        raw = detail.get("data")
        data: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        entered = "; ".join(
            f"{localized(fields.get(k) or {}, lang, fallback=k)}: {display_value(v, fields.get(k) or {}, lang)}"
            for k, v in data.items()
            if v not in (None, "", [])
        )
        name = bilingual(str(detail.get("name") or ""))
        return f"{name}: {entered}" if name and entered else name or entered
    if kind == "incident":
        return str(detail.get("message") or "")
    return None
