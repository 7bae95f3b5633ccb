"""Severity levels A-E of a complaint (domain.md §3, the dairy group's table).

Which criteria a complaint meets at intake is the ``severity_criteria`` decision table's
(processes/severity_criteria.dmn, analysts change it); here is what a level means: its colour,
suggested grade and the people responsible and informed, used at intake and on every escalation.
The time-based criteria (not handled within 24 h, unresolved after a month) belong to timers.
"""

from typing import Any

from handlers.catalogue import HandlerDeclaration, Parameter

# Who is responsible (first, then second) and who is informed, per level.
LEVELS: dict[str, dict[str, Any]] = {
    "A": {
        "colour": "red",
        "grade": "crisis",
        "responsible": ["sales_director", "pr_legal"],
        "informed": [
            "vice_president",
            "centre_general_manager",
            "sales_director",
            "pr_legal",
            "regional_manager",
            "cs_head",
        ],
    },
    "B": {
        "colour": "orange",
        "grade": "major",
        "responsible": ["regional_manager", "pr_legal"],
        "informed": [
            "centre_general_manager",
            "sales_director",
            "pr_legal",
            "regional_manager",
            "cs_head",
        ],
    },
    "C": {
        "colour": "yellow",
        "grade": "important",
        "responsible": ["regional_manager", "pr_legal"],
        "informed": [
            "sales_director",
            "pr_legal",
            "regional_manager",
            "provincial_manager",
            "cs_head",
        ],
    },
    "D": {
        "colour": "blue",
        "grade": "important",
        "responsible": ["provincial_manager"],
        "informed": [
            "regional_manager",
            "provincial_manager",
            "city_manager",
            "distributor_head",
            "cs_head",
        ],
    },
    "E": {
        "colour": "none",
        "grade": "general",
        "responsible": ["city_manager"],
        "informed": ["city_manager", "distributor_head"],
    },
}

EXTORTION_THRESHOLD = 2_000  # yuan: a larger demand without medical proof is suspect
GENERAL_COMPLAINT = {"criterion": "general_complaint", "level": "E"}


def severity_from_criteria(params: dict[str, Any]) -> dict[str, Any]:
    """The severity of a complaint from the criteria it meets.

    ``params["reasons"]``: ``[{"criterion", "level"}]``, the rows of the ``severity_criteria``
    decision table that matched the intake facts (processes/severity_criteria.dmn); none means a
    general complaint (level E). ``claim_amount`` and ``medical_proof`` decide
    ``suspected_extortion``. Returns ``level`` (the most severe reason's), ``colour``, ``grade``
    (suggested general/important/major/crisis), ``reasons`` (most severe first, table order
    within a level), ``responsible``, ``informed`` and ``suspected_extortion``.
    """
    reasons = params.get("reasons")
    if not isinstance(reasons, list) or not all(
        isinstance(r, dict) and r.get("level") in LEVELS and isinstance(r.get("criterion"), str) for r in reasons
    ):
        raise ValueError(f"reasons must be a list of {{criterion, level A-E}}, got {reasons!r}")
    ordered = sorted(({"criterion": r["criterion"], "level": r["level"]} for r in reasons), key=lambda r: r["level"])
    ordered = ordered or [dict(GENERAL_COMPLAINT)]
    level = ordered[0]["level"]
    roles = LEVELS[level]
    claim_amount = params.get("claim_amount")
    if claim_amount is not None and (isinstance(claim_amount, bool) or not isinstance(claim_amount, int | float)):
        raise ValueError(f"claim_amount must be a number or absent, got {claim_amount!r}")
    return {
        "level": level,
        "colour": roles["colour"],
        "grade": roles["grade"],
        "responsible": list(roles["responsible"]),
        "informed": list(roles["informed"]),
        "reasons": ordered,
        "suspected_extortion": claim_amount is not None
        and claim_amount > EXTORTION_THRESHOLD
        and not params.get("medical_proof"),
    }


SEVERITY_FROM_CRITERIA = HandlerDeclaration(
    zh="由决策表 severity_criteria 命中的条件判定投诉等级 A-E",
    en="Severity level A-E from the criteria the severity_criteria decision table matched",
    parameters=(
        Parameter(
            "reasons", "array", True, "决策表命中的条件 [{criterion, level}]", "matched rows [{criterion, level}]"
        ),
        Parameter("claim_amount", "number", False, "索赔金额 (元)", "amount claimed, yuan"),
        Parameter("medical_proof", "boolean", False, "有医疗证明", "medical proof was provided"),
    ),
    result=("level", "colour", "grade", "responsible", "informed", "reasons", "suspected_extortion"),
)
