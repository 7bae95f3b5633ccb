"""The "My responsibility findings" page and the employee's appeal (rule 7.4)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app.errors import AppError, Conflict, Invalid
from app.http import db, runtime
from app.services import finding_appeals
from app.web import finding_view
from app.web.blueprint import bp
from app.web.security import login_required, signed_in_user


def _page(employee: str | None, *, error: str | None = None, failed_id: int | None = None) -> str:
    user = signed_in_user()
    findings = finding_appeals.list_for(db(), user, employee)
    return render_template(
        "findings.html",
        employee=employee or user.username,
        rows=finding_view.finding_rows(findings, user),
        error=error,
        failed_id=failed_id,
    )


@bp.get("/findings")
@login_required
def findings_page() -> str:
    return _page(request.args.get("employee") or None)


@bp.post("/findings/<int:finding_id>/appeal")
@login_required
def findings_appeal(finding_id: int) -> Any:
    user = signed_in_user()
    try:
        finding_appeals.appeal(runtime(), db(), user, finding_id, request.form.get("appeal_reason", ""))
    except (Invalid, Conflict) as err:
        db().rollback()
        return _page(None, error=finding_view.appeal_error_text(err), failed_id=finding_id), err.status
    except AppError:
        db().rollback()
        raise
    flash(gettext("Your appeal was sent to the supervision and evaluation group."), "success")
    return redirect(url_for("web.findings_page"))
