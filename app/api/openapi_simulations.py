"""OpenAPI paths of simulation runs (``app.api.simulations``), merged into the document."""

from __future__ import annotations

from typing import Any

from app.api.openapi_operations import XML, json_object, op, path_param, resp
from app.services import simulation_log

_TIMER = {
    "type": "object",
    "properties": {
        "element_id": {"type": "string"},
        "name": {"type": "string"},
        "due": {"type": ["string", "null"], "format": "date-time"},
        "interrupting": {"type": "boolean"},
    },
}
_TASK = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "element_id": {"type": "string"},
        "name": {"type": "string"},
        "form_key": {"type": ["string", "null"]},
        "candidate_groups": {"type": "array", "items": {"type": "string"}},
        "schema": {"type": "object", "description": "the task's form (JSON Schema)"},
        "sample": {"type": "object", "description": "an answer generated from the form"},
    },
}
_EVENT = {
    "type": "object",
    "properties": {
        "at": {"type": "string", "format": "date-time", "description": "the run's virtual time"},
        "kind": {
            "type": "string",
            "enum": list(simulation_log.KINDS),
        },
        "element_id": {"type": ["string", "null"]},
        "message": {"type": "string"},
        "params": {"type": "object", "description": "would_notify: groups, users, kind, title (never sent)"},
    },
}
_SUMMARY_PROPERTIES: dict[str, Any] = {
    "id": {"type": "integer"},
    "owner": {"type": "string"},
    "process_key": {"type": "string"},
    "version": {"type": ["integer", "null"], "description": "null for a diagram not deployed"},
    "definition_id": {"type": ["integer", "null"]},
    "draft_id": {"type": ["integer", "null"]},
    "status": {"type": "string", "enum": ["running", "completed", "error"]},
    "virtual_now": {"type": "string", "format": "date-time", "description": "the run's own clock"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
    "lock_version": {"type": "integer", "description": "send it back as lock_version: 409 when stale"},
}
SUMMARY = {"type": "object", "properties": _SUMMARY_PROPERTIES}
RUN = {
    "type": "object",
    "properties": {
        **_SUMMARY_PROPERTIES,
        "tasks": {"type": "array", "items": _TASK},
        "timers": {"type": "array", "items": _TIMER, "description": "waiting timers, soonest first"},
        "elements": {"type": "object", "description": "by BPMN element id: state and count (as the case diagram)"},
        "flows_taken": {"type": "array", "items": {"type": "string"}},
        "incident": {"type": ["object", "null"], "description": "element_id and message of a failure"},
        "variables": {"type": "object"},
        "log": {"type": "array", "items": _EVENT, "description": "the last 200 events, oldest first"},
    },
}
_LOCK = {"lock_version": {"type": "integer", "description": "optional; 409 when the run changed since"}}


def simulation_paths() -> dict[str, Any]:
    """Start, list, read, answer a task, move the clock, delete (analysts and admins)."""
    run_id = path_param("id", "integer")
    return {
        "/simulations": {
            "post": op(
                "Start a simulation run of a version (process_key, version), a draft (draft_id) or a diagram "
                "(xml), on its own virtual clock (start_at, default now); variables default to a sample start record. "
                "Never a "
                "process instance: not in the inbox, lists, reports or counts",
                {"201": resp("Run", RUN)},
                400,
                401,
                403,
                404,
                body=json_object(
                    {
                        "process_key": {"type": "string"},
                        "version": {"type": "integer"},
                        "xml": {"type": "string", "description": "BPMN XML of a diagram not deployed"},
                        "draft_id": {
                            "type": "integer",
                            "description": "one of your drafts: its diagram (or xml, unsaved edits) and its forms; "
                            "the run is deleted with the draft",
                        },
                        "variables": {"type": "object"},
                        "start_at": {"type": "string", "format": "date-time"},
                    }
                ),
                tag="simulations",
            ),
            "get": op(
                "My simulation runs, newest first (at most 50)",
                {"200": resp("Runs", {"type": "object", "properties": {"items": {"type": "array", "items": SUMMARY}}})},
                401,
                403,
                tag="simulations",
            ),
        },
        "/simulations/{id}": {
            "get": op(
                "A run: its virtual clock, ready tasks with a sample answer, waiting timers, diagram state, log "
                "(404 for another analyst's run)",
                {"200": resp("Run", RUN)},
                401,
                403,
                404,
                params=[run_id],
                tag="simulations",
            ),
            "delete": op(
                "Delete a run", {"204": resp("Deleted")}, 401, 403, 404, 409, params=[run_id], tag="simulations"
            ),
        },
        "/simulations/{id}/xml": {
            "get": op(
                "The BPMN XML the run executes",
                {"200": XML},
                401,
                403,
                404,
                params=[run_id],
                tag="simulations",
            )
        },
        "/simulations/{id}/tasks/{task_id}/complete": {
            "post": op(
                "Answer a ready task of the run (checked against its form: 422 naming the fields)",
                {"200": resp("Run", RUN)},
                401,
                403,
                404,
                409,
                params=[run_id, path_param("task_id")],
                body=json_object({"data": {"type": "object"}, **_LOCK}, ["data"]),
                tag="simulations",
            )
        },
        "/simulations/{id}/clock": {
            "post": op(
                "Move the run's clock forward (one of advance_seconds, working_hours, to, next_weekday + time); "
                "fires every timer due on the way, in order. The server's clock does not move",
                {"200": resp("Run", RUN)},
                400,
                401,
                403,
                404,
                409,
                params=[run_id],
                body=json_object(
                    {
                        "advance_seconds": {"type": "number", "exclusiveMinimum": 0},
                        "working_hours": {"type": "number", "exclusiveMinimum": 0},
                        "to": {"type": "string", "format": "date-time"},
                        "next_weekday": {
                            "type": "string",
                            "enum": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
                        },
                        "time": {"type": "string", "description": "HH:MM, with next_weekday (default 09:00)"},
                        **_LOCK,
                    }
                ),
                tag="simulations",
            )
        },
    }
