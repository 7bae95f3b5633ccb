"""The sales volumes page (rule 8.1's complaint rate): the volumes kept, an upload of a CSV / XLSX
file and a one-row form for analysts and admins; read-only for the readers of reports."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app.errors import Invalid, PayloadTooLarge
from app.http import db
from app.models import User
from app.services import sales_volumes
from app.web.blueprint import bp
from app.web.security import login_required, signed_in_user


def _page(user: User, error: Invalid | PayloadTooLarge | None = None, posted: dict[str, str] | None = None) -> Any:
    first, last = sales_volumes.month_range(request.args.get("from"), request.args.get("to"))
    return render_template(
        "sales_volumes.html",
        volumes=sales_volumes.listed(db(), first, last),
        first=first,
        last=last,
        may_keep=sales_volumes.may_keep(user),
        error=error,
        posted=posted or {},
    )


@bp.get("/reports/sales-volumes")
@login_required
def sales_volumes_page() -> Any:
    user = signed_in_user()
    sales_volumes.require_reader(user)
    return _page(user)


@bp.post("/reports/sales-volumes")
@login_required
def sales_volumes_save() -> Any:
    user = signed_in_user()
    sales_volumes.require_keeper(user)
    upload = request.files.get("file")
    posted = {k: request.form.get(k, "") for k in sales_volumes.COLUMNS}
    try:
        if upload is not None and upload.filename:
            content = upload.read(sales_volumes.MAX_FILE_BYTES + 1)
            rows = sales_volumes.rows_of_file(upload.filename, content)
        else:
            rows = [posted]
        volumes = sales_volumes.checked_rows(rows)
        saved = sales_volumes.save(db(), volumes, user)
    except (Invalid, PayloadTooLarge) as err:
        db().rollback()
        return _page(user, err, posted), err.status
    flash(gettext("%(n)d sales volumes saved.", n=saved["saved"]), "success")
    months = sorted(v.month for v in volumes)  # show the months just saved
    shown: dict[str, Any] = {"from": months[0], "to": months[-1]}
    return redirect(url_for("web.sales_volumes_page", **shown))
