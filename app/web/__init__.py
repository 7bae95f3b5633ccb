"""Browser UI: server-rendered pages in Chinese and English over the same services as the API."""
