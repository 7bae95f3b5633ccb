"""The timer preview's sentence in the request's language (``localized_message``), from the
``reason`` and ``params`` the service answers; its ``message`` stays English for scripts."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext

# %(value)s, %(kind)s, %(error)s, %(type)s, %(due)s, %(interval)s: the preview's params
SENTENCES = {
    "due": lazy_gettext("due %(due)s if it started now"),
    "first_due": lazy_gettext("first due %(due)s if it started now, then every %(interval)s"),
    "empty": lazy_gettext("The timer has no value."),
    "juel": lazy_gettext("JUEL expressions (${...}) are not supported; write Python."),
    "refused": lazy_gettext("The expression is refused: %(error)s"),
    "failed": lazy_gettext("The expression failed: %(error)s"),
    "not_text": lazy_gettext("The expression gave %(type)s, not ISO 8601 text."),
    "not_valid": lazy_gettext("%(value)s is not a valid %(kind)s value: %(error)s"),
    "not_iso": lazy_gettext("%(value)s is not a valid ISO 8601 duration, date or cycle (e.g. PT24H, P2D, R3/PT1H)."),
    "not_duration": lazy_gettext("%(value)s is not an ISO 8601 duration (PT24H, P2D); use timeDate."),
    "not_repetition": lazy_gettext("%(value)s is not an ISO 8601 repetition (R3/PT1H)."),
    "not_date": lazy_gettext("%(value)s is a duration, not a date-time; use timeDuration."),
}


def with_localized_message(answer: dict[str, Any]) -> dict[str, Any]:
    """The service's answer plus ``localized_message`` (its ``message`` when no sentence fits)."""
    sentence = SENTENCES.get(answer.get("reason") or "")
    localized = str(sentence) % answer.get("params", {}) if sentence is not None else answer["message"]
    return {**answer, "localized_message": localized}
