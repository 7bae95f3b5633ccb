"""Sales volumes, the complaint rate's denominator (rule 8.1): read by the readers of reports and
by analysts, kept by analysts and admins as JSON rows or an uploaded CSV / XLSX file."""

from __future__ import annotations

from typing import Any

from flask import request

from app.api.blueprint import bp
from app.api.request_input import json_body
from app.api.upload_input import one_upload
from app.http import current_user, db
from app.models import User
from app.services import sales_volumes


def _user() -> User:
    user = current_user()
    assert user is not None
    return user


@bp.get("/reports/sales-volumes")
def sales_volume_list() -> Any:
    sales_volumes.require_reader(_user())
    first, last = sales_volumes.month_range(request.args.get("from"), request.args.get("to"))
    return {"from": first, "to": last, "volumes": sales_volumes.listed(db(), first, last)}


@bp.put("/reports/sales-volumes")
def sales_volume_rows() -> Any:
    user = _user()
    sales_volumes.require_keeper(user)
    volumes = sales_volumes.checked_rows(json_body().get("volumes"))
    return sales_volumes.save(db(), volumes, user)


@bp.post("/reports/sales-volumes/upload")
def sales_volume_upload() -> Any:
    user = _user()
    sales_volumes.require_keeper(user)
    upload = one_upload()
    rows = sales_volumes.rows_of_file(upload.filename or "", upload.read(sales_volumes.MAX_FILE_BYTES + 1))
    return sales_volumes.save(db(), sales_volumes.checked_rows(rows), user)
