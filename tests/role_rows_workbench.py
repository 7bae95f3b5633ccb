"""Role-table rows of the analysts' workbench: process versions (deploy, validate, files, diff,
statistics, migration), the form and decision-table editors, the modeler and its drafts, and simulation
runs. ``tests/role_table.py`` explains the words; ``tests/role_rows.py`` assembles the areas.

A new page or form action of this area: a row at the end of ``PAGES``; a new API endpoint: at the end of
``ENDPOINTS``."""

from __future__ import annotations

from typing import Any

from tests.diagrams import two_step
from tests.role_table import COMPLAINT, CONFIRM, CONFIRM_FORM, V1, Row, any_user, row


def nobodys_draft(method: str, rule_tail: str = "", path_tail: str | None = None, **body: Any) -> Row:
    """A drafts endpoint called on draft 999999, which is nobody's: analysts and admins get 404."""
    rule = f"{V1}/drafts/<int:draft_id>{rule_tail}"
    path = f"{V1}/drafts/999999{rule_tail if path_tail is None else path_tail}"
    return row(method, rule, path, "401 403 403 404 404", "no such draft", **body)


PAGES = [
    # process versions: their list, diff and migration
    row("GET", "/definitions", None, "login 403 403 ok ok", "analysts and admins"),
    row(
        "GET",
        "/definitions/<key>/diff/<int:a>/<int:b>",
        "/definitions/{key}/diff/{version}/{version}",
        "login 403 403 ok ok",
        "analysts and admins (a version against itself: no change)",
    ),
    row(
        "GET",
        "/definitions/<key>/versions/<int:version>/migration",
        "/definitions/{key}/versions/{version}/migration",
        "login 403 403 ok ok",
        "analysts and admins see the dry run",
    ),
    row(
        "POST",
        "/definitions/<key>/versions/<int:version>/migration",
        "/definitions/{key}/versions/{version}/migration",
        "login 403 403 404 404",
        "analysts and admins migrate; to a version the process does not have",
        form={"to_version": "999", "instance": "1"},
    ),
    # the form and decision-table editors, the modeler
    row("GET", "/workbench/forms/edit", "/workbench/forms/edit?form=investigate", "login 403 403 ok ok", "analysts"),
    row(
        "GET",
        "/workbench/decisions/edit",
        "/workbench/decisions/edit?key=complaint_handling&version=1&name=approval_authority.dmn",
        "login 403 403 ok ok",
        "analysts and admins edit decision tables",
    ),
    row(
        "POST",
        "/workbench/forms/check",
        None,
        "login 403 403 ok ok",
        "analysts and admins check a form",
        form={"schema": '{"type": "object", "properties": {}}'},
    ),
    row(
        "GET",
        "/workbench/model",
        "/workbench/model?key={key}&version={version}",
        "login 403 403 ok ok",
        "the modeler: analysts and admins",
    ),
    # simulation runs: analysts and admins; analyst owns {simulation}, admins see every run
    row("GET", "/simulations", None, "login 403 403 ok ok", "the workbench: one's own runs"),
    row("POST", "/simulations", None, "login 403 403 ok ok", "the workbench", form={"process_key": COMPLAINT}),
    row("GET", "/simulations/<int:run_id>", "/simulations/{simulation}", "login 403 403 ok ok", "owner and admins"),
    row(
        "POST",
        "/simulations/<int:run_id>/clock",
        "/simulations/{simulation}/clock",
        "login 403 403 ok ok",
        "owner and admins",
        form={"move": "hour"},
    ),
    row(
        "POST",
        "/simulations/<int:run_id>/tasks/<task_id>",
        "/simulations/{simulation}/tasks/{simulation_task}",
        "login 403 403 ok ok",
        "owner and admins",
        form=CONFIRM_FORM,
    ),
    row(
        "POST",
        "/simulations/<int:run_id>/delete",
        "/simulations/{simulation}/delete",
        "login 403 403 ok ok",
        "owner and admins",
    ),
    # drafts: analysts and admins; a draft is its owner's (999999: nobody's, so 404)
    row("GET", "/workbench", None, "login 403 403 ok ok", "analysts' landing page; admins have it in the menu"),
    row(
        "GET",
        "/workbench/drafts/<int:draft_id>",
        "/workbench/drafts/999999",
        "login 403 403 404 404",
        "the modeler on a draft: the owner's (an admin reads any); no such draft",
    ),
    row(
        "POST",
        "/workbench/drafts",
        None,
        "login 403 403 ok ok",
        "analysts and admins start a draft (a blank diagram here)",
        form={"source": "blank", "name": "role table draft"},
    ),
    row(
        "POST",
        "/workbench/drafts/<int:draft_id>/delete",
        "/workbench/drafts/999999/delete",
        "login 403 403 404 404",
        "analysts and admins; no such draft",
    ),
]

ENDPOINTS = [
    # process versions: deploy, validate, read, diff, statistics, migration
    any_user("GET", f"{V1}/process-definitions", reason="what can be started and read; no case data"),
    row(
        "POST",
        f"{V1}/process-definitions",
        None,
        "401 403 403 ok ok",
        "analysts and admins deploy",
        xml=two_step("role_table_deploy"),
    ),
    row(
        "POST",
        f"{V1}/process-definitions/validate",
        None,
        "401 403 403 ok ok",
        "analysts and admins check a diagram before a deploy",
        xml=two_step("role_table_validate"),
    ),
    any_user(
        "GET",
        f"{V1}/process-definitions/<key>/versions/<int:version>/xml",
        f"{V1}/process-definitions/{{key}}/versions/{{version}}/xml",
        reason="a diagram holds no case data",
    ),
    row(
        "GET",
        f"{V1}/process-definitions/<key>/versions/<int:version>/files",
        f"{V1}/process-definitions/{{key}}/versions/{{version}}/files",
        "401 403 403 ok ok",
        "analysts and admins read a version's forms and decision tables",
    ),
    row(
        "GET",
        f"{V1}/process-definitions/<key>/versions/<int:version>/files/<path:name>",
        f"{V1}/process-definitions/{{key}}/versions/{{version}}/files/forms/confirm_record.json",
        "401 403 403 ok ok",
        "analysts and admins read a version's forms and decision tables",
    ),
    row(
        "GET",
        f"{V1}/process-definitions/<key>/versions/<int:a>/diff/<int:b>",
        f"{V1}/process-definitions/{{key}}/versions/{{version}}/diff/{{version}}",
        "401 403 403 ok ok",
        "analysts and admins (a version against itself: no change)",
    ),
    row(
        "POST",
        f"{V1}/process-definitions/<key>/versions/<int:version>/migration-plan",
        f"{V1}/process-definitions/{{key}}/versions/{{version}}/migration-plan",
        "401 403 403 404 404",
        "analysts and admins dry-run; to a version the process does not have",
        json={"to_version": 999},
    ),
    row(
        "POST",
        f"{V1}/process-definitions/<key>/versions/<int:version>/migrate",
        f"{V1}/process-definitions/{{key}}/versions/{{version}}/migrate",
        "401 403 403 404 404",
        "analysts and admins migrate; to a version the process does not have",
        json={"to_version": 999, "instance_ids": [1]},
    ),
    row(
        "GET",
        f"{V1}/process-definitions/<key>/versions/<int:version>/statistics",
        f"{V1}/process-definitions/{{key}}/versions/{{version}}/statistics",
        "401 403 403 ok ok",
        "analysts and admins",
    ),
    # the editors: the form preview, the modeler's handler and group pickers
    row(
        "POST",
        f"{V1}/forms/preview",
        None,
        "401 403 403 ok ok",
        "analysts and admins: the form editor's checks and preview",
        json={"schema": {"type": "object", "properties": {}}},
    ),
    row("GET", f"{V1}/handlers", None, "401 403 403 ok ok", "the modeler's handler picker: analysts and admins"),
    row("GET", f"{V1}/groups", None, "401 403 403 ok ok", "the modeler's group picker: analysts and admins"),
    # simulation runs: analysts and admins; analyst owns {simulation}, admins see every run
    row("POST", f"{V1}/simulations", None, "401 403 403 ok ok", "the workbench", json={"process_key": COMPLAINT}),
    row("GET", f"{V1}/simulations", None, "401 403 403 ok ok", "the workbench: one's own runs"),
    row(
        "GET",
        f"{V1}/simulations/<int:run_id>",
        f"{V1}/simulations/{{simulation}}",
        "401 403 403 ok ok",
        "its owner and admins",
    ),
    row(
        "GET",
        f"{V1}/simulations/<int:run_id>/xml",
        f"{V1}/simulations/{{simulation}}/xml",
        "401 403 403 ok ok",
        "its owner and admins",
    ),
    row(
        "POST",
        f"{V1}/simulations/<int:run_id>/tasks/<task_id>/complete",
        f"{V1}/simulations/{{simulation}}/tasks/{{simulation_task}}/complete",
        "401 403 403 ok ok",
        "its owner and admins",
        json={"data": CONFIRM},
    ),
    row(
        "POST",
        f"{V1}/simulations/<int:run_id>/clock",
        f"{V1}/simulations/{{simulation}}/clock",
        "401 403 403 ok ok",
        "its owner and admins",
        json={"advance_seconds": 3600},
    ),
    row(
        "DELETE",
        f"{V1}/simulations/<int:run_id>",
        f"{V1}/simulations/{{simulation}}",
        "401 403 403 ok ok",
        "its owner and admins",
    ),
    # the modeler: drafts and the timer preview (analysts and admins; 999999 is nobody's draft)
    row("GET", f"{V1}/drafts", None, "401 403 403 ok ok", "analysts and admins: their own drafts"),
    row(
        "POST",
        f"{V1}/drafts",
        None,
        "401 403 403 ok ok",
        "analysts and admins start a draft (a blank diagram here)",
        json={"name": "role table draft"},
    ),
    nobodys_draft("GET"),
    nobodys_draft("PATCH", json={"name": "x"}),
    nobodys_draft("DELETE"),
    nobodys_draft("GET", "/files/<path:name>", "/files/forms/x.json"),
    nobodys_draft("PUT", "/files/<path:name>", "/files/forms/x.json", json={}),
    nobodys_draft("DELETE", "/files/<path:name>", "/files/forms/x.json"),
    nobodys_draft("GET", "/download"),
    nobodys_draft("POST", "/deploy", json={"note": "x"}),
    row(
        "POST",
        f"{V1}/timers/preview",
        None,
        "401 403 403 ok ok",
        "the modeler's timer preview: analysts and admins",
        json={"kind": "timeDuration", "expression": "PT24H"},
    ),
]
