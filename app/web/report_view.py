"""The reports page's data: the figures of ``services/reports`` with labels in the page's
language, and the charts' data island (``static/js/reports.js`` draws it)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask_babel import gettext
from sqlalchemy.orm import Session

from app.config import ROOT
from app.services import complaint_rate, report_period, reports
from app.services.people import GROUPS
from app.services.report_period import Period
from app.web.forms_render import enum_label
from app.web.presenters import current_lang, group_name

START_FORM = ROOT / "forms" / "complaint_handling.start.json"
GROUPINGS = ("subject", "severity", "channel", "department", "month")


def _start_fields(path: Path = START_FORM) -> dict[str, Any]:
    properties: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["properties"]
    return properties


def grouping_titles() -> dict[str, str]:
    return {
        "subject": gettext("By subject"),
        "severity": gettext("By severity"),
        "channel": gettext("By channel"),
        "department": gettext("By department"),
        "month": gettext("By month"),
    }


def sla_titles() -> dict[str, str]:
    return {
        "contact": gettext("Contact within 12 h"),
        "first_reply": gettext("First reply within 24 h"),
        "site_visit": gettext("Site visit within 2 working days"),
        "handling": gettext("Handling deadline"),
        "unresolved": gettext("Resolved within one month"),
        "follow_up": gettext("Follow-up visit within one week"),
        "investigation_report": gettext("Quality investigation report within 1 day"),
        "promise": gettext("Within the promised waiting time"),
        "quality": gettext("Quality complaint handled within 24 h"),
    }


def preset_titles() -> dict[str, str]:
    return {"day": gettext("Day"), "week": gettext("ISO week"), "month": gettext("Month")}


def period_links(period: Period) -> dict[str, Any]:
    """The day, week and month presets around the shown period's last day (the morning meeting's
    day, the region's week, the centre's month), and for a preset its previous and next one."""
    anchor = period.last.isoformat()
    presets = []
    for kind, title in preset_titles().items():
        preset = report_period.preset_period(kind, anchor, period.department)
        active = kind == period.kind
        presets.append({"kind": kind, "title": title, "name": preset.name, "date": anchor, "active": active})
    steps = {}
    if period.kind in report_period.PRESETS:
        steps = {
            "previous": (period.first - timedelta(days=1)).isoformat(),
            "next": (period.last + timedelta(days=1)).isoformat(),
        }
    return {"presets": presets, "steps": steps}


def key_label(grouping: str, key: str, fields: dict[str, Any]) -> str:
    """A grouping's value as the page shows it ("" = not recorded)."""
    if key == "":
        return gettext("Not recorded")
    if grouping in ("subject", "channel"):
        return enum_label(fields.get(grouping, {}), key, current_lang())
    if grouping == "department":
        return group_name(key)
    if grouping == "severity":
        return gettext("Level %(level)s", level=key)
    return key


def _chart(chart_id: str, kind: str, labels: list[str], series: list[tuple[str, list[Any]]]) -> dict[str, Any]:
    return {
        "id": chart_id,
        "type": kind,
        "labels": labels,
        "datasets": [{"label": name, "data": data} for name, data in series],
    }


def reports_page_data(session: Session, period: Period, month: Period) -> dict[str, Any]:
    """Everything the page shows for the period (breakdowns, time limits, lists) and ``month``."""
    fields = _start_fields()
    breakdowns = []
    charts = []
    for grouping in GROUPINGS:
        rows = reports.summary_rows(session, period, grouping)
        labelled = [{**row, "label": key_label(grouping, row["key"], fields)} for row in rows]
        breakdowns.append({"grouping": grouping, "title": grouping_titles()[grouping], "rows": labelled})
        charts.append(
            _chart(
                f"chart-{grouping}",
                "line" if grouping == "month" else "bar",
                [r["label"] for r in labelled],
                [
                    (gettext("Received"), [r["received"] for r in rows]),
                    (gettext("Overdue"), [r["overdue"] for r in rows]),
                ],
            )
        )
    sla = [{**rate, "label": sla_titles()[rate["rule"]]} for rate in reports.sla_rates(session, period)]
    charts.append(
        _chart(
            "chart-sla",
            "bar",
            [r["label"] for r in sla],
            [(gettext("Met"), [r["met"] for r in sla]), (gettext("Missed"), [r["missed"] for r in sla])],
        )
    )
    overdue = [
        {
            **case,
            "subject_label": key_label("subject", case["subject"] or "", fields),
            "missed_labels": [sla_titles()[r] for r in case["missed"]],
        }
        for case in reports.open_overdue(session, period)
    ]
    return {
        "totals": reports.totals(session, period),
        "breakdowns": breakdowns,
        "sla": sla,
        "repeated_offenders": reports.repeated_offenders(session, period),
        "top_products": reports.top_products(session, period),
        "open_overdue": overdue,
        "complaint_rate": complaint_rate.complaint_rates(session, period),
        "monthly": reports.totals(session, month),
        "monthly_complaint_rate": complaint_rate.complaint_rates(session, month)["per_10000_units"],
        "improvement_actions": reports.improvement_actions(session, month),
        "charts": charts,
        "departments": sorted(GROUPS),
        "period_links": period_links(period),
    }
