"""Routing by complaint subject; approval by authority limit (domain.md §1.4, §1.6)."""

import math
from typing import Any

from handlers.catalogue import HandlerDeclaration, Parameter

SUBJECT_GROUPS: dict[str, str] = {
    "product_quality": "quality",
    "service_quality": "cs_supervisors",
    "contract_dispute": "sales",
    "sales": "sales",
    "after_sales": "aftersales",
    "logistics": "logistics",
    "other": "cs_supervisors",
}

# Authority limits in yuan, lowest first; above the last one the top approver decides.
AUTHORITY_LIMITS: list[tuple[int, str]] = [
    (500, "managers"),
    (1000, "cs_supervisors"),
]
TOP_APPROVER = "marketing_director"


def route_by_subject(params: dict[str, Any]) -> dict[str, Any]:
    """Return ``{"responsible_group": group}`` for ``params["subject"]``."""
    subject = params.get("subject")
    if subject not in SUBJECT_GROUPS:
        known = ", ".join(SUBJECT_GROUPS)
        raise ValueError(f"unknown complaint subject {subject!r}; expected one of: {known}")
    return {"responsible_group": SUBJECT_GROUPS[subject]}


ROUTE_BY_SUBJECT = HandlerDeclaration(
    zh="按投诉主题确定责任部门",
    en="The department responsible for a complaint subject",
    parameters=(Parameter("subject", "string", True, "投诉主题", f"complaint subject: {', '.join(SUBJECT_GROUPS)}"),),
    result=("responsible_group",),
)


def approval_level_for(params: dict[str, Any]) -> dict[str, Any]:
    """Return ``{"approver_group", "limit"}`` to approve ``params["amount"]`` yuan.

    Store or regional managers approve up to 500 yuan, customer-service supervisors
    up to 1,000 yuan, the marketing director anything above (``limit`` is then None).
    """
    amount = params.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise ValueError(f"amount must be a number of yuan, got {amount!r}")
    if not math.isfinite(amount) or amount < 0:
        raise ValueError(f"amount must be a finite number of yuan >= 0, got {amount}")
    for limit, group in AUTHORITY_LIMITS:
        if amount <= limit:
            return {"approver_group": group, "limit": limit}
    return {"approver_group": TOP_APPROVER, "limit": None}


APPROVAL_LEVEL_FOR = HandlerDeclaration(
    zh="按金额确定审批权限 (≤500 经理, ≤1000 主管, 以上营销总监)",
    en="Who approves an amount (up to 500 managers, up to 1,000 supervisors, above: marketing director)",
    parameters=(Parameter("amount", "number", True, "金额 (元)", "amount in yuan"),),
    result=("approver_group", "limit"),
)
