"""Severity levels A-E of a complaint at intake (domain.md §3, the dairy group's table).

Only the criteria known when the complaint is registered are checked here; the
time-based ones (not handled within 24 h, unresolved after a month) belong to timers.
"""

from typing import Any

from handlers.catalogue import HandlerDeclaration, Parameter

CHANNELS = ("phone", "email", "online", "walk_in", "letter", "third_party")

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

# Intake flags (optional booleans of the intake record) and the level each one triggers.
FLAG_LEVELS: dict[str, str] = {
    "failed_inspection": "A",
    "media_exposed": "A",
    "sued": "A",
    "media_threat": "B",
    "legal_action": "B",
    "health_symptoms": "B",
    "uncooperative": "B",
    "distributor_batch_feedback": "C",
    "written_liability_requested": "C",
}

CLAIM_LEVEL_C = 10_000  # yuan: a claim of this much or more is level C
EXTORTION_THRESHOLD = 2_000  # yuan: a larger demand without medical proof is suspect
REPEATED_CONTACTS_LEVEL_C = 3  # called this many times or more without being handled
SECONDARY_COMPLAINT_CONTACTS = 2  # the consumer's second contact makes a secondary complaint


def classify_severity(params: dict[str, Any]) -> dict[str, Any]:
    """Classify an intake record into level A-E.

    ``params`` holds the intake fields ``channel``, ``forwarded_by``, ``claim_amount``,
    ``contact_count``, ``medical_proof`` and the flags of ``FLAG_LEVELS``; a missing or
    None value means "not reported". Returns ``level``, ``colour``, ``grade`` (suggested
    general/important/major/crisis), ``reasons`` (``[{"criterion", "level"}]``, most
    severe first), ``responsible``, ``informed`` and ``suspected_extortion``.
    """
    channel = params.get("channel")
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}, got {channel!r}")
    claim_amount = _optional_number(params, "claim_amount")
    contact_count = _optional_number(params, "contact_count")
    medical_proof = _optional_flag(params, "medical_proof")

    reasons = [
        {"criterion": flag, "level": level} for flag, level in FLAG_LEVELS.items() if _optional_flag(params, flag)
    ]
    if channel == "third_party" and params.get("forwarded_by") == "state_body":
        reasons.append({"criterion": "forwarded_by_state_body", "level": "C"})
    if claim_amount is not None and claim_amount >= CLAIM_LEVEL_C:
        reasons.append({"criterion": "claim_amount_10000_or_more", "level": "C"})
    if contact_count is not None and contact_count >= REPEATED_CONTACTS_LEVEL_C:
        reasons.append({"criterion": "contacted_3_or_more_times", "level": "C"})
    if contact_count is not None and contact_count >= SECONDARY_COMPLAINT_CONTACTS:
        reasons.append({"criterion": "secondary_complaint", "level": "D"})
    if not reasons:
        reasons.append({"criterion": "general_complaint", "level": "E"})
    reasons.sort(key=lambda reason: reason["level"])

    level = reasons[0]["level"]
    roles = LEVELS[level]
    return {
        "level": level,
        "colour": roles["colour"],
        "grade": roles["grade"],
        "responsible": list(roles["responsible"]),
        "informed": list(roles["informed"]),
        "reasons": reasons,
        "suspected_extortion": claim_amount is not None and claim_amount > EXTORTION_THRESHOLD and not medical_proof,
    }


_FLAG_TEXT: dict[str, tuple[str, str]] = {
    "failed_inspection": ("产品抽检不合格", "the product failed an official inspection"),
    "media_exposed": ("已被媒体曝光", "the complaint is already in the media"),
    "sued": ("已起诉", "the consumer has sued"),
    "media_threat": ("威胁找媒体", "the consumer threatens to go to the media"),
    "legal_action": ("威胁法律行动", "the consumer threatens legal action"),
    "health_symptoms": ("出现健康症状", "the consumer reports health symptoms"),
    "uncooperative": ("消费者不配合", "the consumer does not cooperate"),
    "distributor_batch_feedback": ("经销商反馈同批次问题", "distributors report the same batch"),
    "written_liability_requested": ("要求书面认责", "a written admission of liability is demanded"),
}
CLASSIFY_SEVERITY = HandlerDeclaration(
    zh="按受理时的事实判定投诉等级 A-E",
    en="Severity level A-E from the intake facts",
    parameters=(
        Parameter("channel", "string", True, "受理渠道", f"intake channel: {', '.join(CHANNELS)}"),
        Parameter("forwarded_by", "string", False, "转交单位 (第三方渠道)", "who forwarded it (third-party channel)"),
        Parameter("claim_amount", "number", False, "索赔金额 (元)", "amount claimed, yuan"),
        Parameter("contact_count", "number", False, "来电/来访次数", "how many times the consumer got in touch"),
        Parameter("medical_proof", "boolean", False, "有医疗证明", "medical proof was provided"),
        *(Parameter(flag, "boolean", False, zh, en) for flag, (zh, en) in _FLAG_TEXT.items()),
    ),
    result=("level", "colour", "grade", "responsible", "informed", "reasons", "suspected_extortion"),
)


def _optional_flag(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{name} must be true, false or absent, got {value!r}")
    return bool(value)


def _optional_number(params: dict[str, Any], name: str) -> float | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{name} must be a number >= 0 or absent, got {value!r}")
    return value
