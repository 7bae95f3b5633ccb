"""Component schemas of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from app.api.openapi_instance_search import SEARCH_PARAMS, STATUS_COUNTS
from app.services import cursors, instance_lists


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


_TIME = {"type": "string", "format": "date-time"}
_NTIME = {"type": ["string", "null"], "format": "date-time"}
_CALLED = {
    "type": "object",
    "additionalProperties": {"type": "integer"},
    "description": "the version of each process of another diagram its call activities run (bound at deploy)",
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "details": {"type": "array", "items": {"type": "object"}},
                },
            }
        },
    },
    "User": {
        "type": "object",
        "properties": {
            "username": {"type": "string"},
            "display_name": {"type": "string"},
            "groups": {"type": "array", "items": {"type": "string"}},
            "roles": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Definition": {
        "type": "object",
        "required": ["key", "version", "name"],
        "properties": {
            "key": {"type": "string"},
            "version": {"type": "integer"},
            "name": {"type": "string"},
            "note": {"type": ["string", "null"], "description": "the change note given with the deploy"},
            "deployed_at": _TIME,
            "called_versions": _CALLED,
        },
    },
    "DefinitionStatistics": {
        "type": "object",
        "required": ["instances", "elements"],
        "properties": {
            "instances": {
                "type": "object",
                "description": "instances of the version per status; each stops counting at 10,000",
                "required": ["running", "completed", "suspended", "terminated", "error"],
                "additionalProperties": {"type": "integer"},
            },
            "instances_are_exact": {"type": "boolean", "description": "false when a count reached its cap"},
            "elements": {
                "type": "object",
                "description": "element id -> ready tasks and pending timers (active), open incidents (failed)",
                "additionalProperties": {
                    "type": "object",
                    "required": ["active", "failed"],
                    "properties": {"active": {"type": "integer"}, "failed": {"type": "integer"}},
                },
            },
        },
    },
    "Task": {
        "type": "object",
        "required": [
            "id",
            "instance_id",
            "process_key",
            "element_id",
            "name",
            "lane",
            "candidate_groups",
            "assignee",
            "due_at",
            "created_at",
        ],
        "properties": {
            "id": {"type": "string"},
            "instance_id": {"type": "integer"},
            "process_key": {"type": "string"},
            "element_id": {"type": "string"},
            "name": {"type": "string"},
            "lane": {"type": ["string", "null"]},
            "candidate_groups": {"type": "array", "items": {"type": "string"}},
            "assignee": {"type": ["string", "null"]},
            "due_at": _NTIME,
            "due_rule": {
                "type": ["string", "null"],
                "description": "element id of the timer whose due time due_at is (null: no time limit)",
            },
            "due_rule_name": {"type": ["string", "null"], "description": "that timer's name in the diagram"},
            "created_at": _TIME,
            "form_key": {"type": ["string", "null"]},
        },
    },
    "TaskDetail": {
        "allOf": [
            _ref("Task"),
            {
                "type": "object",
                "properties": {
                    "form": {
                        "type": "object",
                        "properties": {"key": {"type": ["string", "null"]}, "schema": {"type": "object"}},
                    },
                    "data": {"type": "object"},
                },
            },
        ]
    },
    "InstanceSummary": {
        "type": "object",
        "required": ["id", "process_key", "version", "status", "business_key", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "process_key": {"type": "string"},
            "version": {"type": "integer"},
            "status": {"enum": ["running", "completed", "suspended", "terminated", "error"]},
            "business_key": {"type": ["string", "null"]},
            "created_at": _TIME,
        },
    },
    "Instance": {
        "allOf": [
            _ref("InstanceSummary"),
            {
                "type": "object",
                "properties": {
                    "variables": {"type": "object"},
                    "called_versions": _CALLED,
                    "tasks": {"type": "array", "items": _ref("Task")},
                    "exclusions": {
                        "type": "array",
                        "description": "people excluded from the case's conflict-free tasks (回避), and why",
                        "items": {
                            "type": "object",
                            "properties": {
                                "username": {"type": "string"},
                                "name": {"type": "string"},
                                "reason": {"enum": ["took_decision", "registered_original", "handled_original"]},
                                "text": {"type": "string"},
                                "params": {"type": "object"},
                            },
                        },
                    },
                    "links": {
                        "type": "array",
                        "description": "the crises the case started (role crisis), or the complaint it was "
                        "started from (role source): reason complaint_level, attitude_complaint or batch_recall "
                        "(the recall a batch review decided)",
                        "items": {
                            "type": "object",
                            "properties": {
                                "instance_id": {"type": "integer"},
                                "business_key": {"type": ["string", "null"]},
                                "process_key": {"type": "string"},
                                "status": {"type": "string"},
                                "reason": {"enum": ["complaint_level", "attitude_complaint", "batch_recall"]},
                                "role": {"enum": ["crisis", "source"]},
                            },
                        },
                    },
                    "batch": {
                        "type": ["object", "null"],
                        "description": "the batch a complaint is linked to (rule 3.7); null if none",
                        "properties": {
                            "id": {"type": "integer"},
                            "kind": {"enum": ["same_batch", "plant_date", "adjacent_dates", "consumers"]},
                            "product_name": {"type": "string"},
                            "problem": {"type": "string"},
                            "batch_number": {"type": ["string", "null"]},
                            "plant": {"type": ["string", "null"]},
                            "production_date": {"type": ["string", "null"], "format": "date"},
                            "case_count": {"type": "integer"},
                            "review_instance_id": {"type": ["integer", "null"]},
                            "recall_decided": {"type": ["boolean", "null"]},
                        },
                    },
                    "timers": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "element_id": {"type": "string"},
                                "name": {"type": "string"},
                                "due_at": _NTIME,
                            },
                        },
                    },
                    "history": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "at": _TIME,
                                "type": {"type": "string"},
                                "element_id": {"type": ["string", "null"]},
                                "actor": {"type": ["string", "null"]},
                                "detail": {"type": "object"},
                            },
                        },
                    },
                    "incidents": {"type": "array", "items": {"type": "object"}},
                },
            },
        ]
    },
}


def _query(name: str, schema: dict[str, Any], desc: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": desc}


def _cursor_param(desc: str) -> dict[str, Any]:
    return _query("cursor", {"type": "string", "maxLength": cursors.MAX_LENGTH}, desc)


def _next_cursor_header(desc: str) -> dict[str, Any]:
    return {"X-Next-Cursor": {"description": desc, "schema": {"type": "string"}}}


# GET /tasks: a bounded page (shared/api-contract.md "Bounded lists").
TASK_LIST_PARAMS = [
    _query("instance_id", {"type": "integer"}, "only the tasks of this instance (applied before paging)"),
    _query("scope", {"type": "string", "enum": ["mine", "group", "all"], "default": "group"}, "which tasks"),
    _query(
        "sort",
        {"type": "string", "enum": ["created", "due"], "default": "created"},
        "created: oldest first (created_at, id); due: by due time, those without one last, then as created",
    ),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}, "page size"),
    _cursor_param("opaque: the X-Next-Cursor of the previous page, with the same sort (400 naming cursor otherwise)"),
]
TASK_LIST_OK = {
    "description": "One page of tasks, in the sort order",
    "headers": _next_cursor_header("the cursor of the next page; absent on the last page"),
    "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}}},
}

# GET /process-instances: page numbers up to the count's cap, a cursor for any depth.
_CAP = instance_lists.COUNT_CAP
_HANDLER_CAP = instance_lists.HANDLER_COUNT_CAP
INSTANCE_LIST_PARAMS = [
    _query("process_key", {"type": "string"}, "only instances of this process"),
    _query("status", {"type": "string"}, "only instances in this status"),
    _query("business_key", {"type": "string"}, "the instance with this registration number"),
    _query("started_by", {"type": "string"}, "username, or 'me': complaints the caller registered (first responder)"),
    _query(
        "page",
        {"type": "integer", "minimum": 1, "default": 1},
        f"page number, newest first; beyond page 1, page * per_page may be at most {_CAP} ({_HANDLER_CAP} for "
        "callers who see only the complaints they are involved in; 400 naming page past it: page on with "
        "cursor); must be 1 or absent with a cursor",
    ),
    _query(
        "per_page",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": instance_lists.MAX_PER_PAGE,
            "default": instance_lists.DEFAULT_PER_PAGE,
        },
        "page size",
    ),
    _cursor_param(
        "opaque: the next_cursor (X-Next-Cursor) of the previous page, with the same filters; the page "
        "starts after it, at any depth (400 naming cursor for anything else)"
    ),
    *SEARCH_PARAMS,
]
INSTANCE_LIST_OK = {
    "description": "One page of instances, newest first (id descending)",
    "headers": _next_cursor_header("the cursor of the next page (the body's next_cursor); absent on the last page"),
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["items", "total", "total_is_exact", "next_cursor"],
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/InstanceSummary"}},
                    "total": {
                        "type": "integer",
                        "description": f"matching instances, counted up to {_CAP} (then {_CAP} and not exact; "
                        f"{_HANDLER_CAP} for callers who see only the complaints they are involved in)",
                    },
                    "total_is_exact": {"type": "boolean", "description": "false when total is the cap"},
                    "next_cursor": {
                        "type": ["string", "null"],
                        "description": "pass as cursor for the next page; null on the last page",
                    },
                    "status_counts": STATUS_COUNTS,
                },
            }
        }
    },
}
