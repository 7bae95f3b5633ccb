"""Codes are never shown raw: a complaint that went through a timer, an escalation and a
rejection, rendered in zh and en on the pages that show it, has none of the product's snake_case
codes (escalation reasons, SLA rule names, role and group keys, history types) in its visible text."""

from __future__ import annotations

import html
import re

import pytest

from app.services.notifications import ROLE_GROUPS
from app.services.people import GROUPS
from app.web.complaint_view import CRITERIA
from app.web.presenters import HISTORY_TYPES
from tests.sla.conftest import HOUR, Case

SLA_CODES = {
    "not_contacted_within_12h",
    "unresolved_one_month",
    "general_24h",
    "important_6h",
    "major_12h",
    "crisis_2h",
    "sales_internal_3_working_days",
    "sales_external_7_working_days",
}
AUDIT_CODES = {*HISTORY_TYPES, "assignee_refused", "task_assigned", "severity_escalated"}
KNOWN = {c for c in {*CRITERIA, *SLA_CODES, *ROLE_GROUPS, *GROUPS, *AUDIT_CODES} if "_" in c}
CODE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, KNOWN), key=len, reverse=True)) + r")\b")


def visible_text(page: str) -> str:
    """What a person reads: no tags, attributes, scripts or the raw-JSON panel (raw on purpose)."""
    page = re.sub(r'<details class="raw">.*?</details>', " ", page, flags=re.S)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def cases(login):
    late = Case(login)  # not contacted in 12 h: a timer escalates it (reason, new level, notifications)
    late.advance(12 * HOUR + 120)
    login("agent").post(f"/process-instances/{late.id}/repeat-contact", json={"channel": "phone"}, expect=200)
    rejected = Case(login)  # not accepted: the agent explains the rejection
    rejected.complete("Task_ConfirmRecord", {"record_confirmed": True, "acceptance_decision": "rejected"})
    return late, rejected


def test_no_raw_code_on_the_case_inbox_task_and_notification_pages(cases, web_login):
    late, rejected = cases
    [explain] = rejected.tasks()
    pages = {
        "admin": [f"/instances/{late.id}", f"/instances/{rejected.id}", "/instances"],
        "supervisor": ["/", "/notifications", f"/instances/{late.id}"],
        "manager": ["/notifications"],
        "agent": ["/", f"/tasks/{explain['id']}", f"/instances/{rejected.id}"],
    }
    leaks = []
    for user, paths in pages.items():
        for lang in ("zh", "en"):
            browser = web_login(user, lang=lang)
            for path in paths:
                text = visible_text(browser.text(path))
                leaks += [(user, lang, path, code) for code in sorted(set(CODE.findall(text)))]
    assert leaks == [], "\n".join(map(str, leaks))


def test_roles_reasons_rules_and_history_read_as_words_in_both_languages(cases, web_login):
    late, _ = cases
    zh = visible_text(web_login("admin", lang="zh").text(f"/instances/{late.id}"))
    en = visible_text(web_login("admin", lang="en").text(f"/instances/{late.id}"))
    assert "12小时内未联系客户" in zh and "省区经理" in zh and "一般投诉：24 小时内" in zh and "处理时限" in zh  # noqa: RUF001
    assert "The customer was not contacted within 12 hours" in en and "Provincial manager" in en
    assert "General complaint: within 24 hours" in en and "Handling time limit" in en
    assert "交由客服专员" in zh and "For Customer-service agents" in en  # task_created as a sentence


def test_the_history_names_elements_by_their_diagram_names_not_their_ids(cases, web_login):
    _, rejected = cases
    for lang, name in (("zh", "确认登记"), ("en", "Confirm")):
        page = web_login("admin", lang=lang).text(f"/instances/{rejected.id}")
        history = re.search(r'<table class="[^"]*history.*?</table>', page, flags=re.S)
        assert history is not None
        text = visible_text(history.group(0))
        assert name in text and "Task_ConfirmRecord" not in text, (lang, text[:2000])
        assert 'title="Task_ConfirmRecord"' in history.group(0)  # the id is still there for whoever hovers
