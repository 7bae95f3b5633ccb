"""The case page's diagram panel: one element's history as an HTML fragment for the viewer script."""

from __future__ import annotations

from app.http import db, runtime
from app.services import instances
from app.web.blueprint import bp
from app.web.diagram_view import element_history_panel
from app.web.security import login_required, signed_in_user


@bp.get("/instances/<int:instance_id>/elements/<element_id>/history")
@login_required
def element_history(instance_id: int, element_id: str) -> str:
    model = instances.get_viewable(db(), signed_in_user(), instance_id, read="diagram")
    return element_history_panel(runtime(), db(), model, element_id)
