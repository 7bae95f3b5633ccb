"""The diagram viewer's reads: an instance's element states and one element's history.

Both answer 404 to a user who may not see the instance, exactly as for an unknown id, so the
answer never tells that a case exists.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from app.api.blueprint import bp
from app.api.views import history_view
from app.errors import NotFound
from app.http import current_user, db, runtime
from app.models import ProcessInstance
from app.services import confidential, diagrams, visibility


def viewable_or_404(instance_id: int) -> ProcessInstance:
    """The instance if the current user may see it; the same 404 for unknown and not visible."""
    user = current_user()
    assert user is not None
    model = db().get(ProcessInstance, instance_id)
    if model is None or not visibility.may_view(db(), user, model):
        raise NotFound(f"no process instance {instance_id}", code="unknown_instance")
    confidential.record_read(db(), user, model, "diagram")
    return model


@bp.get("/process-instances/<int:instance_id>/diagram")
def instance_diagram(instance_id: int) -> Any:
    model = viewable_or_404(instance_id)
    body = diagrams.diagram(runtime(), db(), model)
    xml_url = url_for("api.definition_xml", key=model.process_key, version=model.version)
    for call in body["calls"].values():  # a process of another diagram is drawn from its own XML
        version = call["version"]
        call["xml_url"] = url_for("api.definition_xml", key=call["process_key"], version=version) if version else None
    return {"process_key": body.pop("process_key"), "version": body.pop("version"), "xml_url": xml_url, **body}


@bp.get("/process-instances/<int:instance_id>/elements/<element_id>/history")
def element_history(instance_id: int, element_id: str) -> Any:
    model = viewable_or_404(instance_id)
    entries = diagrams.element_history(db(), model, element_id)
    return {"element_id": element_id, "items": [history_view(e) for e in entries]}
