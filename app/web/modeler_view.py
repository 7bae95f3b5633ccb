"""The modeler page's data: where the diagram comes from, which workbench endpoints this server
answers (an endpoint it lacks is left out, so the page falls back to free text instead of calling
it), the forms it knows, and every word the page's script shows, translated."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from app.http import runtime, session_csrf_token
from app.web.workbench_pages import draft_editors

API = "/api/v1"
MAX_FORMS = 500  # the picker lists at most this many form keys


def routed(path: str, method: str) -> str:
    """``path`` if this server has a route for it with ``method``, else ``""``."""
    try:
        current_app.url_map.bind("localhost").match(path, method=method)
    except HTTPException:
        return ""
    return path


def workbench_urls() -> dict[str, str]:
    """The endpoints the page's script calls; the optional ones only when this server has them."""
    drafts = f"{API}/drafts"
    return {
        "validate": routed(f"{API}/process-definitions/validate", "POST"),
        "groups": routed(f"{API}/groups", "GET"),
        "handlers": routed(f"{API}/handlers", "GET"),
        "timer_preview": routed(f"{API}/timers/preview", "POST"),
        "version_files_pattern": API + "/process-definitions/{key}/versions/{version}/files"
        if routed(f"{API}/process-definitions/k/versions/1/files", "GET")
        else "",
        "drafts": drafts,
        "draft_files_pattern": drafts + "/{id}/files",
        "draft_deploy_pattern": drafts + "/{id}/deploy",
        "draft_page_pattern": url_for("web.modeler_draft", draft_id=0).replace("/0", "/{id}"),
        "simulations": routed(f"{API}/simulations", "POST"),
        "simulation_page_pattern": url_for("web.simulation", run_id=0).replace("/0", "/{id}"),
    }


def known_forms() -> list[str]:
    """Form keys this server has (``forms/<key>.json``, start forms left out), for the form picker."""
    folder = runtime().forms.folder
    keys = sorted(p.stem for p in folder.glob("*.json") if not p.stem.endswith(".start"))
    return keys[:MAX_FORMS]


def labels() -> dict[str, str]:
    """Every sentence the modeler's script shows; ``{name}`` marks what it fills in."""
    return {
        "imported": gettext("Opened {name}: {count} elements."),
        "imported_warnings": gettext("Opened {name}: {count} elements, {warnings} import warnings."),
        "import_failed": gettext("{name} could not be opened: {error}"),
        "load_failed": gettext("The diagram could not be loaded: {error}"),
        "saving": gettext("Saving the draft…"),
        "saved": gettext("Draft saved."),
        "save_failed": gettext("The draft was not saved: {error}"),
        "drafts_unavailable": gettext("Drafts are not available on this server (404)."),
        "draft_stale": gettext("The draft was changed elsewhere since you opened it (409): reload it first."),
        "deploying": gettext("Deploying…"),
        "deployed": gettext("Deployed: {versions}."),
        "deploy_failed": gettext("Not deployed: {error}"),
        "deploy_needs_draft": gettext("Save the diagram as a draft first; a draft is what gets deployed."),
        "simulating": gettext("Saving the draft and starting a simulation run…"),
        "simulate_failed": gettext("No simulation run: {error}"),
        "lint_busy": gettext("Validating…"),
        "lint_clean": gettext("No errors, no warnings."),
        "lint_counts": gettext("{errors} errors, {warnings} warnings"),
        "lint_failed": gettext("Validation failed:"),
        "lint_unavailable": gettext("Validation is not available on this server."),
        "lint_error": gettext("Error"),
        "lint_warning": gettext("Warning"),
        "group_product": gettext("Runs in this product"),
        "group_candidate_groups": gettext("Candidate groups"),
        "stored_as": gettext("Stored as {where}."),
        "form": gettext("Form"),
        "form_none": gettext("(no form)"),
        "form_unknown": gettext("{value} (not among the known forms)"),
        "lane_group": gettext("Group of this lane (candidate group)"),
        "lane_group_help": gettext("The lane's name is the group whose members may take its tasks."),
        "group_none": gettext("(no group)"),
        "group_unknown": gettext("{value} (no such group)"),
        "candidate_groups": gettext("Candidate groups (comma-separated)"),
        "candidate_groups_lane": gettext("Empty: the group of its lane, {lane}."),
        "assignee": gettext("Assignee expression"),
        "assignee_help": gettext("Who gets the task, e.g. registered_by."),
        "handler": gettext("Handler"),
        "handler_none": gettext("(choose a handler)"),
        "handler_unknown": gettext("{value} (not a registered handler)"),
        "handler_help": gettext("The name of a registered handler."),
        "handler_result": gettext("Its result has: {keys}."),
        "result_variable": gettext("Result variable"),
        "parameter_help": gettext("An expression over the case data."),
        "pre_script": gettext("Script before the step"),
        "post_script": gettext("Script after the step"),
        "timer_preview": gettext("Preview"),
        "timer_due": gettext("due {due} if it started now"),
        "timer_invalid": gettext("This timer does not parse."),
        "timer_preview_busy": gettext("Computing…"),
        "timer_preview_failed": gettext("No preview:"),
        "timer_preview_missing": gettext("The timer preview is not available on this server."),
        "calendar_helper": gettext("Business calendar"),
        "calendar_working_days": gettext("n working days later"),
        "calendar_working_hours": gettext("n working hours later"),
        "calendar_end_of_working_day": gettext("end of the n-th working day"),
        "calendar_amount": gettext("n"),
        "calendar_use": gettext("Use"),
        "calendar_help": gettext("Sets the timer to a date counted on the business calendar."),
    }


def panel_words() -> dict[str, str]:
    """The modeler's own English words (palette, context pad, properties panel) that we translate."""
    words = {
        "General": gettext("General"),
        "Name": gettext("Name"),
        "ID": gettext("ID"),
        "Documentation": gettext("Documentation"),
        "Element documentation": gettext("Element documentation"),
        "Timer": gettext("Timer"),
        "Type": gettext("Type"),
        "Value": gettext("Value"),
        "Condition": gettext("Condition"),
        "Expression": gettext("Expression"),
        "Script": gettext("Script"),
        "Format": gettext("Format"),
        "Implementation": gettext("Implementation"),
        "User assignment": gettext("User assignment"),
        "Assignee": gettext("Assignee"),
        "Candidate groups": gettext("Candidate groups"),
        "Candidate users": gettext("Candidate users"),
        "Due date": gettext("Due date"),
        "Follow up date": gettext("Follow up date"),
        "Priority": gettext("Priority"),
        "Forms": gettext("Forms"),
        "Form key": gettext("Form key"),
        "Date": gettext("Date"),
        "Duration": gettext("Duration"),
        "Cycle": gettext("Cycle"),
        "Executable": gettext("Executable"),
        "Create start event": gettext("Create start event"),
        "Create end event": gettext("Create end event"),
        "Create task": gettext("Create task"),
        "Create gateway": gettext("Create gateway"),
        "Create intermediate/boundary event": gettext("Create intermediate/boundary event"),
        "Create pool/participant": gettext("Create pool/participant"),
        "Append task": gettext("Append task"),
        "Append end event": gettext("Append end event"),
        "Append gateway": gettext("Append gateway"),
        "Change element": gettext("Change element"),
        "Delete": gettext("Delete"),
        "Connect to other element": gettext("Connect to other element"),
    }
    return {english: said for english, said in words.items() if said != english}


def modeler_page(
    *,
    mode: str,
    title: str,
    process_key: str | None,
    version: int | None,
    draft_id: int | None,
    draft_files: list[str] | None = None,
) -> str:
    """The modeler for a deployed version (``mode="version"``), a draft (with its files' names),
    or a new diagram."""
    urls = workbench_urls()
    if mode == "version" and process_key is not None and version is not None:
        urls["xml"] = url_for("api.definition_xml", key=process_key, version=version)
    if draft_id is not None:
        urls["draft"] = f"{API}/drafts/{draft_id}"
        urls["draft_files"] = urls["draft_files_pattern"].replace("{id}", str(draft_id))
        urls["draft_deploy"] = urls["draft_deploy_pattern"].replace("{id}", str(draft_id))
    config: dict[str, Any] = {
        "mode": mode,
        "process_key": process_key,
        "version": version,
        "draft_id": draft_id,
        "urls": urls,
        "forms": known_forms(),
        "labels": labels(),
        "panel_words": panel_words(),
        "csrf_token": session_csrf_token(),  # sent as X-CSRF-Token with every change
    }
    editors = draft_editors(draft_id, draft_files or []) if draft_id is not None else []
    return render_template("modeler.html", modeler_config=config, title=title, mode=mode, editors=editors)
