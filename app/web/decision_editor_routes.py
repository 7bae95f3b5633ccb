"""The decision-table editor (analysts and admins): dmn-js on a version's or a draft's ``.dmn`` file.

Opened with ``?key=K&version=V&name=T.dmn`` (the tables a deployed version owns) or
``?draft=ID&name=T.dmn`` (a table of the analyst's draft, saved back there with If-Match).
The page only says where the table is; static/js/decision_editor.js loads it into the editor.
"""

from __future__ import annotations

import re

from flask import render_template, request

from app.errors import Invalid
from app.web.blueprint import bp
from app.web.console_routes import require_analyst_or_admin
from app.web.security import login_required

TABLE_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.dmn$")
PROCESS_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,199}$")


def _arg(name: str, pattern: re.Pattern[str]) -> str:
    value = request.args.get(name, "")
    if value and not pattern.match(value):
        raise Invalid(f"{name} is not valid", code="invalid_argument", details=[{"field": name, "message": "bad"}])
    return value


@bp.get("/workbench/decisions/edit")
@login_required
def decision_editor() -> str:
    require_analyst_or_admin()
    name = _arg("name", TABLE_FILE)
    key = _arg("key", PROCESS_KEY)
    version = _arg("version", re.compile(r"^[1-9][0-9]{0,8}$"))
    draft = _arg("draft", re.compile(r"^[1-9][0-9]{0,17}$"))
    if not name or not (draft or (key and version)):
        raise Invalid(
            "say which table: name with draft, or name with key and version",
            code="invalid_argument",
            details=[{"field": "name", "message": "required, with draft or key and version"}],
        )
    if draft:
        source = f"/api/v1/drafts/{draft}/files/{name}"
    else:
        source = f"/api/v1/process-definitions/{key}/versions/{version}/files/{name}"
    return render_template("decision_editor.html", name=name, key=key, version=version, draft=draft, source=source)
