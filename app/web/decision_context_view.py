"""The decision context of a task page (``templates/_decision_context.html``): the case's
earlier steps, each titled with its task, who and when, each field labelled with that step's
own form in the page's language; enum codes as their titles, booleans as yes/no, amounts in yuan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from sqlalchemy.orm import Session

from app.services.decision_context import Step, context_forms, earlier_steps
from app.services.forms import VersionForms
from app.web.forms_render import localized, schema_type
from app.web.presenters import bilingual, local_time
from app.web.variables_view import display_value


@dataclass
class StepView:
    title: str
    form_key: str | None
    actor: str
    at: str
    focus: bool
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class DecisionContext:
    steps: list[StepView]
    more: bool  # older steps left out (the case page has the whole history)

    @property
    def focus(self) -> list[StepView]:
        return [s for s in self.steps if s.focus]


def decision_context(
    session: Session, forms: VersionForms, instance_id: int, form_key: str | None, lang: str
) -> DecisionContext:
    """The earlier steps of the case, newest first, those the task's form declares marked."""
    steps, more = earlier_steps(session, instance_id, focus_forms=context_forms(forms.schema(form_key)))
    return DecisionContext([_step_view(s, forms, lang) for s in steps], more)


def _step_view(step: Step, forms: VersionForms, lang: str) -> StepView:
    schema = forms.schema(step.form_key)
    return StepView(
        title=bilingual(step.name, lang),
        form_key=step.form_key,
        actor=bilingual(step.actor_name, lang) if step.actor_name else step.actor or gettext("the system"),
        at=local_time(step.at),
        focus=step.focus,
        fields=labelled_fields(schema, step.data, lang),
    )


def labelled_fields(
    node: Mapping[str, Any], data: Mapping[str, Any], lang: str, prefix: str = ""
) -> list[tuple[str, str]]:
    """(label, value) for each filled field, in the form's order; nested objects as
    "Complainant: Name". Keys the form does not declare are left out (never a raw key)."""
    rows: list[tuple[str, str]] = []
    for key, prop in (node.get("properties") or {}).items():
        if key not in data or not isinstance(prop, Mapping):
            continue
        value = data[key]
        label = prefix + localized(prop, lang, fallback=key.replace("_", " ").capitalize())
        if schema_type(prop) == "object" and isinstance(value, Mapping):
            rows.extend(labelled_fields(prop, value, lang, prefix=f"{label}: "))
            continue
        if value is None or value == "" or value == []:
            continue
        rows.append((label, field_value(value, prop, lang)))
    return rows


def field_value(value: Any, prop: Mapping[str, Any], lang: str) -> str:
    """A submitted value as a person reads it; numbers of an amount field with the currency."""
    text = display_value(value, prop, lang)
    if is_amount(prop) and isinstance(value, int | float) and not isinstance(value, bool):
        return gettext("%(amount)s yuan", amount=f"{value:,.2f}".rstrip("0").rstrip("."))
    return text


def is_amount(prop: Mapping[str, Any]) -> bool:
    """An amount of money: ``"x-unit": "yuan"``, or a number titled "... (yuan)"."""
    if prop.get("x-unit") == "yuan":
        return True
    return schema_type(prop) in ("number", "integer") and "yuan" in str(prop.get("title", "")).lower()
