"""OpenAPI paths of the responsibility findings (``app/api/findings.py``, rule 7.4)."""

from __future__ import annotations

from typing import Any

from app.api.openapi_operations import json_object, op, path_param, query_param, resp

FINDING = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "instance_id": {"type": "integer", "description": "the complaint case"},
        "registration_number": {"type": ["string", "null"]},
        "employee": {"type": "string"},
        "store": {"type": ["string", "null"]},
        "valid": {"type": "boolean", "description": "valid (成立); false: unreasonable"},
        "handled_patiently": {"type": "boolean"},
        "month": {"type": "string", "description": "YYYY-MM the finding counts in"},
        "status": {"type": "string", "enum": ["active", "appealed", "upheld", "overturned"]},
        "counts": {"type": "boolean", "description": "counts in the monthly accountability (not overturned)"},
        "appeal_due": {"type": "string", "format": "date-time", "description": "10 working days after the finding"},
        "may_appeal": {"type": "boolean"},
        "appeal_reason": {"type": ["string", "null"]},
        "appeal_instance_id": {"type": ["integer", "null"], "description": "the finding_appeal case"},
        "decision_reason": {"type": ["string", "null"]},
        "decided_by": {"type": ["string", "null"]},
    },
}
_WHO = "the employee it names, the supervision group, HR, admins; 404 to anyone else"


def finding_paths() -> dict[str, Any]:
    """The findings list, one finding, and the appeal."""
    return {
        "/findings": {
            "get": op(
                f"An employee's responsibility findings, newest first ({_WHO})",
                {
                    "200": resp(
                        "Findings", {"type": "object", "properties": {"items": {"type": "array", "items": FINDING}}}
                    )
                },
                401,
                404,
                params=[query_param("employee", desc="a user name (supervision, HR, admins); default: yourself")],
                tag="findings",
            )
        },
        "/findings/{finding_id}": {
            "get": op(
                f"One responsibility finding ({_WHO})",
                {"200": resp("Finding", FINDING)},
                401,
                404,
                params=[path_param("finding_id", "integer")],
                tag="findings",
            )
        },
        "/findings/{finding_id}/appeal": {
            "post": op(
                "The employee appeals the finding to the supervision and evaluation group: 403 for anyone "
                "else, 409 once appealed or decided or after 10 working days, 422 without appeal_reason",
                {"201": resp("The finding, now appealed", FINDING)},
                401,
                403,
                404,
                409,
                422,
                body=json_object({"appeal_reason": {"type": "string", "maxLength": 4000}}, ["appeal_reason"]),
                params=[path_param("finding_id", "integer")],
                tag="findings",
            )
        },
    }
