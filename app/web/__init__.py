"""Browser UI: server-rendered pages in Chinese and English over the same services as the API."""

from app.web import (
    decision_editor_routes,  # noqa: F401  (the decision-table editor, on the web blueprint)
    form_editor_routes,  # noqa: F401  (the form editor, on the web blueprint)
    instance_list_routes,  # noqa: F401  (routes on the web blueprint)
)
