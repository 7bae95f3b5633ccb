"""Browser UI: server-rendered pages in Chinese and English over the same services as the API."""

from app.web import instance_list_routes  # noqa: F401  (routes on the web blueprint)
from app.web import workbench_routes  # noqa: F401  (the workbench's pages, on the web blueprint)
