"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

from app import create_app
from app.scheduling import start_scheduler

app = create_app()
if app.extensions["runtime"].settings.scheduler_enabled:
    start_scheduler(app)
