"""What each page shows, gathered from the services; the routes only choose which page."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from flask import render_template, url_for
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from app.clock import utcnow
from app.errors import AppError, Invalid
from app.models import ProcessInstance, TaskRecord, User
from app.runtime import Runtime
from app.services import (
    attachments,
    conflicts,
    element_names,
    notifications,
    task_lists,
    tasks,
    user_fields,
    visibility,
)
from app.services.instance_details import describe
from app.web import (
    attachment_view,
    batch_view,
    complaint_view,
    conflict_view,
    diagram_view,
    form_input,
    history_view,
    notification_view,
    queries,
    timing,
)
from app.web.decision_context_view import decision_context
from app.web.forms_render import build_fields, display_values, localized
from app.web.presenters import current_lang
from app.web.variables_view import describe_variables, key_facts, property_index, required_fields


def form_context(
    schema: Mapping[str, Any],
    *,
    values: Mapping[str, str],
    error: AppError | None = None,
    attachment_choices: Mapping[str, str] | None = None,
    user_choices: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The fields of a form, with the errors of a refused submission next to their inputs."""
    if isinstance(values, MultiDict):  # a posted form: ticked attachment boxes are one value each
        values = {key: "\n".join(values.getlist(key)) for key in values}
    per_field: dict[str, str] = {}
    general: list[str] = []
    if isinstance(error, Invalid):
        per_field, general = form_input.field_errors(error.details, form_input.field_names(schema), schema)
    lang = current_lang()
    return {
        "form_title": localized(schema, lang),
        "fields": build_fields(schema, values, per_field, lang, attachment_choices, user_choices),
        "form_errors": general,
        "error": error,
    }


def task_page(
    rt: Runtime,
    session: Session,
    user: User,
    row: TaskRecord,
    *,
    posted: Mapping[str, str] | None = None,
    error: AppError | None = None,
) -> str:
    """The task with its complaint's key facts, the earlier steps it decides on, its own deadline
    and its form (prefilled, or as the user typed it); read-only while the case is suspended.
    Reads rows only: no engine state is loaded to show a task."""
    model = queries.instance_for_page(session, row.instance_id)
    forms = rt.forms.of(session, model.definition)  # the instance's version's forms
    schema = forms.schema(row.form_key)
    variables = model.variables or {}
    values = (
        posted if posted is not None else display_values(schema, tasks.prefill_for(session, row, schema, variables))
    )
    lang = current_lang()
    suspended = model.status == "suspended"
    files = attachments.for_instance(session, model.id)
    excluded = conflicts.exclusion(session, row, user.username)
    return render_template(
        "task.html",
        task=row,
        instance=model,
        attachments=[attachment_view.item(a) for a in files],
        upload_url=url_for("web.upload_attachment", instance_id=model.id),
        upload_task_id=row.id,
        facts=key_facts(model.business_key, variables, property_index(forms), lang),
        instructions=queries.task_instructions(rt, session, row),
        context=decision_context(session, forms, model.id, row.form_key, lang),
        deadline=timing.deadline(row, utcnow()),
        suspended=suspended,
        may_act=tasks.may_act(user, row) and row.state == "ready" and not suspended and excluded is None,
        exclusions=conflict_view.items(session, model.id, row.id),
        excluded_reason=conflict_view.reason_text(excluded) if excluded else None,
        **form_context(
            schema,
            values=values,
            error=error,
            attachment_choices=attachment_view.choices(files),
            user_choices=user_fields.active_user_choices(session) if user_fields.has_username_field(schema) else (),
        ),
    )


def start_page(
    schema: Mapping[str, Any] | None,
    process_key: str,
    process_name: str,
    *,
    posted: Mapping[str, str] | None = None,
    error: AppError | None = None,
    attachment_choices: Mapping[str, str] | None = None,
) -> str:
    return render_template(
        "start.html",
        process_key=process_key,
        process_name=process_name,
        upload_url=url_for("web.upload_pending_attachment"),
        **form_context(schema or {}, values=posted or {}, error=error, attachment_choices=attachment_choices),
    )


def inbox_page(session: Session, user: User, scope: str, sort: str, cursor: str | None) -> str:
    """One page of the inbox (oldest first, or by due time), a link to the next and a capped count."""
    rows, next_cursor = task_lists.page(session, user, scope=scope, sort=sort, cursor=cursor)
    count, exact = task_lists.capped_count(session, user, scope=scope)
    now = utcnow()
    return render_template(
        "inbox.html",
        tasks=rows,
        scope=scope,
        sort=sort,
        next_cursor=next_cursor,
        first_page=not cursor,
        total=count,
        total_is_exact=exact,
        due={t.id: timing.due(t.due_at, now) for t in rows},
        keys=queries.business_keys(session, (t.instance_id for t in rows)),
        suspended=queries.suspended_ids(session, (t.instance_id for t in rows)),
        process_names=queries.process_names(session),
        may_act={t.id: tasks.may_act(user, t) for t in rows},
    )


def instance_page(
    rt: Runtime,
    session: Session,
    model: ProcessInstance,
    user: User,
    *,
    contact_error: str | None = None,
    posted: Mapping[str, str] | None = None,
) -> str:
    """The instance with its timers, history and, for complaints, severity and the repeat-contact form."""
    details = describe(rt, session, model)
    variables = model.variables or {}
    forms = rt.forms.of(session, model.definition)
    index = property_index(forms)
    lang = current_lang()
    panel = complaint_view.contact_panel(
        model,
        forms,
        lang,
        may_view=complaint_view.is_complaint(model) and visibility.may_view(session, user, model),
        error=contact_error,
        posted=posted,
    )
    channels = dict(panel.channels) if panel else {}
    return render_template(
        "instance.html",
        instance=model,
        facts=key_facts(model.business_key, variables, index, lang),
        variables=describe_variables(variables, index, lang, required=required_fields(forms)),
        raw_variables=json.dumps(variables, ensure_ascii=False, indent=2, sort_keys=True),
        tasks=details.tasks,
        timers=timing.timer_views(details.timers, utcnow()),
        incidents=details.incidents,
        history=[(entry, history_view.summary(entry.type, entry.detail, channels, index)) for entry in details.history],
        element_names=element_names.names_of(session, {model.definition_id: model.definition.content_hash}).get(
            model.definition_id, {}
        ),
        contact=panel,
        diagram=diagram_view.viewer(model, details.tasks, details.timers, details.incidents, utcnow()),
        attachments=[attachment_view.item(a) for a in attachments.for_instance(session, model.id)],
        upload_url=url_for("web.upload_attachment", instance_id=model.id),
        may_upload=model.status not in attachments.CLOSED_STATUSES,
        exclusions=conflict_view.items(session, model.id),
        links=details.links,
        attitude_complaint=variables.get("attitude_complaint") is True,
        batch=batch_view.panel(details.batch, forms, lang),
    )


def notifications_page(session: Session, user: User, *, unread_only: bool) -> str:
    """The newest notifications, each titled in the reader's language with its time relative and absolute."""
    rows = notifications.for_user(session, user, unread_only=unread_only)
    now = utcnow()
    return render_template(
        "notifications.html",
        notifications=[
            (n, notification_view.title(n), notification_view.message(n), notification_view.moment(n.created_at, now))
            for n in rows
        ],
        kind_label=notification_view.kind_label,
        unread_only=unread_only,
        keys=queries.business_keys(session, (n.instance_id for n in rows if n.instance_id is not None)),
    )
