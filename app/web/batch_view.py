"""The batch a complaint is linked to (rule 3.7), as the instance page shows it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext

from app.services.forms import VersionForms
from app.web.forms_render import enum_label

KINDS = {
    "same_batch": lazy_gettext("Same batch number"),
    "plant_date": lazy_gettext("Same plant and production date"),
    "adjacent_dates": lazy_gettext("Same plant, adjacent production dates"),
    "consumers": lazy_gettext("6 or more independent consumers, same production date"),
}


@dataclass
class BatchPanel:
    id: int
    criterion: str
    product: str
    problem: str
    shared: str  # the batch number, plant or production date the complaints share
    case_count: int
    review_instance_id: int | None
    recall_decided: bool | None


def panel(batch: Mapping[str, Any] | None, forms: VersionForms, lang: str) -> BatchPanel | None:
    """The page's batch card (None: the complaint is in no batch)."""
    if batch is None:
        return None
    schema = forms.start_schema("complaint_handling") or {}
    product = ((schema.get("properties") or {}).get("product") or {}).get("properties") or {}
    shared = [str(batch[k]) for k in ("batch_number", "plant", "production_date") if batch.get(k)]
    return BatchPanel(
        id=int(batch["id"]),
        criterion=str(KINDS.get(str(batch["kind"]), batch["kind"])),
        product=str(batch["product_name"]),
        problem=enum_label(product.get("problem") or {}, batch["problem"], lang),
        shared=" / ".join(shared),
        case_count=int(batch["case_count"]),
        review_instance_id=batch.get("review_instance_id"),
        recall_decided=batch.get("recall_decided"),
    )
