"""Browser UI: server-rendered pages in Chinese and English over the same services as the API."""

from app.web import instance_list_routes  # noqa: F401  (routes on the web blueprint)
