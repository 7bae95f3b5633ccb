"""The product's codes in words: escalation roles, groups, escalation reasons and SLA rule names,
so that no page shows ``provincial_manager`` or ``general_24h`` to a person."""

from __future__ import annotations

import re

from flask_babel import gettext, lazy_gettext

from app.services.people import GROUPS
from app.web.complaint_view import CRITERIA
from app.web.presenters import group_name

# The escalation roles of the procedures (shared/domain.md §3); groups have their own names.
ROLES = {
    "city_manager": lazy_gettext("City manager"),
    "provincial_manager": lazy_gettext("Provincial manager"),
    "regional_manager": lazy_gettext("Regional manager"),
    "store_manager": lazy_gettext("Store manager"),
    "sales_director": lazy_gettext("Sales director"),
    "centre_general_manager": lazy_gettext("Centre general manager"),
    "vice_president": lazy_gettext("Vice president"),
    "cs_head": lazy_gettext("Head of customer service"),
    "distributor_head": lazy_gettext("Head of distribution"),
}

GRADES = {
    "general": lazy_gettext("General complaint"),
    "important": lazy_gettext("Important complaint"),
    "major": lazy_gettext("Major complaint"),
    "crisis": lazy_gettext("Crisis"),
}
SALES_SOURCES = {"internal": lazy_gettext("internal"), "external": lazy_gettext("external")}
_GRADE_RULE = re.compile(r"^(general|important|major|crisis)_(\d+)h$")
_SALES_RULE = re.compile(r"^sales_(internal|external)_(\d+)_working_days$")


def sla_rule(code: str) -> str | None:
    """``general_24h`` → "General complaint: within 24 hours"; None if not an SLA rule name."""
    if match := _GRADE_RULE.match(code):
        return gettext("%(grade)s: within %(n)s hours", grade=GRADES[match.group(1)], n=match.group(2))
    if match := _SALES_RULE.match(code):
        return gettext(
            "Sales complaint (%(source)s): by the end of working day %(n)s",
            source=SALES_SOURCES[match.group(1)],
            n=match.group(2),
        )
    return None


def word_for(code: str) -> str | None:
    """A role, group, escalation reason or SLA rule in the page's language; None for anything else."""
    if code in ROLES:
        return str(ROLES[code])
    if code in GROUPS:
        return group_name(code)
    if code in CRITERIA:
        return str(CRITERIA[code])
    return sla_rule(code)


def in_words(value: object) -> str:
    """``value`` as text, with a code replaced by its words."""
    text = str(value)
    return word_for(text) or text if isinstance(value, str) else text
